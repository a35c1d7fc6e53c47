//! Plain data of the reputers pallet: its parameters (spec §1.1), stake records and the
//! removal queue (spec §1.5), and the reputer loss bundle (spec §2.7).

use alloc::vec::Vec;
use allora_primitives::TopicId;
use allora_synthesis::Fixed;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use polkadot_sdk::frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

/// `registration_fee` default (spec §1.1 #28), in base units.
pub const DEFAULT_REGISTRATION_FEE: u32 = 200;
/// `data_sending_fee` default (spec §1.1 #44), in base units.
pub const DEFAULT_DATA_SENDING_FEE: u32 = 10;
/// `required_minimum_stake` default (spec §1.1 #5), in base units.
pub const DEFAULT_REQUIRED_MINIMUM_STAKE: u32 = 10_000;
/// `remove_stake_delay_window` default (spec §1.1 #6), in blocks (three weeks of 3 s blocks on
/// the original chain; a runtime with other block times sets its own at genesis).
pub const DEFAULT_REMOVE_STAKE_DELAY_WINDOW: u32 = 604_800;

/// The protocol parameters this pallet owns (spec §1.1). Set at genesis, changed by
/// `set_params`.
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
pub struct ReputerParams<Balance, BlockNumber> {
	/// Paid to the ecosystem account to register as a reputer in a topic (spec §1.4).
	pub registration_fee: Balance,
	/// Paid to the ecosystem account with every loss bundle (spec §1.4).
	pub data_sending_fee: Balance,
	/// Authority stake (own + delegated) a reputer needs in a topic for its losses to be
	/// accepted and counted (spec §2.6).
	pub required_minimum_stake: Balance,
	/// Blocks between a stake-removal request and its execution (spec §1.5); never zero.
	pub remove_stake_delay_window: BlockNumber,
}

impl<Balance: From<u32>, BlockNumber: From<u32>> Default for ReputerParams<Balance, BlockNumber> {
	fn default() -> Self {
		Self {
			registration_fee: DEFAULT_REGISTRATION_FEE.into(),
			data_sending_fee: DEFAULT_DATA_SENDING_FEE.into(),
			required_minimum_stake: DEFAULT_REQUIRED_MINIMUM_STAKE.into(),
			remove_stake_delay_window: DEFAULT_REMOVE_STAKE_DELAY_WINDOW.into(),
		}
	}
}

/// A change of [`ReputerParams`]: `None` leaves a field unchanged (the original's "empty list
/// means unchanged", spec §1.1).
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct ReputerParamsUpdate<Balance, BlockNumber> {
	/// New `registration_fee`.
	pub registration_fee: Option<Balance>,
	/// New `data_sending_fee`.
	pub data_sending_fee: Option<Balance>,
	/// New `required_minimum_stake`.
	pub required_minimum_stake: Option<Balance>,
	/// New `remove_stake_delay_window`.
	pub remove_stake_delay_window: Option<BlockNumber>,
}

impl<Balance, BlockNumber> ReputerParamsUpdate<Balance, BlockNumber> {
	/// `params` with every field this update sets replaced.
	pub fn apply_to(
		self,
		params: ReputerParams<Balance, BlockNumber>,
	) -> ReputerParams<Balance, BlockNumber> {
		ReputerParams {
			registration_fee: self.registration_fee.unwrap_or(params.registration_fee),
			data_sending_fee: self.data_sending_fee.unwrap_or(params.data_sending_fee),
			required_minimum_stake: self
				.required_minimum_stake
				.unwrap_or(params.required_minimum_stake),
			remove_stake_delay_window: self
				.remove_stake_delay_window
				.unwrap_or(params.remove_stake_delay_window),
		}
	}
}

/// A delegator's position on one reputer in one topic (spec §1.5 `delegatedStakes`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct DelegationInfo<Balance> {
	/// Stake delegated (held on the delegator's account).
	pub amount: Balance,
	/// What the position had already earned when it was last changed or claimed: the
	/// MasterChef reward debt. Pending reward = ⌊amount · reward_per_share⌋ − reward_debt.
	pub reward_debt: Balance,
}

