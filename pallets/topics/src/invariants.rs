//! State invariants, checked by `try_state` and after every test.

use crate::pallet::{
	ActiveTopics, Agenda, AgendaCursor, Config, NextTopicId, Pallet, Params, PreviousTopicWeight,
	TopicFeeRevenue, Topics, TotalActiveTopicWeight, UnfulfilledReputerNonces,
	UnfulfilledWorkerNonces,
};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get},
	frame_system,
	sp_runtime::TryRuntimeError,
};

/// `true` if the list is strictly ascending.
fn strictly_ascending<N: PartialOrd>(list: &[N]) -> bool {
	list.windows(2).all(|pair| matches!(pair, [a, b] if a < b))
}

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the pallet's storage.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		let next_id = NextTopicId::<T>::get();
		ensure!(next_id >= 1, "topic ids start at 1");
		ensure!(
			Self::validate_params(&Params::<T>::get()).is_ok(),
			"stored parameters are invalid"
		);

		for topic in Topics::<T>::iter_keys() {
			ensure!((1..next_id).contains(&topic), "topic id outside 1..NextTopicId");
		}
		for topic in TopicFeeRevenue::<T>::iter_keys() {
			ensure!(Topics::<T>::contains_key(topic), "fee revenue of an unknown topic");
		}
		for topic in PreviousTopicWeight::<T>::iter_keys() {
			ensure!(Topics::<T>::contains_key(topic), "weight of an unknown topic");
		}

		// The active set: each active topic has its next epoch end on the agenda, and the
		// total weight is the sum over exactly the active topics.
		let mut total: u128 = 0;
		for (topic, next_epoch_end) in ActiveTopics::<T>::iter() {
			ensure!(Topics::<T>::contains_key(topic), "an unknown topic is active");
			let scheduled = Agenda::<T>::get(next_epoch_end, topic).is_some_and(|e| e.epoch_end);
			ensure!(scheduled, "an active topic has no scheduled epoch end");
			total = total.saturating_add(PreviousTopicWeight::<T>::get(topic).unwrap_or(0));
		}
		ensure!(total == TotalActiveTopicWeight::<T>::get(), "total active topic weight drifted");

		// The agenda: no empty entries, nothing behind the cursor, epoch ends only for active
		// topics at their recorded block.
		let cursor = AgendaCursor::<T>::get();
		if let Some(cursor) = cursor {
			ensure!(cursor <= now, "the agenda cursor is ahead of the chain");
		}
		for (block, topic, entry) in Agenda::<T>::iter() {
			ensure!(Topics::<T>::contains_key(topic), "agenda entry of an unknown topic");
			ensure!(!entry.is_empty(), "empty agenda entry");
			let pending = match cursor {
				Some(cursor) => block >= cursor,
				None => block > now,
			};
			ensure!(pending, "agenda entry left behind");
			if entry.epoch_end {
				ensure!(
					ActiveTopics::<T>::get(topic) == Some(block),
					"epoch end scheduled for an inactive topic or at a stale block"
				);
			}
		}

		// The nonce lists: oldest first, within bounds, never from the future, and an epoch is
		// never both a worker and a reputer nonce.
		let bound = usize::try_from(T::MaxUnfulfilledNonces::get()).unwrap_or(usize::MAX);
		for (topic, workers) in UnfulfilledWorkerNonces::<T>::iter() {
			ensure!(Topics::<T>::contains_key(topic), "worker nonces of an unknown topic");
			ensure!(!workers.is_empty() && workers.len() <= bound, "worker nonce list size");
			ensure!(strictly_ascending(&workers), "worker nonces out of order");
			ensure!(workers.iter().all(|n| *n <= now), "worker nonce from the future");
		}
		for (topic, reputers) in UnfulfilledReputerNonces::<T>::iter() {
			ensure!(Topics::<T>::contains_key(topic), "reputer nonces of an unknown topic");
			ensure!(!reputers.is_empty() && reputers.len() <= bound, "reputer nonce list size");
			ensure!(strictly_ascending(&reputers), "reputer nonces out of order");
			ensure!(reputers.iter().all(|n| *n <= now), "reputer nonce from the future");
			let workers = UnfulfilledWorkerNonces::<T>::get(topic);
			ensure!(
				reputers.iter().all(|n| !workers.contains(n)),
				"a nonce is both a worker and a reputer nonce"
			);
		}
		Ok(())
	}
}
