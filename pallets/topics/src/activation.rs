//! Topic weight, fee revenue and its drip, activation and inactivation (spec §1.4, §6.1,
//! §6.2). The formulas are `allora_synthesis::emissions`; this file only feeds them chain
//! state and keeps `TotalActiveTopicWeight` equal to the sum of the active topics' weights.

use crate::{
	pallet::{
		ActiveTopics, Config, Event, Pallet, Params, PreviousTopicWeight, TopicFeeRevenue, Topics,
		TotalActiveTopicWeight,
	},
	types::{BalanceOf, ModuleParamsOf},
};
use allora_primitives::{StakeInterface, TopicId};
use allora_synthesis::{
	emissions::{drip_fee_revenue, is_weight_active, topic_weight},
	EmissionParams,
};
use polkadot_sdk::{
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::traits::{SaturatedConversion, Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// The parameters the weight formulas read, from the module parameters.
	pub(crate) fn emission_params(p: &ModuleParamsOf<T>) -> EmissionParams {
		EmissionParams {
			topic_reward_stake_importance: p.topic_reward_stake_importance,
			topic_reward_fee_revenue_importance: p.topic_reward_fee_revenue_importance,
			topic_reward_alpha: p.topic_reward_alpha,
			min_topic_weight: p.min_topic_weight,
			blocks_per_month: p.blocks_per_month.saturated_into::<u64>(),
			..EmissionParams::DEFAULT
		}
	}

	/// w_t from the topic's current stake and fee revenue and its previous weight (spec §6.1).
	pub(crate) fn weight_now(
		topic: TopicId,
		epoch_length: BlockNumberFor<T>,
		previous: Option<u128>,
		emission: &EmissionParams,
	) -> u128 {
		let stake: u128 = T::Stake::topic_stake(topic).saturated_into();
		let fee_revenue: u128 = TopicFeeRevenue::<T>::get(topic).saturated_into();
		topic_weight(stake, fee_revenue, epoch_length.saturated_into::<u64>(), previous, emission)
	}

	/// The weight the topic would have if its epoch ended now, without storing it (what the
	/// activation check uses). `None` for an unknown topic.
	pub fn current_topic_weight(topic: TopicId) -> Option<u128> {
		let data = Topics::<T>::get(topic)?;
		let emission = Self::emission_params(&Params::<T>::get());
		let previous = PreviousTopicWeight::<T>::get(topic);
		Some(Self::weight_now(topic, data.epoch_length, previous, &emission))
	}

	/// Credits `amount` to the topic's fee revenue C_t.
	pub(crate) fn add_fee_revenue(topic: TopicId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		TopicFeeRevenue::<T>::mutate(topic, |revenue| revenue.saturating_accrue(amount));
	}

	/// One epoch's drip of the fee revenue (spec §6.1); returns what is left.
	pub(crate) fn drip_fees(
		topic: TopicId,
		epoch_length: BlockNumberFor<T>,
		params: &ModuleParamsOf<T>,
	) -> BalanceOf<T> {
		let revenue: u128 = TopicFeeRevenue::<T>::get(topic).saturated_into();
		let left = drip_fee_revenue(
			revenue,
			epoch_length.saturated_into::<u64>(),
			params.blocks_per_month.saturated_into::<u64>(),
		);
		let left = BalanceOf::<T>::saturated_from(left);
		if left.is_zero() {
			TopicFeeRevenue::<T>::remove(topic);
		} else {
			TopicFeeRevenue::<T>::insert(topic, left);
		}
		left
	}

	/// Stores the weight computed at an epoch end of an active topic, keeping the total in
	/// step.
	pub(crate) fn store_weight(topic: TopicId, previous: Option<u128>, weight: u128) {
		PreviousTopicWeight::<T>::insert(topic, weight);
		TotalActiveTopicWeight::<T>::mutate(|total| {
			*total = total.saturating_sub(previous.unwrap_or(0)).saturating_add(weight)
		});
	}

	/// Activates an inactive topic whose current weight reaches `min_topic_weight`: its first
	/// epoch ends one epoch length from `now` (spec §6.2). Returns whether it was activated.
	/// Called after every payment toward the topic; never at creation.
	pub(crate) fn try_activate(topic: TopicId, now: BlockNumberFor<T>) -> bool {
		if ActiveTopics::<T>::contains_key(topic) {
			return false;
		}
		let Some(data) = Topics::<T>::get(topic) else {
			return false;
		};
		let emission = Self::emission_params(&Params::<T>::get());
		let previous = PreviousTopicWeight::<T>::get(topic);
		let weight = Self::weight_now(topic, data.epoch_length, previous, &emission);
		if !is_weight_active(weight, &emission) {
			return false;
		}
		let next_epoch_end = now.saturating_add(data.epoch_length);
		ActiveTopics::<T>::insert(topic, next_epoch_end);
		Self::schedule(next_epoch_end, topic, |entry| entry.epoch_end = true);
		// The stored weight rejoins the total (spec §6.2); the new one is computed at the epoch
		// end.
		TotalActiveTopicWeight::<T>::mutate(|total| {
			*total = total.saturating_add(previous.unwrap_or(0))
		});
		Self::deposit_event(Event::<T>::TopicActivated { topic, weight, next_epoch_end });
		true
	}

	/// Inactivates a topic at its epoch end: no further epochs until a payment re-activates
	/// it. Its open nonces keep their windows.
	pub(crate) fn inactivate(topic: TopicId, weight: u128) {
		ActiveTopics::<T>::remove(topic);
		let stored = PreviousTopicWeight::<T>::get(topic).unwrap_or(0);
		TotalActiveTopicWeight::<T>::mutate(|total| *total = total.saturating_sub(stored));
		Self::deposit_event(Event::<T>::TopicInactivated { topic, weight });
	}
}
