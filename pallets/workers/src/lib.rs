#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod benchmarking;
mod dispatchable_impls;
mod interface;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
#[cfg(any(test, feature = "try-runtime"))]
mod try_state;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use allora_primitives::{TopicId, TopicsInterface};
use allora_synthesis::Fixed;
use polkadot_sdk::polkadot_sdk_frame as frame;

/// The log target of this pallet.
const LOG_TARGET: &str = "runtime::workers";

#[frame::pallet]
pub mod pallet {
	use super::*;
	use frame::prelude::*;

	/// The balance type of `Config::Currency`.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	/// This pallet's parameters with the runtime's balance type.
	pub type WorkerParamsOf<T> = WorkerParams<BalanceOf<T>>;

	/// A registration with the runtime's account and block number types.
	pub type WorkerInfoOf<T> =
		WorkerInfo<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	/// A forecast as submitted and stored: at most `MaxForecastElements` elements.
	pub type ForecastOf<T> = BoundedVec<
		ForecastElement<<T as frame_system::Config>::AccountId>,
		<T as Config>::MaxForecastElements,
	>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The native token: registration and data-sending fees are paid in it.
		type Currency: fungible::Mutate<Self::AccountId>;

		/// The account that receives every protocol fee (spec §1.4); it must exist (hold at
		/// least the existential deposit) or fees below the existential deposit cannot land.
		#[pallet::constant]
		type EcosystemAccount: Get<Self::AccountId>;

		/// Topics and their worker nonces, and where fee revenue is counted (pallet-topics).
		type Topics: TopicsInterface<BalanceOf<Self>, BlockNumberFor<Self>>;

		/// Who may change [`Params`].
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most workers registered in one topic, and most inferences (and, separately, most
		/// forecasts) stored for one worker nonce.
		#[pallet::constant]
		type MaxWorkersPerTopic: Get<u32>;

		/// Most elements a forecast can carry (the hard bound of the
		/// `max_elements_per_forecast` parameter).
		#[pallet::constant]
		type MaxForecastElements: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Sets up a topic with an open worker nonce for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<BlockNumberFor<Self>>;
	}

	/// The pallet's parameters (registration and data-sending fees, forecast size and value
	/// bounds).
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, WorkerParamsOf<T>, ValueQuery>;

	/// Registered workers of each topic (spec `topicWorkers`), with their owner.
	#[pallet::storage]
	pub type TopicWorkers<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		WorkerInfoOf<T>,
		OptionQuery,
	>;

	/// How many workers are registered in each topic (absent = none); at most
	/// `MaxWorkersPerTopic`.
	#[pallet::storage]
	pub type TopicWorkerCount<T: Config> = StorageMap<_, Twox64Concat, TopicId, u32, ValueQuery>;

	/// Inferences of each `(topic, worker nonce)`, by inferer. Kept until the epoch driver
	/// takes or prunes them.
	#[pallet::storage]
	pub type Inferences<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		(TopicId, BlockNumberFor<T>),
		Blake2_128Concat,
		T::AccountId,
		Fixed,
		OptionQuery,
	>;

	/// Forecasts of each `(topic, worker nonce)`, by forecaster; elements ascending by inferer.
	#[pallet::storage]
	pub type Forecasts<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		(TopicId, BlockNumberFor<T>),
		Blake2_128Concat,
		T::AccountId,
		ForecastOf<T>,
		OptionQuery,
	>;

	/// How many inferences and forecasts are stored per `(topic, worker nonce)`; absent when
	/// none are.
	#[pallet::storage]
	pub type SubmissionCounts<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Twox64Concat,
		BlockNumberFor<T>,
		SubmissionCount,
		OptionQuery,
	>;

