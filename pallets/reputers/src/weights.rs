//! Weights for `pallet_reputers`.
//!
//! PLACEHOLDER NUMBERS: the execution times and proof sizes below are estimates written by
//! hand until the benchmark CLI is run on reference hardware:
//!
//! ```text
//! frame-omni-bencher v1 benchmark pallet --runtime <allora_runtime.wasm> \
//!     --pallet pallet_reputers --extrinsic '*' --steps 50 --repeat 20 \
//!     --output pallets/reputers/src/weights.rs
//! ```
//!
//! The database reads and writes are the ones the code really does (including those of
//! pallet-balances and the topics pallet behind `TopicsInterface`, counted as the usual two
//! accesses per call), so the storage part of every weight is already right.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::polkadot_sdk_frame::weights_prelude::*;

/// Weight functions needed for `pallet_reputers`.
pub trait WeightInfo {
	fn register() -> Weight;
	fn unregister() -> Weight;
	fn add_stake() -> Weight;
	fn remove_stake() -> Weight;
	fn cancel_remove_stake() -> Weight;
	fn delegate_stake() -> Weight;
	fn remove_delegate_stake() -> Weight;
	fn cancel_remove_delegate_stake() -> Weight;
	fn claim_delegate_rewards() -> Weight;
	fn submit_losses(n: u32, ) -> Weight;
	fn set_params() -> Weight;
	fn process_removals(r: u32, b: u32, ) -> Weight;
	fn deposit_delegator_reward() -> Weight;
	fn stake_reputer_reward() -> Weight;
	fn take_loss_bundles(n: u32, ) -> Weight;
}

