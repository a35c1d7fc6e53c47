//! The runtime API behind the node's `allora_*` JSON-RPC methods.
//!
//! Types here are plain SCALE data so that the node, the runtime and clients agree on them
//! without depending on each other's internals.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use polkadot_sdk::sp_api;
use scale_info::TypeInfo;

/// The native token as the runtime sees it right now.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct TokenInfo {
	/// UTF-8 ticker, e.g. `ALLO`.
	pub symbol: Vec<u8>,
	pub decimals: u8,
	/// Base units in existence (1 ALLO = 10^decimals base units).
	pub total_issuance: u128,
	pub existential_deposit: u128,
}

/// A fixed-point number as stored on chain: value × 10^18 (see `allora_synthesis::Fixed`).
pub type FixedBits = i128;

/// The network inferences of one epoch of a topic, as stored when its worker window closed
/// (spec §2.5). Worker-indexed lists pair a worker with its value.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct NetworkInference<AccountId> {
	pub topic: u64,
	/// The epoch's worker nonce (the block its epoch opened).
	pub nonce: u32,
	pub combined: FixedBits,
	pub naive: FixedBits,
	pub inferers: Vec<(AccountId, FixedBits)>,
	pub forecast_implied: Vec<(AccountId, FixedBits)>,
	pub one_out_inferers: Vec<(AccountId, FixedBits)>,
	pub one_out_forecasters: Vec<(AccountId, FixedBits)>,
	pub one_in_forecasters: Vec<(AccountId, FixedBits)>,
	/// Weighted percentiles of the inferences (spec §3.10), empty when undefined.
	pub confidence_interval: Vec<FixedBits>,
}

/// One role's score record of an actor in a topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Score {
	/// The latest instant score.
	pub instant: FixedBits,
	/// Its EMA (merit sortition ranks by it).
	pub ema: FixedBits,
	/// The nonce it was written at.
	pub nonce: u32,
}

/// An actor's scores in a topic, per role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Default)]
pub struct ActorScores {
	pub inferer: Option<Score>,
	pub forecaster: Option<Score>,
	pub reputer: Option<Score>,
}

/// An actor's own regrets in a topic (spec §1.7); pairwise one-out/one-in regrets are not
/// listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, Default)]
pub struct ActorRegrets {
	pub inferer: Option<FixedBits>,
	pub naive_inferer: Option<FixedBits>,
	pub forecaster: Option<FixedBits>,
	pub one_in_forecaster: Option<FixedBits>,
}

/// A topic's active sets, chosen by merit sortition (spec §7).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ActiveSets<AccountId> {
	pub inferers: Vec<AccountId>,
	pub forecasters: Vec<AccountId>,
	pub reputers: Vec<AccountId>,
}

/// The emission schedule's state (spec §6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EmissionInfo {
	/// e: monthly emission per staked token.
	pub emission_per_unit_staked: Option<FixedBits>,
	/// b: emitted every block.
	pub block_emission: u128,
	/// The reward share of the last block's emission.
	pub reward_per_block: u128,
	/// Drawn from the network-emissions reserve so far.
	pub released_from_reserve: u128,
	/// Spendable by the rewards account now.
	pub rewards_available: u128,
}

sp_api::decl_runtime_apis! {
	/// Allora's own queries.
	pub trait AlloraApi<AccountId> where AccountId: codec::Codec {
		/// The native token's symbol, decimals, total issuance and existential deposit.
		fn token_info() -> TokenInfo;
		/// The newest stored network inference of a topic.
		fn latest_network_inference(topic: u64) -> Option<NetworkInference<AccountId>>;
		/// The network inference of a topic at a worker nonce, if still stored.
		fn network_inference_at(topic: u64, nonce: u32) -> Option<NetworkInference<AccountId>>;
		/// An actor's scores in a topic.
		fn actor_scores(topic: u64, actor: AccountId) -> ActorScores;
		/// An actor's regrets in a topic.
		fn actor_regrets(topic: u64, actor: AccountId) -> ActorRegrets;
		/// A topic's active inferers, forecasters and reputers.
		fn active_sets(topic: u64) -> ActiveSets<AccountId>;
		/// The emission schedule's state.
		fn emission_info() -> EmissionInfo;
	}
}
