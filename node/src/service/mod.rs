//! Node services. [`dev`] runs a relay-free development chain with manual seal; [`collator`]
//! runs under a relay chain. Both share the client, pool, RPC and off-chain workers built here.

pub mod collator;
pub mod dev;

use allora_runtime::{apis::RuntimeApi, opaque::Block};
use polkadot_sdk::{
	cumulus_client_consensus_common::ParachainBlockImport as TParachainBlockImport,
	cumulus_client_service::ParachainHostFunctions as CumulusHostFunctions,
	cumulus_primitives_core::{GetParachainInfo, ParaId},
	sc_client_api::Backend as _,
	sc_executor::{HeapAllocStrategy, WasmExecutor, DEFAULT_HEAP_ALLOC_STRATEGY},
	sc_network::service::traits::NetworkService,
	sc_offchain,
	sc_rpc::SubscriptionTaskExecutor,
	sc_service::{self, Configuration, PartialComponents, TFullBackend, TFullClient, TaskManager},
	sc_telemetry::{Telemetry, TelemetryWorker, TelemetryWorkerHandle},
	sc_transaction_pool,
	sc_transaction_pool_api::OffchainTransactionPoolFactory,
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_keystore::KeystorePtr,
};
use std::sync::Arc;

#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions = CumulusHostFunctions;
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions =
	(CumulusHostFunctions, polkadot_sdk::frame_benchmarking::benchmarking::HostFunctions);

pub type ParachainClient = TFullClient<Block, RuntimeApi, WasmExecutor<HostFunctions>>;
pub type ParachainBackend = TFullBackend<Block>;
pub type ParachainBlockImport =
	TParachainBlockImport<Block, Arc<ParachainClient>, ParachainBackend>;
pub type TransactionPool = sc_transaction_pool::TransactionPoolHandle<Block, ParachainClient>;

/// Client, backend, pool and telemetry: what both services and the chain-maintenance
/// subcommands need. The import queue is chosen by the caller.
pub type Partial = PartialComponents<
	ParachainClient,
	ParachainBackend,
	(),
	(),
	TransactionPool,
	(ParachainBlockImport, Option<Telemetry>, Option<TelemetryWorkerHandle>),
>;

pub fn new_partial(config: &Configuration) -> Result<Partial, sc_service::Error> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|endpoints| !endpoints.is_empty())
		.map(|endpoints| -> Result<_, polkadot_sdk::sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let heap_pages = config
		.executor
		.default_heap_pages
		.map_or(DEFAULT_HEAP_ALLOC_STRATEGY, |h| HeapAllocStrategy::Static { extra_pages: h as _ });
	let mut executor = WasmExecutor::<HostFunctions>::builder()
		.with_execution_method(config.executor.wasm_method)
		.with_max_runtime_instances(config.executor.max_runtime_instances)
		.with_runtime_cache_size(config.executor.runtime_cache_size)
		.with_onchain_heap_alloc_strategy(heap_pages)
		.with_offchain_heap_alloc_strategy(heap_pages);
	// A dev chain (often `--tmp`) keeps the compiled runtime across starts: compiling it takes
	// seconds on a small machine, and it is the same runtime every time.
	if config.chain_spec.chain_type() == sc_service::ChainType::Development {
		if let Some(dir) = crate::chain_spec::cache_dir() {
			executor = executor.with_cache_path(dir.join("wasmtime"));
		}
	}
	let executor = executor.build();

	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts_record_import::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			true,
			Default::default(),
		)?;
	let client = Arc::new(client);

	let telemetry_worker_handle = telemetry.as_ref().map(|(worker, _)| worker.handle());
	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let block_import = ParachainBlockImport::new(client.clone(), backend.clone());

	Ok(PartialComponents {
		backend,
		client,
		import_queue: (),
		keystore_container,
		task_manager,
		transaction_pool,
		select_chain: (),
		other: (block_import, telemetry, telemetry_worker_handle),
	})
}

/// The parachain id, as the runtime at the best block states it.
fn para_id(client: &ParachainClient) -> Result<ParaId, sc_service::Error> {
	client
		.runtime_api()
		.parachain_id(client.info().best_hash)
		.map_err(|e| sc_service::Error::Application(Box::new(e)))
}

/// Off-chain workers run on every imported block, with HTTP allowed: workers and reputers
/// fetch model outputs and ground truth over HTTP (pallet-offchain). Their roles come from
/// `--allora-config`, written into the node's persistent off-chain storage here; a start
/// without the flag clears them, so the flag alone says what a node does.
#[allow(clippy::too_many_arguments)]
fn start_offchain_workers(
	config: &Configuration,
	ocw_config: Option<pallet_offchain::OcwConfig>,
	client: Arc<ParachainClient>,
	backend: &ParachainBackend,
	keystore: KeystorePtr,
	transaction_pool: Arc<TransactionPool>,
	network: Arc<dyn NetworkService>,
	task_manager: &TaskManager,
) -> Result<(), sc_service::Error> {
	store_ocw_config(backend, ocw_config.as_ref())?;
	if !config.offchain_worker.enabled {
		if ocw_config.is_some() {
			log::warn!(
				target: pallet_offchain::LOG_TARGET,
				"--allora-config is set but off-chain workers are off (--offchain-worker)"
			);
		}
		return Ok(());
	}
	let offchain_workers = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
		runtime_api_provider: client.clone(),
		keystore: Some(keystore),
		offchain_db: backend.offchain_storage(),
		transaction_pool: Some(OffchainTransactionPoolFactory::new(transaction_pool)),
		network_provider: Arc::new(network),
		is_validator: config.role.is_authority(),
		enable_http_requests: true,
		custom_extensions: |_| vec![],
	})?;
	task_manager.spawn_handle().spawn(
		"offchain-workers-runner",
		"offchain-work",
		futures::FutureExt::boxed(offchain_workers.run(client, task_manager.spawn_handle())),
	);
	Ok(())
}

fn store_ocw_config(
	backend: &ParachainBackend,
	ocw_config: Option<&pallet_offchain::OcwConfig>,
) -> Result<(), sc_service::Error> {
	use codec::Encode;
	use polkadot_sdk::sp_core::offchain::OffchainStorage;
	let mut storage = backend
		.offchain_storage()
		.ok_or_else(|| sc_service::Error::Other("the database has no off-chain storage".into()))?;
	let key = pallet_offchain::config::CONFIG_KEY;
	match ocw_config {
		Some(ocw) => {
			storage.set(sc_offchain::STORAGE_PREFIX, key, &ocw.encode());
			log::info!(
				target: pallet_offchain::LOG_TARGET,
				"off-chain workers: {} worker and {} reputer roles from --allora-config",
				ocw.workers.len(),
				ocw.reputers.len()
			);
		}
		None => storage.remove(sc_offchain::STORAGE_PREFIX, key),
	}
	Ok(())
}

/// The RPC builder handed to `sc_service::spawn_tasks`.
fn rpc_builder(
	client: Arc<ParachainClient>,
	transaction_pool: Arc<TransactionPool>,
) -> Box<dyn Fn(SubscriptionTaskExecutor) -> Result<jsonrpsee::RpcModule<()>, sc_service::Error>> {
	Box::new(move |_| {
		crate::rpc::create_full(client.clone(), transaction_pool.clone())
			.map_err(sc_service::Error::Application)
	})
}
