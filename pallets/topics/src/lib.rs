#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use polkadot_sdk::polkadot_sdk_frame as frame;

mod activation;
#[cfg(feature = "runtime-benchmarks")]
mod benchmark_support;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod dispatchable_impls;
mod epoch;
mod interface;
#[cfg(any(test, feature = "try-runtime"))]
mod invariants;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Log target of this pallet.
pub(crate) const LOG_TARGET: &str = "runtime::topics";

#[frame::pallet]
pub mod pallet {
	use super::*;
	use allora_primitives::{StakeInterface, TopicId};
	use frame::prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The native currency; fees move with it from the payer to the ecosystem account.
		type Currency: fungible::Mutate<Self::AccountId>;

		/// Where topic fees go (spec §1.4: the ecosystem account, which later pays emissions).
		type EcosystemAccount: Get<Self::AccountId>;

		/// Topic stake, one of the two inputs of a topic's weight (spec §6.1).
		type Stake: StakeInterface<Self::AccountId, BalanceOf<Self>>;

		/// Who may change the module parameters.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Agenda entries (a topic's epoch end and/or its nonce-window transitions) processed
		/// per block; the excess waits for the next block, in order (spec §9.1: never dropped).
		#[pallet::constant]
		type MaxTopicsPerBlock: Get<u32>;

		/// Storage bound of a topic's worker and reputer nonce lists; the parameters
		/// `max_unfulfilled_*_requests` may not exceed it.
		#[pallet::constant]
		type MaxUnfulfilledNonces: Get<u32>;

		/// Storage bound of metadata and loss-method strings; the parameter
		/// `max_string_length` may not exceed it.
		#[pallet::constant]
		type MaxStringLength: Get<u32>;

		/// Told when a worker or reputer window closes (the synthesis queues its work there).
		type EpochEvents: allora_primitives::EpochEvents<BlockNumberFor<Self>>;

