//! Plain data of the pallet: a topic and what its creator chooses, the module parameters, and
//! the entries of the per-block agenda.

use crate::pallet::{Config, GenesisConfig};
use allora_synthesis::Fixed;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{
		traits::{fungible, Get},
		BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::{
		traits::{Saturating, Zero},
		Perquintill,
	},
};
use scale_info::TypeInfo;

/// The balance type of the pallet's currency.
pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
	<T as polkadot_sdk::frame_system::Config>::AccountId,
>>::Balance;

/// The module parameters as stored for a runtime.
pub type ModuleParamsOf<T> = ModuleParams<BalanceOf<T>, BlockNumberFor<T>>;

/// A topic's list of unfulfilled worker or reputer nonces, oldest first.
pub type NonceListOf<T> = BoundedVec<BlockNumberFor<T>, <T as Config>::MaxUnfulfilledNonces>;

/// A short byte string: a topic's metadata or loss-method name.
pub type TopicStringOf<T> = BoundedVec<u8, <T as Config>::MaxStringLength>;

/// The agenda entry type of a runtime.
pub type AgendaEntryOf<T> = AgendaEntry<BlockNumberFor<T>>;

/// Smallest allowed `p_norm` (2.5).
pub const P_NORM_MIN: Fixed = Fixed::from_bits(2_500_000_000_000_000_000);
/// Largest allowed `p_norm` (4.5).
pub const P_NORM_MAX: Fixed = Fixed::from_bits(4_500_000_000_000_000_000);

/// `true` if `0 <= x <= 1`.
pub fn in_closed_unit(x: Fixed) -> bool {
	!x.is_negative() && x <= Fixed::ONE
}

/// `true` if `0 <= x < 1`.
pub fn in_half_open_unit(x: Fixed) -> bool {
	!x.is_negative() && x < Fixed::ONE
}

/// `true` if `0 < x < 1`.
pub fn in_open_unit(x: Fixed) -> bool {
	x.is_positive() && x < Fixed::ONE
}

/// What a topic creator chooses (spec §1.2); everything is validated by `create_topic`.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
)]
#[scale_info(skip_type_params(T))]
pub struct TopicParams<T: Config> {
	/// Free text, at most `max_string_length` bytes.
	pub metadata: TopicStringOf<T>,
	/// Name of the loss function reputers apply (opaque to the chain), 1..=`max_string_length`
	/// bytes.
	pub loss_method: TopicStringOf<T>,
	/// E: blocks between epochs, at least `min_epoch_length`.
	pub epoch_length: BlockNumberFor<T>,
	/// G: blocks until the ground truth of an epoch is known, E ≤ G ≤
	/// `max_unfulfilled_reputer_requests`·E.
	pub ground_truth_lag: BlockNumberFor<T>,
	/// W: blocks during which workers submit for an epoch, 1 ≤ W ≤ E.
	pub worker_submission_window: BlockNumberFor<T>,
	/// p of the regret → weight function, 2.5 ≤ p ≤ 4.5.
	pub p_norm: Fixed,
	/// EMA α of the regrets, 0 < α ≤ 1.
	pub alpha_regret: Fixed,
	/// Stored only (spec §0.3): no on-chain computation reads it.
	pub allow_negative: bool,
	/// ε of regret normalisation and score mapping, > 0.
	pub epsilon: Fixed,
	/// EMA α of the actors' merit scores, 0 ≤ α < 1.
	pub merit_sortition_alpha: Fixed,
	/// Quantile passive inferers are pulled toward, 0 ≤ q < 1.
	pub active_inferer_quantile: Fixed,
	/// Quantile passive forecasters are pulled toward, 0 ≤ q < 1.
	pub active_forecaster_quantile: Fixed,
	/// Quantile passive reputers are pulled toward, 0 ≤ q < 1.
	pub active_reputer_quantile: Fixed,
}

/// A topic (spec §1.2). Its schedule fields never change after creation, so every nonce's
/// windows follow from the nonce alone.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Topic<T: Config> {
	/// Who created (and paid for) the topic.
	pub creator: T::AccountId,
	/// Free text.
	pub metadata: TopicStringOf<T>,
	/// Name of the loss function reputers apply.
	pub loss_method: TopicStringOf<T>,
	/// Last block at which an epoch of this topic ended (its newest worker nonce); 0 before
	/// the first.
	pub epoch_last_ended: BlockNumberFor<T>,
	/// E.
	pub epoch_length: BlockNumberFor<T>,
	/// G.
	pub ground_truth_lag: BlockNumberFor<T>,
	/// W.
	pub worker_submission_window: BlockNumberFor<T>,
	/// p of the regret → weight function.
	pub p_norm: Fixed,
	/// EMA α of the regrets.
	pub alpha_regret: Fixed,
	/// Stored only.
	pub allow_negative: bool,
	/// ε of the topic.
	pub epsilon: Fixed,
	/// Regret assumed for actors without history; 0 at creation, then kept by the synthesis
	/// (spec §3.8).
	pub initial_regret: Fixed,
	/// EMA α of the merit scores.
	pub merit_sortition_alpha: Fixed,
	/// Quantile of passive inferers.
	pub active_inferer_quantile: Fixed,
	/// Quantile of passive forecasters.
	pub active_forecaster_quantile: Fixed,
	/// Quantile of passive reputers.
	pub active_reputer_quantile: Fixed,
}

