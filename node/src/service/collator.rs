//! A parachain node under a relay chain: follows the relay chain, imports and (with
//! `--collator`) authors blocks with Aura's lookahead collator (async backing).

use super::{
	new_partial, para_id, rpc_builder, start_offchain_workers, ParachainBackend,
	ParachainBlockImport, ParachainClient, TransactionPool,
};
use allora_runtime::opaque::{Block, Hash};
use polkadot_sdk::{
	cumulus_client_cli::CollatorOptions,
	cumulus_client_collator::service::CollatorService,
	cumulus_client_consensus_aura::{
		collators::lookahead::{self as aura, Params as AuraParams},
		equivocation_import_queue::fully_verifying_import_queue,
	},
	cumulus_client_service::{
		build_network, build_relay_chain_interface, prepare_node_config, start_relay_chain_tasks,
		BuildNetworkParams, DARecoveryProfile, ParachainTracingExecuteBlock,
		StartRelayChainTasksParams,
	},
	cumulus_primitives_core::{
		relay_chain::{CollatorPair, ValidationCode},
		ParaId,
	},
	cumulus_relay_chain_interface::{OverseerHandle, RelayChainInterface},
	sc_basic_authorship::ProposerFactory,
	sc_consensus::{DefaultImportQueue, ImportQueue},
	sc_network::{config::FullNetworkConfiguration, NetworkBackend, NetworkBlock, PeerId},
	sc_service::{self, Configuration, TaskManager},
	sc_sysinfo::HwBench,
	sc_telemetry::TelemetryHandle,
	sp_consensus_aura::sr25519::AuthorityPair as AuraPair,
	sp_keystore::KeystorePtr,
	sp_timestamp,
	substrate_prometheus_endpoint::Registry,
};
use std::{sync::Arc, time::Duration};

const RELAY_CHAIN_SLOT_DURATION: Duration = Duration::from_secs(6);

/// Start the node with the network backend chosen by `--network-backend`.
pub async fn start(
	parachain_config: Configuration,
	relay_chain_config: Configuration,
	collator_options: CollatorOptions,
	hwbench: Option<HwBench>,
	ocw_config: Option<pallet_offchain::OcwConfig>,
) -> Result<TaskManager, sc_service::Error> {
	use polkadot_sdk::sc_network::config::NetworkBackendType;
	match parachain_config.network.network_backend {
		NetworkBackendType::Libp2p => {
			start_with::<polkadot_sdk::sc_network::NetworkWorker<Block, Hash>>(
				parachain_config,
				relay_chain_config,
				collator_options,
				hwbench,
				ocw_config,
			)
			.await
		}
		NetworkBackendType::Litep2p => {
			start_with::<polkadot_sdk::sc_network::Litep2pNetworkBackend>(
				parachain_config,
				relay_chain_config,
				collator_options,
				hwbench,
				ocw_config,
			)
			.await
		}
	}
}

async fn start_with<Net: NetworkBackend<Block, Hash>>(
	parachain_config: Configuration,
	relay_chain_config: Configuration,
	collator_options: CollatorOptions,
	hwbench: Option<HwBench>,
	ocw_config: Option<pallet_offchain::OcwConfig>,
) -> Result<TaskManager, sc_service::Error> {
	let parachain_config = prepare_node_config(parachain_config);
	let partial = new_partial(&parachain_config)?;
	let (block_import, mut telemetry, telemetry_worker_handle) = partial.other;
	let client = partial.client;
	let backend = partial.backend;
	let transaction_pool = partial.transaction_pool;
	let mut task_manager = partial.task_manager;
	let keystore = partial.keystore_container.keystore();

	let import_queue = verifying_import_queue(
		&parachain_config,
		client.clone(),
		block_import.clone(),
		&task_manager,
		telemetry.as_ref().map(|t| t.handle()),
	);

	let para_id = para_id(&client)?;
	let (relay_chain_interface, collator_key, relay_chain_network, _paranode_requests) =
		build_relay_chain_interface(
			relay_chain_config,
			&parachain_config,
			telemetry_worker_handle,
			&mut task_manager,
			collator_options,
			hwbench.clone(),
		)
		.await
		.map_err(|e| sc_service::Error::Application(Box::new(e)))?;

	let validator = parachain_config.role.is_authority();
	let prometheus_registry = parachain_config.prometheus_registry().cloned();
	let import_queue_service = import_queue.service();
	let net_config = FullNetworkConfiguration::<Block, Hash, Net>::new(
		&parachain_config.network,
		prometheus_registry.clone(),
	);
	let metrics = Net::register_notification_metrics(prometheus_registry.as_ref());
	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		build_network(BuildNetworkParams {
			parachain_config: &parachain_config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			para_id,
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			relay_chain_interface: relay_chain_interface.clone(),
			import_queue,
			metrics,
			gap_sync_body_policy: None,
		})
		.await?;

	start_offchain_workers(
		&parachain_config,
		ocw_config,
		client.clone(),
		&backend,
		keystore.clone(),
		transaction_pool.clone(),
		network.clone(),
		&task_manager,
	)?;

	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		rpc_builder: rpc_builder(client.clone(), transaction_pool.clone()),
		client: client.clone(),
		transaction_pool: transaction_pool.clone(),
		task_manager: &mut task_manager,
		config: parachain_config,
		keystore: keystore.clone(),
		backend: backend.clone(),
		network,
		sync_service: sync_service.clone(),
		system_rpc_tx,
		tx_handler_controller,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: Some(Arc::new(ParachainTracingExecuteBlock::new(client.clone()))),
	})?;

	if let Some(hwbench) = hwbench {
		polkadot_sdk::sc_sysinfo::print_hwbench(&hwbench);
	}

	let announce_block = {
		let sync_service = sync_service.clone();
		Arc::new(move |hash, data| sync_service.announce_block(hash, data))
	};
	let overseer_handle = relay_chain_interface
		.overseer_handle()
		.map_err(|e| sc_service::Error::Application(Box::new(e)))?;

	start_relay_chain_tasks(StartRelayChainTasksParams {
		client: client.clone(),
		announce_block: announce_block.clone(),
		para_id,
		relay_chain_interface: relay_chain_interface.clone(),
		task_manager: &mut task_manager,
		da_recovery_profile: if validator {
			DARecoveryProfile::Collator
		} else {
			DARecoveryProfile::FullNode
		},
		import_queue: import_queue_service,
		relay_chain_slot_duration: RELAY_CHAIN_SLOT_DURATION,
		recovery_handle: Box::new(overseer_handle.clone()),
		sync_service,
		prometheus_registry: prometheus_registry.as_ref(),
	})?;

	if validator {
		let collator_key = collator_key
			.ok_or_else(|| sc_service::Error::Other("a collator needs a collator key".into()))?;
		start_aura_collator(AuraCollator {
			client,
			backend,
			block_import,
			prometheus_registry: prometheus_registry.as_ref(),
			telemetry: telemetry.as_ref().map(|t| t.handle()),
			task_manager: &task_manager,
			relay_chain_interface,
			transaction_pool,
			keystore,
			para_id,
			collator_key,
			collator_peer_id: relay_chain_network.local_peer_id(),
			overseer_handle,
			announce_block,
		});
	}

	Ok(task_manager)
}

