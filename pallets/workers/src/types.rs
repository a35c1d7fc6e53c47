//! Plain data of the workers pallet: what a registration, a forecast element, a per-epoch
//! submission count and the pallet's parameters look like.

use allora_synthesis::Fixed;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The largest `|value|` any parameter set may allow, in whole units: 10^15.
pub const MAX_ABS_VALUE_UNITS: u64 = 1_000_000_000_000_000;

/// [`MAX_ABS_VALUE_UNITS`] as a [`Fixed`] (bits 10^33).
///
/// With at most `MaxWorkersPerTopic` values per epoch (checked in `integrity_test`), sums and
/// weighted averages of submitted values stay far inside `Fixed`'s ±1.7e20 range.
pub const MAX_ABS_VALUE_CEILING: Fixed =
	Fixed::from_bits(1_000_000_000_000_000_000_000_000_000_000_000);

/// Spec §1.1 #28 default: fee to register as a worker in a topic (base units).
pub const DEFAULT_REGISTRATION_FEE: u32 = 200;
/// Spec §1.1 #44 default: fee per worker payload (base units).
pub const DEFAULT_DATA_SENDING_FEE: u32 = 10;
/// Spec §1.1 #45 default: most elements one forecast may carry.
pub const DEFAULT_MAX_ELEMENTS_PER_FORECAST: u32 = 12;

/// A worker's membership of one topic (spec §1.3).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct WorkerInfo<AccountId, BlockNumber> {
	/// Who is paid for this worker's work (the worker itself unless it named another owner).
	pub owner: AccountId,
	/// The block of the registration.
	pub registered_at: BlockNumber,
}

/// One element of a forecast: the forecasted loss of `inferer`'s inference in this epoch, in
/// the loss space reputers use (log10 for MSE-type topics, spec §0.3).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ForecastElement<AccountId> {
	/// The inferer whose loss is forecast; a registered worker of the topic other than the
	/// forecaster.
	pub inferer: AccountId,
	/// The forecasted loss.
	pub value: Fixed,
}

/// How many inferences and forecasts are stored for one `(topic, nonce)`.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct SubmissionCount {
	/// Stored inferences.
	pub inferences: u32,
	/// Stored forecasts.
	pub forecasts: u32,
}

/// The parameters this pallet reads (spec §1.1 #28, #44, #45, plus the value bound of a
/// fixed-point port). Set at genesis, changed by `set_params` from the admin origin.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct WorkerParams<Balance> {
	/// Fee to register as a worker in a topic, paid to the ecosystem account.
	pub registration_fee: Balance,
	/// Fee per payload (inference and/or forecast), paid to the ecosystem account.
	pub data_sending_fee: Balance,
	/// Most elements one forecast may carry; `1 ..= MaxForecastElements`.
	pub max_elements_per_forecast: u32,
	/// Largest accepted `|value|` of an inference or forecast element;
	/// `0 < max_abs_value <= MAX_ABS_VALUE_CEILING`.
	pub max_abs_value: Fixed,
}

impl<Balance: From<u32>> Default for WorkerParams<Balance> {
	/// The spec §1.1 defaults, and the widest value bound.
	fn default() -> Self {
		Self {
			registration_fee: Balance::from(DEFAULT_REGISTRATION_FEE),
			data_sending_fee: Balance::from(DEFAULT_DATA_SENDING_FEE),
			max_elements_per_forecast: DEFAULT_MAX_ELEMENTS_PER_FORECAST,
			max_abs_value: MAX_ABS_VALUE_CEILING,
		}
	}
}

/// The inferences of one epoch, `(inferer, value)`, ascending by inferer account id.
pub type InferenceList<AccountId> = alloc::vec::Vec<(AccountId, Fixed)>;

/// The forecasts of one epoch, `(forecaster, [(inferer, forecasted loss)])`, ascending by
/// forecaster account id, each forecast's elements ascending by inferer account id.
pub type ForecastList<AccountId> =
	alloc::vec::Vec<(AccountId, alloc::vec::Vec<(AccountId, Fixed)>)>;

/// What a runtime provides so the benchmarks can find a topic with an open worker nonce.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<BlockNumber> {
	/// Create a topic (if needed) and open a worker nonce whose submission window contains the
	/// current block; return the topic and that nonce.
	fn open_worker_nonce() -> (allora_primitives::TopicId, BlockNumber);
}
