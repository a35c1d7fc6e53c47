//! What other pallets ask of this one: reputer stake, through
//! `allora_primitives::StakeInterface` (spec §1.5), and how reputer rewards are paid, through
//! `allora_primitives::ReputerRewards` (spec §5.6). The synthesis pallet also calls
//! [`Pallet::take_loss_bundles`] directly.

use crate::*;
use alloc::vec::Vec;
use allora_primitives::{LossReport, LossSource, ReputerRewards, StakeInterface, WorkerValues};
use frame::prelude::DispatchResult;
use frame::prelude::{BlockNumberFor, Get};

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

impl<T: Config> ReputerRewards<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn authority(topic: TopicId, reputer: &T::AccountId) -> BalanceOf<T> {
		Self::authority(topic, reputer)
	}

	fn delegated(topic: TopicId, reputer: &T::AccountId) -> BalanceOf<T> {
		DelegatedStakeUpon::<T>::get(topic, reputer)
	}

	fn deposit_delegator_reward(
		source: &T::AccountId,
		topic: TopicId,
		reputer: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		Self::deposit_delegator_reward(source, topic, reputer, amount)
	}

	fn stake_reputer_reward(
		source: &T::AccountId,
		topic: TopicId,
		reputer: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		Self::stake_reputer_reward(source, topic, reputer, amount)
	}
}

/// `(worker, value)` pairs of a stored list.
fn pairs<AccountId: Clone>(values: &[WorkerValue<AccountId>]) -> WorkerValues<AccountId> {
	values.iter().map(|v| (v.worker.clone(), v.value)).collect()
}

impl<T: Config> LossSource<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn take_losses(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
	) -> Vec<LossReport<T::AccountId, BalanceOf<T>>> {
		Self::take_loss_bundles(topic, nonce)
			.into_iter()
			.map(|taken| {
				let b = taken.bundle;
				LossReport {
					reputer: taken.reputer,
					stake: taken.stake,
					combined: b.combined_value,
					naive: b.naive_value,
					inferers: pairs(&b.inferer_values),
					forecasters: pairs(&b.forecaster_values),
					one_out_inferers: pairs(&b.one_out_inferer_values),
					one_out_forecasters: pairs(&b.one_out_forecaster_values),
					one_in_forecasters: pairs(&b.one_in_forecaster_values),
					one_out_inferer_forecasters: b
						.one_out_inferer_forecaster_values
						.iter()
						.map(|g| (g.forecaster.clone(), pairs(&g.one_out_inferer_values)))
						.collect(),
				}
			})
			.collect()
	}

	fn max_reputers() -> u32 {
		T::MaxReputersPerTopic::get()
	}
}
