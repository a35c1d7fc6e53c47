#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
// Unit tests favour index loops and inline types that mirror the spec's notation.
#![cfg_attr(
	test,
	allow(
		clippy::needless_range_loop,
		clippy::type_complexity,
		clippy::field_reassign_with_default,
		clippy::manual_abs_diff
	)
)]

extern crate alloc;

pub mod consensus;
pub mod emissions;
pub mod epoch;
pub mod fixed;
pub mod params;
pub mod rewards;
pub mod scores;
pub mod sortition;
pub mod stats;
pub mod synthesis;
pub mod value_bundle;

#[cfg(all(test, feature = "std"))]
mod testdata;

pub use consensus::{listening_coefficients, network_losses, LossMatrix, ReputerConsensus};
pub use epoch::{score_epoch, Scoring, ScoringInput};
pub use fixed::Fixed;
pub use params::{
	ConsensusParams, EmissionParams, Params, RewardParams, SortitionParams, SynthesisParams,
};
pub use rewards::{DelegatorSplit, SmoothedFractions, TaskFractions, TaskRewards};
pub use synthesis::{network_inferences, NetworkInferences, RegretStore, SynthesisInput};
pub use value_bundle::ValueBundle;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Why a protocol computation could not produce a result. Every function of this crate
/// either returns a value or one of these; none panics.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum MathError {
	/// A list that must not be empty was empty (e.g. no inferences).
	EmptyInput,
	/// Two lists that must be aligned have different lengths.
	LengthMismatch,
	/// A denominator that must be positive was zero (e.g. no stake, zero total weight).
	ZeroDenominator,
	/// A parameter is outside its valid range (e.g. p ≤ 0, learning rate ≤ 0).
	InvalidParameter,
	/// A value the formula needs is missing.
	MissingValue,
	/// A result does not fit its number type.
	Overflow,
	/// A quantity that must be non-negative came out negative (e.g. circulating supply).
	NegativeResult,
}