impl<T: Config> Topic<T> {
	/// A new topic of `creator` (never run an epoch, initial regret 0).
	pub fn new(creator: T::AccountId, p: TopicParams<T>) -> Self {
		Topic {
			creator,
			metadata: p.metadata,
			loss_method: p.loss_method,
			epoch_last_ended: Zero::zero(),
			epoch_length: p.epoch_length,
			ground_truth_lag: p.ground_truth_lag,
			worker_submission_window: p.worker_submission_window,
			p_norm: p.p_norm,
			alpha_regret: p.alpha_regret,
			allow_negative: p.allow_negative,
			epsilon: p.epsilon,
			initial_regret: Fixed::ZERO,
			merit_sortition_alpha: p.merit_sortition_alpha,
			active_inferer_quantile: p.active_inferer_quantile,
			active_forecaster_quantile: p.active_forecaster_quantile,
			active_reputer_quantile: p.active_reputer_quantile,
		}
	}

	/// First block at which workers can no longer submit for worker nonce `nonce`: N + W.
	/// Workers submit while N ≤ now < N + W, whatever the epoch length (spec §9.1 fix).
	pub fn worker_window_closes_at(&self, nonce: BlockNumberFor<T>) -> BlockNumberFor<T> {
		nonce.saturating_add(self.worker_submission_window)
	}

	/// First block at which reputers can submit for reputer nonce `nonce`: N + G.
	pub fn reputer_window_opens_at(&self, nonce: BlockNumberFor<T>) -> BlockNumberFor<T> {
		nonce.saturating_add(self.ground_truth_lag)
	}

	/// First block at which reputers can no longer submit for `nonce`: N + G + E, one epoch
	/// after the ground truth (the block where the reference closes the reputer nonce).
	pub fn reputer_window_closes_at(&self, nonce: BlockNumberFor<T>) -> BlockNumberFor<T> {
		self.reputer_window_opens_at(nonce).saturating_add(self.epoch_length)
	}
}

/// The module parameters that concern topics, epochs, fees and emissions (spec §1.1).
/// Changed only by the admin origin; each value is validated.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct ModuleParams<Balance, BlockNumber> {
	/// A topic is active iff its weight is at least this (weights are integers, spec §6.1).
	pub min_topic_weight: u128,
	/// Lower bound of a topic's epoch length, ≥ 1.
	pub min_epoch_length: BlockNumber,
	/// Cap on a topic's open worker nonces, 1..=`MaxUnfulfilledNonces`.
	pub max_unfulfilled_worker_requests: u32,
	/// Cap on a topic's open reputer nonces, 1..=`MaxUnfulfilledNonces`; also bounds the
	/// ground-truth lag.
	pub max_unfulfilled_reputer_requests: u32,
	/// μ, exponent of the topic stake in the target weight, in [0, 1].
	pub topic_reward_stake_importance: Fixed,
	/// ν, exponent of the topic fee revenue in the target weight, in [0, 1].
	pub topic_reward_fee_revenue_importance: Fixed,
	/// α_w of the topic-weight EMA, in (0, 1).
	pub topic_reward_alpha: Fixed,
	/// Fee to create a topic.
	pub create_topic_fee: Balance,
	/// Longest metadata / loss-method string, 1..=`MaxStringLength`.
	pub max_string_length: u32,
	/// Blocks per month: the fee-revenue drip rate (spec §6.1) and the emission cadence, ≥ 1.
	pub blocks_per_month: BlockNumber,
	/// Epochs of history the synthesis keeps behind the oldest open reputer nonce (§2.8).
	pub min_epoch_length_record_limit: u32,
}

impl<Balance: From<u32>, BlockNumber: From<u32>> ModuleParams<Balance, BlockNumber> {
	/// The defaults of spec §1.1.
	pub fn spec_defaults() -> Self {
		ModuleParams {
			min_topic_weight: 100,
			min_epoch_length: BlockNumber::from(12u32),
			max_unfulfilled_worker_requests: 100,
			max_unfulfilled_reputer_requests: 100,
			topic_reward_stake_importance: Fixed::HALF,
			topic_reward_fee_revenue_importance: Fixed::HALF,
			topic_reward_alpha: Fixed::HALF,
			create_topic_fee: Balance::from(75_000u32),
			max_string_length: 255,
			blocks_per_month: BlockNumber::from(864_000u32),
			min_epoch_length_record_limit: 3,
		}
	}
}

