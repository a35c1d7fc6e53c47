//! Storage invariants, checked by `try_state` (try-runtime) and after every unit test.

use crate::*;
use alloc::collections::BTreeMap;
use frame::prelude::*;
use polkadot_sdk::sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Check every invariant of this pallet's storage:
	/// * the stored parameters are valid;
	/// * every registration is in an existing topic; each topic's worker count equals its
	///   registrations, is positive and at most `MaxWorkersPerTopic`;
	/// * each `(topic, nonce)`'s submission counts equal its stored inferences and forecasts,
	///   are at most `MaxWorkersPerTopic`, are not both zero, and the topic exists;
	/// * every value is within `MAX_ABS_VALUE_CEILING`; every forecast is non-empty, never
	///   names its forecaster, and is strictly ascending by inferer (so free of duplicates).
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		ensure!(
			Self::ensure_valid_params(&Params::<T>::get()).is_ok(),
			"workers: stored parameters are invalid"
		);
		let max_workers = T::MaxWorkersPerTopic::get();

		let mut registrations: BTreeMap<TopicId, u32> = BTreeMap::new();
		for (topic, _worker, _info) in TopicWorkers::<T>::iter() {
			ensure!(T::Topics::topic_exists(topic), "workers: registration in an unknown topic");
			let count = registrations.entry(topic).or_insert(0);
			*count = count.saturating_add(1);
		}
		for (topic, count) in TopicWorkerCount::<T>::iter() {
			ensure!(count > 0, "workers: a zero worker count is stored");
			ensure!(count <= max_workers, "workers: more workers than MaxWorkersPerTopic");
			ensure!(
				registrations.remove(&topic) == Some(count),
				"workers: worker count differs from the registrations"
			);
		}
		ensure!(registrations.is_empty(), "workers: registrations without a worker count");

		let mut inferences: BTreeMap<(TopicId, BlockNumberFor<T>), u32> = BTreeMap::new();
		for (key, _inferer, value) in Inferences::<T>::iter() {
			ensure!(value.abs() <= MAX_ABS_VALUE_CEILING, "workers: inference out of range");
			let count = inferences.entry(key).or_insert(0);
			*count = count.saturating_add(1);
		}
		let mut forecasts: BTreeMap<(TopicId, BlockNumberFor<T>), u32> = BTreeMap::new();
		for (key, forecaster, elements) in Forecasts::<T>::iter() {
			ensure!(!elements.is_empty(), "workers: empty forecast stored");
			let mut previous: Option<&T::AccountId> = None;
			for element in elements.iter() {
				ensure!(element.inferer != forecaster, "workers: forecast names its forecaster");
				ensure!(
					element.value.abs() <= MAX_ABS_VALUE_CEILING,
					"workers: forecast element out of range"
				);
				if let Some(previous) = previous {
					ensure!(
						*previous < element.inferer,
						"workers: forecast elements not strictly ascending by inferer"
					);
				}
				previous = Some(&element.inferer);
			}
			let count = forecasts.entry(key).or_insert(0);
			*count = count.saturating_add(1);
		}
		for (topic, nonce, counts) in SubmissionCounts::<T>::iter() {
			ensure!(T::Topics::topic_exists(topic), "workers: submissions in an unknown topic");
			ensure!(
				counts.inferences > 0 || counts.forecasts > 0,
				"workers: an empty submission count is stored"
			);
			ensure!(
				counts.inferences <= max_workers && counts.forecasts <= max_workers,
				"workers: more submissions than MaxWorkersPerTopic"
			);
			ensure!(
				inferences.remove(&(topic, nonce)).unwrap_or(0) == counts.inferences,
				"workers: inference count differs from the stored inferences"
			);
			ensure!(
				forecasts.remove(&(topic, nonce)).unwrap_or(0) == counts.forecasts,
				"workers: forecast count differs from the stored forecasts"
			);
		}
		ensure!(
			inferences.is_empty() && forecasts.is_empty(),
			"workers: submissions without a submission count"
		);
		Ok(())
	}
}