/// A queued stake removal (spec §1.5 `stakeRemovalsByBlock`). The stake keeps counting until
/// the removal executes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct PendingRemoval<Balance, BlockNumber> {
	/// Stake to release.
	pub amount: Balance,
	/// Block of the request.
	pub queued_at: BlockNumber,
	/// First block at which it may execute; its entry sits in the queue under this block.
	pub completion: BlockNumber,
}

/// Which stake position a queued removal belongs to.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum RemovalKey<AccountId> {
	/// A reputer's own stake in a topic.
	Reputer {
		/// The topic.
		topic: TopicId,
		/// The reputer.
		reputer: AccountId,
	},
	/// A delegator's stake on a reputer in a topic.
	Delegator {
		/// The topic.
		topic: TopicId,
		/// The delegator.
		delegator: AccountId,
		/// The reputer the stake is delegated to.
		reputer: AccountId,
	},
}

/// One worker's value in a loss bundle: the loss of that worker's (or that network variant's)
/// inference, usually in log10 space (spec §0.3).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct WorkerValue<AccountId> {
	/// The inferer or forecaster the value is about.
	pub worker: AccountId,
	/// The loss.
	pub value: Fixed,
}

/// L⁻_j'ik of one forecaster k: the loss of k's forecast-implied inference recomputed without
/// each inferer j' (spec §2.7 `one_out_inferer_forecaster_values`), as stored.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxInferers))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct OneOutInfererForecasterLosses<
	AccountId: Clone + PartialEq + Eq + Debug,
	MaxInferers: Get<u32>,
> {
	/// The forecaster k.
	pub forecaster: AccountId,
	/// L⁻_j'ik per withheld inferer j'.
	pub one_out_inferer_values: BoundedVec<WorkerValue<AccountId>, MaxInferers>,
}

/// A reputer's losses for one reputer nonce, every field of the original `ValueBundle`
/// (spec §2.7), as stored. Lists are keyed by worker account; a worker appears at most once
/// per list.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxInferers, MaxForecasters))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct LossBundle<
	AccountId: Clone + PartialEq + Eq + Debug,
	MaxInferers: Get<u32>,
	MaxForecasters: Get<u32>,
> {
	/// L_i: loss of the combined network inference.
	pub combined_value: Fixed,
	/// L⁻_i: loss of the naive network inference.
	pub naive_value: Fixed,
	/// L_ij: loss of each inferer's inference.
	pub inferer_values: BoundedVec<WorkerValue<AccountId>, MaxInferers>,
	/// L_ik: loss of each forecaster's forecast-implied inference.
	pub forecaster_values: BoundedVec<WorkerValue<AccountId>, MaxForecasters>,
	/// L⁻_j'i: loss of the network inference without inferer j'.
	pub one_out_inferer_values: BoundedVec<WorkerValue<AccountId>, MaxInferers>,
	/// L⁻_k'i: loss of the network inference without forecaster k'.
	pub one_out_forecaster_values: BoundedVec<WorkerValue<AccountId>, MaxForecasters>,
	/// L⁺_ki: loss of the naive network plus only forecaster k.
	pub one_in_forecaster_values: BoundedVec<WorkerValue<AccountId>, MaxForecasters>,
	/// L⁻_j'ik: per forecaster k, its implied inference without each inferer j'.
	pub one_out_inferer_forecaster_values:
		BoundedVec<OneOutInfererForecasterLosses<AccountId, MaxInferers>, MaxForecasters>,
}

/// [`OneOutInfererForecasterLosses`] as submitted, before its size is checked.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct OneOutInfererForecasterSubmission<AccountId> {
	/// The forecaster k.
	pub forecaster: AccountId,
	/// L⁻_j'ik per withheld inferer j'.
	pub one_out_inferer_values: Vec<WorkerValue<AccountId>>,
}

