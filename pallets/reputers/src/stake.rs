//! Stake and delegation (spec §1.5).
//!
//! * **Holds, not bookkeeping.** A reputer's own stake is held on its balance under
//!   `HoldReason::ReputerStake`, a delegator's under `HoldReason::DelegatorStake`; the maps of
//!   this pallet only say which topic and reputer the held funds belong to.
//! * **Delayed removal.** A removal request is queued under its completion block
//!   (`now + remove_stake_delay_window`); the stake keeps counting until then. At the start of
//!   every block the due removals are executed oldest first, at most `MaxRemovalsPerBlock`;
//!   the rest wait for the next block (the fixed behaviour of spec §9.1).
//! * **Delegator rewards.** MasterChef accounting: a reward d for the delegators of reputer r
//!   raises r's reward per share by ⌊d/D⌋ (D = stake delegated to r, rounded down to 1e-18);
//!   a delegation of `amount` has earned ⌊amount · share⌋ − reward_debt. The reward debt is
//!   set rounded *up* whenever the amount changes, so the delegators of r can never be owed
//!   more than was deposited for them, and every claim is also capped by
//!   [`DelegatorRewardPool`].

use crate::*;
use alloc::vec::Vec;
use allora_synthesis::{rewards, Fixed};
use frame::prelude::*;
use polkadot_sdk::{
	frame_support::{
		storage::with_storage_layer,
		traits::fungible::{Inspect, InspectHold, Mutate, MutateHold},
	},
	sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding},
};

/// The bits of `Fixed::ONE`: a reward per share is an integer number of 10^-18 units.
pub(crate) const SHARE_SCALE: u128 = 1_000_000_000_000_000_000;

/// A balance as the `u128` the maths crate works in (lossless for the runtime's `u128`).
pub(crate) fn to_u128<T: Config>(amount: BalanceOf<T>) -> u128 {
	amount.saturated_into()
}

/// A `u128` amount as a balance (saturating).
pub(crate) fn from_u128<T: Config>(amount: u128) -> BalanceOf<T> {
	amount.saturated_into()
}

impl<T: Config> Pallet<T> {
	// ----- queries ---------------------------------------------------------------------------

	/// A reputer's authority in a topic: its own stake plus the stake delegated to it. This is
	/// the stake that must reach `required_minimum_stake` and that weighs its losses.
	pub fn authority(topic: TopicId, reputer: &T::AccountId) -> BalanceOf<T> {
		ReputerStake::<T>::get(topic, reputer)
			.saturating_add(DelegatedStakeUpon::<T>::get(topic, reputer))
	}

	/// The account that keeps delegator rewards until they are paid out.
	pub fn rewards_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The reward a delegation could claim now.
	pub fn pending_delegator_reward(
		topic: TopicId,
		delegator: &T::AccountId,
		reputer: &T::AccountId,
	) -> BalanceOf<T> {
		match Delegations::<T>::get((topic, delegator, reputer)) {
			Some(delegation) => Self::claimable(
				topic,
				reputer,
				&delegation,
				RewardPerShare::<T>::get(topic, reputer),
			),
			None => Zero::zero(),
		}
	}

	// ----- a reputer's own stake -------------------------------------------------------------

	/// `add_stake`: only a registered reputer stakes in a topic.
	pub(crate) fn do_add_stake(
		who: T::AccountId,
		topic: TopicId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(Self::is_registered(topic, &who), Error::<T>::NotRegistered);
		ensure!(
			<T::Currency as InspectHold<T::AccountId>>::can_hold(
				&Self::hold_reason(HoldReason::ReputerStake),
				&who,
				amount
			),
			Error::<T>::InsufficientBalance
		);
		Self::increase_reputer_stake(topic, &who, amount)
	}

	/// Adds a reputer's reward to its own stake in `topic` (spec §5.6: reputer rewards are
	/// compounded into stake): moves `amount` from `source` to the reputer and holds it there.
	/// For the rewards pallet; atomic.
	pub fn stake_reputer_reward(
		source: &T::AccountId,
		topic: TopicId,
		reputer: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		with_storage_layer(|| {
			<T::Currency as Mutate<T::AccountId>>::transfer(
				source,
				reputer,
				amount,
				Preservation::Preserve,
			)?;
			Self::increase_reputer_stake(topic, reputer, amount)
		})
	}

