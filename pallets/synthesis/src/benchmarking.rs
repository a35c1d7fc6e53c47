//! Benchmarks of both closes of a topic-epoch, of the idle hook and of `set_params`.
//!
//! The closes are measured through the pallet's own `process_item`, at their worst case:
//! active sets as large as the storage bounds (no sortition cut), R₀ ≠ 0 and a previous
//! network loss (so the synthesis weighs regrets instead of taking means and medians), every
//! regret already stored, forecasts naming up to 12 inferers, and every loss reported.

#![cfg(feature = "runtime-benchmarks")]
#![allow(
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::unwrap_used,
	clippy::type_complexity
)]

use crate::*;
use alloc::{boxed::Box, vec::Vec};
use allora_primitives::{EpochControl, LossReport, Submissions, WorkerValues};
use allora_synthesis::{Fixed, RegretStore};
use frame::prelude::*;
use polkadot_sdk::frame_benchmarking::v2::*;

const SEED: u32 = 0;
/// Inferers named by each benchmark forecast (the spec's `max_elements_per_forecast`).
const ELEMENTS_PER_FORECAST: usize = 12;

/// num / den as `Fixed`.
fn fx(num: i128, den: i128) -> Fixed {
	Fixed::from_rational(num, den).unwrap()
}

/// `count` accounts named `name`, ascending.
fn accounts<T: Config>(name: &'static str, count: u32) -> Vec<T::AccountId> {
	let mut accounts: Vec<T::AccountId> = (0..count).map(|i| account(name, i, SEED)).collect();
	accounts.sort();
	accounts
}

/// Parameters with every active set as large as its storage bound.
fn widest_params<T: Config>() {
	let mut params = Params::<T>::get();
	params.max_top_inferers = T::MaxInferers::get();
	params.max_top_forecasters = T::MaxForecasters::get();
	params.max_top_reputers = T::MaxReputers::get();
	Params::<T>::put(params);
}

/// A regret for every entry of every family.
fn full_regrets(n: usize, m: usize) -> RegretStore {
	let value = |i: usize| Some(fx(-500 - (i % 97) as i128, 1_000));
	let mut store = RegretStore::new(fx(-1, 2), n, m);
	for (i, slot) in store
		.inferer
		.iter_mut()
		.chain(store.naive_inferer.iter_mut())
		.chain(store.forecaster.iter_mut())
		.chain(store.one_in_forecaster_self.iter_mut())
		.enumerate()
	{
		*slot = value(i);
	}
	for family in [
		&mut store.one_out_inferer_inferer,
		&mut store.one_out_inferer_forecaster,
		&mut store.one_out_forecaster_inferer,
		&mut store.one_out_forecaster_forecaster,
		&mut store.one_in_forecaster_inferer,
	] {
		for (a, row) in family.iter_mut().enumerate() {
			for (b, slot) in row.iter_mut().enumerate() {
				*slot = value(a * 31 + b);
			}
		}
	}
	store
}

/// The inferers forecast `k` names: up to 12, spread over the set, ascending.
fn named<T: Config>(inferers: &[T::AccountId], k: usize) -> Vec<T::AccountId> {
	let n = inferers.len().max(1);
	let mut named: Vec<T::AccountId> = (0..ELEMENTS_PER_FORECAST.min(inferers.len()))
		.map(|e| inferers[(k + e) % n].clone())
		.collect();
	named.sort();
	named.dedup();
	named
}

/// `n` inferences and `m` forecasts.
fn submissions<T: Config>(
	inferers: &[T::AccountId],
	forecasters: &[T::AccountId],
) -> Submissions<T::AccountId> {
	let inferences: WorkerValues<T::AccountId> = inferers
		.iter()
		.enumerate()
		.map(|(j, a)| (a.clone(), fx(1_000 + (j as i128 * 37) % 200, 1_000)))
		.collect();
	let forecasts = forecasters
		.iter()
		.enumerate()
		.map(|(k, f)| {
			let elements: WorkerValues<T::AccountId> = named::<T>(inferers, k)
				.into_iter()
				.enumerate()
				.map(|(e, a)| (a, fx(-3_000 - ((k + e) as i128 * 53) % 900, 1_000)))
				.collect();
			(f.clone(), elements)
		})
		.collect();
	Submissions { inferences, forecasts }
}

