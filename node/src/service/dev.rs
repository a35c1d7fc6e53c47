//! A relay-free development chain: manual (or instant) seal, with the relay-chain inherent
//! data the parachain runtime expects mocked locally.

use super::{new_partial, para_id, rpc_builder, start_offchain_workers, ParachainClient};
use crate::cli::DevSeal;
use allora_runtime::opaque::{Block, Hash};
use codec::Encode;
use polkadot_sdk::{
	cumulus_client_parachain_inherent::MockValidationDataInherentDataProvider,
	cumulus_primitives_core::{relay_chain::HeadData, CollectCollationInfo, ParaId},
	sc_basic_authorship::ProposerFactory,
	sc_consensus::LongestChain,
	sc_consensus_manual_seal::{
		self as manual_seal, consensus::aura::AuraConsensusDataProvider, EngineCommand,
	},
	sc_network::{config::FullNetworkConfiguration, Litep2pNetworkBackend, NotificationMetrics},
	sc_service::{self, Configuration, TaskManager},
	sp_api::ProvideRuntimeApi,
	sp_consensus_aura::SlotDuration,
	sp_runtime::traits::Header as _,
	sp_timestamp,
};
use std::{sync::Arc, time::Duration};

/// The mocked relay chain advances one 6-second slot per parachain block.
const RELAY_SLOT_MILLIS: u64 = 6_000;

pub fn start(
	mut config: Configuration,
	seal: DevSeal,
	ocw_config: Option<pallet_offchain::OcwConfig>,
) -> Result<TaskManager, sc_service::Error> {
	let partial = new_partial(&config)?;
	let (_, mut telemetry, _) = partial.other;
	let client = partial.client;
	let backend = partial.backend;
	let transaction_pool = partial.transaction_pool;
	let mut task_manager = partial.task_manager;

	let import_queue = manual_seal::import_queue(
		Box::new(client.clone()),
		&task_manager.spawn_essential_handle(),
		config.prometheus_registry(),
	);

	// A development node talks to nobody.
	config.network.default_peers_set.in_peers = 0;
	config.network.default_peers_set.out_peers = 0;
	let net_config = FullNetworkConfiguration::<Block, Hash, Litep2pNetworkBackend>::new(
		&config.network,
		config.prometheus_registry().cloned(),
	);
	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			net_config,
			block_announce_validator_builder: None,
			warp_sync_config: None,
			block_relay: None,
			metrics: NotificationMetrics::new(None),
			gap_sync_body_policy: None,
		})?;

	start_offchain_workers(
		&config,
		ocw_config,
		client.clone(),
		&backend,
		partial.keystore_container.keystore(),
		transaction_pool.clone(),
		network.clone(),
		&task_manager,
	)?;

	let proposer = ProposerFactory::new(
		task_manager.spawn_handle(),
		client.clone(),
		transaction_pool.clone(),
		config.prometheus_registry(),
		telemetry.as_ref().map(|t| t.handle()),
	);
	let slot_duration = polkadot_sdk::sc_consensus_aura::slot_duration(&*client)?;
	let para_id = para_id(&client)?;
	let consensus_data_provider =
		Box::new(AuraConsensusDataProvider::<Block>::new_with_slot_duration(slot_duration));
	let create_inherent_data_providers = mocked_relay_chain(client.clone(), para_id, slot_duration);
	let select_chain = LongestChain::new(backend.clone());

	match seal {
		DevSeal::Instant => {
			let authorship = manual_seal::run_instant_seal(manual_seal::InstantSealParams {
				block_import: client.clone(),
				env: proposer,
				client: client.clone(),
				pool: transaction_pool.clone(),
				select_chain,
				consensus_data_provider: Some(consensus_data_provider),
				create_inherent_data_providers,
			});
			task_manager.spawn_essential_handle().spawn_blocking("instant-seal", None, authorship);
		}
		DevSeal::EveryMillis(block_time) => {
			let (mut seal_sink, seal_stream) = futures::channel::mpsc::channel(1024);
			task_manager.spawn_essential_handle().spawn("dev-block-timer", None, async move {
				loop {
					futures_timer::Delay::new(Duration::from_millis(block_time)).await;
					let command = EngineCommand::SealNewBlock {
						create_empty: true,
						finalize: true,
						parent_hash: None,
						sender: None,
					};
					if seal_sink.try_send(command).is_err() {
						log::warn!("manual seal is not keeping up: skipped a block");
					}
				}
			});
			let authorship = manual_seal::run_manual_seal(manual_seal::ManualSealParams {
				block_import: client.clone(),
				env: proposer,
				client: client.clone(),
				pool: transaction_pool.clone(),
				commands_stream: Box::pin(seal_stream),
				select_chain,
				consensus_data_provider: Some(consensus_data_provider),
				create_inherent_data_providers,
			});
			task_manager.spawn_essential_handle().spawn_blocking("manual-seal", None, authorship);
		}
	}

	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network,
		client: client.clone(),
		keystore: partial.keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_builder(client, transaction_pool),
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service,
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	Ok(task_manager)
}

