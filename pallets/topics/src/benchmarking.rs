//! Benchmarks of every call and of the per-block agenda, each at the worst case of its bounds.
//!
//! The benchmarks set `topic_reward_stake_importance` to 0 and `min_topic_weight` to 1, so a
//! topic's weight comes from its fee revenue alone and the runtime's stake pallet needs no
//! setup; the stake is still read, as in production.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use super::*;
use alloc::vec::Vec;
use allora_primitives::TopicId;
use allora_synthesis::Fixed;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get, Hooks,
	},
	frame_system::{pallet_prelude::BlockNumberFor, Pallet as System, RawOrigin},
	sp_runtime::traits::Saturating,
};

const SEED: u32 = 0;

/// The current parameters, made worst-case: full nonce lists, longest strings, weight from
/// fees only.
fn bench_params<T: Config>() -> ModuleParamsOf<T> {
	let mut p = Params::<T>::get();
	p.topic_reward_stake_importance = Fixed::ZERO;
	p.min_topic_weight = 1;
	p.max_unfulfilled_worker_requests = T::MaxUnfulfilledNonces::get();
	p.max_unfulfilled_reputer_requests = T::MaxUnfulfilledNonces::get();
	p.max_string_length = T::MaxStringLength::get();
	p
}

/// Makes sure the ecosystem account exists, so fees of any size can reach it.
fn ensure_ecosystem<T: Config>() {
	let ecosystem = T::EcosystemAccount::get();
	let minimum = T::Currency::minimum_balance();
	if T::Currency::balance(&ecosystem) < minimum {
		T::Currency::set_balance(&ecosystem, minimum);
	}
}

/// An account able to pay many fees.
fn funded_account<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	let amount = T::Currency::minimum_balance()
		.saturating_mul(1_000_000u32.into())
		.saturating_add(1_000_000_000u32.into())
		.saturating_add(Params::<T>::get().create_topic_fee.saturating_mul(1_000u32.into()));
	T::Currency::set_balance(&who, amount);
	who
}

/// A topic with the longest strings the parameters allow.
fn topic_params<T: Config>() -> TopicParams<T> {
	Pallet::<T>::benchmark_topic_params()
}

fn create_topic_of<T: Config>(creator: &T::AccountId) -> Result<TopicId, BenchmarkError> {
	let topic = NextTopicId::<T>::get();
	Pallet::<T>::create_topic(RawOrigin::Signed(creator.clone()).into(), topic_params::<T>())
		.map_err(|_| BenchmarkError::Stop("create_topic failed"))?;
	Ok(topic)
}

/// An active topic whose epoch ends at `now` together with a worker-window close, a
/// reputer-window open and a reputer-window close, with full lists of old nonces: the epoch
/// end drops one nonce for capacity and prunes the rest as stale.
fn due_topic<T: Config>(
	creator: &T::AccountId,
	now: BlockNumberFor<T>,
) -> Result<TopicId, BenchmarkError> {
	let topic = create_topic_of::<T>(creator)?;
	let amount = T::Currency::minimum_balance().saturating_add(1_000_000u32.into());
	Pallet::<T>::fund_topic(RawOrigin::Signed(creator.clone()).into(), topic, amount)
		.map_err(|_| BenchmarkError::Stop("fund_topic failed"))?;
	if ActiveTopics::<T>::get(topic) != Some(now) {
		return Err(BenchmarkError::Stop("topic not scheduled at the benchmarked block"));
	}
	let cap = T::MaxUnfulfilledNonces::get();
	let old: Vec<BlockNumberFor<T>> = (1..=cap).map(BlockNumberFor::<T>::from).collect();
	UnfulfilledWorkerNonces::<T>::insert(topic, NonceListOf::<T>::truncate_from(old.clone()));
	UnfulfilledReputerNonces::<T>::insert(topic, NonceListOf::<T>::truncate_from(old));
	let nonce = |n: u32| Some(BlockNumberFor::<T>::from(n.min(cap)));
	Agenda::<T>::mutate(now, topic, |slot| {
		if let Some(entry) = slot {
			entry.worker_window_closes = nonce(1);
			entry.reputer_window_opens = nonce(2);
			entry.reputer_window_closes = nonce(3);
		}
	});
	Ok(topic)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_topic() -> Result<(), BenchmarkError> {
		Params::<T>::put(bench_params::<T>());
		ensure_ecosystem::<T>();
		let caller = funded_account::<T>("creator", 0);
		let params = topic_params::<T>();
		let topic = NextTopicId::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), params);

		assert!(Topics::<T>::contains_key(topic));
		Ok(())
	}

	#[benchmark]
	fn fund_topic() -> Result<(), BenchmarkError> {
		Params::<T>::put(bench_params::<T>());
		ensure_ecosystem::<T>();
		let caller = funded_account::<T>("funder", 0);
		let topic = create_topic_of::<T>(&caller)?;
		let amount = T::Currency::minimum_balance().saturating_add(1_000_000u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), topic, amount);

		// The worst case activates the topic.
		assert!(ActiveTopics::<T>::contains_key(topic));
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = bench_params::<T>();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	/// `n` worst-case entries due at the current block, behind `s − 1` empty blocks the cursor
	/// still has to scan.
	#[benchmark]
	fn advance_agenda(
		n: Linear<0, { T::MaxTopicsPerBlock::get() }>,
		s: Linear<1, { T::MaxTopicsPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		let params = bench_params::<T>();
		Params::<T>::put(params);
		ensure_ecosystem::<T>();
		let creator = funded_account::<T>("creator", 0);
		let epoch = params.min_epoch_length;
		// Late enough that every listed nonce is stale.
		let start = epoch
			.saturating_mul(BlockNumberFor::<T>::from(T::MaxUnfulfilledNonces::get()))
			.saturating_mul(BlockNumberFor::<T>::from(4u32))
			.saturating_add(BlockNumberFor::<T>::from(T::MaxTopicsPerBlock::get()))
			.saturating_add(BlockNumberFor::<T>::from(1_000u32));
		let now = start.saturating_add(epoch);
		System::<T>::set_block_number(start);
		let mut topics = Vec::new();
		for _ in 0..n {
			topics.push(due_topic::<T>(&creator, now)?);
		}
		AgendaCursor::<T>::put(now.saturating_sub(BlockNumberFor::<T>::from(s - 1)));
		System::<T>::set_block_number(now);

		#[block]
		{
			<Pallet<T> as Hooks<BlockNumberFor<T>>>::on_initialize(now);
		}

		assert!(AgendaCursor::<T>::get().is_none());
		for topic in topics {
			assert_eq!(UnfulfilledWorkerNonces::<T>::get(topic).last(), Some(&now));
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