	/// Holds `amount` more of `who`'s balance as its own stake in `topic`.
	fn increase_reputer_stake(
		topic: TopicId,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		let own = ReputerStake::<T>::get(topic, who)
			.checked_add(&amount)
			.ok_or(ArithmeticError::Overflow)?;
		let (topic_stake, total) = Self::stake_totals_after_add(topic, amount)?;
		<T::Currency as MutateHold<T::AccountId>>::hold(
			&Self::hold_reason(HoldReason::ReputerStake),
			who,
			amount,
		)?;
		ReputerStake::<T>::insert(topic, who, own);
		Self::set_stake_totals(topic, topic_stake, total);
		Self::deposit_event(Event::StakeAdded { topic, reputer: who.clone(), amount });
		T::Topics::note_stake_added(topic);
		Ok(())
	}

	/// `remove_stake`: queue the release; a new request replaces the queued one.
	pub(crate) fn do_remove_stake(
		who: T::AccountId,
		topic: TopicId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(amount <= ReputerStake::<T>::get(topic, &who), Error::<T>::InsufficientStake);
		let previous = PendingStakeRemovals::<T>::get(topic, &who).map(|p| p.completion);
		let key = RemovalKey::Reputer { topic, reputer: who.clone() };
		let (queued_at, completion) = Self::queue_removal(key, previous)?;
		PendingStakeRemovals::<T>::insert(
			topic,
			&who,
			PendingRemoval { amount, queued_at, completion },
		);
		Self::deposit_event(Event::StakeRemovalQueued { topic, reputer: who, amount, completion });
		Ok(())
	}

	/// `cancel_remove_stake`.
	pub(crate) fn do_cancel_remove_stake(who: T::AccountId, topic: TopicId) -> DispatchResult {
		let pending =
			PendingStakeRemovals::<T>::take(topic, &who).ok_or(Error::<T>::NoPendingRemoval)?;
		Self::unqueue_removal(
			&RemovalKey::Reputer { topic, reputer: who.clone() },
			pending.completion,
		);
		Self::deposit_event(Event::StakeRemovalCancelled { topic, reputer: who });
		Ok(())
	}

	// ----- delegation ------------------------------------------------------------------------

	/// `delegate_stake`: the reputer must be registered; the position's pending reward is paid
	/// out first, then its reward debt is re-based on the new amount.
	pub(crate) fn do_delegate_stake(
		delegator: T::AccountId,
		topic: TopicId,
		reputer: T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(Self::is_registered(topic, &reputer), Error::<T>::ReputerNotRegistered);
		ensure!(
			<T::Currency as InspectHold<T::AccountId>>::can_hold(
				&Self::hold_reason(HoldReason::DelegatorStake),
				&delegator,
				amount
			),
			Error::<T>::InsufficientBalance
		);
		let mut delegation =
			Delegations::<T>::get((topic, &delegator, &reputer)).unwrap_or_default();
		let new_amount = delegation.amount.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		let upon = DelegatedStakeUpon::<T>::get(topic, &reputer)
			.checked_add(&amount)
			.ok_or(ArithmeticError::Overflow)?;
		let by_delegator = DelegatorTopicStake::<T>::get(topic, &delegator)
			.checked_add(&amount)
			.ok_or(ArithmeticError::Overflow)?;
		let (topic_stake, total) = Self::stake_totals_after_add(topic, amount)?;
		let share = RewardPerShare::<T>::get(topic, &reputer);

		Self::settle_delegation(topic, &delegator, &reputer, &mut delegation, share)?;
		<T::Currency as MutateHold<T::AccountId>>::hold(
			&Self::hold_reason(HoldReason::DelegatorStake),
			&delegator,
			amount,
		)?;
		delegation.amount = new_amount;
		delegation.reward_debt = Self::reward_debt_of(new_amount, share);
		Delegations::<T>::insert((topic, &delegator, &reputer), delegation);
		DelegatedStakeUpon::<T>::insert(topic, &reputer, upon);
		DelegatorTopicStake::<T>::insert(topic, &delegator, by_delegator);
		Self::set_stake_totals(topic, topic_stake, total);
		Self::deposit_event(Event::StakeDelegated { topic, delegator, reputer, amount });
		T::Topics::note_stake_added(topic);
		Ok(())
	}