		/// Weights of the calls and of the per-block agenda.
		type WeightInfo: WeightInfo;
	}

	/// The module parameters (spec §1.1), spec defaults until genesis or the admin sets them.
	#[pallet::type_value]
	pub fn DefaultParams<T: Config>() -> ModuleParamsOf<T> {
		default_params::<T>()
	}

	/// The module parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ModuleParamsOf<T>, ValueQuery, DefaultParams<T>>;

	/// Topic ids start at 1; 0 is never a topic.
	#[pallet::type_value]
	pub fn FirstTopicId() -> TopicId {
		1
	}

	/// The id the next topic gets.
	#[pallet::storage]
	pub type NextTopicId<T: Config> = StorageValue<_, TopicId, ValueQuery, FirstTopicId>;

	/// Every topic.
	#[pallet::storage]
	pub type Topics<T: Config> = StorageMap<_, Twox64Concat, TopicId, Topic<T>, OptionQuery>;

	/// The active topics, each with the block its next epoch ends at (an `epoch_end` entry of
	/// the agenda at that block). A topic is active iff it is here (spec §6.2).
	#[pallet::storage]
	pub type ActiveTopics<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, BlockNumberFor<T>, OptionQuery>;

	/// C_t: a topic's fee revenue, dripped at each of its epoch ends (spec §6.1).
	#[pallet::storage]
	pub type TopicFeeRevenue<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, BalanceOf<T>, ValueQuery>;

	/// The weight computed at a topic's last epoch end (absent before the first).
	#[pallet::storage]
	pub type PreviousTopicWeight<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, u128, OptionQuery>;

	/// Σ of `PreviousTopicWeight` over the active topics: the denominator of topic rewards
	/// (spec §6.3, `totalSumPreviousTopicWeights`).
	#[pallet::storage]
	pub type TotalActiveTopicWeight<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// What each topic has to do at each block: epoch ends and nonce-window transitions.
	#[pallet::storage]
	pub type Agenda<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		Twox64Concat,
		TopicId,
		AgendaEntryOf<T>,
		OptionQuery,
	>;

	/// The oldest agenda block not yet fully processed, when the per-block cap left work
	/// behind; absent when the agenda is up to date.
	#[pallet::storage]
	pub type AgendaCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// A topic's unfulfilled worker nonces, oldest first (spec §1.6).
	#[pallet::storage]
	pub type UnfulfilledWorkerNonces<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, NonceListOf<T>, ValueQuery>;

	/// A topic's unfulfilled reputer nonces, oldest first (spec §1.6).
	#[pallet::storage]
	pub type UnfulfilledReputerNonces<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, NonceListOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A topic was created; its creation fee counts as its first fee revenue.
		TopicCreated { topic: TopicId, creator: T::AccountId, fee: BalanceOf<T> },
		/// Someone paid what they wanted toward a topic's fee revenue.
		TopicFunded { topic: TopicId, funder: T::AccountId, amount: BalanceOf<T> },
		/// A topic's weight qualified: its next epoch ends at `next_epoch_end`.
		TopicActivated { topic: TopicId, weight: u128, next_epoch_end: BlockNumberFor<T> },
		/// A topic's weight fell below `min_topic_weight` at its epoch end.
		TopicInactivated { topic: TopicId, weight: u128 },
		/// A topic's epoch ended: its new weight, and its fee revenue after the drip.
		TopicWeightUpdated { topic: TopicId, weight: u128, fee_revenue: BalanceOf<T> },
		/// An epoch began: workers submit for `nonce` until `window_closes_at` (exclusive).
		WorkerNonceOpened {
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			window_closes_at: BlockNumberFor<T>,
		},
		/// Workers can no longer submit for `nonce`.
		WorkerWindowClosed { topic: TopicId, nonce: BlockNumberFor<T> },
		/// The synthesis closed worker nonce `nonce`; its reputer nonce exists from now on.
		WorkerNonceFulfilled { topic: TopicId, nonce: BlockNumberFor<T> },
		/// The ground truth of `nonce` is known: reputers submit until `window_closes_at`
		/// (exclusive).
		ReputerNonceOpened {
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			window_closes_at: BlockNumberFor<T>,
		},
		/// Reputers can no longer submit for `nonce`.
		ReputerWindowClosed { topic: TopicId, nonce: BlockNumberFor<T> },
		/// The synthesis closed reputer nonce `nonce`.
		ReputerNonceFulfilled { topic: TopicId, nonce: BlockNumberFor<T> },
		/// A nonce left its list unfulfilled.
		NonceDropped {
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			kind: NonceKind,
			reason: DropReason,
		},
		/// More agenda entries were due than `MaxTopicsPerBlock`; those of block `due` and
		/// later wait for the next block.
		EpochsDeferred { due: BlockNumberFor<T> },
		/// The synthesis set a topic's initial regret.
		InitialRegretUpdated { topic: TopicId, initial_regret: allora_synthesis::Fixed },
		/// The admin set new module parameters.
		ParamsUpdated { params: ModuleParamsOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No topic has this id.
		TopicNotFound,
		/// Funding must be a positive amount.
		ZeroFunding,
		/// The payer cannot pay this amount and keep its account alive.
		InsufficientBalance,
		/// Topic ids are exhausted.
		TooManyTopics,
		/// The loss method must name a loss function.
		LossMethodEmpty,
		/// The loss method is longer than `max_string_length`.
		LossMethodTooLong,
		/// The metadata is longer than `max_string_length`.
		MetadataTooLong,
		/// The epoch length is below `min_epoch_length`.
		EpochLengthTooShort,
		/// The ground-truth lag is shorter than the epoch length.
		GroundTruthLagTooShort,
		/// The ground-truth lag exceeds `max_unfulfilled_reputer_requests` epochs.
		GroundTruthLagTooLong,
		/// The worker submission window must be between 1 block and the epoch length.
		InvalidWorkerSubmissionWindow,
		/// `p_norm` must be between 2.5 and 4.5.
		InvalidPNorm,
		/// `alpha_regret` must be in (0, 1].
		InvalidAlphaRegret,
		/// `epsilon` must be positive.
		InvalidEpsilon,
		/// `merit_sortition_alpha` must be in [0, 1).
		InvalidMeritSortitionAlpha,
		/// `active_inferer_quantile` must be in [0, 1).
		InvalidActiveInfererQuantile,
		/// `active_forecaster_quantile` must be in [0, 1).
		InvalidActiveForecasterQuantile,
		/// `active_reputer_quantile` must be in [0, 1).
		InvalidActiveReputerQuantile,
		/// `min_epoch_length` must be at least 1.
		InvalidMinEpochLength,
		/// `max_unfulfilled_worker_requests` must be in 1..=`MaxUnfulfilledNonces`.
		InvalidMaxUnfulfilledWorkerRequests,
		/// `max_unfulfilled_reputer_requests` must be in 1..=`MaxUnfulfilledNonces`.
		InvalidMaxUnfulfilledReputerRequests,
		/// `topic_reward_stake_importance` must be in [0, 1].
		InvalidTopicRewardStakeImportance,
		/// `topic_reward_fee_revenue_importance` must be in [0, 1].
		InvalidTopicRewardFeeRevenueImportance,
		/// `topic_reward_alpha` must be in (0, 1).
		InvalidTopicRewardAlpha,
		/// `max_string_length` must be in 1..=`MaxStringLength`.
		InvalidMaxStringLength,
		/// `blocks_per_month` must be at least 1.
		InvalidBlocksPerMonth,
		/// This worker nonce is not open for the topic.
		WorkerNonceNotFound,
		/// Workers can still submit for this nonce.
		WorkerWindowStillOpen,
		/// This reputer nonce is not open for the topic.
		ReputerNonceNotFound,
		/// Reputers can still submit for this nonce.
		ReputerWindowStillOpen,
	}

	/// The module parameters at genesis; fractions in [0, 1] are given as `Perquintill`
	/// (18 decimals, like `Fixed`). Defaults: spec §1.1.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// See [`ModuleParams::min_topic_weight`].
		pub min_topic_weight: u128,
		/// See [`ModuleParams::min_epoch_length`].
		pub min_epoch_length: BlockNumberFor<T>,
		/// See [`ModuleParams::max_unfulfilled_worker_requests`].
		pub max_unfulfilled_worker_requests: u32,
		/// See [`ModuleParams::max_unfulfilled_reputer_requests`].
		pub max_unfulfilled_reputer_requests: u32,
		/// See [`ModuleParams::topic_reward_stake_importance`].
		pub topic_reward_stake_importance: Perquintill,
		/// See [`ModuleParams::topic_reward_fee_revenue_importance`].
		pub topic_reward_fee_revenue_importance: Perquintill,
		/// See [`ModuleParams::topic_reward_alpha`].
		pub topic_reward_alpha: Perquintill,
		/// See [`ModuleParams::create_topic_fee`].
		pub create_topic_fee: BalanceOf<T>,
		/// See [`ModuleParams::max_string_length`].
		pub max_string_length: u32,
		/// See [`ModuleParams::blocks_per_month`].
		pub blocks_per_month: BlockNumberFor<T>,
		/// See [`ModuleParams::min_epoch_length_record_limit`].
		pub min_epoch_length_record_limit: u32,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self::from_params(&default_params::<T>())
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.to_params();
			// A chain must not start with parameters `set_params` would refuse.
			if let Err(e) = Pallet::<T>::validate_params(&params) {
				panic!("pallet-topics genesis: invalid parameters: {e:?}");
			}
			Params::<T>::put(params);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Runs the epoch schedule: the topics whose epoch ends now and the nonce windows that
		/// open or close now, at most `MaxTopicsPerBlock` of them.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::advance_agenda(now)
		}

		fn integrity_test() {
			let per_block = T::MaxTopicsPerBlock::get();
			assert!(per_block > 0, "MaxTopicsPerBlock must be positive");
			assert!(T::MaxUnfulfilledNonces::get() > 0, "MaxUnfulfilledNonces must be positive");
			assert!(T::MaxStringLength::get() > 0, "MaxStringLength must be positive");
			assert!(
				Self::validate_params(&default_params::<T>()).is_ok(),
				"the default parameters must be valid"
			);
			let worst = T::WeightInfo::advance_agenda(per_block, per_block);
			let max_block = <T as frame_system::Config>::BlockWeights::get().max_block;
			assert!(
				worst.all_lte(max_block),
				"MaxTopicsPerBlock topics must fit in a block: {worst:?} > {max_block:?}"
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
		/// Create a topic (spec §1.2). The creator pays `create_topic_fee` to the ecosystem
		/// account; it counts as the topic's fee revenue but does not activate it (spec §1.4).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_topic())]
		pub fn create_topic(origin: OriginFor<T>, params: TopicParams<T>) -> DispatchResult {
			let creator = ensure_signed(origin)?;
			Self::do_create_topic(creator, params)
		}

		/// Pay what you want toward a topic (spec §1.4): the amount goes to the ecosystem
		/// account and to the topic's fee revenue, which may activate it.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::fund_topic())]
		pub fn fund_topic(
			origin: OriginFor<T>,
			topic: TopicId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let funder = ensure_signed(origin)?;
			Self::do_fund_topic(funder, topic, amount)
		}

		/// Replace the module parameters (admin only); every value is validated.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: ModuleParamsOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_params(params)
		}
	}
}
