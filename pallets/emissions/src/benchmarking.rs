//! Benchmarks of the per-block hook and of a topic-epoch payout, each at its worst case, and
//! of `set_params`. The worst block recalculates the emission, releases the whole block
//! emission from the reserve (the ecosystem account holds only its existential deposit) and
//! pays the author; the worst payout pays reputers that each have delegators.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::*;
use alloc::vec::Vec;
use allora_primitives::{Payout, Role, TopicRewards};
use allora_synthesis::{EmissionParams, Fixed};
use frame::prelude::*;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::fungible::{Inspect, Mutate},
};

/// A short month, so that block 11 is a month boundary and block 12 is not.
const BLOCKS_PER_MONTH: u32 = 10;

/// The existential deposit, at least one unit.
fn existential_deposit<T: Config>() -> BalanceOf<T> {
	<T::Currency as Inspect<T::AccountId>>::minimum_balance().max(One::one())
}

/// A chain at `now` in month two with stake, an author and a funded reserve: the ecosystem
/// account, the rewards account and the author hold just the existential deposit, so the
/// block's emission is released from the reserve in full.
fn worst_block<T: Config>(now: u32) -> BlockNumberFor<T> {
	let topic = T::BenchmarkHelper::topic();
	let _ = T::BenchmarkHelper::reputer_with_delegator(topic, 0);
	let author = T::BenchmarkHelper::block_author();
	let ed = existential_deposit::<T>();
	let stake = to_u128::<T>(T::Stake::total_stake()).max(1);
	// Enough for many blocks, and far enough below the supply that the circulating supply
	// stays positive.
	let reserve = stake.saturating_mul(1_000);
	let max_supply = reserve.saturating_mul(4).max(EmissionParams::DEFAULT.max_supply);
	Params::<T>::mutate(|p| {
		p.blocks_per_month = BLOCKS_PER_MONTH.into();
		p.max_supply = max_supply;
	});
	<T::Currency as Mutate<T::AccountId>>::set_balance(&T::EcosystemAccount::get(), ed);
	<T::Currency as Mutate<T::AccountId>>::set_balance(&Pallet::<T>::rewards_account(), ed);
	<T::Currency as Mutate<T::AccountId>>::set_balance(&author, ed);
	<T::Currency as Mutate<T::AccountId>>::set_balance(
		&T::ReserveAccount::get(),
		from_u128::<T>(reserve),
	);
	// Last month's emission, and some rewards paid, so the boundary updates ρ_rep.
	EmissionPerUnitStaked::<T>::put(Fixed::from_rational(1, 100).unwrap());
	BlockEmission::<T>::put(from_u128::<T>(stake / 500).max(ed));
	MonthlyRewards::<T>::put(RewardTally { reputers: 1, total: 3 });
	let now: BlockNumberFor<T> = now.into();
	frame_system::Pallet::<T>::set_block_number(now);
	now
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn on_initialize_recalculate() -> Result<(), BenchmarkError> {
		let now = worst_block::<T>(BLOCKS_PER_MONTH + 1);

		#[block]
		{
			<Pallet<T> as Hooks<BlockNumberFor<T>>>::on_initialize(now);
		}

		assert!(ReleasedFromReserve::<T>::get() > 0);
		assert!(!RewardCurrentBlockEmission::<T>::get().is_zero());
		assert!(MonthlyRewards::<T>::get().total == 0);
		Ok(())
	}

	#[benchmark]
	fn on_initialize_emit() -> Result<(), BenchmarkError> {
		let now = worst_block::<T>(BLOCKS_PER_MONTH + 2);

		#[block]
		{
			<Pallet<T> as Hooks<BlockNumberFor<T>>>::on_initialize(now);
		}

		assert!(ReleasedFromReserve::<T>::get() > 0);
		assert!(!RewardCurrentBlockEmission::<T>::get().is_zero());
		Ok(())
	}

	/// `n` reputer payouts, each split between the reputer's stake and its delegators.
	#[benchmark]
	fn pay(n: Linear<1, { T::MaxPayoutsPerEpoch::get() }>) -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let topic = T::BenchmarkHelper::topic();
		let ed = existential_deposit::<T>();
		let amount = ed.saturating_mul(1_000u32.into());
		let payouts: Vec<Payout<T::AccountId, BalanceOf<T>>> = (0..n)
			.map(|i| Payout {
				role: Role::Reputer,
				account: T::BenchmarkHelper::reputer_with_delegator(topic, i),
				amount,
			})
			.collect();
		// Room for every payout and for the existential deposits that first deposits open.
		let funds = amount
			.saturating_add(ed)
			.saturating_mul(BalanceOf::<T>::from(n))
			.saturating_mul(2u32.into());
		<T::Currency as Mutate<T::AccountId>>::set_balance(&Pallet::<T>::rewards_account(), funds);
		let paid;

		#[block]
		{
			paid = <Pallet<T> as TopicRewards<T::AccountId, BalanceOf<T>>>::pay(topic, &payouts);
		}

		assert_eq!(paid, amount.saturating_mul(BalanceOf::<T>::from(n)));
		assert_eq!(LastPayout::<T>::get(topic).map(|record| record.failed), Some(0));
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut params = Params::<T>::get();
		params.blocks_per_month = 100u32.into();
		params.f_emission = Fixed::from_rational(1, 50).unwrap();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
