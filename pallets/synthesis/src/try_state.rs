//! Storage invariants, checked by `try_state` (try-runtime) and after every unit test.

use crate::*;
use alloc::vec::Vec;
use frame::prelude::*;
use polkadot_sdk::sp_runtime::TryRuntimeError;

/// `true` if `values` is strictly ascending (sorted, no repeats).
fn strictly_ascending<V: Ord>(values: &[V]) -> bool {
	values.windows(2).all(|pair| matches!(pair, [a, b] if a < b))
}

impl<T: Config> Pallet<T> {
	/// Checks every invariant of this pallet's storage:
	/// * the stored parameters are valid;
	/// * every queue index in `[QueueHead, QueueTail)` holds an item and no other does;
	/// * each topic lists at most `HistoryDepth` bundle nonces, ascending, each with a
	///   bundle, and every bundle is listed;
	/// * the same for the participants awaiting scoring and `MaxUnscoredEpochs`;
	/// * every active set is strictly ascending (sorted, no repeats) and within its storage
	///   bound. (Not checked against the current `max_top_*`: the admin may lower those
	///   after a set was chosen; the next close applies them.)
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::ensure_valid_params(&Params::<T>::get()).map_err(|_| "invalid parameters")?;
		Self::check_queue()?;
		Self::check_bundles()?;
		Self::check_participants()?;
		Self::check_active_sets()?;
		Ok(())
	}

	fn check_queue() -> Result<(), TryRuntimeError> {
		let head = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		ensure!(head <= tail, "the queue head is past its tail");
		let mut items: u64 = 0;
		for (index, _item) in Queue::<T>::iter() {
			ensure!(head <= index && index < tail, "a queued item is outside [head, tail)");
			items = items.saturating_add(1);
		}
		ensure!(items == tail.saturating_sub(head), "a queued item is missing");
		Ok(())
	}

	fn check_bundles() -> Result<(), TryRuntimeError> {
		for (topic, nonces) in InferenceNonces::<T>::iter() {
			ensure!(
				nonces.len() <= usize::try_from(T::HistoryDepth::get()).unwrap_or(usize::MAX),
				"more bundle nonces than HistoryDepth"
			);
			ensure!(strictly_ascending(&nonces), "bundle nonces are not ascending");
			for nonce in nonces.iter() {
				ensure!(
					InferenceBundles::<T>::contains_key(topic, nonce),
					"a listed bundle nonce has no bundle"
				);
			}
		}
		for (topic, nonce, _bundle) in InferenceBundles::<T>::iter() {
			ensure!(
				InferenceNonces::<T>::get(topic).contains(&nonce),
				"a stored bundle is not listed"
			);
		}
		Ok(())
	}

	fn check_participants() -> Result<(), TryRuntimeError> {
		for (topic, nonces) in UnscoredNonces::<T>::iter() {
			ensure!(!nonces.is_empty(), "an empty list of unscored nonces is stored");
			ensure!(strictly_ascending(&nonces), "unscored nonces are not ascending");
			for nonce in nonces.iter() {
				ensure!(
					EpochParticipants::<T>::contains_key(topic, nonce),
					"an unscored nonce has no participants"
				);
			}
		}
		for (topic, nonce, participants) in EpochParticipants::<T>::iter() {
			ensure!(
				UnscoredNonces::<T>::get(topic).contains(&nonce),
				"stored participants are not listed"
			);
			ensure!(
				strictly_ascending(&participants.inferers)
					&& strictly_ascending(&participants.forecasters),
				"participants are not ascending"
			);
		}
		Ok(())
	}

	fn check_active_sets() -> Result<(), TryRuntimeError> {
		let inferers: Vec<_> = ActiveInferers::<T>::iter_values().collect();
		ensure!(
			inferers.iter().all(|set| strictly_ascending(set.as_slice())),
			"an active inferer set is not ascending"
		);
		let forecasters: Vec<_> = ActiveForecasters::<T>::iter_values().collect();
		ensure!(
			forecasters.iter().all(|set| strictly_ascending(set.as_slice())),
			"an active forecaster set is not ascending"
		);
		let reputers: Vec<_> = ActiveReputers::<T>::iter_values().collect();
		ensure!(
			reputers.iter().all(|set| strictly_ascending(set.as_slice())),
			"an active reputer set is not ascending"
		);
		Ok(())
	}
}
