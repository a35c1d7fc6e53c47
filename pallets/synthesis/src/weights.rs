//! Weights for `pallet_synthesis`.
//!
//! PLACEHOLDER NUMBERS until `scripts/benchmarks/run pallet_synthesis` regenerates this file
//! from the benchmarks of the real runtime on reference hardware.
//!
//! The execution times are scaled from the maths crate's measured native epoch times
//! (`crates/synthesis/README.md`) with a margin for wasm; the storage counts are the ones
//! the code does (the sources behind `SubmissionSource`, `LossSource`, `EpochControl` and
//! `TopicRewards` counted as a few accesses each). The pairwise regrets, which grow with n²,
//! are charged by the pallet on top of these (`Pallet::pair_regret_weight`).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::polkadot_sdk_frame::weights_prelude::*;

/// Weight functions needed for `pallet_synthesis`.
pub trait WeightInfo {
	fn close_worker_nonce(n: u32, m: u32, ) -> Weight;
	fn close_reputer_nonce(n: u32, m: u32, r: u32, ) -> Weight;
	fn on_initialize_idle() -> Weight;
	fn set_params() -> Weight;
}

/// Weights for `pallet_synthesis` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Workers` submissions of the nonce (r:2 w:2)
	/// Storage: `Topics` settings, fulfilment (r:3 w:2)
	/// Storage: `Synthesis::Params` (r:1 w:0)
	/// Storage: `Synthesis::LatestNetworkLoss` (r:1 w:0)
	/// Storage: `Synthesis::ActiveInferers` (r:0 w:1)
	/// Storage: `Synthesis::ActiveForecasters` (r:0 w:1)
	/// Storage: `Synthesis::InferenceBundles` (r:0 w:2)
	/// Storage: `Synthesis::InferenceNonces` (r:1 w:1)
	/// Storage: `Synthesis::LatestInference` (r:1 w:1)
	/// Storage: `Synthesis::EpochParticipants` (r:0 w:2)
	/// Storage: `Synthesis::UnscoredNonces` (r:1 w:1)
	/// Per inferer, `n`:
	/// Storage: `Workers` inference (r:1 w:1)
	/// Storage: `Synthesis::ActorRegrets` (r:1 w:0)
	/// Storage: `Synthesis::Scores` (sortition) (r:1 w:0)
	/// Per forecaster, `m`:
	/// Storage: `Workers` forecast (r:1 w:1)
	/// Storage: `Synthesis::ActorRegrets` (r:1 w:0)
	/// Storage: `Synthesis::Scores` (sortition) (r:1 w:0)
	/// The range of component `n` is `[1, MaxInferers]`.
	/// The range of component `m` is `[0, MaxForecasters]`.
	fn close_worker_nonce(n: u32, m: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(Weight::from_parts(1_500_000, 3_000).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(3_000_000, 6_000).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(13_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(m.into())))
	}
	/// Storage: `Reputers` loss reports of the nonce (r:2 w:2)
	/// Storage: `Topics` settings, fulfilment, R₀ (r:3 w:3)
	/// Storage: `Emissions` epoch reward and payment (r:4 w:4)
	/// Storage: `Synthesis::EpochParticipants` (r:1 w:1)
	/// Storage: `Synthesis::UnscoredNonces` (r:1 w:1)
	/// Storage: `Synthesis::Params` (r:1 w:0)
	/// Storage: `Synthesis::ActiveReputers` (r:0 w:1)
	/// Storage: `Synthesis::ForecasterScoreRatio` (r:1 w:1)
	/// Storage: `Synthesis::RecentScores` (r:2 w:2)
	/// Storage: `Synthesis::LatestNetworkLoss` (r:1 w:1)
	/// Storage: `Synthesis::ScoreQuantile` (r:0 w:3)
	/// Per inferer, `n`:
	/// Storage: `Synthesis::ActorRegrets` (r:2 w:1)
	/// Storage: `Synthesis::SmoothedFraction` (r:1 w:1)
	/// Storage: `Synthesis::Scores` (r:1 w:1)
	/// Storage: `Synthesis::Inclusions` (r:2 w:1)
	/// Storage: payment of the inferer (r:2 w:2)
	/// Per forecaster, `m`:
	/// Storage: `Synthesis::ActorRegrets` (r:2 w:1)
	/// Storage: `Synthesis::SmoothedFraction` (r:1 w:1)
	/// Storage: `Synthesis::Scores` (r:1 w:1)
	/// Storage: `Synthesis::Inclusions` (r:2 w:1)
	/// Storage: payment of the forecaster (r:2 w:2)
	/// Per reputer, `r`:
	/// Storage: `Reputers` loss report and stake (r:3 w:1)
	/// Storage: `Synthesis::ListeningCoefficient` (r:1 w:1)
	/// Storage: `Synthesis::SmoothedFraction` (r:1 w:1)
	/// Storage: `Synthesis::Scores` (r:2 w:1)
	/// Storage: payment and delegator split of the reputer (r:6 w:6)
	/// The range of component `n` is `[1, MaxInferers]`.
	/// The range of component `m` is `[0, MaxForecasters]`.
	/// The range of component `r` is `[1, MaxReputers]`.
	fn close_reputer_nonce(n: u32, m: u32, r: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 30_000)
			.saturating_add(Weight::from_parts(2_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(4_000_000, 4_000).saturating_mul(m.into()))
			.saturating_add(Weight::from_parts(6_000_000, 12_000).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(19_u64))
			.saturating_add(T::DbWeight::get().reads((8_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().reads((8_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().reads((13_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes((10_u64).saturating_mul(r.into())))
	}
	/// Storage: `Synthesis::QueueHead` (r:1 w:0)
	/// Storage: `Synthesis::QueueTail` (r:1 w:0)
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(3_000_000, 1_500)
			.saturating_add(T::DbWeight::get().reads(2_u64))
	}
	/// Storage: `Synthesis::Params` (r:0 w:1)
	fn set_params() -> Weight {
		Weight::from_parts(12_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn close_worker_nonce(n: u32, m: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(Weight::from_parts(1_500_000, 3_000).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(3_000_000, 6_000).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(13_u64))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(m.into())))
	}
	fn close_reputer_nonce(n: u32, m: u32, r: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 30_000)
			.saturating_add(Weight::from_parts(2_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(4_000_000, 4_000).saturating_mul(m.into()))
			.saturating_add(Weight::from_parts(6_000_000, 12_000).saturating_mul(r.into()))
			.saturating_add(RocksDbWeight::get().reads(18_u64))
			.saturating_add(RocksDbWeight::get().writes(19_u64))
			.saturating_add(RocksDbWeight::get().reads((8_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((6_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().reads((8_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes((6_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().reads((13_u64).saturating_mul(r.into())))
			.saturating_add(RocksDbWeight::get().writes((10_u64).saturating_mul(r.into())))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(3_000_000, 1_500)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(12_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