	/// Genesis values of [`Params`] (spec §1.1 defaults unless overridden).
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Fee to register as a worker in a topic.
		pub registration_fee: BalanceOf<T>,
		/// Fee per worker payload.
		pub data_sending_fee: BalanceOf<T>,
		/// Most elements one forecast may carry.
		pub max_elements_per_forecast: u32,
		/// Largest accepted `|value|`, in whole units (at most `MAX_ABS_VALUE_UNITS` = 10^15).
		pub max_abs_value: u64,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self {
				registration_fee: DEFAULT_REGISTRATION_FEE.into(),
				data_sending_fee: DEFAULT_DATA_SENDING_FEE.into(),
				max_elements_per_forecast: DEFAULT_MAX_ELEMENTS_PER_FORECAST,
				max_abs_value: MAX_ABS_VALUE_UNITS,
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = WorkerParams {
				registration_fee: self.registration_fee,
				data_sending_fee: self.data_sending_fee,
				max_elements_per_forecast: self.max_elements_per_forecast,
				max_abs_value: Fixed::from_u64(self.max_abs_value),
			};
			// A chain must not start with parameters `set_params` would refuse.
			assert!(
				Pallet::<T>::ensure_valid_params(&params).is_ok(),
				"pallet-workers genesis: invalid parameters"
			);
			Params::<T>::put(params);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A worker registered in a topic and paid the registration fee.
		WorkerRegistered {
			topic: TopicId,
			worker: T::AccountId,
			owner: T::AccountId,
			fee: BalanceOf<T>,
		},
		/// A worker left a topic (no refund).
		WorkerUnregistered { topic: TopicId, worker: T::AccountId },
		/// A worker's inference for a worker nonce was accepted.
		InferenceSubmitted {
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			worker: T::AccountId,
			value: Fixed,
		},
		/// A worker's forecast for a worker nonce was accepted.
		ForecastSubmitted {
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			worker: T::AccountId,
			elements: u32,
		},
		/// The admin origin changed the parameters.
		ParamsUpdated { params: WorkerParamsOf<T> },
		/// The submissions of a worker nonce were handed to the epoch driver or discarded.
		SubmissionsPruned {
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			inferences: u32,
			forecasts: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No topic has this id.
		TopicNotFound,
		/// This account is already registered as a worker in the topic.
		AlreadyRegistered,
		/// This account is not registered as a worker in the topic.
		NotRegistered,
		/// The topic already has `MaxWorkersPerTopic` registered workers.
		TooManyWorkers,
		/// The account cannot pay the fee and stay alive.
		CannotPayFee,
		/// The payload has neither an inference nor a forecast.
		EmptyPayload,
		/// The topic has no open worker nonce at this height (never opened, or already closed).
		UnknownNonce,
		/// The worker nonce's submission window has closed.
		WindowClosed,
		/// This worker already submitted an inference for this worker nonce.
		InferenceAlreadySubmitted,
		/// This worker already submitted a forecast for this worker nonce.
		ForecastAlreadySubmitted,
		/// A forecast must have at least one element.
		EmptyForecast,
		/// The forecast has more elements than `max_elements_per_forecast`.
		TooManyForecastElements,
		/// A forecast element names an account that is not a registered worker of the topic.
		InfererNotRegistered,
		/// A forecast element names the forecaster itself.
		SelfForecast,
		/// A forecast names the same inferer twice.
		DuplicateForecastElement,
		/// A value's magnitude exceeds `max_abs_value`.
		ValueOutOfRange,
		/// This worker nonce already holds `MaxWorkersPerTopic` submissions of this kind.
		SubmissionsFull,
		/// `max_elements_per_forecast` must be between 1 and `MaxForecastElements`.
		InvalidMaxElementsPerForecast,
		/// `max_abs_value` must be positive and at most 10^15.
		InvalidMaxAbsValue,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let max_workers = T::MaxWorkersPerTopic::get();
			let max_elements = T::MaxForecastElements::get();
			assert!(max_workers > 0, "MaxWorkersPerTopic must be positive");
			assert!(max_elements > 0, "MaxForecastElements must be positive");
			// A forecast names other registered workers of the topic only.
			assert!(
				max_elements < max_workers,
				"MaxForecastElements must be below MaxWorkersPerTopic"
			);
			// The sum of every value of an epoch must stay representable.
			assert!(
				MAX_ABS_VALUE_CEILING
					.checked_mul(Fixed::from_u64(u64::from(max_workers)))
					.is_some(),
				"MaxWorkersPerTopic too large for the value bound"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register the signer as a worker of `topic`, paying `registration_fee` to the
		/// ecosystem account. Rewards go to `owner` (the signer if `None`).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			topic: TopicId,
			owner: Option<T::AccountId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(who, topic, owner)
		}

		/// Leave `topic`. The slot is freed; the fee is not refunded. Submissions already
		/// accepted stay in their epoch.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unregister())]
		pub fn unregister(origin: OriginFor<T>, topic: TopicId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unregister(who, topic)
		}

		/// Submit an inference and/or a forecast for worker nonce `nonce` of `topic` while its
		/// window is open (spec §2.4), paying `data_sending_fee`. Each worker submits at most
		/// one inference and one forecast per nonce.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::submit(
			forecast.as_ref().map_or(0, |f| u32::try_from(f.len()).unwrap_or(u32::MAX))
		))]
		pub fn submit(
			origin: OriginFor<T>,
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			inference: Option<Fixed>,
			forecast: Option<ForecastOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit(who, topic, nonce, inference, forecast)
		}

		/// Replace the pallet's parameters (admin origin); every value is validated.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: WorkerParamsOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_params(params)
		}
	}
}
