//! What other pallets read from this one: reputer stake, through
//! `allora_primitives::StakeInterface` (spec §1.5). The synthesis and rewards pallets also
//! call [`Pallet::take_loss_bundles`], [`Pallet::deposit_delegator_reward`] and
//! [`Pallet::stake_reputer_reward`] directly.

use crate::*;
use allora_primitives::StakeInterface;

impl<T: Config> StakeInterface<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn reputer_authority(topic: TopicId, reputer: &T::AccountId) -> BalanceOf<T> {
		Self::authority(topic, reputer)
	}

	fn topic_stake(topic: TopicId) -> BalanceOf<T> {
		TopicStake::<T>::get(topic)
	}

	fn total_stake() -> BalanceOf<T> {
		TotalStake::<T>::get()
	}
}
