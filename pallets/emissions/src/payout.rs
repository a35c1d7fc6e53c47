//! Topic-epoch rewards (spec §5.6, §6.3), for the synthesis pallet through
//! `allora_primitives::TopicRewards`.
//!
//! * **Size.** E_t = ⌊w_t · e_blk · E / W_sum⌋ with e_blk = `RewardCurrentBlockEmission`.
//!   Topics are paid one topic-epoch at a time (when its reputer nonce closes), so the
//!   one-topic rule of §6.3 applies: E_t is capped at what the rewards account can pay, less
//!   what was already promised to other topics in this block.
//! * **Payout.** Workers are paid by transfer; a reputer's reward is split with
//!   `allora_synthesis::rewards::delegator_split` into its delegators' part (deposited with
//!   pallet-reputers, reward per share rises) and its own part (added to its stake). Each
//!   payout succeeds or fails whole and alone; what fails stays in the rewards account.

use crate::*;
use allora_primitives::{Payout, Role, TopicRewards};
use allora_synthesis::{emissions::topic_reward, rewards::delegator_split};
use frame::prelude::*;
use polkadot_sdk::frame_support::{storage::with_storage_layer, traits::fungible::Mutate};

impl<T: Config> TopicRewards<T::AccountId, BalanceOf<T>> for Pallet<T> {
	/// The reward of one epoch of `topic`, reserved for its `pay` in this block.
	fn epoch_reward(topic: TopicId) -> BalanceOf<T> {
		Self::promise_epoch_reward(topic)
	}

	fn pay(topic: TopicId, payouts: &[Payout<T::AccountId, BalanceOf<T>>]) -> BalanceOf<T> {
		Self::pay_topic_epoch(topic, payouts)
	}
}

impl<T: Config> Pallet<T> {
	/// The account that receives the reward share of every block's emission and pays
	/// topic-epoch rewards (the spec's `allorarewards`).
	pub fn rewards_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// E_t before the cap: ⌊w_t · e_blk · E / W_sum⌋ (spec §6.3); zero for a topic that is
	/// inactive, unknown or has no weight, and when W_sum is zero.
	pub fn uncapped_epoch_reward(topic: TopicId) -> u128 {
		let Some(weight) = T::Topics::active_weight(topic) else {
			return 0;
		};
		let Some(epoch_length) = T::Topics::epoch_length(topic) else {
			return 0;
		};
		topic_reward(
			weight,
			T::Topics::total_active_weight(),
			to_u128::<T>(RewardCurrentBlockEmission::<T>::get()),
			epoch_length.saturated_into::<u64>(),
		)
		.unwrap_or(0)
	}

	/// Epoch rewards promised in this block and not yet paid.
	pub fn promised_rewards() -> BalanceOf<T> {
		let now = frame_system::Pallet::<T>::block_number();
		match PromisedRewards::<T>::get() {
			Some((block, promised)) if block == now => promised,
			_ => Zero::zero(),
		}
	}

	/// `epoch_reward`: E_t capped at the rewards account's spendable balance less what is
	/// already promised in this block; the result is promised in turn.
	pub(crate) fn promise_epoch_reward(topic: TopicId) -> BalanceOf<T> {
		let reward = Self::uncapped_epoch_reward(topic);
		if reward == 0 {
			return Zero::zero();
		}
		let promised = Self::promised_rewards();
		let free = Self::spendable(&Self::rewards_account()).saturating_sub(promised);
		let reward = from_u128::<T>(reward).min(free);
		if !reward.is_zero() {
			let now = frame_system::Pallet::<T>::block_number();
			PromisedRewards::<T>::put((now, promised.saturating_add(reward)));
		}
		reward
	}

	/// Releases `amount` of this block's promise (what a payout was given).
	fn release_promise(amount: BalanceOf<T>) {
		let promised = Self::promised_rewards();
		let left = promised.saturating_sub(amount);
		if left.is_zero() {
			PromisedRewards::<T>::kill();
		} else {
			PromisedRewards::<T>::put((frame_system::Pallet::<T>::block_number(), left));
		}
	}

