//! What the calls do: registration (spec §1.3), worker payloads (spec §2.4) and parameter
//! updates. Every check runs before the first write, so a rejected call changes nothing.

use crate::*;
use allora_primitives::NonceStatus;
use frame::prelude::*;

impl<T: Config> Pallet<T> {
	/// Register `who` in `topic` for `owner` (default `who`), paying the registration fee.
	pub(crate) fn do_register(
		who: T::AccountId,
		topic: TopicId,
		owner: Option<T::AccountId>,
	) -> DispatchResult {
		ensure!(T::Topics::topic_exists(topic), Error::<T>::TopicNotFound);
		ensure!(!TopicWorkers::<T>::contains_key(topic, &who), Error::<T>::AlreadyRegistered);
		let count = TopicWorkerCount::<T>::get(topic);
		ensure!(count < T::MaxWorkersPerTopic::get(), Error::<T>::TooManyWorkers);
		let new_count = count.checked_add(1).ok_or(ArithmeticError::Overflow)?;

		let fee = Params::<T>::get().registration_fee;
		Self::charge_fee(&who, topic, fee)?;

		let owner = owner.unwrap_or_else(|| who.clone());
		let info = WorkerInfo {
			owner: owner.clone(),
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		TopicWorkers::<T>::insert(topic, &who, info);
		TopicWorkerCount::<T>::insert(topic, new_count);
		Self::deposit_event(Event::WorkerRegistered { topic, worker: who, owner, fee });
		Ok(())
	}

	/// Remove `who` from `topic`; no refund, its accepted submissions stay.
	pub(crate) fn do_unregister(who: T::AccountId, topic: TopicId) -> DispatchResult {
		ensure!(TopicWorkers::<T>::contains_key(topic, &who), Error::<T>::NotRegistered);

		TopicWorkers::<T>::remove(topic, &who);
		match TopicWorkerCount::<T>::get(topic).checked_sub(1) {
			Some(remaining) if remaining > 0 => TopicWorkerCount::<T>::insert(topic, remaining),
			Some(_) => TopicWorkerCount::<T>::remove(topic),
			None => {
				// Unreachable while `try_state` holds: a registration implies a count.
				log::error!(
					target: LOG_TARGET,
					"worker count of topic {topic} was zero while a worker was registered"
				);
				TopicWorkerCount::<T>::remove(topic);
			}
		}
		Self::deposit_event(Event::WorkerUnregistered { topic, worker: who });
		Ok(())
	}

	/// Accept a worker payload for worker nonce `nonce` of `topic` (spec §2.4).
	///
	/// Checked in this order: something to submit; topic exists (rule 10); nonce open
	/// (rules 11, 12); worker registered (13); no earlier inference / forecast of this worker
	/// for this nonce (16, 19); values and forecast shape (4, 6, 18); room left for this
	/// nonce; fee payable (14). The forecast is stored with its elements sorted by inferer.
	pub(crate) fn do_submit(
		who: T::AccountId,
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		inference: Option<Fixed>,
		forecast: Option<ForecastOf<T>>,
	) -> DispatchResult {
		ensure!(inference.is_some() || forecast.is_some(), Error::<T>::EmptyPayload);
		ensure!(T::Topics::topic_exists(topic), Error::<T>::TopicNotFound);
		let now = frame_system::Pallet::<T>::block_number();
		match T::Topics::worker_nonce_status(topic, nonce, now) {
			NonceStatus::Open => {}
			NonceStatus::Unknown => return Err(Error::<T>::UnknownNonce.into()),
			NonceStatus::WindowClosed => return Err(Error::<T>::WindowClosed.into()),
		}
		ensure!(TopicWorkers::<T>::contains_key(topic, &who), Error::<T>::NotRegistered);

		let params = Params::<T>::get();
		let key = (topic, nonce);
		let max_per_nonce = T::MaxWorkersPerTopic::get();
		let mut counts = SubmissionCounts::<T>::get(topic, nonce).unwrap_or_default();

		if let Some(value) = inference {
			ensure!(
				!Inferences::<T>::contains_key(key, &who),
				Error::<T>::InferenceAlreadySubmitted
			);
			Self::ensure_value_in_range(value, &params)?;
			ensure!(counts.inferences < max_per_nonce, Error::<T>::SubmissionsFull);
			counts.inferences =
				counts.inferences.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		}
		let forecast = match forecast {
			Some(forecast) => {
				ensure!(
					!Forecasts::<T>::contains_key(key, &who),
					Error::<T>::ForecastAlreadySubmitted
				);
				let forecast = Self::checked_forecast(&who, topic, forecast, &params)?;
				ensure!(counts.forecasts < max_per_nonce, Error::<T>::SubmissionsFull);
				counts.forecasts =
					counts.forecasts.checked_add(1).ok_or(ArithmeticError::Overflow)?;
				Some(forecast)
			}
			None => None,
		};

		Self::charge_fee(&who, topic, params.data_sending_fee)?;

		if let Some(value) = inference {
			Inferences::<T>::insert(key, &who, value);
			Self::deposit_event(Event::InferenceSubmitted {
				topic,
				nonce,
				worker: who.clone(),
				value,
			});
		}
		if let Some(forecast) = forecast {
			let elements = u32::try_from(forecast.len()).unwrap_or(u32::MAX);
			Forecasts::<T>::insert(key, &who, forecast);
			Self::deposit_event(Event::ForecastSubmitted { topic, nonce, worker: who, elements });
		}
		SubmissionCounts::<T>::insert(topic, nonce, counts);
		Ok(())
	}

	/// Replace the parameters after validating them.
	pub(crate) fn do_set_params(params: WorkerParamsOf<T>) -> DispatchResult {
		Self::ensure_valid_params(&params)?;
		Params::<T>::put(params.clone());
		Self::deposit_event(Event::ParamsUpdated { params });
		Ok(())
	}

	/// Whether `params` is a parameter set this pallet accepts (genesis and `set_params`).
	pub(crate) fn ensure_valid_params(params: &WorkerParamsOf<T>) -> DispatchResult {
		ensure!(
			(1..=T::MaxForecastElements::get()).contains(&params.max_elements_per_forecast),
			Error::<T>::InvalidMaxElementsPerForecast
		);
		ensure!(
			params.max_abs_value.is_positive() && params.max_abs_value <= MAX_ABS_VALUE_CEILING,
			Error::<T>::InvalidMaxAbsValue
		);
		Ok(())
	}

	/// Validate a forecast of `forecaster` in `topic` and return it sorted by inferer.
	fn checked_forecast(
		forecaster: &T::AccountId,
		topic: TopicId,
		mut forecast: ForecastOf<T>,
		params: &WorkerParamsOf<T>,
	) -> Result<ForecastOf<T>, DispatchError> {
		ensure!(!forecast.is_empty(), Error::<T>::EmptyForecast);
		let elements = u32::try_from(forecast.len()).unwrap_or(u32::MAX);
		ensure!(elements <= params.max_elements_per_forecast, Error::<T>::TooManyForecastElements);

		// Sorted, a repeated inferer sits next to its twin; the stored order is canonical.
		forecast.sort_by(|a, b| a.inferer.cmp(&b.inferer));
		let mut previous: Option<&T::AccountId> = None;
		for element in forecast.iter() {
			ensure!(element.inferer != *forecaster, Error::<T>::SelfForecast);
			ensure!(previous != Some(&element.inferer), Error::<T>::DuplicateForecastElement);
			Self::ensure_value_in_range(element.value, params)?;
			ensure!(
				TopicWorkers::<T>::contains_key(topic, &element.inferer),
				Error::<T>::InfererNotRegistered
			);
			previous = Some(&element.inferer);
		}
		Ok(forecast)
	}

	/// Reject values whose magnitude exceeds `max_abs_value`.
	fn ensure_value_in_range(value: Fixed, params: &WorkerParamsOf<T>) -> DispatchResult {
		ensure!(value.abs() <= params.max_abs_value, Error::<T>::ValueOutOfRange);
		Ok(())
	}

	/// Move a protocol fee from `who` to the ecosystem account (keeping `who` alive) and count
	/// it as `topic`'s fee revenue (spec §1.4). A zero fee does nothing.
	fn charge_fee(who: &T::AccountId, topic: TopicId, fee: BalanceOf<T>) -> DispatchResult {
		allora_primitives::pay_protocol_fee::<_, T::Currency>(
			who,
			&T::EcosystemAccount::get(),
			fee,
			Error::<T>::CannotPayFee.into(),
		)?;
		T::Topics::note_fee_revenue(topic, fee);
		Ok(())
	}
}
