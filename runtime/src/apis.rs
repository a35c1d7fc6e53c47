//! Everything the node (and RPC clients) can ask the runtime.

use crate::{
	configs::ConsensusHook, genesis, AccountId, Balance, Balances, Block, Emissions, Executive,
	InherentDataExt, Nonce, ParachainSystem, Runtime, RuntimeCall, RuntimeGenesisConfig,
	SessionKeys, Synthesis, System, TransactionPayment, DECIMALS, EXISTENTIAL_DEPOSIT,
	SLOT_DURATION, VERSION,
};
use alloc::vec::Vec;
use allora_runtime_api::{
	ActiveSets, ActorRegrets, ActorScores, EmissionInfo, NetworkInference, Score, TokenInfo,
};
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	traits::{
		fungible::Inspect,
		tokens::{Fortitude, Preservation},
	},
	weights::Weight,
};
use polkadot_sdk::*;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::Block as BlockT,
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_version::RuntimeVersion;

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {
		fn can_build_upon(
			included_hash: <Block as BlockT>::Hash,
			slot: cumulus_primitives_aura::Slot,
		) -> bool {
			ConsensusHook::can_build_upon(included_hash, slot)
		}
	}

	impl cumulus_primitives_core::CollectCollationInfo<Block> for Runtime {
		fn collect_collation_info(header: &<Block as BlockT>::Header) -> cumulus_primitives_core::CollationInfo {
			ParachainSystem::collect_collation_info(header)
		}
	}

	impl cumulus_primitives_core::GetParachainInfo<Block> for Runtime {
		fn parachain_id() -> cumulus_primitives_core::ParaId {
			staging_parachain_info::Pallet::<Runtime>::parachain_id()
		}
	}

	impl cumulus_primitives_core::RelayParentOffsetApi<Block> for Runtime {
		/// Build on the relay-chain tip.
		fn relay_parent_offset() -> u32 {
			0
		}

		/// Asynchronous backing: a candidate may land in the next relay block or the one after.
		fn max_claim_queue_offset() -> u8 {
			1
		}
	}

	impl cumulus_primitives_core::KeyToIncludeInRelayProof<Block> for Runtime {
		/// No relay-chain storage beyond what parachain-system always proves.
		fn keys_to_prove() -> cumulus_primitives_core::RelayProofRequest {
			Default::default()
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, genesis::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			genesis::preset_names()
		}
	}

	impl allora_runtime_api::AlloraApi<Block, AccountId> for Runtime {
		fn token_info() -> TokenInfo {
			TokenInfo {
				symbol: b"ALLO".to_vec(),
				decimals: DECIMALS,
				total_issuance: Balances::total_issuance(),
				existential_deposit: EXISTENTIAL_DEPOSIT,
			}
		}

		fn latest_network_inference(topic: u64) -> Option<NetworkInference<AccountId>> {
			let (nonce, _) = Synthesis::latest_inference(topic)?;
			network_inference(topic, nonce)
		}

		fn network_inference_at(topic: u64, nonce: u32) -> Option<NetworkInference<AccountId>> {
			network_inference(topic, nonce)
		}

		fn actor_scores(topic: u64, actor: AccountId) -> ActorScores {
			let [inferer, forecaster, reputer] =
				Synthesis::actor_scores(topic, actor).map(|record| {
					record.map(|r| Score {
						instant: r.instant.to_bits(),
						ema: r.ema.to_bits(),
						nonce: r.nonce,
					})
				});
			ActorScores { inferer, forecaster, reputer }
		}

		fn actor_regrets(topic: u64, actor: AccountId) -> ActorRegrets {
			let r = Synthesis::actor_regrets(topic, actor);
			ActorRegrets {
				inferer: r.inferer.map(|x| x.to_bits()),
				naive_inferer: r.naive_inferer.map(|x| x.to_bits()),
				forecaster: r.forecaster.map(|x| x.to_bits()),
				one_in_forecaster: r.one_in_self.map(|x| x.to_bits()),
			}
		}

		fn active_sets(topic: u64) -> ActiveSets<AccountId> {
			let (inferers, forecasters, reputers) = Synthesis::active_sets(topic);
			ActiveSets { inferers, forecasters, reputers }
		}

		fn emission_info() -> EmissionInfo {
			EmissionInfo {
				emission_per_unit_staked: pallet_emissions::EmissionPerUnitStaked::<Runtime>::get()
					.map(|e| e.to_bits()),
				block_emission: pallet_emissions::BlockEmission::<Runtime>::get(),
				reward_per_block: pallet_emissions::RewardCurrentBlockEmission::<Runtime>::get(),
				released_from_reserve: pallet_emissions::ReleasedFromReserve::<Runtime>::get(),
				rewards_available: Balances::reducible_balance(
					&Emissions::rewards_account(),
					Preservation::Preserve,
					Fortitude::Polite,
				),
			}
		}
	}
	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use crate::{Reputers, Topics, Workers};
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			(list, crate::AllPalletsWithSystem::storage_info())
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use crate::{Reputers, Topics, Workers};
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::{TrackedStorageKey, WhitelistedStorageKeys};
			use frame_system_benchmarking::Pallet as SystemBench;

			let whitelist: Vec<TrackedStorageKey> =
				crate::AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}
}

/// A stored network inference in the runtime API's plain form.
fn network_inference(topic: u64, nonce: u32) -> Option<NetworkInference<AccountId>> {
	let bundle = Synthesis::inference_bundle(topic, nonce)?;
	Some(NetworkInference {
		topic,
		nonce,
		combined: bundle.combined.to_bits(),
		naive: bundle.naive.to_bits(),
		inferers: bits(&bundle.inferers),
		forecast_implied: bits(&bundle.forecast_implied),
		one_out_inferers: bits(&bundle.one_out_inferers),
		one_out_forecasters: bits(&bundle.one_out_forecasters),
		one_in_forecasters: bits(&bundle.one_in_forecasters),
		confidence_interval: bundle.confidence_interval.iter().map(|x| x.to_bits()).collect(),
	})
}

/// Worker values with their fixed-point bits.
fn bits(list: &[(AccountId, allora_primitives::Fixed)]) -> Vec<(AccountId, i128)> {
	list.iter().map(|(who, value)| (who.clone(), value.to_bits())).collect()
}