	/// `pay`: every payout independently, at most `MaxPayoutsPerEpoch` of them (the rest are
	/// counted as failed). Zero amounts are skipped. Returns what was paid.
	pub(crate) fn pay_topic_epoch(
		topic: TopicId,
		payouts: &[Payout<T::AccountId, BalanceOf<T>>],
	) -> BalanceOf<T> {
		let source = Self::rewards_account();
		let limit = usize::try_from(T::MaxPayoutsPerEpoch::get()).unwrap_or(usize::MAX);
		let mut given = BalanceOf::<T>::zero();
		let mut paid = BalanceOf::<T>::zero();
		let mut paid_to_reputers = BalanceOf::<T>::zero();
		let mut failed: u32 = 0;
		for (index, payout) in payouts.iter().enumerate() {
			given = given.saturating_add(payout.amount);
			if payout.amount.is_zero() {
				continue;
			}
			let outcome = if index < limit {
				Self::pay_one(topic, &source, payout)
			} else {
				Err(DispatchError::Other("more payouts than MaxPayoutsPerEpoch"))
			};
			match outcome {
				Ok(()) => {
					paid = paid.saturating_add(payout.amount);
					if payout.role == Role::Reputer {
						paid_to_reputers = paid_to_reputers.saturating_add(payout.amount);
					}
					Self::deposit_event(Event::RewardPaid {
						topic,
						role: payout.role,
						account: payout.account.clone(),
						amount: payout.amount,
					});
				}
				Err(error) => {
					failed = failed.saturating_add(1);
					log::warn!(
						target: LOG_TARGET,
						"topic {} reward of {:?} to {:?} ({:?}) not paid: {:?}",
						topic,
						payout.amount,
						payout.account,
						payout.role,
						error
					);
				}
			}
		}

		Self::release_promise(given);
		MonthlyRewards::<T>::mutate(|tally| {
			tally.reputers = tally.reputers.saturating_add(to_u128::<T>(paid_to_reputers));
			tally.total = tally.total.saturating_add(to_u128::<T>(paid));
		});
		let block = frame_system::Pallet::<T>::block_number();
		LastPayout::<T>::insert(topic, PayoutRecord { block, given, paid, failed });
		Self::deposit_event(Event::TopicRewarded { topic, given, paid, failed_payouts: failed });
		paid
	}

	/// One payout, whole or not at all.
	fn pay_one(
		topic: TopicId,
		source: &T::AccountId,
		payout: &Payout<T::AccountId, BalanceOf<T>>,
	) -> DispatchResult {
		match payout.role {
			Role::Inferer | Role::Forecaster => {
				<T::Currency as Mutate<T::AccountId>>::transfer(
					source,
					&payout.account,
					payout.amount,
					Preservation::Preserve,
				)?;
				Ok(())
			}
			Role::Reputer => Self::pay_reputer(topic, source, &payout.account, payout.amount),
		}
	}

	/// A reputer's reward (spec §5.6): d = ⌊reward · D / A⌋ to its delegators, the rest
	/// added to its stake. Either part may be zero and is then skipped; if one part fails,
	/// neither is paid.
	fn pay_reputer(
		topic: TopicId,
		source: &T::AccountId,
		reputer: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		let split = delegator_split(
			to_u128::<T>(amount),
			to_u128::<T>(T::Reputers::authority(topic, reputer)),
			to_u128::<T>(T::Reputers::delegated(topic, reputer)),
		);
		with_storage_layer(|| -> DispatchResult {
			if split.delegators > 0 {
				T::Reputers::deposit_delegator_reward(
					source,
					topic,
					reputer,
					from_u128::<T>(split.delegators),
				)?;
			}
			if split.reputer > 0 {
				T::Reputers::stake_reputer_reward(
					source,
					topic,
					reputer,
					from_u128::<T>(split.reputer),
				)?;
			}
			Ok(())
		})
	}
}
