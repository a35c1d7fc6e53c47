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
