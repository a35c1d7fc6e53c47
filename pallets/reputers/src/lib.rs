#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod benchmarking;
mod interface;
mod losses;
#[cfg(test)]
mod mock;
mod registration;
mod stake;
#[cfg(test)]
mod tests;
#[cfg(any(test, feature = "try-runtime"))]
mod try_state;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use allora_primitives::{TopicId, TopicsInterface};
use polkadot_sdk::polkadot_sdk_frame as frame;

/// The log target of this pallet.
const LOG_TARGET: &str = "runtime::reputers";

#[frame::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame::prelude::*;

	/// The balance type of `Config::Currency`.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	/// This pallet's parameters with the runtime's types.
	pub type ParamsOf<T> = ReputerParams<BalanceOf<T>, BlockNumberFor<T>>;

	/// A parameter change with the runtime's types.
	pub type ParamsUpdateOf<T> = ReputerParamsUpdate<BalanceOf<T>, BlockNumberFor<T>>;

	/// A queued removal with the runtime's types.
	pub type PendingRemovalOf<T> = PendingRemoval<BalanceOf<T>, BlockNumberFor<T>>;

	/// A removal-queue entry with the runtime's account type.
	pub type RemovalKeyOf<T> = RemovalKey<<T as frame_system::Config>::AccountId>;

	/// A stored loss bundle with the runtime's bounds.
	pub type LossBundleOf<T> = LossBundle<
		<T as frame_system::Config>::AccountId,
		<T as Config>::MaxInfererValues,
		<T as Config>::MaxForecasterValues,
	>;

	/// A submitted loss bundle with the runtime's account type.
	pub type LossBundleSubmissionOf<T> =
		LossBundleSubmission<<T as frame_system::Config>::AccountId>;

	/// What `take_loss_bundles` hands out per reputer.
	pub type ReputerLossesOf<T> = ReputerLosses<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		<T as Config>::MaxInfererValues,
		<T as Config>::MaxForecasterValues,
	>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The native token. Stake is held on it under [`HoldReason`]; fees and delegator
		/// rewards are transferred in it.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// Topics and their reputer nonces, and where fee revenue is counted (pallet-topics).
		type Topics: TopicsInterface<BalanceOf<Self>, BlockNumberFor<Self>>;

		/// Who may change [`Params`].
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The account that receives every protocol fee (spec §1.4); it must exist (hold at
		/// least the existential deposit) or fees below the existential deposit cannot land.
		#[pallet::constant]
		type EcosystemAccount: Get<Self::AccountId>;

		/// Derives the account that keeps delegator rewards until they are claimed (the
		/// original's `allorapendingrewards`).
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Most reputers registered in one topic, and most loss bundles stored for one
		/// reputer nonce.
		#[pallet::constant]
		type MaxReputersPerTopic: Get<u32>;

		/// Most due stake removals (reputer and delegator together) executed in one block;
		/// the rest wait for the next block (spec §1.5, the fixed behaviour of §9.1).
		#[pallet::constant]
		type MaxRemovalsPerBlock: Get<u32>;

		/// Most stake removals that may be queued to complete in the same block.
		#[pallet::constant]
		type MaxQueuedRemovalsPerBlock: Get<u32>;

		/// Most entries in each inferer-keyed list of a loss bundle.
		#[pallet::constant]
		type MaxInfererValues: Get<u32>;

		/// Most entries in each forecaster-keyed list of a loss bundle.
		#[pallet::constant]
		type MaxForecasterValues: Get<u32>;

		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;

		/// Sets up topics and nonces for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<BlockNumberFor<Self>>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A reputer's own stake in a topic.
		#[codec(index = 0)]
		ReputerStake,
		/// Stake a delegator placed on a reputer.
		#[codec(index = 1)]
		DelegatorStake,
	}

	/// This pallet's protocol parameters (spec §1.1).
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParamsOf<T>, ValueQuery>;

	/// Reputers registered per topic.
	#[pallet::storage]
	pub type RegisteredReputers<T: Config> =
		StorageDoubleMap<_, Twox64Concat, TopicId, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// Number of reputers registered per topic (at most `MaxReputersPerTopic`).
	#[pallet::storage]
	pub type ReputerCount<T: Config> = StorageMap<_, Twox64Concat, TopicId, u32, ValueQuery>;

	/// A reputer's own stake in a topic. Authority = this + [`DelegatedStakeUpon`].
	#[pallet::storage]
	pub type ReputerStake<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		BalanceOf<T>,
		ValueQuery,
	>;

	/// Stake delegated to a reputer in a topic (spec `stakeFromDelegatorsUponReputer`).
	#[pallet::storage]
	pub type DelegatedStakeUpon<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		BalanceOf<T>,
		ValueQuery,
	>;

	/// Stake a delegator has delegated in a topic, over all reputers (spec
	/// `stakeSumFromDelegator`).
	#[pallet::storage]
	pub type DelegatorTopicStake<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		BalanceOf<T>,
		ValueQuery,
	>;

	/// Delegations by (topic, delegator, reputer).
	#[pallet::storage]
	pub type Delegations<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, TopicId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		DelegationInfo<BalanceOf<T>>,
		OptionQuery,
	>;

	/// Delegator reward per unit of stake delegated to a reputer in a topic, accumulated
	/// since genesis (spec `delegateRewardPerShare`).
	#[pallet::storage]
	pub type RewardPerShare<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		allora_synthesis::Fixed,
		ValueQuery,
	>;

	/// Delegator rewards deposited for a reputer's delegators in a topic and not yet paid
	/// out. Claims never pay more than this.
	#[pallet::storage]
	pub type DelegatorRewardPool<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		BalanceOf<T>,
		ValueQuery,
	>;

	/// All stake in a topic: every reputer's own stake plus everything delegated.
	#[pallet::storage]
	pub type TopicStake<T: Config> = StorageMap<_, Twox64Concat, TopicId, BalanceOf<T>, ValueQuery>;

	/// All stake in every topic.
	#[pallet::storage]
	pub type TotalStake<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// A reputer's queued removal of own stake in a topic (one at a time; a new request
	/// replaces it).
	#[pallet::storage]
	pub type PendingStakeRemovals<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		TopicId,
		Blake2_128Concat,
		T::AccountId,
		PendingRemovalOf<T>,
		OptionQuery,
	>;

	/// A delegator's queued removal by (topic, delegator, reputer).
	#[pallet::storage]
	pub type PendingDelegateRemovals<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, TopicId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		PendingRemovalOf<T>,
		OptionQuery,
	>;

	/// The removal queue: per completion block, the removals due then, in request order.
	#[pallet::storage]
	pub type RemovalQueue<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<RemovalKeyOf<T>, T::MaxQueuedRemovalsPerBlock>,
		ValueQuery,
	>;

	/// Number of entries in [`RemovalQueue`].
	#[pallet::storage]
	pub type QueuedRemovals<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The oldest block of [`RemovalQueue`] that may still hold entries; every earlier
	/// bucket has been executed.
	#[pallet::storage]
	pub type NextRemovalBlock<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// Loss bundles by (topic, reputer nonce) and reputer, until the synthesis pallet takes
	/// them with `take_loss_bundles`.
	#[pallet::storage]
	pub type LossBundles<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		(TopicId, BlockNumberFor<T>),
		Blake2_128Concat,
		T::AccountId,
		LossBundleOf<T>,
		OptionQuery,
	>;

	/// Number of loss bundles stored per (topic, reputer nonce), at most
	/// `MaxReputersPerTopic`.
	#[pallet::storage]
	pub type LossBundleCount<T: Config> =
		StorageMap<_, Twox64Concat, (TopicId, BlockNumberFor<T>), u32, ValueQuery>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Initial `registration_fee`.
		pub registration_fee: BalanceOf<T>,
		/// Initial `data_sending_fee`.
		pub data_sending_fee: BalanceOf<T>,
		/// Initial `required_minimum_stake`.
		pub required_minimum_stake: BalanceOf<T>,
		/// Initial `remove_stake_delay_window`.
		pub remove_stake_delay_window: BlockNumberFor<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			let params = ParamsOf::<T>::default();
			Self {
				registration_fee: params.registration_fee,
				data_sending_fee: params.data_sending_fee,
				required_minimum_stake: params.required_minimum_stake,
				remove_stake_delay_window: params.remove_stake_delay_window,
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = ReputerParams {
				registration_fee: self.registration_fee,
				data_sending_fee: self.data_sending_fee,
				required_minimum_stake: self.required_minimum_stake,
				remove_stake_delay_window: self.remove_stake_delay_window,
			};
			assert!(
				Pallet::<T>::ensure_valid_params(&params).is_ok(),
				"reputers genesis: remove_stake_delay_window must be at least 1"
			);
			Params::<T>::put(params);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A reputer registered in a topic and paid the registration fee.
		ReputerRegistered { topic: TopicId, reputer: T::AccountId, fee: BalanceOf<T> },
		/// A reputer left a topic (its stake stays until removed).
		ReputerUnregistered { topic: TopicId, reputer: T::AccountId },
		/// A reputer's own stake grew (a deposit, or a compounded reward).
		StakeAdded { topic: TopicId, reputer: T::AccountId, amount: BalanceOf<T> },
		/// A reputer asked to remove own stake; it executes at `completion`.
		StakeRemovalQueued {
			topic: TopicId,
			reputer: T::AccountId,
			amount: BalanceOf<T>,
			completion: BlockNumberFor<T>,
		},
		/// A queued removal of a reputer's own stake executed: the stake is released.
		StakeRemoved { topic: TopicId, reputer: T::AccountId, amount: BalanceOf<T> },
		/// A reputer cancelled its queued stake removal.
		StakeRemovalCancelled { topic: TopicId, reputer: T::AccountId },
		/// A delegator delegated stake to a reputer.
		StakeDelegated {
			topic: TopicId,
			delegator: T::AccountId,
			reputer: T::AccountId,
			amount: BalanceOf<T>,
		},
		/// A delegator asked to remove delegated stake; it executes at `completion`.
		DelegateStakeRemovalQueued {
			topic: TopicId,
			delegator: T::AccountId,
			reputer: T::AccountId,
			amount: BalanceOf<T>,
			completion: BlockNumberFor<T>,
		},
		/// A queued removal of delegated stake executed: the stake is released.
		DelegateStakeRemoved {
			topic: TopicId,
			delegator: T::AccountId,
			reputer: T::AccountId,
			amount: BalanceOf<T>,
		},
		/// A delegator cancelled its queued removal.
		DelegateRemovalCancelled { topic: TopicId, delegator: T::AccountId, reputer: T::AccountId },
		/// Rewards for the delegators of a reputer were deposited.
		DelegatorRewardDeposited { topic: TopicId, reputer: T::AccountId, amount: BalanceOf<T> },
		/// A delegator was paid its pending reward (on claim, or when its position changed).
		DelegatorRewardClaimed {
			topic: TopicId,
			delegator: T::AccountId,
			reputer: T::AccountId,
			amount: BalanceOf<T>,
		},
		/// A reputer submitted its losses for a reputer nonce.
		LossesSubmitted { topic: TopicId, nonce: BlockNumberFor<T>, reputer: T::AccountId },
		/// The parameters changed.
		ParamsUpdated { params: ParamsOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No topic with this id exists.
		TopicNotFound,
		/// The account is already registered as a reputer in this topic.
		AlreadyRegistered,
		/// The account is not registered as a reputer in this topic.
		NotRegistered,
		/// The topic already has the most reputers allowed.
		TooManyReputers,
		/// The account cannot pay this fee or hold this stake and stay alive.
		InsufficientBalance,
		/// The amount must be greater than zero.
		ZeroAmount,
		/// The reputer's own stake in this topic is less than the amount.
		InsufficientStake,
		/// There is no queued removal to cancel or execute.
		NoPendingRemoval,
		/// Too many removals already complete in the same block; try again next block.
		RemovalQueueFull,
		/// Stake can only be delegated to a reputer registered in the topic.
		ReputerNotRegistered,
		/// The account has no stake delegated to this reputer in this topic.
		NoDelegation,
		/// The delegation is smaller than the amount.
		InsufficientDelegatedStake,
		/// The delegation has no reward to claim.
		NoRewardToClaim,
		/// Nothing is delegated to this reputer, so a delegator reward has no recipient.
		NoDelegatedStake,
		/// The reputer nonce is not open for this topic (never opened, or already closed).
		UnknownNonce,
		/// The reputer nonce's submission window is closed.
		WindowClosed,
		/// The reputer's authority stake (own + delegated) is below `required_minimum_stake`.
		StakeBelowMinimum,
		/// The reputer already submitted losses for this nonce.
		AlreadySubmitted,
		/// The nonce already holds the most loss bundles allowed.
		TooManyLossBundles,
		/// An inferer-keyed list of the bundle is longer than `MaxInfererValues`.
		TooManyInfererValues,
		/// A forecaster-keyed list of the bundle is longer than `MaxForecasterValues`.
		TooManyForecasterValues,
		/// A worker appears twice in one list of the bundle.
		DuplicateWorker,
		/// `remove_stake_delay_window` must be at least one block.
		ZeroRemoveStakeDelay,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Executes the removals that are due, at most `MaxRemovalsPerBlock` of them, before
		/// any other work of the block sees the stake (spec §2.1 step 1).
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::process_due_removals(now)
		}

		fn integrity_test() {
			assert!(T::MaxReputersPerTopic::get() > 0, "MaxReputersPerTopic must be positive");
			assert!(T::MaxRemovalsPerBlock::get() > 0, "MaxRemovalsPerBlock must be positive");
			assert!(
				T::MaxQueuedRemovalsPerBlock::get() > 0,
				"MaxQueuedRemovalsPerBlock must be positive"
			);
			assert!(T::MaxInfererValues::get() > 0, "MaxInfererValues must be positive");
			assert!(T::MaxForecasterValues::get() > 0, "MaxForecasterValues must be positive");
			assert!(
				Self::ensure_valid_params(&ParamsOf::<T>::default()).is_ok(),
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
		/// Register the caller as a reputer in `topic`, paying `registration_fee` to the
		/// ecosystem account (spec §1.3, §1.4).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(origin: OriginFor<T>, topic: TopicId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(who, topic)
		}

		/// Leave `topic` as a reputer. No refund; stake stays until removed (spec §1.3).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unregister())]
		pub fn unregister(origin: OriginFor<T>, topic: TopicId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unregister(who, topic)
		}

		/// Hold `amount` more of the caller's balance as its stake in `topic`; the caller must
		/// be a registered reputer there (spec §1.5 `AddStake`).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::add_stake())]
		pub fn add_stake(
			origin: OriginFor<T>,
			topic: TopicId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_add_stake(who, topic, amount)
		}

		/// Queue the release of `amount` of the caller's own stake in `topic` after
		/// `remove_stake_delay_window` blocks, replacing any queued one (spec §1.5).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::remove_stake())]
		pub fn remove_stake(
			origin: OriginFor<T>,
			topic: TopicId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_stake(who, topic, amount)
		}

		/// Cancel the caller's queued stake removal in `topic`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::cancel_remove_stake())]
		pub fn cancel_remove_stake(origin: OriginFor<T>, topic: TopicId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_remove_stake(who, topic)
		}

		/// Hold `amount` of the caller's balance as stake delegated to `reputer` in `topic`,
		/// first paying out the position's pending reward (spec §1.5 `DelegateStake`).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::delegate_stake())]
		pub fn delegate_stake(
			origin: OriginFor<T>,
			topic: TopicId,
			reputer: T::AccountId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_delegate_stake(who, topic, reputer, amount)
		}

		/// Queue the release of `amount` of the caller's stake delegated to `reputer` in
		/// `topic` after `remove_stake_delay_window` blocks, replacing any queued one.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::remove_delegate_stake())]
		pub fn remove_delegate_stake(
			origin: OriginFor<T>,
			topic: TopicId,
			reputer: T::AccountId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_delegate_stake(who, topic, reputer, amount)
		}

		/// Cancel the caller's queued removal of stake delegated to `reputer` in `topic`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::cancel_remove_delegate_stake())]
		pub fn cancel_remove_delegate_stake(
			origin: OriginFor<T>,
			topic: TopicId,
			reputer: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_remove_delegate_stake(who, topic, reputer)
		}

		/// Pay the caller the reward its delegation to `reputer` in `topic` has earned
		/// (spec §1.5 `RewardDelegateStake`).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::claim_delegate_rewards())]
		pub fn claim_delegate_rewards(
			origin: OriginFor<T>,
			topic: TopicId,
			reputer: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_delegate_rewards(who, topic, reputer)
		}

		/// Submit the caller's losses for the reputer nonce `nonce` of `topic`, paying
		/// `data_sending_fee` (spec §2.6, §2.7).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::submit_losses(bundle.entry_count()))]
		pub fn submit_losses(
			origin: OriginFor<T>,
			topic: TopicId,
			nonce: BlockNumberFor<T>,
			bundle: Box<LossBundleSubmissionOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_losses(who, topic, nonce, *bundle)
		}

		/// Change some of this pallet's parameters (spec §1.1 `UpdateParams`).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, update: ParamsUpdateOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_params(update)
		}
	}
}
