//! Benchmarks of every call and of `take_submissions` (what the epoch driver calls), each at
//! the worst case of its bounds.

#![cfg(feature = "runtime-benchmarks")]
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use super::*;
use alloc::vec::Vec;
use frame::prelude::*;
use polkadot_sdk::{frame_benchmarking::v2::*, frame_system::RawOrigin};

type CurrencyOf<T> = <T as Config>::Currency;
type AccountIdOf<T> = <T as frame_system::Config>::AccountId;

const SEED: u32 = 0;

/// Give `who` enough to pay any number of fees the benchmarks need.
fn fund<T: Config>(who: &T::AccountId) {
	let ed = <CurrencyOf<T> as fungible::Inspect<AccountIdOf<T>>>::minimum_balance();
	let amount = ed
		.saturating_mul(BalanceOf::<T>::from(1_000u32))
		.saturating_add(BalanceOf::<T>::from(1_000_000_000u32));
	<CurrencyOf<T> as fungible::Mutate<AccountIdOf<T>>>::set_balance(who, amount);
}

/// Make sure the ecosystem account exists, so fees below the existential deposit can land.
fn ensure_ecosystem<T: Config>() {
	let ecosystem = T::EcosystemAccount::get();
	let ed = <CurrencyOf<T> as fungible::Inspect<AccountIdOf<T>>>::minimum_balance();
	if <CurrencyOf<T> as fungible::Inspect<AccountIdOf<T>>>::balance(&ecosystem) < ed {
		<CurrencyOf<T> as fungible::Mutate<AccountIdOf<T>>>::set_balance(&ecosystem, ed);
	}
}

/// Register `who` in `topic` straight in storage (no fee).
fn add_worker<T: Config>(topic: TopicId, who: &T::AccountId) {
	let info =
		WorkerInfo { owner: who.clone(), registered_at: frame_system::Pallet::<T>::block_number() };
	TopicWorkers::<T>::insert(topic, who, info);
	TopicWorkerCount::<T>::mutate(topic, |count| *count += 1);
}

/// The parameters with the largest forecasts allowed and non-zero fees.
fn widest_params<T: Config>() {
	let mut params = Params::<T>::get();
	params.max_elements_per_forecast = T::MaxForecastElements::get();
	params.max_abs_value = MAX_ABS_VALUE_CEILING;
	params.registration_fee = DEFAULT_REGISTRATION_FEE.into();
	params.data_sending_fee = DEFAULT_DATA_SENDING_FEE.into();
	Params::<T>::put(params);
}

/// A forecast naming `count` freshly registered inferers of `topic`, in descending order so
/// the sort has work to do.
fn forecast_of<T: Config>(topic: TopicId, count: u32, register: bool) -> ForecastOf<T> {
	let mut elements = Vec::new();
	for i in 0..count {
		let inferer: T::AccountId = account("inferer", i, SEED);
		if register {
			add_worker::<T>(topic, &inferer);
		}
		elements.push(ForecastElement { inferer, value: Fixed::from_int(i128::from(i)) });
	}
	elements.sort_by(|a, b| b.inferer.cmp(&a.inferer));
	BoundedVec::try_from(elements).unwrap()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() -> Result<(), BenchmarkError> {
		let (topic, _nonce) = T::BenchmarkHelper::open_worker_nonce();
		widest_params::<T>();
		ensure_ecosystem::<T>();
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let owner: T::AccountId = account("owner", 0, SEED);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), topic, Some(owner.clone()));

		assert_eq!(TopicWorkers::<T>::get(topic, &caller).map(|info| info.owner), Some(owner));
		Ok(())
	}

	#[benchmark]
	fn unregister() -> Result<(), BenchmarkError> {
		let (topic, _nonce) = T::BenchmarkHelper::open_worker_nonce();
		let caller: T::AccountId = whitelisted_caller();
		add_worker::<T>(topic, &caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), topic);

		assert!(!TopicWorkers::<T>::contains_key(topic, &caller));
		Ok(())
	}

	/// An inference and a forecast of `e` elements in one payload.
	#[benchmark]
	fn submit(e: Linear<1, { T::MaxForecastElements::get() }>) -> Result<(), BenchmarkError> {
		let (topic, nonce) = T::BenchmarkHelper::open_worker_nonce();
		widest_params::<T>();
		ensure_ecosystem::<T>();
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		add_worker::<T>(topic, &caller);
		let forecast = forecast_of::<T>(topic, e, true);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), topic, nonce, Some(Fixed::ONE), Some(forecast));

		assert!(Inferences::<T>::contains_key((topic, nonce), &caller));
		assert_eq!(Forecasts::<T>::get((topic, nonce), &caller).map(|f| f.len() as u32), Some(e));
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = WorkerParams {
			registration_fee: 1u32.into(),
			data_sending_fee: 1u32.into(),
			max_elements_per_forecast: 1,
			max_abs_value: Fixed::ONE,
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	/// `i` inferences and `f` forecasts of `MaxForecastElements` elements each.
	#[benchmark]
	fn take_submissions(
		i: Linear<0, { T::MaxWorkersPerTopic::get() }>,
		f: Linear<0, { T::MaxWorkersPerTopic::get() }>,
	) {
		let (topic, nonce): (TopicId, BlockNumberFor<T>) = T::BenchmarkHelper::open_worker_nonce();
		let key = (topic, nonce);
		let forecast = forecast_of::<T>(topic, T::MaxForecastElements::get(), false);
		for n in 0..i {
			let inferer: T::AccountId = account("submitter", n, SEED);
			Inferences::<T>::insert(key, &inferer, Fixed::from_int(i128::from(n)));
		}
		for n in 0..f {
			let forecaster: T::AccountId = account("submitter", n, SEED);
			Forecasts::<T>::insert(key, &forecaster, forecast.clone());
		}
		if i > 0 || f > 0 {
			SubmissionCounts::<T>::insert(
				topic,
				nonce,
				SubmissionCount { inferences: i, forecasts: f },
			);
		}

		#[block]
		{
			let (inferences, forecasts) = Pallet::<T>::take_submissions(topic, nonce);
			assert_eq!(inferences.len() as u32, i);
			assert_eq!(forecasts.len() as u32, f);
		}

		assert!(SubmissionCounts::<T>::get(topic, nonce).is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
