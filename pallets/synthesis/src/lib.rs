#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod benchmarking;
mod inference;
#[cfg(test)]
mod mock;
mod params;
mod queue;
mod regrets;
mod scoring;
#[cfg(test)]
mod tests;
#[cfg(any(test, feature = "try-runtime"))]
mod try_state;
mod types;
pub mod weights;

pub use params::default_params;
pub use regrets::PAIR_REGRET_PROOF_SIZE;
pub use scoring::loss_bundle;
pub use types::*;
pub use weights::WeightInfo;

use allora_primitives::TopicId;
use polkadot_sdk::polkadot_sdk_frame as frame;

/// The log target of this pallet.
const LOG_TARGET: &str = "runtime::synthesis";

#[frame::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use allora_primitives::{
		EpochControl, LossReport, LossSource, Payout, Role, SubmissionSource, TopicRewards,
	};
	use allora_synthesis::Fixed;
	use frame::prelude::*;

	/// The balance type rewards and stakes are counted in.
	pub type BalanceOf<T> = <T as Config>::Balance;

	/// A queued close with the runtime's block number.
	pub type WorkItemOf<T> = WorkItem<BlockNumberFor<T>>;

	/// A stored network inference bundle with the runtime's types and bounds.
	pub type InferenceBundleOf<T> = InferenceBundle<
		<T as frame_system::Config>::AccountId,
		<T as Config>::MaxInferers,
		<T as Config>::MaxForecasters,
	>;

	/// The participants of a nonce with the runtime's types and bounds.
	pub type ParticipantsOf<T> = Participants<
		<T as frame_system::Config>::AccountId,
		<T as Config>::MaxInferers,
		<T as Config>::MaxForecasters,
	>;

	/// A stored score with the runtime's block number.
	pub type ScoreRecordOf<T> = ScoreRecord<BlockNumberFor<T>>;

	/// A reputer's loss report with the runtime's types.
	pub type LossReportOf<T> = LossReport<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

	/// A payment with the runtime's types.
	pub type PayoutOf<T> = Payout<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The native token's balance (`u128` in the runtime). Loss-report stakes and rewards
		/// are converted to and from `u128` for the maths, saturating.
		type Balance: tokens::Balance;

		/// Topic settings, nonce fulfilment and R₀ (pallet-topics).
		type Topics: EpochControl<BlockNumberFor<Self>>;

		/// The submissions of a worker nonce and whom a worker's reward goes to
		/// (pallet-workers).
		type Workers: SubmissionSource<Self::AccountId, BlockNumberFor<Self>>;

		/// The loss reports of a reputer nonce (pallet-reputers).
		type Reputers: LossSource<Self::AccountId, BalanceOf<Self>, BlockNumberFor<Self>>;

		/// A topic-epoch's reward and its payment (pallet-emissions).
		type Rewards: TopicRewards<Self::AccountId, BalanceOf<Self>>;

		/// Who may change [`Params`].
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most queued topic-epoch closes (worker or reputer) processed per block; the rest
		/// wait, in order, for the next blocks.
		#[pallet::constant]
		type MaxTopicEpochsPerBlock: Get<u32>;

		/// Most active inferers of a topic-epoch: the storage bound of bundles and active
		/// sets, and of `max_top_inferers`.
		#[pallet::constant]
		type MaxInferers: Get<u32>;

		/// Most active forecasters of a topic-epoch (bound of `max_top_forecasters`).
		#[pallet::constant]
		type MaxForecasters: Get<u32>;

		/// Most active reputers of a topic-epoch (bound of `max_top_reputers`).
		#[pallet::constant]
		type MaxReputers: Get<u32>;

		/// Network inference bundles kept per topic (the newest nonces).
		#[pallet::constant]
		type HistoryDepth: Get<u32>;

		/// Worker-closed nonces per topic whose reputer nonce has not closed yet. Beyond it
		/// the oldest nonce's participants are dropped; at least pallet-topics'
		/// `max_unfulfilled_reputer_requests` (plus one) loses nothing.
		#[pallet::constant]
		type MaxUnscoredEpochs: Get<u32>;

		/// Weights of this pallet's call and hook.
		type WeightInfo: WeightInfo;

		/// Puts topics, submissions and loss reports in place for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<
			Self::AccountId,
			BalanceOf<Self>,
			BlockNumberFor<Self>,
		>;
	}

	/// The parameters: spec defaults, active sets cut to the storage bounds, until the admin
	/// sets them.
	#[pallet::type_value]
	pub fn DefaultParams<T: Config>() -> EpochParams {
		default_params::<T>()
	}

	/// A newcomer's listening coefficient (spec §4.3).
	#[pallet::type_value]
	pub fn DefaultCoefficient() -> Fixed {
		Fixed::ONE
	}

	/// Active-set sizes and the maths parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, EpochParams, ValueQuery, DefaultParams<T>>;

	// ----- the work queue ------------------------------------------------------------------

	/// Index of the oldest queued item.
	#[pallet::storage]
	pub type QueueHead<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Index the next queued item gets. Items `QueueHead..QueueTail` are waiting.
	#[pallet::storage]
	pub type QueueTail<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Topic-epoch closes waiting to be processed, by queue index.
	#[pallet::storage]
	pub type Queue<T: Config> = StorageMap<_, Twox64Concat, u64, WorkItemOf<T>, OptionQuery>;

	// ----- network inferences (worker close) -----------------------------------------------

	/// The network inferences of a topic's nonce, for the newest `HistoryDepth` nonces.
	#[pallet::storage]
	pub type InferenceBundles<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Twox64Concat,
		BlockNumberFor<T>,
		InferenceBundleOf<T>,
		OptionQuery,
	>;

	/// The nonces of a topic's stored bundles, ascending.
	#[pallet::storage]
	pub type InferenceNonces<T: Config> = StorageMap<
		_,
		Twox64Concat,
		TopicId,
		BoundedVec<BlockNumberFor<T>, T::HistoryDepth>,
		ValueQuery,
	>;

	/// A topic's newest network inference: (nonce, combined value).
	#[pallet::storage]
	pub type LatestInference<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, (BlockNumberFor<T>, Fixed), OptionQuery>;

	/// Who took part in a worker nonce, kept until its reputer nonce is scored.
	#[pallet::storage]
	pub type EpochParticipants<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Twox64Concat,
		BlockNumberFor<T>,
		ParticipantsOf<T>,
		OptionQuery,
	>;

	/// The nonces of a topic with stored participants, ascending.
	#[pallet::storage]
	pub type UnscoredNonces<T: Config> = StorageMap<
		_,
		Twox64Concat,
		TopicId,
		BoundedVec<BlockNumberFor<T>, T::MaxUnscoredEpochs>,
		ValueQuery,
	>;

	/// The inferers of a topic's latest closed worker nonce, ascending (spec §7).
	#[pallet::storage]
	pub type ActiveInferers<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, BoundedVec<T::AccountId, T::MaxInferers>, ValueQuery>;

	/// The forecasters of a topic's latest closed worker nonce, ascending.
	#[pallet::storage]
	pub type ActiveForecasters<T: Config> = StorageMap<
		_,
		Twox64Concat,
		TopicId,
		BoundedVec<T::AccountId, T::MaxForecasters>,
		ValueQuery,
	>;

	/// The reputers of a topic's latest closed reputer nonce, ascending.
	#[pallet::storage]
	pub type ActiveReputers<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, BoundedVec<T::AccountId, T::MaxReputers>, ValueQuery>;

	// ----- what scoring reads and writes (reputer close) -----------------------------------

	/// L_{i−1}: the combined loss of a topic's newest scored nonce: (nonce, loss). The next
	/// synthesis reads it (spec §3.1).
	#[pallet::storage]
	pub type LatestNetworkLoss<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, (BlockNumberFor<T>, Fixed), OptionQuery>;

	/// An actor's own regrets in a topic (spec §1.7).
	#[pallet::storage]
	pub type ActorRegrets<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		RegretRecord,
		ValueQuery,
	>;

	/// Pairwise regrets by (topic, family, a, b): the regret of `b` in the network variant
	/// named by `a` (see [`PairFamily`]).
	#[pallet::storage]
	pub type PairRegrets<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, TopicId>,
			NMapKey<Twox64Concat, PairFamily>,
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		Fixed,
		OptionQuery,
	>;

	/// A reputer's listening coefficient in a topic (spec §4.3), 1 until first scored.
	#[pallet::storage]
	pub type ListeningCoefficient<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		Fixed,
		ValueQuery,
		DefaultCoefficient,
	>;

	/// An actor's smoothed reward fraction by (topic, role, account) (spec §5.4).
	#[pallet::storage]
	pub type SmoothedFraction<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, TopicId>,
			NMapKey<Twox64Concat, Role>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		Fixed,
		OptionQuery,
	>;

	/// A topic's forecaster score ratio (spec §5.5), 0 until first scored.
	#[pallet::storage]
	pub type ForecasterScoreRatio<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, Fixed, ValueQuery>;

	/// A topic's newest instant scores of a role (inferers, forecasters), newest epoch first,
	/// at most `max_samples_to_scale_scores`: the σ samples of the score mapping (spec §5.3).
	#[pallet::storage]
	pub type RecentScores<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Twox64Concat,
		Role,
		BoundedVec<Fixed, MaxScoreSamples>,
		ValueQuery,
	>;

	/// An actor's latest instant score and EMA score by (topic, role, account) (spec §5.2).
	#[pallet::storage]
	pub type Scores<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, TopicId>,
			NMapKey<Twox64Concat, Role>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		ScoreRecordOf<T>,
		OptionQuery,
	>;

	/// The quantile of a role's instant scores at the topic's latest scored epoch (spec
	/// §5.2).
	#[pallet::storage]
	pub type ScoreQuantile<T: Config> =
		StorageDoubleMap<_, Twox64Concat, TopicId, Twox64Concat, Role, Fixed, OptionQuery>;

	/// Epochs in which a worker was paid a non-zero reward in a role, by (topic, role,
	/// account): the experience of spec §3.8.
	#[pallet::storage]
	pub type Inclusions<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, TopicId>,
			NMapKey<Twox64Concat, Role>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		u64,
		ValueQuery,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	// `ParamsUpdated` carries the whole parameter set; it is rare, so its size costs nothing.
	#[allow(clippy::large_enum_variant)]
	pub enum Event<T: Config> {
		/// The network inferences of a worker nonce are stored (spec §2.5).
		NetworkInferenceStored {
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			combined: Fixed,
			naive: Fixed,
			inferers: u32,
			forecasters: u32,
		},
		/// A worker nonce closed without network inferences; it is fulfilled anyway.
		InferenceSkipped { topic: TopicId, nonce: BlockNumberFor<T>, reason: SkipReason },
		/// A reputer nonce is scored and its reward paid (`paid` may be less than `reward`
		/// if some payments failed).
		EpochScored {
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			reward: BalanceOf<T>,
			paid: BalanceOf<T>,
			inferers: u32,
			forecasters: u32,
			reputers: u32,
		},
		/// A reputer nonce closed without scoring; nothing is paid, it is fulfilled anyway.
		ScoringSkipped { topic: TopicId, nonce: BlockNumberFor<T>, reason: SkipReason },
		/// A topic's initial regret R₀ changed (spec §3.8).
		InitialRegretUpdated { topic: TopicId, initial_regret: Fixed },
		/// More closes are queued than one block processes; `remaining` wait.
		WorkDeferred { remaining: u64 },
		/// The parameters changed.
		ParamsUpdated { params: EpochParams },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `max_top_inferers` and `max_top_reputers` must be at least 1.
		EmptyActiveSet,
		/// `max_top_inferers` is above `MaxInferers`.
		TooManyTopInferers,
		/// `max_top_forecasters` is above `MaxForecasters`.
		TooManyTopForecasters,
		/// `max_top_reputers` is above `MaxReputers`.
		TooManyTopReputers,
		/// `initial_regret_quantile` must be between 0 and 1.
		InvalidQuantile,
		/// `epsilon_safe_div` and `epsilon_reputer` must be positive.
		NonPositiveEpsilon,
		/// `learning_rate` must be positive.
		NonPositiveLearningRate,
		/// `min_stake_fraction` must be between 0 and 1.
		InvalidStakeFraction,
		/// `p_reward_inference`, `p_reward_forecast` and `p_reward_reputer` must be positive.
		NonPositiveRewardExponent,
		/// `task_reward_alpha` must be between 0 and 1.
		InvalidSmoothingAlpha,
		/// `max_samples_to_scale_scores` is above the stored samples' bound (1024).
		TooManyScoreSamples,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Processes queued topic-epoch closes, at most `MaxTopicEpochsPerBlock`.
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			Self::process_queue()
		}

		fn integrity_test() {
			assert!(
				T::MaxTopicEpochsPerBlock::get() > 0,
				"MaxTopicEpochsPerBlock must be positive"
			);
			assert!(T::MaxInferers::get() > 0, "MaxInferers must be positive");
			assert!(T::MaxReputers::get() > 0, "MaxReputers must be positive");
			assert!(T::HistoryDepth::get() > 0, "HistoryDepth must be positive");
			assert!(T::MaxUnscoredEpochs::get() > 0, "MaxUnscoredEpochs must be positive");
			assert!(
				Self::ensure_valid_params(&default_params::<T>()).is_ok(),
				"default parameters must be valid"
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
		/// Replace the parameters: active-set sizes and maths (every field is checked).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: Box<EpochParams>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_params(*params)
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// A topic's newest network inference: (nonce, combined value).
		pub fn latest_inference(topic: TopicId) -> Option<(BlockNumberFor<T>, Fixed)> {
			LatestInference::<T>::get(topic)
		}

		/// Every network inference of a topic's nonce, if still stored.
		pub fn inference_bundle(
			topic: TopicId,
			nonce: BlockNumberFor<T>,
		) -> Option<InferenceBundleOf<T>> {
			InferenceBundles::<T>::get(topic, nonce)
		}

		/// An actor's latest scores in a topic as inferer, forecaster and reputer.
		pub fn actor_scores(
			topic: TopicId,
			account: T::AccountId,
		) -> [Option<ScoreRecordOf<T>>; 3] {
			[Role::Inferer, Role::Forecaster, Role::Reputer]
				.map(|role| Scores::<T>::get((topic, role, &account)))
		}

		/// An actor's own regrets in a topic (`None`: R₀).
		pub fn actor_regrets(topic: TopicId, account: T::AccountId) -> RegretRecord {
			ActorRegrets::<T>::get(topic, account)
		}

		/// A topic's active inferers, forecasters and reputers of its latest closes.
		pub fn active_sets(topic: TopicId) -> ActiveSets<T::AccountId> {
			(
				ActiveInferers::<T>::get(topic).into_inner(),
				ActiveForecasters::<T>::get(topic).into_inner(),
				ActiveReputers::<T>::get(topic).into_inner(),
			)
		}
	}
}