/// A loss for every value of the nonce from each reputer, with its stake.
fn loss_reports<T: Config>(
	inferers: &[T::AccountId],
	forecasters: &[T::AccountId],
	reputers: &[T::AccountId],
) -> Vec<LossReport<T::AccountId, BalanceOf<T>>> {
	reputers
		.iter()
		.enumerate()
		.map(|(r, reputer)| {
			let loss = |i: usize| fx(-3_000 - ((i * 37 + r * 11) % 500) as i128, 1_000);
			let values = |accounts: &[T::AccountId], offset: usize| -> WorkerValues<T::AccountId> {
				accounts.iter().enumerate().map(|(i, a)| (a.clone(), loss(i + offset))).collect()
			};
			LossReport {
				reputer: reputer.clone(),
				stake: BalanceOf::<T>::from(1_000_000u32 + r as u32),
				combined: loss(0),
				naive: loss(1),
				inferers: values(inferers, 2),
				forecasters: values(forecasters, 3),
				one_out_inferers: values(inferers, 4),
				one_out_forecasters: values(forecasters, 5),
				one_in_forecasters: values(forecasters, 6),
				one_out_inferer_forecasters: forecasters
					.iter()
					.enumerate()
					.map(|(k, f)| (f.clone(), values(&named::<T>(inferers, k), 7 + k)))
					.collect(),
			}
		})
		.collect()
}

/// A topic with R₀ ≠ 0, a previous network loss, every regret of `n` inferers and `m`
/// forecasters stored, and a closed worker nonce holding their submissions.
fn closed_worker_nonce<T: Config>(
	n: u32,
	m: u32,
) -> (TopicId, BlockNumberFor<T>, Vec<T::AccountId>, Vec<T::AccountId>) {
	widest_params::<T>();
	let topic = T::BenchmarkHelper::topic();
	T::Topics::set_initial_regret(topic, fx(-1, 2)).unwrap();
	LatestNetworkLoss::<T>::insert(topic, (BlockNumberFor::<T>::zero(), fx(-3, 1)));
	let inferers = accounts::<T>("inferer", n);
	let forecasters = accounts::<T>("forecaster", m);
	let regrets = full_regrets(inferers.len(), forecasters.len());
	Pallet::<T>::store_regrets(topic, &inferers, &forecasters, &regrets);
	let nonce =
		T::BenchmarkHelper::worker_nonce_closed(topic, submissions::<T>(&inferers, &forecasters));
	(topic, nonce, inferers, forecasters)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A worker close with `n` inferences and `m` forecasts.
	#[benchmark]
	fn close_worker_nonce(
		n: Linear<1, { T::MaxInferers::get() }>,
		m: Linear<0, { T::MaxForecasters::get() }>,
	) {
		let (topic, nonce, _inferers, _forecasters) = closed_worker_nonce::<T>(n, m);
		let item = WorkItem { topic, nonce, phase: WorkPhase::Inference };

		#[block]
		{
			let _ = Pallet::<T>::process_item(item);
		}

		assert!(InferenceBundles::<T>::contains_key(topic, nonce));
		let participants = EpochParticipants::<T>::get(topic, nonce).unwrap();
		assert_eq!(participants.inferers.len() as u32, n);
	}

	/// A reputer close of `n` inferers and `m` forecasters with `r` loss reports.
	#[benchmark]
	fn close_reputer_nonce(
		n: Linear<1, { T::MaxInferers::get() }>,
		m: Linear<0, { T::MaxForecasters::get() }>,
		r: Linear<1, { T::MaxReputers::get() }>,
	) {
		let (topic, nonce, inferers, forecasters) = closed_worker_nonce::<T>(n, m);
		let _ = Pallet::<T>::process_item(WorkItem { topic, nonce, phase: WorkPhase::Inference });
		assert!(EpochParticipants::<T>::contains_key(topic, nonce));
		let reputers = accounts::<T>("reputer", r);
		T::BenchmarkHelper::reputer_nonce_closed(
			topic,
			nonce,
			loss_reports::<T>(&inferers, &forecasters, &reputers),
		);
		let item = WorkItem { topic, nonce, phase: WorkPhase::Scoring };

		#[block]
		{
			let _ = Pallet::<T>::process_item(item);
		}

		assert!(!EpochParticipants::<T>::contains_key(topic, nonce));
		assert_eq!(ActiveReputers::<T>::get(topic).len() as u32, r);
		assert!(LatestNetworkLoss::<T>::get(topic).is_some_and(|(latest, _)| latest == nonce));
	}

	/// The hook with nothing queued.
	#[benchmark]
	fn on_initialize_idle() {
		#[block]
		{
			let _ = Pallet::<T>::process_queue();
		}

		assert_eq!(Pallet::<T>::queued(), 0);
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut params = Params::<T>::get();
		params.max_top_inferers = 1;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(params));

		assert_eq!(Params::<T>::get().max_top_inferers, 1);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
