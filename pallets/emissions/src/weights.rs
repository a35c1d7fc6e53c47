//! Weights for `pallet_emissions`: placeholder until scripts/benchmarks/run regenerates it.
//!
//! The execution times and proof sizes below are estimates written by hand. The database
//! reads and writes are the ones the code does (including pallet-balances' accounts and what
//! the topics and reputers pallets read behind `TopicWeights`, `StakeInterface` and
//! `ReputerRewards`).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::polkadot_sdk_frame::weights_prelude::*;

/// What each call and hook of `pallet_emissions` costs, and a topic-epoch payout.
pub trait WeightInfo {
	fn on_initialize_recalculate() -> Weight;
	fn on_initialize_emit() -> Weight;
	fn pay(n: u32, ) -> Weight;
	fn set_params() -> Weight;
}

/// Weights for `pallet_emissions` with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Emissions::Params` (r:1 w:0)
	/// Storage: `Emissions::MonthlyRewards` (r:1 w:1)
	/// Storage: `Emissions::ReputerShareOfRewards` (r:1 w:1)
	/// Storage: `Emissions::EmissionPerUnitStaked` (r:1 w:1)
	/// Storage: `Emissions::BlockEmission` (r:1 w:1)
	/// Storage: `Reputers::TotalStake` (r:1 w:0)
	/// Storage: `Emissions::ReleasedFromReserve` (r:1 w:1)
	/// Storage: `Emissions::RewardCurrentBlockEmission` (r:0 w:1)
	/// Storage: `Emissions::TotalEmitted` (r:1 w:1)
	/// Storage: `Authorship::Author` (r:1 w:1)
	/// Storage: `System::Account` (ecosystem, reserve, rewards, author) (r:4 w:4)
	fn on_initialize_recalculate() -> Weight {
		Weight::from_parts(120_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(13_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	/// Storage: `Emissions::Params` (r:1 w:0)
	/// Storage: `Emissions::EmissionPerUnitStaked` (r:1 w:0)
	/// Storage: `Emissions::BlockEmission` (r:1 w:0)
	/// Storage: `Emissions::ReleasedFromReserve` (r:1 w:1)
	/// Storage: `Emissions::RewardCurrentBlockEmission` (r:0 w:1)
	/// Storage: `Emissions::TotalEmitted` (r:1 w:1)
	/// Storage: `Authorship::Author` (r:1 w:1)
	/// Storage: `System::Account` (ecosystem, reserve, rewards, author) (r:4 w:4)
	fn on_initialize_emit() -> Weight {
		Weight::from_parts(90_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	/// Storage: `Emissions::PromisedRewards` (r:1 w:1)
	/// Storage: `Emissions::MonthlyRewards` (r:1 w:1)
	/// Storage: `Emissions::LastPayout` (r:0 w:1)
	/// Per reputer payout, `n` (own and delegated stake, so both parts are paid):
	/// Storage: `Reputers::ReputerStake` (r:2 w:1)
	/// Storage: `Reputers::DelegatedStakeUpon` (r:3 w:0)
	/// Storage: `Reputers::RewardPerShare` (r:1 w:1)
	/// Storage: `Reputers::DelegatorRewardPool` (r:1 w:1)
	/// Storage: `Reputers::TopicStake` (r:1 w:1)
	/// Storage: `Reputers::TotalStake` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (rewards, delegator pool, reputer) (r:3 w:3)
	/// The range of component `n` is `[1, MaxPayoutsPerEpoch]`.
	fn pay(n: u32, ) -> Weight {
		Weight::from_parts(15_000_000, 3_000)
			.saturating_add(Weight::from_parts(140_000_000, 16_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().reads((13_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((9_u64).saturating_mul(n.into())))
	}
	/// Storage: `Emissions::Params` (r:0 w:1)
	fn set_params() -> Weight {
		Weight::from_parts(15_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For tests and mocks.
impl WeightInfo for () {
	fn on_initialize_recalculate() -> Weight {
		Weight::from_parts(120_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(13_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
	fn on_initialize_emit() -> Weight {
		Weight::from_parts(90_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(10_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn pay(n: u32, ) -> Weight {
		Weight::from_parts(15_000_000, 3_000)
			.saturating_add(Weight::from_parts(140_000_000, 16_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
			.saturating_add(RocksDbWeight::get().reads((13_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((9_u64).saturating_mul(n.into())))
	}
	fn set_params() -> Weight {
		Weight::from_parts(15_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
