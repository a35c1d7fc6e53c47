//! Weights for `pallet_topics`.
//!
//! PLACEHOLDER NUMBERS: the execution times and proof sizes below are estimates until the
//! benchmark CLI is run on reference hardware (`benchmarking.rs` covers every function here at
//! the worst case of its bounds). The database reads and writes are those the code really
//! does. Regenerate with, for example:
//!
//! frame-omni-bencher v1 benchmark pallet --runtime ALLORA_RUNTIME_WASM \
//!   --pallet pallet_topics --extrinsic '*' --steps 50 --repeat 20 \
//!   --output pallets/topics/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use polkadot_sdk::polkadot_sdk_frame::weights_prelude::*;

/// Weight functions needed for `pallet_topics`.
pub trait WeightInfo {
	fn create_topic() -> Weight;
	fn fund_topic() -> Weight;
	fn set_params() -> Weight;
	fn advance_agenda(n: u32, s: u32, ) -> Weight;
}

/// Weights for `pallet_topics` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Topics::Params` (r:1 w:0)
	/// Storage: `Topics::NextTopicId` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `Topics::Topics` (r:0 w:1)
	/// Storage: `Topics::TopicFeeRevenue` (r:0 w:1)
	fn create_topic() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `300`
		//  Estimated: `6196`
		Weight::from_parts(60_000_000, 6196)
			.saturating_add(T::DbWeight::get().reads_writes(4_u64, 5_u64))
	}
	/// Storage: `Topics::Topics` (r:2 w:0)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `Topics::TopicFeeRevenue` (r:2 w:1)
	/// Storage: `Topics::ActiveTopics` (r:1 w:1)
	/// Storage: `Topics::Params` (r:1 w:0)
	/// Storage: `Topics::PreviousTopicWeight` (r:1 w:0)
	/// Storage: `Reputers::TopicStake` (r:1 w:0) (through `Config::Stake`)
	/// Storage: `Topics::Agenda` (r:1 w:1)
	/// Storage: `Topics::TotalActiveTopicWeight` (r:1 w:1)
	fn fund_topic() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `900`
		//  Estimated: `9000`
		Weight::from_parts(90_000_000, 9000)
			.saturating_add(T::DbWeight::get().reads_writes(12_u64, 6_u64))
	}
	/// Storage: `Topics::Params` (r:0 w:1)
	fn set_params() -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `0`
		//  Estimated: `0`
		Weight::from_parts(12_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Base: `Topics::AgendaCursor` (r:1 w:1), `Topics::Params` (r:1 w:0).
	/// Per scanned block `s`: `Topics::Agenda` prefix (r:1 w:0).
	/// Per processed entry `n` (worst case: epoch end of an active topic with full nonce lists,
	/// plus a worker-window close, a reputer-window open and a reputer-window close):
	/// `Topics::Agenda` (r:3 w:3), `Topics::Topics` (r:2 w:1), `Topics::ActiveTopics` (r:1 w:1),
	/// `Topics::PreviousTopicWeight` (r:1 w:1), `Topics::TotalActiveTopicWeight` (r:1 w:1),
	/// `Topics::TopicFeeRevenue` (r:2 w:1), `Reputers::TopicStake` (r:1 w:0),
	/// `Topics::UnfulfilledWorkerNonces` (r:3 w:2), `Topics::UnfulfilledReputerNonces` (r:4 w:1).
	/// The range of component `n` is `[0, MaxTopicsPerBlock]`.
	/// The range of component `s` is `[1, MaxTopicsPerBlock]`.
	fn advance_agenda(n: u32, s: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Measured:  `200 + n * (1700 ±0) + s * (60 ±0)`
		//  Estimated: `1500 + n * (7000 ±0) + s * (2500 ±0)`
		Weight::from_parts(8_000_000, 1500)
			.saturating_add(Weight::from_parts(120_000_000, 7000).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(3_000_000, 2500).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(2_u64, 1_u64))
			.saturating_add(T::DbWeight::get().reads(19_u64).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().writes(11_u64).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64).saturating_mul(s.into()))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn create_topic() -> Weight {
		Weight::from_parts(60_000_000, 6196)
			.saturating_add(RocksDbWeight::get().reads_writes(4_u64, 5_u64))
	}
	fn fund_topic() -> Weight {
		Weight::from_parts(90_000_000, 9000)
			.saturating_add(RocksDbWeight::get().reads_writes(12_u64, 6_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(12_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn advance_agenda(n: u32, s: u32, ) -> Weight {
		Weight::from_parts(8_000_000, 1500)
			.saturating_add(Weight::from_parts(120_000_000, 7000).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(3_000_000, 2500).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(2_u64, 1_u64))
			.saturating_add(RocksDbWeight::get().reads(19_u64).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().writes(11_u64).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64).saturating_mul(s.into()))
	}
}