/// The import queue of a parachain node: checks each block's Aura seal and author, and reports
/// equivocations.
pub fn verifying_import_queue(
	config: &Configuration,
	client: Arc<ParachainClient>,
	block_import: ParachainBlockImport,
	task_manager: &TaskManager,
	telemetry: Option<TelemetryHandle>,
) -> DefaultImportQueue<Block> {
	fully_verifying_import_queue::<AuraPair, _, _, _, _>(
		client,
		block_import,
		move |_, ()| async move { Ok(sp_timestamp::InherentDataProvider::from_system_time()) },
		&task_manager.spawn_essential_handle(),
		config.prometheus_registry(),
		telemetry,
	)
}

struct AuraCollator<'a> {
	client: Arc<ParachainClient>,
	backend: Arc<ParachainBackend>,
	block_import: ParachainBlockImport,
	prometheus_registry: Option<&'a Registry>,
	telemetry: Option<TelemetryHandle>,
	task_manager: &'a TaskManager,
	relay_chain_interface: Arc<dyn RelayChainInterface>,
	transaction_pool: Arc<TransactionPool>,
	keystore: KeystorePtr,
	para_id: ParaId,
	collator_key: CollatorPair,
	collator_peer_id: PeerId,
	overseer_handle: OverseerHandle,
	announce_block: Arc<dyn Fn(Hash, Option<Vec<u8>>) + Send + Sync>,
}

/// Author blocks with Aura's lookahead collator: builds on unincluded parents (async backing).
fn start_aura_collator(c: AuraCollator<'_>) {
	let proposer = ProposerFactory::new(
		c.task_manager.spawn_handle(),
		c.client.clone(),
		c.transaction_pool,
		c.prometheus_registry,
		c.telemetry,
	);
	let collator_service =
		CollatorService::new(c.client.clone(), c.announce_block, c.client.clone());
	let code_hash_client = c.client.clone();
	let params = AuraParams {
		create_inherent_data_providers: move |_, ()| async move { Ok(()) },
		block_import: c.block_import,
		para_client: c.client.clone(),
		para_backend: c.backend,
		relay_client: c.relay_chain_interface,
		code_hash_provider: move |block_hash| {
			code_hash_client.code_at(block_hash).ok().map(|code| ValidationCode::from(code).hash())
		},
		keystore: c.keystore,
		collator_key: c.collator_key,
		collator_peer_id: c.collator_peer_id,
		para_id: c.para_id,
		overseer_handle: c.overseer_handle,
		relay_chain_slot_duration: RELAY_CHAIN_SLOT_DURATION,
		proposer,
		collator_service,
		authoring_duration: Duration::from_millis(2_000),
		reinitialize: false,
		max_pov_percentage: None,
	};
	let collator = aura::run::<Block, AuraPair, _, _, _, _, _, _, _, _>(params);
	c.task_manager.spawn_essential_handle().spawn("aura", None, collator);
}
