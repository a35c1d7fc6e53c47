//! What the epoch driver (synthesis / rewards) reads from this pallet: the submissions of a
//! closed worker nonce, and who is paid for a worker.
//!
//! **Order.** The synthesis maths is order-sensitive (spec §0.2), so every list handed out here
//! is sorted ascending by account id (`Ord` of `AccountId`: byte order for `AccountId32`):
//! inferences by inferer, forecasts by forecaster, each forecast's elements by inferer.
//!
//! **Lifetime.** Submissions stay in storage until [`Pallet::take_submissions`] or
//! [`Pallet::prune_nonce`] is called for their `(topic, nonce)`; the driver must call one of
//! them for every worker nonce it closes, including nonces closed without data.

use crate::*;
use alloc::vec::Vec;
use frame::prelude::*;

impl<T: Config> Pallet<T> {
	/// Return the inferences and forecasts of worker nonce `nonce` of `topic`, sorted as
	/// described in the module docs, and delete them. A second call returns empty lists.
	///
	/// Costs `WeightInfo::take_submissions(inferences, forecasts)`, at most
	/// [`Pallet::max_take_submissions_weight`].
	pub fn take_submissions(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
	) -> (InferenceList<T::AccountId>, ForecastList<T::AccountId>) {
		let key = (topic, nonce);
		let mut inferences: InferenceList<T::AccountId> =
			Inferences::<T>::drain_prefix(key).collect();
		let mut forecasts: ForecastList<T::AccountId> = Forecasts::<T>::drain_prefix(key)
			.map(|(forecaster, elements)| {
				let elements: Vec<(T::AccountId, Fixed)> =
					elements.into_iter().map(|e| (e.inferer, e.value)).collect();
				(forecaster, elements)
			})
			.collect();
		let counted = SubmissionCounts::<T>::take(topic, nonce);

		inferences.sort_by(|(a, _), (b, _)| a.cmp(b));
		forecasts.sort_by(|(a, _), (b, _)| a.cmp(b));

		if counted.is_some() || !inferences.is_empty() || !forecasts.is_empty() {
			Self::deposit_event(Event::SubmissionsPruned {
				topic,
				nonce,
				inferences: u32::try_from(inferences.len()).unwrap_or(u32::MAX),
				forecasts: u32::try_from(forecasts.len()).unwrap_or(u32::MAX),
			});
		}
		(inferences, forecasts)
	}

	/// Delete the submissions of worker nonce `nonce` of `topic` without reading them (e.g. a
	/// nonce closed without synthesis). Same weight as [`Pallet::take_submissions`].
	pub fn prune_nonce(topic: TopicId, nonce: BlockNumberFor<T>) {
		let _ = Self::take_submissions(topic, nonce);
	}

	/// Worst-case weight of one [`Pallet::take_submissions`] or [`Pallet::prune_nonce`].
	pub fn max_take_submissions_weight() -> Weight {
		let max = T::MaxWorkersPerTopic::get();
		T::WeightInfo::take_submissions(max, max)
	}

	/// Whether `worker` is registered in `topic`.
	pub fn is_registered(topic: TopicId, worker: &T::AccountId) -> bool {
		TopicWorkers::<T>::contains_key(topic, worker)
	}

	/// Who is paid for `worker`'s work in `topic`, or `None` if it is not registered (it left
	/// after submitting): then pay the worker account itself.
	pub fn owner_of(topic: TopicId, worker: &T::AccountId) -> Option<T::AccountId> {
		TopicWorkers::<T>::get(topic, worker).map(|info| info.owner)
	}

	/// How many inferences and forecasts are stored for worker nonce `nonce` of `topic`.
	pub fn submission_count(topic: TopicId, nonce: BlockNumberFor<T>) -> SubmissionCount {
		SubmissionCounts::<T>::get(topic, nonce).unwrap_or_default()
	}
}

impl<T: Config> allora_primitives::SubmissionSource<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	fn take_submissions(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
	) -> allora_primitives::Submissions<T::AccountId> {
		let (inferences, forecasts) = Self::take_submissions(topic, nonce);
		allora_primitives::Submissions { inferences, forecasts }
	}

	fn payee(topic: TopicId, worker: &T::AccountId) -> T::AccountId {
		Self::owner_of(topic, worker).unwrap_or_else(|| worker.clone())
	}

	fn max_workers() -> u32 {
		T::MaxWorkersPerTopic::get()
	}
}
