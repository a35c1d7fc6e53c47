//! What the Allora pallets share. Each pallet owns one job (topics, workers, reputers,
//! synthesis, emissions); they ask each other through the traits here, wired in the runtime
//! through their `Config`s, so none depends on another's storage.

#![cfg_attr(not(feature = "std"), no_std)]

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	sp_runtime::{traits::Zero, DispatchError},
	traits::{
		fungible::Mutate,
		tokens::{Fortitude, Preservation},
	},
};
use scale_info::TypeInfo;

extern crate alloc;
use alloc::vec::Vec;
pub use allora_synthesis::Fixed;

/// Topics are numbered from 1 in creation order; 0 is never a topic.
pub type TopicId = u64;

/// Where an epoch's submissions stand. An epoch is named by its *nonce*: the block at which
/// its worker nonce opened.
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
pub enum NonceStatus {
	/// No such nonce is open for the topic (never opened, or already fulfilled and pruned).
	Unknown,
	/// Open, and `now` is inside its submission window.
	Open,
	/// Open, but its submission window has closed.
	WindowClosed,
}

/// Answers about topics and their epochs, and the fee bookkeeping every paying action needs.
/// Implemented by pallet-topics.
pub trait TopicsInterface<Balance, BlockNumber> {
	/// Whether a topic with this id exists.
	fn topic_exists(topic: TopicId) -> bool;
	/// Whether the topic is active (funded enough to run epochs).
	fn is_active(topic: TopicId) -> bool;
	/// The status of a worker nonce of `topic` at block `now`.
	fn worker_nonce_status(topic: TopicId, nonce: BlockNumber, now: BlockNumber) -> NonceStatus;
	/// The status of a reputer nonce (named by the worker nonce whose losses it collects).
	fn reputer_nonce_status(topic: TopicId, nonce: BlockNumber, now: BlockNumber) -> NonceStatus;
	/// Count a protocol fee (already transferred to the ecosystem account) as the topic's fee
	/// revenue, and activate the topic if its weight now qualifies (spec §1.4).
	fn note_fee_revenue(topic: TopicId, amount: Balance);
	/// The stake behind `topic` grew: activate the topic if its weight now qualifies
	/// (spec §1.4: adding and delegating stake re-check activation).
	fn note_stake_added(topic: TopicId);
}

/// Answers about reputer stake. Implemented by pallet-reputers.
pub trait StakeInterface<AccountId, Balance> {
	/// Stake a reputer can report with in a topic: its own plus what is delegated to it.
	fn reputer_authority(topic: TopicId, reputer: &AccountId) -> Balance;
	/// All stake in a topic (reputers' and delegators').
	fn topic_stake(topic: TopicId) -> Balance;
	/// All stake in every topic.
	fn total_stake() -> Balance;
}

/// Moves a protocol fee (topic creation, registration, data sending, funding) from `payer` to
/// the ecosystem account, keeping the payer's account alive. A zero fee does nothing; a payer
/// who cannot afford it gets `insufficient` (each pallet names that error itself) and nothing
/// moves. Every pallet that charges a fee calls this, so fees behave the same everywhere.
pub fn pay_protocol_fee<AccountId: Eq, Currency: Mutate<AccountId>>(
	payer: &AccountId,
	ecosystem: &AccountId,
	amount: Currency::Balance,
	insufficient: DispatchError,
) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	let spendable = Currency::reducible_balance(payer, Preservation::Preserve, Fortitude::Polite);
	ensure!(spendable >= amount, insufficient);
	Currency::transfer(payer, ecosystem, amount, Preservation::Preserve)?;
	Ok(())
}

/// What the emissions pallet reads of topics to size each topic's reward (spec §6.3).
/// Implemented by pallet-topics.
pub trait TopicWeights<BlockNumber> {
	/// The weight w_t of an active topic as of its last epoch end; `None` if inactive or never
	/// ended an epoch.
	fn active_weight(topic: TopicId) -> Option<u128>;
	/// W_sum: Σ of the active topics' weights.
	fn total_active_weight() -> u128;
	/// The topic's epoch length E, if it exists.
	fn epoch_length(topic: TopicId) -> Option<BlockNumber>;
}

/// How a reputer's reward reaches it and its delegators (spec §5.6). Implemented by
/// pallet-reputers.
pub trait ReputerRewards<AccountId, Balance> {
	/// A = the reputer's own stake plus what is delegated to it in `topic`.
	fn authority(topic: TopicId, reputer: &AccountId) -> Balance;
	/// D = the stake delegated to the reputer in `topic`.
	fn delegated(topic: TopicId, reputer: &AccountId) -> Balance;
	/// Moves `amount` from `source` into the reputer's delegators' reward pool (reward per
	/// share rises). Fails, changing nothing, if nothing is delegated.
	fn deposit_delegator_reward(
		source: &AccountId,
		topic: TopicId,
		reputer: &AccountId,
		amount: Balance,
	) -> DispatchResult;
	/// Moves `amount` from `source` to the reputer and adds it to its stake in `topic`.
	fn stake_reputer_reward(
		source: &AccountId,
		topic: TopicId,
		reputer: &AccountId,
		amount: Balance,
	) -> DispatchResult;
}

/// Which role an actor is paid for in a topic-epoch.
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
pub enum Role {
	/// Paid to the worker's owner.
	Inferer,
	/// Paid to the worker's owner.
	Forecaster,
	/// Split with the delegators; the reputer's part is added to its stake.
	Reputer,
}