	/// `remove_delegate_stake`: queue the release; a new request replaces the queued one.
	pub(crate) fn do_remove_delegate_stake(
		delegator: T::AccountId,
		topic: TopicId,
		reputer: T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let delegation =
			Delegations::<T>::get((topic, &delegator, &reputer)).ok_or(Error::<T>::NoDelegation)?;
		ensure!(amount <= delegation.amount, Error::<T>::InsufficientDelegatedStake);
		let previous =
			PendingDelegateRemovals::<T>::get((topic, &delegator, &reputer)).map(|p| p.completion);
		let key =
			RemovalKey::Delegator { topic, delegator: delegator.clone(), reputer: reputer.clone() };
		let (queued_at, completion) = Self::queue_removal(key, previous)?;
		PendingDelegateRemovals::<T>::insert(
			(topic, &delegator, &reputer),
			PendingRemoval { amount, queued_at, completion },
		);
		Self::deposit_event(Event::DelegateStakeRemovalQueued {
			topic,
			delegator,
			reputer,
			amount,
			completion,
		});
		Ok(())
	}

	/// `cancel_remove_delegate_stake`.
	pub(crate) fn do_cancel_remove_delegate_stake(
		delegator: T::AccountId,
		topic: TopicId,
		reputer: T::AccountId,
	) -> DispatchResult {
		let pending = PendingDelegateRemovals::<T>::take((topic, &delegator, &reputer))
			.ok_or(Error::<T>::NoPendingRemoval)?;
		Self::unqueue_removal(
			&RemovalKey::Delegator {
				topic,
				delegator: delegator.clone(),
				reputer: reputer.clone(),
			},
			pending.completion,
		);
		Self::deposit_event(Event::DelegateRemovalCancelled { topic, delegator, reputer });
		Ok(())
	}

	// ----- delegator rewards -----------------------------------------------------------------

	/// `claim_delegate_rewards`.
	pub(crate) fn do_claim_delegate_rewards(
		delegator: T::AccountId,
		topic: TopicId,
		reputer: T::AccountId,
	) -> DispatchResult {
		let mut delegation =
			Delegations::<T>::get((topic, &delegator, &reputer)).ok_or(Error::<T>::NoDelegation)?;
		let share = RewardPerShare::<T>::get(topic, &reputer);
		ensure!(
			!Self::claimable(topic, &reputer, &delegation, share).is_zero(),
			Error::<T>::NoRewardToClaim
		);
		Self::settle_delegation(topic, &delegator, &reputer, &mut delegation, share)?;
		Delegations::<T>::insert((topic, &delegator, &reputer), delegation);
		Ok(())
	}

	/// Deposits `amount` from `source` as reward for the delegators of `reputer` in `topic`
	/// (spec §5.6: the delegators' part d of a reputer's reward). The funds move to
	/// [`Self::rewards_account`]; the first deposit also moves the existential deposit that
	/// keeps that account alive. Reward per share rises by ⌊d/D⌋; what that rounding leaves
	/// stays in the pool. Fails (changing nothing) if nothing is delegated to the reputer.
	/// For the rewards pallet.
	pub fn deposit_delegator_reward(
		source: &T::AccountId,
		topic: TopicId,
		reputer: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let delegated = DelegatedStakeUpon::<T>::get(topic, reputer);
		ensure!(!delegated.is_zero(), Error::<T>::NoDelegatedStake);
		let increment =
			rewards::reward_per_share_increment(to_u128::<T>(amount), to_u128::<T>(delegated));
		let share = RewardPerShare::<T>::get(topic, reputer)
			.checked_add(increment)
			.ok_or(ArithmeticError::Overflow)?;
		let pool = DelegatorRewardPool::<T>::get(topic, reputer)
			.checked_add(&amount)
			.ok_or(ArithmeticError::Overflow)?;
		let account = Self::rewards_account();
		let top_up = <T::Currency as Inspect<T::AccountId>>::minimum_balance()
			.saturating_sub(<T::Currency as Inspect<T::AccountId>>::balance(&account));
		let transfer = amount.checked_add(&top_up).ok_or(ArithmeticError::Overflow)?;
		<T::Currency as Mutate<T::AccountId>>::transfer(
			source,
			&account,
			transfer,
			Preservation::Preserve,
		)?;
		RewardPerShare::<T>::insert(topic, reputer, share);
		DelegatorRewardPool::<T>::insert(topic, reputer, pool);
		Self::deposit_event(Event::DelegatorRewardDeposited {
			topic,
			reputer: reputer.clone(),
			amount,
		});
		Ok(())
	}

