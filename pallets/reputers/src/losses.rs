//! Loss bundles (spec §2.6, §2.7): what a reputer reports for a reputer nonce, the checks a
//! submission goes through, and how the synthesis pallet takes them.
//!
//! **Lifetime.** Bundles stay in storage until [`Pallet::take_loss_bundles`] is called for
//! their `(topic, nonce)`; the synthesis pallet must call it for every reputer nonce it
//! closes, including nonces it closes without using the data.

use crate::*;
use alloc::vec::Vec;
use allora_primitives::NonceStatus;
use frame::prelude::*;

impl<T: Config> Pallet<T> {
	/// `submit_losses`. Rejections, in order: unknown topic, nonce not open, window closed,
	/// caller not registered, authority below `required_minimum_stake`, already submitted,
	/// nonce full, a list too long, a worker twice in a list, fee not payable. Every check
	/// runs before the fee is taken, so a rejected call changes nothing.
	pub(crate) fn do_submit_losses(
		who: T::AccountId,
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		submission: LossBundleSubmissionOf<T>,
	) -> DispatchResult {
		ensure!(T::Topics::topic_exists(topic), Error::<T>::TopicNotFound);
		let now = frame_system::Pallet::<T>::block_number();
		match T::Topics::reputer_nonce_status(topic, nonce, now) {
			NonceStatus::Open => {}
			NonceStatus::Unknown => return Err(Error::<T>::UnknownNonce.into()),
			NonceStatus::WindowClosed => return Err(Error::<T>::WindowClosed.into()),
		}
		ensure!(Self::is_registered(topic, &who), Error::<T>::NotRegistered);
		let params = Params::<T>::get();
		ensure!(
			Self::authority(topic, &who) >= params.required_minimum_stake,
			Error::<T>::StakeBelowMinimum
		);
		ensure!(
			!LossBundles::<T>::contains_key((topic, nonce), &who),
			Error::<T>::AlreadySubmitted
		);
		let count = LossBundleCount::<T>::get((topic, nonce));
		ensure!(count < T::MaxReputersPerTopic::get(), Error::<T>::TooManyLossBundles);
		let bundle = Self::bounded_loss_bundle(submission)?;

		Self::pay_fee(&who, topic, params.data_sending_fee)?;
		LossBundles::<T>::insert((topic, nonce), &who, bundle);
		LossBundleCount::<T>::insert((topic, nonce), count.saturating_add(1));
		Self::deposit_event(Event::LossesSubmitted { topic, nonce, reputer: who });
		Ok(())
	}

	/// Returns the loss bundles of reputer nonce `nonce` of `topic`, sorted by reputer account
	/// id, each with the reputer's authority stake now, and deletes them. Bundles of reputers
	/// whose authority has fallen below `required_minimum_stake` since they submitted are
	/// deleted but not returned (spec §2.6, closing step 2). A second call returns nothing.
	///
	/// Reads and deletes at most `MaxReputersPerTopic` bundles.
	pub fn take_loss_bundles(topic: TopicId, nonce: BlockNumberFor<T>) -> Vec<ReputerLossesOf<T>> {
		let minimum = Params::<T>::get().required_minimum_stake;
		let mut taken: Vec<ReputerLossesOf<T>> = LossBundles::<T>::drain_prefix((topic, nonce))
			.filter_map(|(reputer, bundle)| {
				let stake = Self::authority(topic, &reputer);
				(stake >= minimum).then_some(ReputerLosses { reputer, stake, bundle })
			})
			.collect();
		LossBundleCount::<T>::remove((topic, nonce));
		taken.sort_by(|a, b| Ord::cmp(&a.reputer, &b.reputer));
		taken
	}

	/// Number of loss bundles stored for a reputer nonce.
	pub fn loss_bundle_count(topic: TopicId, nonce: BlockNumberFor<T>) -> u32 {
		LossBundleCount::<T>::get((topic, nonce))
	}

	/// Checks the sizes of a submitted bundle and that no worker appears twice in a list,
	/// and returns it in its stored (bounded) form.
	pub(crate) fn bounded_loss_bundle(
		submission: LossBundleSubmissionOf<T>,
	) -> Result<LossBundleOf<T>, DispatchError> {
		let LossBundleSubmission {
			combined_value,
			naive_value,
			inferer_values,
			forecaster_values,
			one_out_inferer_values,
			one_out_forecaster_values,
			one_in_forecaster_values,
			one_out_inferer_forecaster_values,
		} = submission;

		ensure!(
			one_out_inferer_forecaster_values.len() <= Self::max_forecaster_values(),
			Error::<T>::TooManyForecasterValues
		);
		Self::ensure_unique_workers(
			one_out_inferer_forecaster_values.iter().map(|group| &group.forecaster),
		)?;
		let mut groups: Vec<OneOutInfererForecasterLosses<T::AccountId, T::MaxInfererValues>> =
			Vec::with_capacity(one_out_inferer_forecaster_values.len());
		for group in one_out_inferer_forecaster_values {
			groups.push(OneOutInfererForecasterLosses {
				forecaster: group.forecaster,
				one_out_inferer_values: Self::bounded_values(
					group.one_out_inferer_values,
					Error::<T>::TooManyInfererValues,
				)?,
			});
		}

		Ok(LossBundle {
			combined_value,
			naive_value,
			inferer_values: Self::bounded_values(inferer_values, Error::<T>::TooManyInfererValues)?,
			forecaster_values: Self::bounded_values(
				forecaster_values,
				Error::<T>::TooManyForecasterValues,
			)?,
			one_out_inferer_values: Self::bounded_values(
				one_out_inferer_values,
				Error::<T>::TooManyInfererValues,
			)?,
			one_out_forecaster_values: Self::bounded_values(
				one_out_forecaster_values,
				Error::<T>::TooManyForecasterValues,
			)?,
			one_in_forecaster_values: Self::bounded_values(
				one_in_forecaster_values,
				Error::<T>::TooManyForecasterValues,
			)?,
			one_out_inferer_forecaster_values: BoundedVec::try_from(groups)
				.map_err(|_| Error::<T>::TooManyForecasterValues)?,
		})
	}

	/// One list of a bundle in bounded form: at most `S` entries (else `too_long`), each
	/// worker at most once (else `DuplicateWorker`).
	fn bounded_values<S: Get<u32>>(
		values: Vec<WorkerValue<T::AccountId>>,
		too_long: Error<T>,
	) -> Result<BoundedVec<WorkerValue<T::AccountId>, S>, DispatchError> {
		let values: BoundedVec<WorkerValue<T::AccountId>, S> =
			BoundedVec::try_from(values).map_err(|_| too_long)?;
		Self::ensure_unique_workers(values.iter().map(|v| &v.worker))?;
		Ok(values)
	}

	/// Fails with `DuplicateWorker` if an account occurs twice.
	fn ensure_unique_workers<'a>(workers: impl Iterator<Item = &'a T::AccountId>) -> DispatchResult
	where
		T::AccountId: 'a,
	{
		let mut sorted: Vec<&T::AccountId> = workers.collect();
		sorted.sort_unstable();
		let duplicate = sorted.windows(2).any(|pair| matches!(pair, [a, b] if a == b));
		ensure!(!duplicate, Error::<T>::DuplicateWorker);
		Ok(())
	}

	/// `MaxForecasterValues` as a length.
	fn max_forecaster_values() -> usize {
		usize::try_from(T::MaxForecasterValues::get()).unwrap_or(usize::MAX)
	}
}