type InherentProviders =
	(sp_timestamp::InherentDataProvider, MockValidationDataInherentDataProvider<()>);

/// Inherent data for the next block: a timestamp and relay-chain validation data that agree
/// with each other and with Aura's slot, as a real relay chain would provide them.
///
/// Block `n` gets relay slot `start + n` and the matching timestamp, so the parachain's
/// consensus hook sees exactly one parachain block per relay slot. The start lies two hours
/// in the past so that fast dev block times never produce timestamps in the future.
fn mocked_relay_chain(
	client: Arc<ParachainClient>,
	para_id: ParaId,
	slot_duration: SlotDuration,
) -> impl Fn(
	Hash,
	(),
) -> futures::future::Ready<
	Result<InherentProviders, Box<dyn std::error::Error + Send + Sync>>,
> + Send
       + Sync {
	let two_hours_ago = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap_or_default()
		.saturating_sub(Duration::from_secs(2 * 60 * 60));
	let first_relay_slot = two_hours_ago.as_millis() as u64 / RELAY_SLOT_MILLIS;
	let relay_slots_per_block = (slot_duration.as_millis() / RELAY_SLOT_MILLIS).max(1) as u32;

	move |parent: Hash, ()| {
		let providers = (|| {
			let parent_header = client
				.header(parent)?
				.ok_or_else(|| format!("parent block {parent:?} is not in the database"))?;
			let block_number = *parent_header.number() + 1;
			// A pending runtime upgrade needs the relay chain's go-ahead to be enacted.
			let upgrade_pending = client
				.runtime_api()
				.collect_collation_info(parent, &parent_header)
				.map(|info| info.new_validation_code.is_some())
				.unwrap_or_default();

			let relay_slot =
				first_relay_slot + u64::from(block_number) * u64::from(relay_slots_per_block);
			let mocked_relay = MockValidationDataInherentDataProvider::<()> {
				current_para_block: block_number,
				para_id,
				current_para_block_head: Some(HeadData(parent_header.encode())),
				relay_blocks_per_para_block: relay_slots_per_block,
				relay_offset: (relay_slot as u32)
					.saturating_sub(relay_slots_per_block * block_number),
				para_blocks_per_relay_epoch: 10,
				upgrade_go_ahead: upgrade_pending
					.then_some(polkadot_sdk::polkadot_primitives::UpgradeGoAhead::GoAhead),
				..Default::default()
			};
			let timestamp =
				sp_timestamp::InherentDataProvider::new((relay_slot * RELAY_SLOT_MILLIS).into());
			Ok::<_, Box<dyn std::error::Error + Send + Sync>>((timestamp, mocked_relay))
		})();
		futures::future::ready(providers)
	}
}
