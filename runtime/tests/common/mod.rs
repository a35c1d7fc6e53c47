//! What the runtime's story tests share: the `development` preset's state, blocks driven by
//! the protocol pallets' hooks, signed calls without fees, and balance reads.

#![allow(dead_code, clippy::unwrap_used)]

use allora_runtime::{
	genesis::get_preset, AccountId, Balance, Balances, BlockNumber, Emissions, Reputers,
	RuntimeCall, RuntimeGenesisConfig, RuntimeHoldReason, RuntimeOrigin, Synthesis, System, Topics,
	Workers,
};
use pallet_reputers::HoldReason;
use polkadot_sdk::{
	frame_support::traits::{fungible::InspectHold, Hooks},
	sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET},
	sp_io::TestExternalities,
	sp_runtime::{traits::Dispatchable, DispatchResult},
};

/// Merges a preset's patch into the default genesis config, as the node does.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// The state of the `development` preset, built exactly as a node builds genesis.
pub fn development_preset_chain() -> TestExternalities {
	let preset = get_preset(&PresetId::from(DEV_RUNTIME_PRESET)).expect("the development preset");
	let patch: serde_json::Value = serde_json::from_slice(&preset).unwrap();
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, patch);
	let json = serde_json::to_vec(&config).unwrap();
	let mut ext = TestExternalities::default();
	ext.execute_with(|| {
		polkadot_sdk::frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
			json,
		)
		.unwrap();
	});
	ext
}

/// Starts block `n` as far as the protocol is concerned: fresh events, the block number, and
/// the `on_initialize` hooks of the protocol pallets in the runtime's order.
pub fn start_block(n: BlockNumber) {
	System::reset_events();
	System::set_block_number(n);
	<Reputers as Hooks<BlockNumber>>::on_initialize(n);
	<Topics as Hooks<BlockNumber>>::on_initialize(n);
	<Workers as Hooks<BlockNumber>>::on_initialize(n);
	<Emissions as Hooks<BlockNumber>>::on_initialize(n);
	<Synthesis as Hooks<BlockNumber>>::on_initialize(n);
}

/// Dispatches `call` as a signed extrinsic of `who` would, without its transaction fee.
pub fn dispatch(who: &AccountId, call: impl Into<RuntimeCall>) -> DispatchResult {
	let call: RuntimeCall = call.into();
	call.dispatch(RuntimeOrigin::signed(who.clone())).map(|_| ()).map_err(|e| e.error)
}

pub fn free(who: &AccountId) -> Balance {
	Balances::free_balance(who)
}

pub fn held(reason: HoldReason, who: &AccountId) -> Balance {
	<Balances as InspectHold<AccountId>>::balance_on_hold(&RuntimeHoldReason::from(reason), who)
}

/// A topic with loss method `mse` and the schedule given (E, G, W), its synthesis parameters
/// those of the spec's examples (p = 3, α = 0.1, ε = 0.01, quantiles 0.25).
pub fn mse_topic(
	metadata: &str,
	epoch_length: BlockNumber,
	ground_truth_lag: BlockNumber,
	worker_submission_window: BlockNumber,
) -> pallet_topics::TopicParams<allora_runtime::Runtime> {
	use allora_synthesis::Fixed;
	use polkadot_sdk::frame_support::BoundedVec;
	let fraction = |n: i128, d: i128| Fixed::from_rational(n, d).unwrap();
	pallet_topics::TopicParams {
		metadata: BoundedVec::truncate_from(metadata.as_bytes().to_vec()),
		loss_method: BoundedVec::truncate_from(b"mse".to_vec()),
		epoch_length,
		ground_truth_lag,
		worker_submission_window,
		p_norm: Fixed::from_int(3),
		alpha_regret: fraction(1, 10),
		allow_negative: false,
		epsilon: fraction(1, 100),
		merit_sortition_alpha: fraction(1, 10),
		active_inferer_quantile: fraction(1, 4),
		active_forecaster_quantile: fraction(1, 4),
		active_reputer_quantile: fraction(1, 4),
	}
}