/// One payment of a topic-epoch: who (the account to credit: for workers, already their
/// owner), in which role, how much.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Payout<AccountId, Balance> {
	pub role: Role,
	pub account: AccountId,
	pub amount: Balance,
}

/// What the synthesis pallet asks of the emissions pallet when a topic-epoch is scored.
/// Implemented by pallet-emissions.
pub trait TopicRewards<AccountId, Balance> {
	/// The reward of one epoch of `topic` (spec §6.3), never more than the rewards account
	/// can pay; zero if the topic is inactive or has no weight.
	fn epoch_reward(topic: TopicId) -> Balance;
	/// Pays a topic-epoch's rewards out of the rewards account. Each payout is independent:
	/// one that fails is skipped (logged, reported in the event) and its amount stays in the
	/// rewards account. Returns what was paid.
	fn pay(topic: TopicId, payouts: &[Payout<AccountId, Balance>]) -> Balance;
}

/// A topic's settings the synthesis reads (spec §1.2).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TopicSettings<BlockNumber> {
	pub epoch_length: BlockNumber,
	pub ground_truth_lag: BlockNumber,
	/// p of the regret → weight map.
	pub p_norm: Fixed,
	/// α of the regret EMA.
	pub alpha_regret: Fixed,
	/// Whether losses are raw (may be negative) rather than log10 of positive losses.
	pub allow_negative: bool,
	/// ε of the regret normalisation.
	pub epsilon: Fixed,
	/// R₀, the regret of an actor with none stored (0: all-inferers-new mode).
	pub initial_regret: Fixed,
	/// α_M of the merit-sortition pull toward the quantile, also the score EMA's α.
	pub merit_sortition_alpha: Fixed,
	pub active_inferer_quantile: Fixed,
	pub active_forecaster_quantile: Fixed,
	pub active_reputer_quantile: Fixed,
}

/// What the synthesis drives in pallet-topics: settings, and the fulfilment of nonces.
pub trait EpochControl<BlockNumber> {
	/// The topic's settings, if it exists.
	fn settings(topic: TopicId) -> Option<TopicSettings<BlockNumber>>;
	/// Worker nonce `nonce` is done: its reputer nonce now exists (spec §2.3).
	fn fulfil_worker_nonce(topic: TopicId, nonce: BlockNumber) -> DispatchResult;
	/// Reputer nonce `nonce` is done (spec §2.6).
	fn fulfil_reputer_nonce(topic: TopicId, nonce: BlockNumber) -> DispatchResult;
	/// Stores R₀ after an epoch (spec §3.8).
	fn set_initial_regret(topic: TopicId, initial_regret: Fixed) -> DispatchResult;
}

/// Told by pallet-topics when a window closes, so the synthesis can queue the work.
pub trait EpochEvents<BlockNumber> {
	/// Workers can no longer submit for worker nonce `nonce` of `topic`.
	fn worker_window_closed(topic: TopicId, nonce: BlockNumber);
	/// Reputers can no longer submit for reputer nonce `nonce` of `topic`.
	fn reputer_window_closed(topic: TopicId, nonce: BlockNumber);
}

impl<BlockNumber> EpochEvents<BlockNumber> for () {
	fn worker_window_closed(_: TopicId, _: BlockNumber) {}
	fn reputer_window_closed(_: TopicId, _: BlockNumber) {}
}

/// A worker-indexed value: (worker, value).
pub type WorkerValues<AccountId> = Vec<(AccountId, Fixed)>;

/// A worker nonce's submissions, each list sorted by account id.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Submissions<AccountId> {
	/// (inferer, inference).
	pub inferences: WorkerValues<AccountId>,
	/// (forecaster, [(inferer, forecasted loss)]).
	pub forecasts: Vec<(AccountId, WorkerValues<AccountId>)>,
}

/// Where the synthesis gets submissions and whom it pays for a worker. Implemented by
/// pallet-workers.
pub trait SubmissionSource<AccountId, BlockNumber> {
	/// The submissions of a closed worker nonce, deleted from storage.
	fn take_submissions(topic: TopicId, nonce: BlockNumber) -> Submissions<AccountId>;
	/// The account paid for `worker`'s work: its owner, or itself if it left.
	fn payee(topic: TopicId, worker: &AccountId) -> AccountId;
	/// Most inferences (and, separately, forecasts) one nonce can hold.
	fn max_workers() -> u32;
}

/// One reputer's losses for a nonce, keyed by worker, with its authority stake now.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LossReport<AccountId, Balance> {
	pub reputer: AccountId,
	pub stake: Balance,
	pub combined: Fixed,
	pub naive: Fixed,
	pub inferers: WorkerValues<AccountId>,
	pub forecasters: WorkerValues<AccountId>,
	pub one_out_inferers: WorkerValues<AccountId>,
	pub one_out_forecasters: WorkerValues<AccountId>,
	pub one_in_forecasters: WorkerValues<AccountId>,
	/// (forecaster k, [(withheld inferer j', loss)]).
	pub one_out_inferer_forecasters: Vec<(AccountId, WorkerValues<AccountId>)>,
}

/// Where the synthesis gets reputers' losses. Implemented by pallet-reputers.
pub trait LossSource<AccountId, Balance, BlockNumber> {
	/// The loss reports of a closed reputer nonce from reputers with at least the minimum
	/// stake, sorted by reputer, deleted from storage.
	fn take_losses(topic: TopicId, nonce: BlockNumber) -> Vec<LossReport<AccountId, Balance>>;
	/// Most reports one nonce can hold.
	fn max_reputers() -> u32;
}
