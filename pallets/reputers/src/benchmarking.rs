//! Benchmarks of every call and of the removal hook, each at the worst case of its bounds:
//! full removal buckets, a pending delegator reward to pay out, the largest loss bundle.

#![cfg(feature = "runtime-benchmarks")]
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::*;
use alloc::{boxed::Box, vec::Vec};
use allora_synthesis::Fixed;
use frame::prelude::*;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::fungible::{Inspect, Mutate},
	frame_system::RawOrigin,
};

const SEED: u32 = 0;

/// Block 1, and the ecosystem account alive so that small fees can land in it.
fn setup<T: Config>() {
	frame_system::Pallet::<T>::set_block_number(1u32.into());
	let ecosystem = T::EcosystemAccount::get();
	let ed = <T::Currency as Inspect<T::AccountId>>::minimum_balance();
	if <T::Currency as Inspect<T::AccountId>>::balance(&ecosystem) < ed {
		<T::Currency as Mutate<T::AccountId>>::set_balance(&ecosystem, ed);
	}
}

/// A stake that satisfies `required_minimum_stake` and is never zero.
fn stake_amount<T: Config>() -> BalanceOf<T> {
	Params::<T>::get()
		.required_minimum_stake
		.max(<T::Currency as Inspect<T::AccountId>>::minimum_balance())
		.max(1u32.into())
}

/// An account with enough balance for every fee and several stakes.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	let params = Params::<T>::get();
	let balance = stake_amount::<T>()
		.saturating_add(<T::Currency as Inspect<T::AccountId>>::minimum_balance())
		.saturating_add(params.registration_fee)
		.saturating_add(params.data_sending_fee)
		.saturating_mul(1_000u32.into());
	<T::Currency as Mutate<T::AccountId>>::set_balance(&who, balance);
	who
}

/// A registered reputer with the minimum stake.
fn staked_reputer<T: Config>(topic: TopicId, index: u32) -> Result<T::AccountId, BenchmarkError> {
	let reputer = funded::<T>("reputer", index);
	Pallet::<T>::register(RawOrigin::Signed(reputer.clone()).into(), topic)?;
	Pallet::<T>::add_stake(RawOrigin::Signed(reputer.clone()).into(), topic, stake_amount::<T>())?;
	Ok(reputer)
}

/// A delegator with a delegation to `reputer` and a reward waiting to be paid.
fn rewarded_delegator<T: Config>(
	topic: TopicId,
	reputer: &T::AccountId,
	index: u32,
) -> Result<T::AccountId, BenchmarkError> {
	let delegator = funded::<T>("delegator", index);
	Pallet::<T>::delegate_stake(
		RawOrigin::Signed(delegator.clone()).into(),
		topic,
		reputer.clone(),
		stake_amount::<T>(),
	)?;
	let source = funded::<T>("rewards", index);
	Pallet::<T>::deposit_delegator_reward(&source, topic, reputer, stake_amount::<T>())?;
	Ok(delegator)
}

/// The block at which a removal requested now completes.
fn completion<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number() + Params::<T>::get().remove_stake_delay_window
}

/// Fills the removal bucket of `block` up to `MaxQueuedRemovalsPerBlock - leave` entries
/// (keys without records: they only make the bucket large).
fn fill_bucket<T: Config>(block: BlockNumberFor<T>, leave: u32) {
	let count = T::MaxQueuedRemovalsPerBlock::get().saturating_sub(leave);
	let keys: Vec<RemovalKeyOf<T>> = (0..count)
		.map(|i| RemovalKey::Reputer { topic: 0, reputer: account("filler", i, SEED) })
		.collect();
	let bucket: BoundedVec<RemovalKeyOf<T>, T::MaxQueuedRemovalsPerBlock> =
		BoundedVec::truncate_from(keys);
	RemovalQueue::<T>::insert(block, bucket);
	QueuedRemovals::<T>::mutate(|n| *n += count);
}

/// Takes up to `workers.len()` entries (one per worker) from `budget`.
fn values<T: Config>(workers: &[T::AccountId], budget: &mut u32) -> Vec<WorkerValue<T::AccountId>> {
	let count = (workers.len() as u32).min(*budget);
	*budget -= count;
	workers
		.iter()
		.take(count as usize)
		.map(|worker| WorkerValue { worker: worker.clone(), value: Fixed::ONE })
		.collect()
}