/// Weights for `pallet_reputers` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Topics` (topic exists, fee revenue) (r:2 w:1)
	/// Storage: `Reputers::RegisteredReputers` (r:1 w:1)
	/// Storage: `Reputers::ReputerCount` (r:1 w:1)
	/// Storage: `Reputers::Params` (r:1 w:0)
	/// Storage: `System::Account` (payer, ecosystem) (r:2 w:2)
	fn register() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Reputers::RegisteredReputers` (r:1 w:1)
	/// Storage: `Reputers::ReputerCount` (r:1 w:1)
	fn unregister() -> Weight {
		Weight::from_parts(20_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Reputers::RegisteredReputers` (r:1 w:0)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Reputers::ReputerStake` (r:1 w:1)
	/// Storage: `Reputers::TopicStake` (r:1 w:1)
	/// Storage: `Reputers::TotalStake` (r:1 w:1)
	fn add_stake() -> Weight {
		Weight::from_parts(55_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Reputers::ReputerStake` (r:1 w:0)
	/// Storage: `Reputers::Params` (r:1 w:0)
	/// Storage: `Reputers::PendingStakeRemovals` (r:1 w:1)
	/// Storage: `Reputers::RemovalQueue` (previous and new bucket) (r:2 w:2)
	/// Storage: `Reputers::QueuedRemovals` (r:1 w:1)
	fn remove_stake() -> Weight {
		Weight::from_parts(45_000_000, 80_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Reputers::PendingStakeRemovals` (r:1 w:1)
	/// Storage: `Reputers::RemovalQueue` (r:1 w:1)
	/// Storage: `Reputers::QueuedRemovals` (r:1 w:1)
	fn cancel_remove_stake() -> Weight {
		Weight::from_parts(35_000_000, 40_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Reputers::RegisteredReputers` (r:1 w:0)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (delegator, rewards account) (r:2 w:2)
	/// Storage: `Reputers::Delegations` (r:1 w:1)
	/// Storage: `Reputers::DelegatedStakeUpon` (r:1 w:1)
	/// Storage: `Reputers::DelegatorTopicStake` (r:1 w:1)
	/// Storage: `Reputers::TopicStake` (r:1 w:1)
	/// Storage: `Reputers::TotalStake` (r:1 w:1)
	/// Storage: `Reputers::RewardPerShare` (r:1 w:0)
	/// Storage: `Reputers::DelegatorRewardPool` (r:1 w:1)
	fn delegate_stake() -> Weight {
		Weight::from_parts(90_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `Reputers::Delegations` (r:1 w:0)
	/// Storage: `Reputers::Params` (r:1 w:0)
	/// Storage: `Reputers::PendingDelegateRemovals` (r:1 w:1)
	/// Storage: `Reputers::RemovalQueue` (previous and new bucket) (r:2 w:2)
	/// Storage: `Reputers::QueuedRemovals` (r:1 w:1)
	fn remove_delegate_stake() -> Weight {
		Weight::from_parts(45_000_000, 80_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Reputers::PendingDelegateRemovals` (r:1 w:1)
	/// Storage: `Reputers::RemovalQueue` (r:1 w:1)
	/// Storage: `Reputers::QueuedRemovals` (r:1 w:1)
	fn cancel_remove_delegate_stake() -> Weight {
		Weight::from_parts(35_000_000, 40_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Reputers::Delegations` (r:1 w:1)
	/// Storage: `Reputers::RewardPerShare` (r:1 w:0)
	/// Storage: `Reputers::DelegatorRewardPool` (r:1 w:1)
	/// Storage: `System::Account` (rewards account, delegator) (r:2 w:2)
	fn claim_delegate_rewards() -> Weight {
		Weight::from_parts(60_000_000, 7_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Topics` (topic exists, nonce status, fee revenue) (r:3 w:1)
	/// Storage: `Reputers::RegisteredReputers` (r:1 w:0)
	/// Storage: `Reputers::Params` (r:1 w:0)
	/// Storage: `Reputers::ReputerStake` (r:1 w:0)
	/// Storage: `Reputers::DelegatedStakeUpon` (r:1 w:0)
	/// Storage: `Reputers::LossBundles` (r:1 w:1)
	/// Storage: `Reputers::LossBundleCount` (r:1 w:1)
	/// Storage: `System::Account` (reputer, ecosystem) (r:2 w:2)
	/// The range of component `n` is `[0, max_loss_entries(MaxInferer.., MaxForecasterValues)]`.
	fn submit_losses(n: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 12_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 50).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Reputers::Params` (r:1 w:1)
	fn set_params() -> Weight {
		Weight::from_parts(12_000_000, 1_600)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Reputers::QueuedRemovals` (r:1 w:1)
	/// Storage: `Reputers::NextRemovalBlock` (r:1 w:1)
	/// Per bucket visited, `b`:
	/// Storage: `Reputers::RemovalQueue` (r:1 w:1)
	/// Per removal executed, `r` (a delegator removal, the dearer kind):
	/// Storage: `Reputers::PendingDelegateRemovals` (r:1 w:1)
	/// Storage: `Reputers::Delegations` (r:1 w:1)
	/// Storage: `Reputers::DelegatedStakeUpon` (r:1 w:1)
	/// Storage: `Reputers::DelegatorTopicStake` (r:1 w:1)
	/// Storage: `Reputers::TopicStake` (r:1 w:1)
	/// Storage: `Reputers::TotalStake` (r:1 w:1)
	/// Storage: `Reputers::RewardPerShare` (r:1 w:0)
	/// Storage: `Reputers::DelegatorRewardPool` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (delegator, rewards account) (r:2 w:2)
	/// The range of component `r` is `[0, MaxRemovalsPerBlock]`.
	/// The range of component `b` is `[1, MaxRemovalsPerBlock]`.
	fn process_removals(r: u32, b: u32, ) -> Weight {
		Weight::from_parts(8_000_000, 1_500)
			.saturating_add(Weight::from_parts(90_000_000, 9_000).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(4_000_000, 40_000).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().reads((11_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes((10_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(b.into())))
	}
	/// Storage: `Reputers::DelegatedStakeUpon` (r:1 w:0)
	/// Storage: `Reputers::RewardPerShare` (r:1 w:1)
	/// Storage: `Reputers::DelegatorRewardPool` (r:1 w:1)
	/// Storage: `System::Account` (source, rewards account) (r:2 w:2)
	fn deposit_delegator_reward() -> Weight {
		Weight::from_parts(50_000_000, 7_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `System::Account` (source, reputer) (r:2 w:2)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `Reputers::ReputerStake` (r:1 w:1)
	/// Storage: `Reputers::TopicStake` (r:1 w:1)
	/// Storage: `Reputers::TotalStake` (r:1 w:1)
	fn stake_reputer_reward() -> Weight {
		Weight::from_parts(70_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Reputers::Params` (r:1 w:0)
	/// Storage: `Reputers::LossBundleCount` (r:0 w:1)
	/// Per bundle taken, `n`:
	/// Storage: `Reputers::LossBundles` (r:1 w:1)
	/// Storage: `Reputers::ReputerStake` (r:1 w:0)
	/// Storage: `Reputers::DelegatedStakeUpon` (r:1 w:0)
	/// The range of component `n` is `[0, MaxReputersPerTopic]`.
	fn take_loss_bundles(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1_500)
			.saturating_add(Weight::from_parts(30_000_000, 20_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn unregister() -> Weight {
		Weight::from_parts(20_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn add_stake() -> Weight {
		Weight::from_parts(55_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn remove_stake() -> Weight {
		Weight::from_parts(45_000_000, 80_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn cancel_remove_stake() -> Weight {
		Weight::from_parts(35_000_000, 40_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn delegate_stake() -> Weight {
		Weight::from_parts(90_000_000, 10_000)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
	}
	fn remove_delegate_stake() -> Weight {
		Weight::from_parts(45_000_000, 80_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn cancel_remove_delegate_stake() -> Weight {
		Weight::from_parts(35_000_000, 40_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn claim_delegate_rewards() -> Weight {
		Weight::from_parts(60_000_000, 7_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn submit_losses(n: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 12_000)
			.saturating_add(Weight::from_parts(400_000, 0).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 50).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(12_000_000, 1_600)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn process_removals(r: u32, b: u32, ) -> Weight {
		Weight::from_parts(8_000_000, 1_500)
			.saturating_add(Weight::from_parts(90_000_000, 9_000).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(4_000_000, 40_000).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
			.saturating_add(RocksDbWeight::get().reads((11_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes((10_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(b.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(b.into())))
	}
	fn deposit_delegator_reward() -> Weight {
		Weight::from_parts(50_000_000, 7_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn stake_reputer_reward() -> Weight {
		Weight::from_parts(70_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn take_loss_bundles(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1_500)
			.saturating_add(Weight::from_parts(30_000_000, 20_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
}
