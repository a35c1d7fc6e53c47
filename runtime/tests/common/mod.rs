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