	/// What a delegation may claim now: ⌊amount · share⌋ − reward_debt, capped by the pool.
	pub(crate) fn claimable(
		topic: TopicId,
		reputer: &T::AccountId,
		delegation: &DelegationInfo<BalanceOf<T>>,
		share: Fixed,
	) -> BalanceOf<T> {
		let pending = rewards::pending_delegator_reward(
			to_u128::<T>(delegation.amount),
			share,
			to_u128::<T>(delegation.reward_debt),
		);
		from_u128::<T>(pending).min(DelegatorRewardPool::<T>::get(topic, reputer))
	}

	/// Pays a delegation what it may claim and advances its reward debt by the same amount.
	/// The caller stores the delegation.
	fn settle_delegation(
		topic: TopicId,
		delegator: &T::AccountId,
		reputer: &T::AccountId,
		delegation: &mut DelegationInfo<BalanceOf<T>>,
		share: Fixed,
	) -> DispatchResult {
		let reward = Self::claimable(topic, reputer, delegation, share);
		if reward.is_zero() {
			return Ok(());
		}
		<T::Currency as Mutate<T::AccountId>>::transfer(
			&Self::rewards_account(),
			delegator,
			reward,
			Preservation::Preserve,
		)?;
		let pool = DelegatorRewardPool::<T>::get(topic, reputer).saturating_sub(reward);
		if pool.is_zero() {
			DelegatorRewardPool::<T>::remove(topic, reputer);
		} else {
			DelegatorRewardPool::<T>::insert(topic, reputer, pool);
		}
		delegation.reward_debt = delegation.reward_debt.saturating_add(reward);
		Self::deposit_event(Event::DelegatorRewardClaimed {
			topic,
			delegator: delegator.clone(),
			reputer: reputer.clone(),
			amount: reward,
		});
		Ok(())
	}

	/// ⌈amount · share⌉: the reward debt of a delegation whose amount was just set. Rounded
	/// up so that a new position is never credited with a fraction it did not earn.
	pub(crate) fn reward_debt_of(amount: BalanceOf<T>, share: Fixed) -> BalanceOf<T> {
		let share_bits = u128::try_from(share.to_bits()).unwrap_or(0);
		let debt = multiply_by_rational_with_rounding(
			to_u128::<T>(amount),
			share_bits,
			SHARE_SCALE,
			Rounding::Up,
		)
		.unwrap_or(u128::MAX);
		from_u128::<T>(debt)
	}

	// ----- the removal queue -----------------------------------------------------------------

