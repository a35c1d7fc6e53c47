//! Who is a reputer where, what it pays for it, and this pallet's parameters
//! (spec §1.1, §1.3, §1.4).

use crate::*;
use frame::prelude::*;

impl<T: Config> Pallet<T> {
	/// `register`: the topic exists, the caller is not yet registered, there is room, and the
	/// fee is paid last (so a failed check costs nothing).
	pub(crate) fn do_register(who: T::AccountId, topic: TopicId) -> DispatchResult {
		ensure!(T::Topics::topic_exists(topic), Error::<T>::TopicNotFound);
		ensure!(!RegisteredReputers::<T>::contains_key(topic, &who), Error::<T>::AlreadyRegistered);
		let count = ReputerCount::<T>::get(topic);
		ensure!(count < T::MaxReputersPerTopic::get(), Error::<T>::TooManyReputers);
		let fee = Params::<T>::get().registration_fee;
		Self::pay_fee(&who, topic, fee)?;
		RegisteredReputers::<T>::insert(topic, &who, ());
		ReputerCount::<T>::insert(topic, count.saturating_add(1));
		Self::deposit_event(Event::ReputerRegistered { topic, reputer: who, fee });
		Ok(())
	}

	/// `unregister`: membership only; stake, delegations and queued removals are untouched.
	pub(crate) fn do_unregister(who: T::AccountId, topic: TopicId) -> DispatchResult {
		ensure!(RegisteredReputers::<T>::contains_key(topic, &who), Error::<T>::NotRegistered);
		RegisteredReputers::<T>::remove(topic, &who);
		let remaining = ReputerCount::<T>::get(topic).saturating_sub(1);
		if remaining == 0 {
			ReputerCount::<T>::remove(topic);
		} else {
			ReputerCount::<T>::insert(topic, remaining);
		}
		Self::deposit_event(Event::ReputerUnregistered { topic, reputer: who });
		Ok(())
	}

	/// Whether `who` is a registered reputer of `topic`.
	pub fn is_registered(topic: TopicId, who: &T::AccountId) -> bool {
		RegisteredReputers::<T>::contains_key(topic, who)
	}

	/// Moves a protocol fee from `who` to the ecosystem account and counts it as the topic's
	/// fee revenue (spec §1.4). The payer must stay alive; a zero fee is a no-op.
	pub(crate) fn pay_fee(who: &T::AccountId, topic: TopicId, fee: BalanceOf<T>) -> DispatchResult {
		allora_primitives::pay_protocol_fee::<_, T::Currency>(
			who,
			&T::EcosystemAccount::get(),
			fee,
			Error::<T>::InsufficientBalance.into(),
		)?;
		T::Topics::note_fee_revenue(topic, fee);
		Ok(())
	}

	/// `set_params`: apply the fields the update sets, validate the result, store it.
	pub(crate) fn do_set_params(update: ParamsUpdateOf<T>) -> DispatchResult {
		let params = update.apply_to(Params::<T>::get());
		Self::ensure_valid_params(&params)?;
		Params::<T>::put(params);
		Self::deposit_event(Event::ParamsUpdated { params });
		Ok(())
	}

	/// The rules a parameter set must follow. Fees and the minimum stake may be any amount
	/// (spec §1.1: ≥ 0); a removal must wait at least one block, because the queue runs at
	/// the start of a block and a request made in a block can only be due in a later one.
	pub(crate) fn ensure_valid_params(params: &ParamsOf<T>) -> Result<(), Error<T>> {
		ensure!(!params.remove_stake_delay_window.is_zero(), Error::<T>::ZeroRemoveStakeDelay);
		Ok(())
	}
}
