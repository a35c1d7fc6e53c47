//! The emission schedule's parameters (spec §1.1, §6.4): their rules and `set_params`.

use crate::*;
use frame::prelude::*;

impl<T: Config> Pallet<T> {
	/// `set_params`: validate every value, then replace the parameters.
	pub(crate) fn do_set_params(params: ParamsOf<T>) -> DispatchResult {
		Self::ensure_valid_params(&params)?;
		Params::<T>::put(params);
		Self::deposit_event(Event::ParamsUpdated { params });
		Ok(())
	}

	/// The rules a parameter set must follow (genesis and `set_params`): the four fractions
	/// in [0, 1], a month of at least one block, a positive supply.
	pub(crate) fn ensure_valid_params(p: &ParamsOf<T>) -> Result<(), Error<T>> {
		ensure!(in_closed_unit(p.f_emission), Error::<T>::InvalidFEmission);
		ensure!(in_closed_unit(p.one_month_smoothing_degree), Error::<T>::InvalidSmoothingDegree);
		ensure!(
			in_closed_unit(p.maximum_monthly_percentage_yield),
			Error::<T>::InvalidMaximumMonthlyYield
		);
		ensure!(
			in_closed_unit(p.validators_vs_allora_percent_reward),
			Error::<T>::InvalidValidatorsShare
		);
		ensure!(!p.blocks_per_month.is_zero(), Error::<T>::InvalidBlocksPerMonth);
		ensure!(p.max_supply > 0, Error::<T>::InvalidMaxSupply);
		Ok(())
	}
}
