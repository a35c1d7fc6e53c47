//! Storage invariants, checked by `try_state` (try-runtime) and after every unit test.

use crate::*;
use allora_synthesis::Fixed;
use frame::prelude::*;
use polkadot_sdk::{frame_support::traits::fungible::Inspect, sp_runtime::TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks every invariant of this pallet:
	/// * the stored parameters are valid and ρ_rep is in [0, 1];
	/// * conservation: the total issuance is the genesis issuance plus what this pallet
	///   minted (nothing), to the unit, so any burn or stray mint anywhere shows here;
	/// * the reserve's balance plus everything released from it is its genesis balance;
	/// * the month's reputer rewards are part of its rewards;
	/// * every topic-epoch paid no more than it was given.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::ensure_valid_params(&Params::<T>::get()).map_err(|_| "invalid parameters")?;
		let share = ReputerShareOfRewards::<T>::get();
		ensure!(!share.is_negative() && share <= Fixed::ONE, "reputer share out of [0, 1]");
		Self::check_issuance()?;
		Self::check_reserve()?;
		let tally = MonthlyRewards::<T>::get();
		ensure!(tally.reputers <= tally.total, "reputer rewards exceed all rewards");
		for (_topic, record) in LastPayout::<T>::iter() {
			ensure!(record.paid <= record.given, "a topic-epoch paid more than it was given");
		}
		Ok(())
	}

	fn check_issuance() -> Result<(), TryRuntimeError> {
		let issuance = to_u128::<T>(<T::Currency as Inspect<T::AccountId>>::total_issuance());
		let expected = GenesisIssuance::<T>::get().saturating_add(Minted::<T>::get());
		ensure!(
			issuance == expected,
			"total issuance differs from the genesis issuance plus what was minted"
		);
		Ok(())
	}

	fn check_reserve() -> Result<(), TryRuntimeError> {
		let reserve = to_u128::<T>(Self::balance(&T::ReserveAccount::get()));
		ensure!(
			reserve.saturating_add(ReleasedFromReserve::<T>::get()) == ReserveAtGenesis::<T>::get(),
			"the reserve's balance plus its releases differs from its genesis balance"
		);
		Ok(())
	}
}