	/// Queues `key` to complete `remove_stake_delay_window` blocks from now, first taking it
	/// out of the bucket of its previous request (completing at `previous`). Returns the
	/// request block and the completion block.
	fn queue_removal(
		key: RemovalKeyOf<T>,
		previous: Option<BlockNumberFor<T>>,
	) -> Result<(BlockNumberFor<T>, BlockNumberFor<T>), DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		let delay = Params::<T>::get().remove_stake_delay_window.max(One::one());
		let completion = now.saturating_add(delay);
		let queued = RemovalQueue::<T>::decode_len(completion).unwrap_or(0);
		let capacity = usize::try_from(T::MaxQueuedRemovalsPerBlock::get()).unwrap_or(usize::MAX);
		ensure!(queued < capacity || previous == Some(completion), Error::<T>::RemovalQueueFull);
		if let Some(old_completion) = previous {
			Self::unqueue_removal(&key, old_completion);
		}
		RemovalQueue::<T>::try_mutate(completion, |bucket| bucket.try_push(key))
			.map_err(|_| Error::<T>::RemovalQueueFull)?;
		QueuedRemovals::<T>::mutate(|n| *n = n.saturating_add(1));
		Ok((now, completion))
	}

	/// Takes `key` out of the bucket of `completion`.
	fn unqueue_removal(key: &RemovalKeyOf<T>, completion: BlockNumberFor<T>) {
		let mut removed: u32 = 0;
		RemovalQueue::<T>::mutate_exists(completion, |maybe_bucket| {
			let mut emptied = false;
			if let Some(bucket) = maybe_bucket.as_mut() {
				let before = bucket.len();
				bucket.retain(|queued| queued != key);
				removed = u32::try_from(before.saturating_sub(bucket.len())).unwrap_or(u32::MAX);
				emptied = bucket.is_empty();
			}
			if emptied {
				*maybe_bucket = None;
			}
		});
		QueuedRemovals::<T>::mutate(|n| *n = n.saturating_sub(removed));
	}

	/// Executes the removals due at `now` (completion block ≤ `now`): oldest completion block
	/// first, in request order within a block, at most `MaxRemovalsPerBlock` of them and at
	/// most that many buckets visited. What does not fit stays queued for the next block
	/// (spec §1.5; the original processed none once over the limit, spec §9.1).
	pub(crate) fn process_due_removals(now: BlockNumberFor<T>) -> Weight {
		let next_block = now.saturating_add(One::one());
		if QueuedRemovals::<T>::get() == 0 {
			NextRemovalBlock::<T>::put(next_block);
			return T::WeightInfo::process_removals(0, 0);
		}
		let max = T::MaxRemovalsPerBlock::get();
		let mut cursor = NextRemovalBlock::<T>::get().unwrap_or(now);
		let mut processed: u32 = 0;
		let mut visited: u32 = 0;
		while cursor <= now && processed < max && visited < max {
			visited = visited.saturating_add(1);
			let budget = usize::try_from(max.saturating_sub(processed)).unwrap_or(usize::MAX);
			let mut entries = RemovalQueue::<T>::take(cursor).into_inner().into_iter();
			for key in entries.by_ref().take(budget) {
				Self::execute_removal(key);
				processed = processed.saturating_add(1);
			}
			let rest: Vec<RemovalKeyOf<T>> = entries.collect();
			if !rest.is_empty() {
				let bucket: BoundedVec<RemovalKeyOf<T>, T::MaxQueuedRemovalsPerBlock> =
					BoundedVec::truncate_from(rest);
				RemovalQueue::<T>::insert(cursor, bucket);
				break;
			}
			cursor = cursor.saturating_add(One::one());
		}
		QueuedRemovals::<T>::mutate(|n| *n = n.saturating_sub(processed));
		NextRemovalBlock::<T>::put(cursor);
		T::WeightInfo::process_removals(processed, visited)
	}

	/// Executes one queued removal atomically. One that cannot execute (which would mean a
	/// broken invariant) is dropped with its record, its stake left in place, and logged.
	fn execute_removal(key: RemovalKeyOf<T>) {
		let outcome = with_storage_layer(|| match &key {
			RemovalKey::Reputer { topic, reputer } => Self::execute_stake_removal(*topic, reputer),
			RemovalKey::Delegator { topic, delegator, reputer } => {
				Self::execute_delegate_removal(*topic, delegator, reputer)
			}
		});
		if let Err(error) = outcome {
			match &key {
				RemovalKey::Reputer { topic, reputer } => {
					PendingStakeRemovals::<T>::remove(*topic, reputer)
				}
				RemovalKey::Delegator { topic, delegator, reputer } => {
					PendingDelegateRemovals::<T>::remove((*topic, delegator, reputer))
				}
			}
			log::warn!(target: LOG_TARGET, "dropped stake removal {:?}: {:?}", key, error);
		}
	}

	/// Releases a reputer's queued removal of own stake.
	fn execute_stake_removal(topic: TopicId, reputer: &T::AccountId) -> DispatchResult {
		let removal =
			PendingStakeRemovals::<T>::take(topic, reputer).ok_or(Error::<T>::NoPendingRemoval)?;
		let amount = removal.amount;
		let own = ReputerStake::<T>::get(topic, reputer)
			.checked_sub(&amount)
			.ok_or(Error::<T>::InsufficientStake)?;
		let (topic_stake, total) = Self::stake_totals_after_remove(topic, amount)?;
		<T::Currency as MutateHold<T::AccountId>>::release(
			&Self::hold_reason(HoldReason::ReputerStake),
			reputer,
			amount,
			Precision::Exact,
		)?;
		if own.is_zero() {
			ReputerStake::<T>::remove(topic, reputer);
		} else {
			ReputerStake::<T>::insert(topic, reputer, own);
		}
		Self::set_stake_totals(topic, topic_stake, total);
		Self::deposit_event(Event::StakeRemoved { topic, reputer: reputer.clone(), amount });
		Ok(())
	}

	/// Releases a delegator's queued removal, paying the position's pending reward first.
	fn execute_delegate_removal(
		topic: TopicId,
		delegator: &T::AccountId,
		reputer: &T::AccountId,
	) -> DispatchResult {
		let removal = PendingDelegateRemovals::<T>::take((topic, delegator, reputer))
			.ok_or(Error::<T>::NoPendingRemoval)?;
		let amount = removal.amount;
		let mut delegation =
			Delegations::<T>::get((topic, delegator, reputer)).ok_or(Error::<T>::NoDelegation)?;
		let remaining =
			delegation.amount.checked_sub(&amount).ok_or(Error::<T>::InsufficientDelegatedStake)?;
		let upon = DelegatedStakeUpon::<T>::get(topic, reputer)
			.checked_sub(&amount)
			.ok_or(ArithmeticError::Underflow)?;
		let by_delegator = DelegatorTopicStake::<T>::get(topic, delegator)
			.checked_sub(&amount)
			.ok_or(ArithmeticError::Underflow)?;
		let (topic_stake, total) = Self::stake_totals_after_remove(topic, amount)?;
		let share = RewardPerShare::<T>::get(topic, reputer);

		Self::settle_delegation(topic, delegator, reputer, &mut delegation, share)?;
		<T::Currency as MutateHold<T::AccountId>>::release(
			&Self::hold_reason(HoldReason::DelegatorStake),
			delegator,
			amount,
			Precision::Exact,
		)?;
		if remaining.is_zero() {
			Delegations::<T>::remove((topic, delegator, reputer));
		} else {
			delegation.amount = remaining;
			delegation.reward_debt = Self::reward_debt_of(remaining, share);
			Delegations::<T>::insert((topic, delegator, reputer), delegation);
		}
		if upon.is_zero() {
			DelegatedStakeUpon::<T>::remove(topic, reputer);
		} else {
			DelegatedStakeUpon::<T>::insert(topic, reputer, upon);
		}
		if by_delegator.is_zero() {
			DelegatorTopicStake::<T>::remove(topic, delegator);
		} else {
			DelegatorTopicStake::<T>::insert(topic, delegator, by_delegator);
		}
		Self::set_stake_totals(topic, topic_stake, total);
		Self::deposit_event(Event::DelegateStakeRemoved {
			topic,
			delegator: delegator.clone(),
			reputer: reputer.clone(),
			amount,
		});
		Ok(())
	}

	// ----- helpers ---------------------------------------------------------------------------

	/// This pallet's hold reason as the runtime's.
	pub(crate) fn hold_reason(reason: HoldReason) -> T::RuntimeHoldReason {
		reason.into()
	}

	/// Topic and total stake after adding `amount`.
	fn stake_totals_after_add(
		topic: TopicId,
		amount: BalanceOf<T>,
	) -> Result<(BalanceOf<T>, BalanceOf<T>), DispatchError> {
		let topic_stake =
			TopicStake::<T>::get(topic).checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		let total = TotalStake::<T>::get().checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		Ok((topic_stake, total))
	}

	/// Topic and total stake after removing `amount`.
	fn stake_totals_after_remove(
		topic: TopicId,
		amount: BalanceOf<T>,
	) -> Result<(BalanceOf<T>, BalanceOf<T>), DispatchError> {
		let topic_stake =
			TopicStake::<T>::get(topic).checked_sub(&amount).ok_or(ArithmeticError::Underflow)?;
		let total =
			TotalStake::<T>::get().checked_sub(&amount).ok_or(ArithmeticError::Underflow)?;
		Ok((topic_stake, total))
	}

	/// Stores topic and total stake (an empty topic's entry is removed).
	fn set_stake_totals(topic: TopicId, topic_stake: BalanceOf<T>, total: BalanceOf<T>) {
		if topic_stake.is_zero() {
			TopicStake::<T>::remove(topic);
		} else {
			TopicStake::<T>::insert(topic, topic_stake);
		}
		TotalStake::<T>::put(total);
	}
}