/// [`LossBundle`] as submitted in `submit_losses`. Its lists are unbounded here so that an
/// oversize bundle is rejected with a named error rather than failing to decode.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct LossBundleSubmission<AccountId> {
	/// L_i.
	pub combined_value: Fixed,
	/// L⁻_i.
	pub naive_value: Fixed,
	/// L_ij.
	pub inferer_values: Vec<WorkerValue<AccountId>>,
	/// L_ik.
	pub forecaster_values: Vec<WorkerValue<AccountId>>,
	/// L⁻_j'i.
	pub one_out_inferer_values: Vec<WorkerValue<AccountId>>,
	/// L⁻_k'i.
	pub one_out_forecaster_values: Vec<WorkerValue<AccountId>>,
	/// L⁺_ki.
	pub one_in_forecaster_values: Vec<WorkerValue<AccountId>>,
	/// L⁻_j'ik.
	pub one_out_inferer_forecaster_values: Vec<OneOutInfererForecasterSubmission<AccountId>>,
}

impl<AccountId> LossBundleSubmission<AccountId> {
	/// A bundle with the combined and naive losses and every list empty.
	pub fn new(combined_value: Fixed, naive_value: Fixed) -> Self {
		Self {
			combined_value,
			naive_value,
			inferer_values: Vec::new(),
			forecaster_values: Vec::new(),
			one_out_inferer_values: Vec::new(),
			one_out_forecaster_values: Vec::new(),
			one_in_forecaster_values: Vec::new(),
			one_out_inferer_forecaster_values: Vec::new(),
		}
	}

	/// Number of entries the bundle carries: every listed value plus one per
	/// one-out-inferer-forecaster group. The weight of `submit_losses` is linear in it.
	pub fn entry_count(&self) -> u32 {
		let groups = &self.one_out_inferer_forecaster_values;
		let flat = [
			self.inferer_values.len(),
			self.forecaster_values.len(),
			self.one_out_inferer_values.len(),
			self.one_out_forecaster_values.len(),
			self.one_in_forecaster_values.len(),
			groups.len(),
		]
		.into_iter()
		.chain(groups.iter().map(|g| g.one_out_inferer_values.len()))
		.fold(0usize, |total, n| total.saturating_add(n));
		u32::try_from(flat).unwrap_or(u32::MAX)
	}
}

/// Most entries ([`LossBundleSubmission::entry_count`]) an acceptable bundle can have with
/// `inferers` = `MaxInfererValues` and `forecasters` = `MaxForecasterValues`:
/// 2 inferer lists, 3 forecaster lists, and per forecaster a group of inferer values.
pub fn max_loss_entries(inferers: u32, forecasters: u32) -> u32 {
	let per_group = inferers.saturating_add(1);
	inferers
		.saturating_mul(2)
		.saturating_add(forecasters.saturating_mul(3))
		.saturating_add(forecasters.saturating_mul(per_group))
}

/// One reputer's losses for a nonce as handed to the synthesis pallet by
/// `Pallet::take_loss_bundles`, with the reputer's authority stake at that moment (spec §4.1
/// uses the stake *now*).
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
pub struct ReputerLosses<
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	MaxInferers: Get<u32>,
	MaxForecasters: Get<u32>,
> {
	/// The reputer.
	pub reputer: AccountId,
	/// Its authority stake (own + delegated) in the topic.
	pub stake: Balance,
	/// Its losses.
	pub bundle: LossBundle<AccountId, MaxInferers, MaxForecasters>,
}

/// What benchmarks need from the topics pallet, which this pallet only knows through
/// `TopicsInterface`. The runtime implements it with pallet-topics.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<BlockNumber> {
	/// A topic that exists (created if needed).
	fn topic() -> TopicId;
	/// Makes `nonce` a reputer nonce of `topic` whose submission window is open now.
	fn open_reputer_nonce(topic: TopicId, nonce: BlockNumber);
}
