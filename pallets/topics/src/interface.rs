//! What other pallets ask: `TopicsInterface` (through the runtime's `Config` wiring) and a few
//! public read and write functions for the synthesis and emissions pallets.

use crate::{
	pallet::{
		ActiveTopics, Config, Error, Event, Pallet, Params, PreviousTopicWeight, Topics,
		TotalActiveTopicWeight, UnfulfilledReputerNonces, UnfulfilledWorkerNonces,
	},
	types::{BalanceOf, ModuleParamsOf, Topic},
};
use alloc::vec::Vec;
use allora_primitives::{
	EpochControl, NonceStatus, TopicId, TopicSettings, TopicWeights, TopicsInterface,
};
use allora_synthesis::Fixed;
use polkadot_sdk::{
	frame_support::pallet_prelude::DispatchResult,
	frame_system::{self, pallet_prelude::BlockNumberFor},
};

impl<T: Config> TopicsInterface<BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn topic_exists(topic: TopicId) -> bool {
		Topics::<T>::contains_key(topic)
	}

	fn is_active(topic: TopicId) -> bool {
		ActiveTopics::<T>::contains_key(topic)
	}

	/// `Open` while N ≤ now < N + W and the nonce is unfulfilled; `WindowClosed` after that
	/// until the synthesis fulfils it.
	fn worker_nonce_status(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> NonceStatus {
		let Some(data) = Topics::<T>::get(topic) else {
			return NonceStatus::Unknown;
		};
		if now < nonce || !UnfulfilledWorkerNonces::<T>::get(topic).contains(&nonce) {
			return NonceStatus::Unknown;
		}
		if now < data.worker_window_closes_at(nonce) {
			NonceStatus::Open
		} else {
			NonceStatus::WindowClosed
		}
	}

	/// `Unknown` until the worker nonce is fulfilled and the ground truth is known (N + G);
	/// `Open` while N + G ≤ now < N + G + E; `WindowClosed` after that until fulfilled.
	fn reputer_nonce_status(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> NonceStatus {
		let Some(data) = Topics::<T>::get(topic) else {
			return NonceStatus::Unknown;
		};
		if !UnfulfilledReputerNonces::<T>::get(topic).contains(&nonce)
			|| now < data.reputer_window_opens_at(nonce)
		{
			return NonceStatus::Unknown;
		}
		if now < data.reputer_window_closes_at(nonce) {
			NonceStatus::Open
		} else {
			NonceStatus::WindowClosed
		}
	}

	/// Credits a fee already paid to the ecosystem account and re-checks activation (spec
	/// §1.4). With `amount` 0 it only re-checks activation, e.g. after a stake change.
	fn note_fee_revenue(topic: TopicId, amount: BalanceOf<T>) {
		if !Topics::<T>::contains_key(topic) {
			return;
		}
		Self::add_fee_revenue(topic, amount);
		Self::try_activate(topic, frame_system::Pallet::<T>::block_number());
	}

	fn note_stake_added(topic: TopicId) {
		if Topics::<T>::contains_key(topic) {
			Self::try_activate(topic, frame_system::Pallet::<T>::block_number());
		}
	}
}

impl<T: Config> TopicWeights<BlockNumberFor<T>> for Pallet<T> {
	fn active_weight(topic: TopicId) -> Option<u128> {
		Self::active_topic_weight(topic)
	}

	fn total_active_weight() -> u128 {
		Self::total_active_topic_weight()
	}

	fn epoch_length(topic: TopicId) -> Option<BlockNumberFor<T>> {
		Topics::<T>::get(topic).map(|data| data.epoch_length)
	}
}

impl<T: Config> EpochControl<BlockNumberFor<T>> for Pallet<T> {
	fn settings(topic: TopicId) -> Option<TopicSettings<BlockNumberFor<T>>> {
		Topics::<T>::get(topic).map(|data| TopicSettings {
			epoch_length: data.epoch_length,
			ground_truth_lag: data.ground_truth_lag,
			p_norm: data.p_norm,
			alpha_regret: data.alpha_regret,
			allow_negative: data.allow_negative,
			epsilon: data.epsilon,
			initial_regret: data.initial_regret,
			merit_sortition_alpha: data.merit_sortition_alpha,
			active_inferer_quantile: data.active_inferer_quantile,
			active_forecaster_quantile: data.active_forecaster_quantile,
			active_reputer_quantile: data.active_reputer_quantile,
		})
	}

	fn fulfil_worker_nonce(topic: TopicId, nonce: BlockNumberFor<T>) -> DispatchResult {
		Self::fulfil_worker_nonce(topic, nonce)
	}

	fn fulfil_reputer_nonce(topic: TopicId, nonce: BlockNumberFor<T>) -> DispatchResult {
		Self::fulfil_reputer_nonce(topic, nonce)
	}

	fn set_initial_regret(topic: TopicId, initial_regret: Fixed) -> DispatchResult {
		Self::set_initial_regret(topic, initial_regret)
	}
}

impl<T: Config> Pallet<T> {
	/// The current module parameters.
	pub fn params() -> ModuleParamsOf<T> {
		Params::<T>::get()
	}

	/// A topic, if it exists.
	pub fn topic(topic: TopicId) -> Option<Topic<T>> {
		Topics::<T>::get(topic)
	}

	/// The weight of an active topic as of its last epoch end (what its rewards use, spec
	/// §6.3); `None` if the topic is inactive or has not ended an epoch yet.
	pub fn active_topic_weight(topic: TopicId) -> Option<u128> {
		if ActiveTopics::<T>::contains_key(topic) {
			PreviousTopicWeight::<T>::get(topic)
		} else {
			None
		}
	}

	/// Σ of the active topics' weights: the denominator of topic rewards (spec §6.3).
	pub fn total_active_topic_weight() -> u128 {
		TotalActiveTopicWeight::<T>::get()
	}

	/// A topic's unfulfilled worker nonces, oldest first.
	pub fn unfulfilled_worker_nonces(topic: TopicId) -> Vec<BlockNumberFor<T>> {
		UnfulfilledWorkerNonces::<T>::get(topic).into_inner()
	}

	/// A topic's unfulfilled reputer nonces, oldest first.
	pub fn unfulfilled_reputer_nonces(topic: TopicId) -> Vec<BlockNumberFor<T>> {
		UnfulfilledReputerNonces::<T>::get(topic).into_inner()
	}

	/// The synthesis sets a topic's initial regret (spec §3.8).
	pub fn set_initial_regret(topic: TopicId, initial_regret: Fixed) -> DispatchResult {
		Topics::<T>::try_mutate(topic, |maybe| -> DispatchResult {
			let data = maybe.as_mut().ok_or(Error::<T>::TopicNotFound)?;
			data.initial_regret = initial_regret;
			Ok(())
		})?;
		Self::deposit_event(Event::<T>::InitialRegretUpdated { topic, initial_regret });
		Ok(())
	}
}
