//! Weights for `pallet_workers`.
//!
//! PLACEHOLDER NUMBERS: written by hand in the shape of a generated file, until the benchmark
//! CLI (`frame-omni-bencher v1 benchmark pallet --pallet pallet_workers ...`) is run on reference
//! hardware. The execution times are guesses; the DB reads and writes are those the code does,
//! counting the `TopicsInterface` calls (topic lookup, nonce status, fee revenue) as pallet-topics
//! is expected to implement them (one read each, two reads and two writes for the fee revenue
//! and the activation check).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use polkadot_sdk::polkadot_sdk_frame::weights_prelude::*;

/// Weight functions needed for `pallet_workers`.
pub trait WeightInfo {
	fn register() -> Weight;
	fn unregister() -> Weight;
	fn submit(e: u32, ) -> Weight;
	fn set_params() -> Weight;
	fn take_submissions(i: u32, f: u32, ) -> Weight;
}

/// Weights for `pallet_workers` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Topics` topic lookup (r:1 w:0)
	/// Storage: `Workers::TopicWorkers` (r:1 w:1)
	/// Storage: `Workers::TopicWorkerCount` (r:1 w:1)
	/// Storage: `Workers::Params` (r:1 w:0)
	/// Storage: `System::Account` (r:2 w:2) (worker, ecosystem account)
	/// Storage: `Topics` fee revenue + activation (r:2 w:2)
	fn register() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Workers::TopicWorkers` (r:1 w:1)
	/// Storage: `Workers::TopicWorkerCount` (r:1 w:1)
	fn unregister() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Topics` topic lookup (r:1 w:0)
	/// Storage: `Topics` worker nonce status (r:1 w:0)
	/// Storage: `Workers::TopicWorkers` (r:1 + e w:0) (forecaster, then each named inferer)
	/// Storage: `Workers::Params` (r:1 w:0)
	/// Storage: `Workers::SubmissionCounts` (r:1 w:1)
	/// Storage: `Workers::Inferences` (r:1 w:1)
	/// Storage: `Workers::Forecasts` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2) (worker, ecosystem account)
	/// Storage: `Topics` fee revenue + activation (r:2 w:2)
	/// The range of component `e` is `[1, MaxForecastElements]`.
	fn submit(e: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 10_000)
			.saturating_add(Weight::from_parts(3_000_000, 2_600).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `Workers::Params` (r:0 w:1)
	fn set_params() -> Weight {
		Weight::from_parts(12_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Workers::Inferences` (r:i w:i)
	/// Storage: `Workers::Forecasts` (r:f w:f)
	/// Storage: `Workers::SubmissionCounts` (r:1 w:1)
	/// The range of component `i` is `[0, MaxWorkersPerTopic]`.
	/// The range of component `f` is `[0, MaxWorkersPerTopic]`.
	fn take_submissions(i: u32, f: u32, ) -> Weight {
		Weight::from_parts(15_000_000, 3_500)
			.saturating_add(Weight::from_parts(4_000_000, 2_600).saturating_mul(i.into()))
			.saturating_add(Weight::from_parts(9_000_000, 4_200).saturating_mul(f.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(i.into())))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(f.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(i.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(f.into())))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn unregister() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn submit(e: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 10_000)
			.saturating_add(Weight::from_parts(3_000_000, 2_600).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(RocksDbWeight::get().writes(7_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(12_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn take_submissions(i: u32, f: u32, ) -> Weight {
		Weight::from_parts(15_000_000, 3_500)
			.saturating_add(Weight::from_parts(4_000_000, 2_600).saturating_mul(i.into()))
			.saturating_add(Weight::from_parts(9_000_000, 4_200).saturating_mul(f.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(i.into())))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(f.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(i.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(f.into())))
	}
}
