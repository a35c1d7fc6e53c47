//! Storage invariants, checked by `try_state` (try-runtime) and after every unit test.

use crate::stake::to_u128;
use crate::*;
use alloc::collections::BTreeMap;
use allora_synthesis::rewards;
use frame::prelude::*;
use polkadot_sdk::{
	frame_support::traits::fungible::{Inspect, InspectHold},
	sp_runtime::TryRuntimeError,
};

/// Adds `amount` to `map[key]`.
fn add_to<K: Ord, B: Saturating + Zero + Copy>(map: &mut BTreeMap<K, B>, key: K, amount: B) {
	let entry = map.entry(key).or_insert_with(Zero::zero);
	*entry = (*entry).saturating_add(amount);
}

impl<T: Config> Pallet<T> {
	/// Checks every invariant of this pallet's storage:
	/// * the stored parameters are valid;
	/// * each topic's reputer count equals its registrations and is in `1..=MaxReputersPerTopic`;
	/// * no zero stake is stored; for every account with recorded stake, the amount held under
	///   `ReputerStake` equals its own stakes and the amount held under `DelegatorStake` equals
	///   its delegations; delegated-upon and per-delegator sums equal the delegations; each
	///   topic's stake is the sum of its reputers' own and delegated stake; total stake is the
	///   sum over topics;
	/// * every removal-queue entry has a record completing in its bucket, for no more than the
	///   recorded stake, no bucket is behind the cursor, and the entry count is right;
	/// * per reputer, what its delegators could claim is covered by its reward pool, and the
	///   rewards account holds every pool plus its existential deposit;
	/// * each nonce's loss-bundle count equals its bundles and is at most `MaxReputersPerTopic`.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::ensure_valid_params(&Params::<T>::get()).map_err(|_| "invalid parameters")?;
		Self::check_registrations()?;
		Self::check_stake()?;
		Self::check_removal_queue()?;
		Self::check_reward_pools()?;
		Self::check_loss_bundles()?;
		Ok(())
	}

	fn check_registrations() -> Result<(), TryRuntimeError> {
		let mut registered: BTreeMap<TopicId, u32> = BTreeMap::new();
		for (topic, _reputer, ()) in RegisteredReputers::<T>::iter() {
			let count = registered.entry(topic).or_insert(0);
			*count = count.saturating_add(1);
		}
		let counts: BTreeMap<TopicId, u32> = ReputerCount::<T>::iter().collect();
		ensure!(counts == registered, "reputer counts differ from the registrations");
		ensure!(
			counts.values().all(|n| *n > 0 && *n <= T::MaxReputersPerTopic::get()),
			"a reputer count is out of bounds"
		);
		Ok(())
	}

	fn check_stake() -> Result<(), TryRuntimeError> {
		let mut own_by_account: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut by_topic: BTreeMap<TopicId, BalanceOf<T>> = BTreeMap::new();
		for (topic, reputer, stake) in ReputerStake::<T>::iter() {
			ensure!(!stake.is_zero(), "zero reputer stake stored");
			add_to(&mut own_by_account, reputer, stake);
			add_to(&mut by_topic, topic, stake);
		}

		let mut upon: BTreeMap<(TopicId, T::AccountId), BalanceOf<T>> = BTreeMap::new();
		let mut by_delegator: BTreeMap<(TopicId, T::AccountId), BalanceOf<T>> = BTreeMap::new();
		let mut delegated_by_account: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for ((topic, delegator, reputer), delegation) in Delegations::<T>::iter() {
			let amount = delegation.amount;
			ensure!(!amount.is_zero(), "empty delegation stored");
			add_to(&mut upon, (topic, reputer), amount);
			add_to(&mut by_delegator, (topic, delegator.clone()), amount);
			add_to(&mut delegated_by_account, delegator, amount);
			add_to(&mut by_topic, topic, amount);
		}
		let stored_upon: BTreeMap<(TopicId, T::AccountId), BalanceOf<T>> =
			DelegatedStakeUpon::<T>::iter().map(|(t, r, v)| ((t, r), v)).collect();
		ensure!(stored_upon == upon, "stake delegated upon reputers differs from the delegations");
		let stored_by_delegator: BTreeMap<(TopicId, T::AccountId), BalanceOf<T>> =
			DelegatorTopicStake::<T>::iter().map(|(t, d, v)| ((t, d), v)).collect();
		ensure!(
			stored_by_delegator == by_delegator,
			"stake per delegator differs from the delegations"
		);

		let stored_topics: BTreeMap<TopicId, BalanceOf<T>> = TopicStake::<T>::iter().collect();
		ensure!(stored_topics == by_topic, "topic stake differs from reputer plus delegated stake");
		let total =
			by_topic.values().fold(BalanceOf::<T>::zero(), |sum, stake| sum.saturating_add(*stake));
		ensure!(TotalStake::<T>::get() == total, "total stake differs from the sum over topics");

		let reputer_reason = Self::hold_reason(HoldReason::ReputerStake);
		for (account, own) in own_by_account.iter() {
			ensure!(
				<T::Currency as InspectHold<T::AccountId>>::balance_on_hold(
					&reputer_reason,
					account
				) == *own,
				"held reputer stake differs from the recorded stake"
			);
		}
		let delegator_reason = Self::hold_reason(HoldReason::DelegatorStake);
		for (account, delegated) in delegated_by_account.iter() {
			ensure!(
				<T::Currency as InspectHold<T::AccountId>>::balance_on_hold(
					&delegator_reason,
					account
				) == *delegated,
				"held delegator stake differs from the recorded delegations"
			);
		}
		Ok(())
	}

	fn check_removal_queue() -> Result<(), TryRuntimeError> {
		let cursor = NextRemovalBlock::<T>::get();
		let mut entries: u32 = 0;
		for (completion, bucket) in RemovalQueue::<T>::iter() {
			ensure!(!bucket.is_empty(), "empty removal bucket stored");
			if let Some(cursor) = cursor {
				ensure!(completion >= cursor, "a removal bucket is behind the queue cursor");
			}
			for key in bucket.iter() {
				entries = entries.saturating_add(1);
				let (pending, stake) = match key {
					RemovalKey::Reputer { topic, reputer } => (
						PendingStakeRemovals::<T>::get(topic, reputer),
						ReputerStake::<T>::get(topic, reputer),
					),
					RemovalKey::Delegator { topic, delegator, reputer } => (
						PendingDelegateRemovals::<T>::get((topic, delegator, reputer)),
						Delegations::<T>::get((topic, delegator, reputer))
							.map(|d| d.amount)
							.unwrap_or_default(),
					),
				};
				let pending = pending.ok_or("a queued removal has no record")?;
				ensure!(
					pending.completion == completion,
					"a queued removal is in the wrong bucket"
				);
				ensure!(pending.amount <= stake, "a queued removal exceeds the recorded stake");
			}
		}
		ensure!(entries == QueuedRemovals::<T>::get(), "queued removal count is wrong");
		let records = PendingStakeRemovals::<T>::iter()
			.count()
			.saturating_add(PendingDelegateRemovals::<T>::iter().count());
		ensure!(
			u32::try_from(records).ok() == Some(entries),
			"a removal record is not in the queue"
		);
		Ok(())
	}

	fn check_reward_pools() -> Result<(), TryRuntimeError> {
		let mut owed: BTreeMap<(TopicId, T::AccountId), u128> = BTreeMap::new();
		for ((topic, _delegator, reputer), delegation) in Delegations::<T>::iter() {
			let share = RewardPerShare::<T>::get(topic, &reputer);
			let pending = rewards::pending_delegator_reward(
				to_u128::<T>(delegation.amount),
				share,
				to_u128::<T>(delegation.reward_debt),
			);
			add_to(&mut owed, (topic, reputer), pending);
		}
		let mut pools = BalanceOf::<T>::zero();
		for (topic, reputer, pool) in DelegatorRewardPool::<T>::iter() {
			ensure!(!pool.is_zero(), "empty reward pool stored");
			pools = pools.saturating_add(pool);
			let owed_here = owed.remove(&(topic, reputer)).unwrap_or(0);
			ensure!(
				owed_here <= to_u128::<T>(pool),
				"delegators are owed more than their pool holds"
			);
		}
		ensure!(
			owed.values().all(|o| *o == 0),
			"delegators are owed rewards that were never deposited"
		);
		if !pools.is_zero() {
			let held = <T::Currency as Inspect<T::AccountId>>::balance(&Self::rewards_account());
			let needed =
				pools.saturating_add(<T::Currency as Inspect<T::AccountId>>::minimum_balance());
			ensure!(held >= needed, "the rewards account holds less than the reward pools");
		}
		Ok(())
	}

	fn check_loss_bundles() -> Result<(), TryRuntimeError> {
		let mut bundles: BTreeMap<(TopicId, BlockNumberFor<T>), u32> = BTreeMap::new();
		for (key, _reputer, _bundle) in LossBundles::<T>::iter() {
			let count = bundles.entry(key).or_insert(0);
			*count = count.saturating_add(1);
		}
		let counts: BTreeMap<(TopicId, BlockNumberFor<T>), u32> =
			LossBundleCount::<T>::iter().collect();
		ensure!(counts == bundles, "loss bundle counts differ from the stored bundles");
		ensure!(
			counts.values().all(|n| *n <= T::MaxReputersPerTopic::get()),
			"too many loss bundles for a nonce"
		);
		Ok(())
	}
}