/// The spec §1.1 defaults, with the caps lowered to the runtime's storage bounds where those
/// are smaller, so the defaults are always valid.
pub fn default_params<T: Config>() -> ModuleParamsOf<T> {
	let mut p = ModuleParamsOf::<T>::spec_defaults();
	let nonces = T::MaxUnfulfilledNonces::get();
	p.max_unfulfilled_worker_requests = p.max_unfulfilled_worker_requests.min(nonces);
	p.max_unfulfilled_reputer_requests = p.max_unfulfilled_reputer_requests.min(nonces);
	p.max_string_length = p.max_string_length.min(T::MaxStringLength::get());
	p
}

/// A fraction in [0, 1] as a `Fixed` (both have 18 decimals, so this is exact).
fn fraction_to_fixed(p: Perquintill) -> Fixed {
	Fixed::from_bits(i128::from(p.deconstruct()))
}

/// A `Fixed` in [0, 1] as a fraction (values outside are clamped).
fn fixed_to_fraction(f: Fixed) -> Perquintill {
	Perquintill::from_parts(u64::try_from(f.to_bits()).unwrap_or_default())
}

impl<T: Config> GenesisConfig<T> {
	/// The genesis fields of stored parameters.
	pub fn from_params(p: &ModuleParamsOf<T>) -> Self {
		GenesisConfig {
			min_topic_weight: p.min_topic_weight,
			min_epoch_length: p.min_epoch_length,
			max_unfulfilled_worker_requests: p.max_unfulfilled_worker_requests,
			max_unfulfilled_reputer_requests: p.max_unfulfilled_reputer_requests,
			topic_reward_stake_importance: fixed_to_fraction(p.topic_reward_stake_importance),
			topic_reward_fee_revenue_importance: fixed_to_fraction(
				p.topic_reward_fee_revenue_importance,
			),
			topic_reward_alpha: fixed_to_fraction(p.topic_reward_alpha),
			create_topic_fee: p.create_topic_fee,
			max_string_length: p.max_string_length,
			blocks_per_month: p.blocks_per_month,
			min_epoch_length_record_limit: p.min_epoch_length_record_limit,
		}
	}

	/// The parameters these genesis fields describe.
	pub fn to_params(&self) -> ModuleParamsOf<T> {
		ModuleParams {
			min_topic_weight: self.min_topic_weight,
			min_epoch_length: self.min_epoch_length,
			max_unfulfilled_worker_requests: self.max_unfulfilled_worker_requests,
			max_unfulfilled_reputer_requests: self.max_unfulfilled_reputer_requests,
			topic_reward_stake_importance: fraction_to_fixed(self.topic_reward_stake_importance),
			topic_reward_fee_revenue_importance: fraction_to_fixed(
				self.topic_reward_fee_revenue_importance,
			),
			topic_reward_alpha: fraction_to_fixed(self.topic_reward_alpha),
			create_topic_fee: self.create_topic_fee,
			max_string_length: self.max_string_length,
			blocks_per_month: self.blocks_per_month,
			min_epoch_length_record_limit: self.min_epoch_length_record_limit,
		}
	}
}

/// What happens to one topic at one block. Every nonce transition of a topic falls on a block
/// of its own (N + W, N + G, N + G + E are distinct for distinct N), so one entry per
/// (block, topic) holds at most one of each.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct AgendaEntry<BlockNumber> {
	/// The topic's epoch ends: update its weight, drip its fees, open a worker nonce and
	/// schedule the next epoch (or inactivate it).
	pub epoch_end: bool,
	/// The worker window of this worker nonce closes.
	pub worker_window_closes: Option<BlockNumber>,
	/// The reputer window of this reputer nonce opens (ground truth known).
	pub reputer_window_opens: Option<BlockNumber>,
	/// The reputer window of this reputer nonce closes.
	pub reputer_window_closes: Option<BlockNumber>,
}

impl<BlockNumber> AgendaEntry<BlockNumber> {
	/// `true` if nothing is left to do.
	pub fn is_empty(&self) -> bool {
		!self.epoch_end
			&& self.worker_window_closes.is_none()
			&& self.reputer_window_opens.is_none()
			&& self.reputer_window_closes.is_none()
	}
}

/// Which of a topic's nonce lists.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum NonceKind {
	/// Worker nonces: epochs whose inferences and forecasts are being collected.
	Worker,
	/// Reputer nonces: epochs whose losses are being collected.
	Reputer,
}

/// Why a nonce left its list without being fulfilled.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum DropReason {
	/// The list was full (`max_unfulfilled_*_requests`): the oldest nonce made room.
	Capacity,
	/// Too old to ever be closed (spec §1.6 pruning).
	Stale,
}