/// Entries of the largest acceptable loss bundle.
fn max_entries<T: Config>() -> u32 {
	max_loss_entries(T::MaxInfererValues::get(), T::MaxForecasterValues::get())
}

/// A valid loss bundle of exactly `n` entries (at most the largest acceptable bundle).
fn loss_submission<T: Config>(n: u32) -> LossBundleSubmissionOf<T> {
	let inferers: Vec<T::AccountId> =
		(0..T::MaxInfererValues::get()).map(|i| account("inferer", i, SEED)).collect();
	let forecasters: Vec<T::AccountId> =
		(0..T::MaxForecasterValues::get()).map(|k| account("forecaster", k, SEED)).collect();
	let mut budget = n;
	let mut bundle = LossBundleSubmission::new(Fixed::ONE, Fixed::TWO);
	bundle.inferer_values = values::<T>(&inferers, &mut budget);
	bundle.one_out_inferer_values = values::<T>(&inferers, &mut budget);
	bundle.forecaster_values = values::<T>(&forecasters, &mut budget);
	bundle.one_out_forecaster_values = values::<T>(&forecasters, &mut budget);
	bundle.one_in_forecaster_values = values::<T>(&forecasters, &mut budget);
	for forecaster in forecasters.iter() {
		if budget == 0 {
			break;
		}
		budget -= 1;
		bundle.one_out_inferer_forecaster_values.push(OneOutInfererForecasterSubmission {
			forecaster: forecaster.clone(),
			one_out_inferer_values: values::<T>(&inferers, &mut budget),
		});
	}
	bundle
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = funded::<T>("reputer", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(reputer.clone()), topic);

		assert!(Pallet::<T>::is_registered(topic, &reputer));
		Ok(())
	}

	#[benchmark]
	fn unregister() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(reputer.clone()), topic);

		assert!(!Pallet::<T>::is_registered(topic, &reputer));
		Ok(())
	}

	#[benchmark]
	fn add_stake() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let amount = stake_amount::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(reputer.clone()), topic, amount);

		assert_eq!(ReputerStake::<T>::get(topic, &reputer), amount + amount);
		Ok(())
	}

	#[benchmark]
	fn remove_stake() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let amount = stake_amount::<T>();
		// A previous request in a full bucket, replaced by one that fills another bucket.
		fill_bucket::<T>(completion::<T>(), 1);
		Pallet::<T>::remove_stake(RawOrigin::Signed(reputer.clone()).into(), topic, amount)?;
		frame_system::Pallet::<T>::set_block_number(2u32.into());
		let target = completion::<T>();
		fill_bucket::<T>(target, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(reputer.clone()), topic, amount);

		let pending = PendingStakeRemovals::<T>::get(topic, &reputer);
		assert_eq!(pending.map(|p| p.completion), Some(target));
		Ok(())
	}

	#[benchmark]
	fn cancel_remove_stake() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		fill_bucket::<T>(completion::<T>(), 1);
		Pallet::<T>::remove_stake(
			RawOrigin::Signed(reputer.clone()).into(),
			topic,
			stake_amount::<T>(),
		)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(reputer.clone()), topic);

		assert!(PendingStakeRemovals::<T>::get(topic, &reputer).is_none());
		Ok(())
	}

	#[benchmark]
	fn delegate_stake() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let delegator = rewarded_delegator::<T>(topic, &reputer, 0)?;
		let amount = stake_amount::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), topic, reputer.clone(), amount);

		assert_eq!(DelegatedStakeUpon::<T>::get(topic, &reputer), amount + amount);
		Ok(())
	}

	#[benchmark]
	fn remove_delegate_stake() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let delegator = rewarded_delegator::<T>(topic, &reputer, 0)?;
		let amount = stake_amount::<T>();
		fill_bucket::<T>(completion::<T>(), 1);
		Pallet::<T>::remove_delegate_stake(
			RawOrigin::Signed(delegator.clone()).into(),
			topic,
			reputer.clone(),
			amount,
		)?;
		frame_system::Pallet::<T>::set_block_number(2u32.into());
		let target = completion::<T>();
		fill_bucket::<T>(target, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), topic, reputer.clone(), amount);

		assert_eq!(
			PendingDelegateRemovals::<T>::get((topic, &delegator, &reputer)).map(|p| p.completion),
			Some(target)
		);
		Ok(())
	}

	#[benchmark]
	fn cancel_remove_delegate_stake() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let delegator = rewarded_delegator::<T>(topic, &reputer, 0)?;
		fill_bucket::<T>(completion::<T>(), 1);
		Pallet::<T>::remove_delegate_stake(
			RawOrigin::Signed(delegator.clone()).into(),
			topic,
			reputer.clone(),
			stake_amount::<T>(),
		)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), topic, reputer.clone());

		assert!(PendingDelegateRemovals::<T>::get((topic, &delegator, &reputer)).is_none());
		Ok(())
	}

	#[benchmark]
	fn claim_delegate_rewards() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let delegator = rewarded_delegator::<T>(topic, &reputer, 0)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(delegator.clone()), topic, reputer.clone());

		assert!(Pallet::<T>::pending_delegator_reward(topic, &delegator, &reputer).is_zero());
		Ok(())
	}

	#[benchmark]
	fn submit_losses(n: Linear<0, { max_entries::<T>() }>) -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let nonce: BlockNumberFor<T> = 1u32.into();
		T::BenchmarkHelper::open_reputer_nonce(topic, nonce);
		let bundle = loss_submission::<T>(n);
		assert_eq!(bundle.entry_count(), n);

		#[extrinsic_call]
		_(RawOrigin::Signed(reputer.clone()), topic, nonce, Box::new(bundle));

		assert_eq!(Pallet::<T>::loss_bundle_count(topic, nonce), 1);
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let update = ReputerParamsUpdate {
			registration_fee: Some(1u32.into()),
			data_sending_fee: Some(1u32.into()),
			required_minimum_stake: Some(1u32.into()),
			remove_stake_delay_window: Some(10u32.into()),
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, update);

		assert_eq!(Params::<T>::get().remove_stake_delay_window, 10u32.into());
		Ok(())
	}

	/// `r` delegator removals executed (each paying a reward), `b` buckets visited (the
	/// cursor `b - 1` blocks behind).
	#[benchmark]
	fn process_removals(
		r: Linear<0, { T::MaxRemovalsPerBlock::get() }>,
		b: Linear<1, { T::MaxRemovalsPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let amount = stake_amount::<T>();
		for i in 0..r {
			let delegator = rewarded_delegator::<T>(topic, &reputer, i)?;
			Pallet::<T>::remove_delegate_stake(
				RawOrigin::Signed(delegator).into(),
				topic,
				reputer.clone(),
				amount,
			)?;
		}
		let now = completion::<T>();
		let cursor = now - BlockNumberFor::<T>::from(b - 1);
		NextRemovalBlock::<T>::put(cursor);
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::process_due_removals(now);
		}

		assert_eq!(QueuedRemovals::<T>::get(), 0);
		Ok(())
	}

	#[benchmark]
	fn deposit_delegator_reward() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		// the first deposit also opens the rewards account
		let _ = rewarded_delegator::<T>(topic, &reputer, 0)?;
		let source = funded::<T>("rewards", 1);
		let amount = stake_amount::<T>();

		#[block]
		{
			Pallet::<T>::deposit_delegator_reward(&source, topic, &reputer, amount)?;
		}

		assert_eq!(DelegatorRewardPool::<T>::get(topic, &reputer), amount + amount);
		Ok(())
	}

	#[benchmark]
	fn stake_reputer_reward() -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let reputer = staked_reputer::<T>(topic, 0)?;
		let source = funded::<T>("rewards", 0);
		let amount = stake_amount::<T>();

		#[block]
		{
			Pallet::<T>::stake_reputer_reward(&source, topic, &reputer, amount)?;
		}

		assert_eq!(ReputerStake::<T>::get(topic, &reputer), amount + amount);
		Ok(())
	}

	/// `n` of the largest bundles, each reputer's authority read when taken.
	#[benchmark]
	fn take_loss_bundles(
		n: Linear<0, { T::MaxReputersPerTopic::get() }>,
	) -> Result<(), BenchmarkError> {
		setup::<T>();
		let topic = T::BenchmarkHelper::topic();
		let nonce: BlockNumberFor<T> = 1u32.into();
		T::BenchmarkHelper::open_reputer_nonce(topic, nonce);
		for i in 0..n {
			let reputer = staked_reputer::<T>(topic, i)?;
			Pallet::<T>::submit_losses(
				RawOrigin::Signed(reputer).into(),
				topic,
				nonce,
				Box::new(loss_submission::<T>(max_entries::<T>())),
			)?;
		}
		let taken;

		#[block]
		{
			taken = Pallet::<T>::take_loss_bundles(topic, nonce);
		}

		assert_eq!(taken.len() as u32, n);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
