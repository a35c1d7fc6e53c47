//! This pallet's parameters: the active-set sizes and the protocol maths ([`EpochParams`]),
//! their defaults and their checks.

use crate::*;
use allora_synthesis::Fixed;
use frame::prelude::*;

/// The defaults ([`EpochParams::default`]) with the active-set sizes cut to the runtime's
/// storage bounds.
pub fn default_params<T: Config>() -> EpochParams {
	EpochParams::default_within(
		T::MaxInferers::get(),
		T::MaxForecasters::get(),
		T::MaxReputers::get(),
	)
}

/// `true` for 0 ≤ x ≤ 1.
fn is_unit(x: Fixed) -> bool {
	!x.is_negative() && x <= Fixed::ONE
}

impl<T: Config> Pallet<T> {
	/// `set_params`: replaces every parameter after checking them all.
	pub(crate) fn do_set_params(params: EpochParams) -> DispatchResult {
		Self::ensure_valid_params(&params)?;
		Params::<T>::put(params);
		Self::deposit_event(Event::<T>::ParamsUpdated { params });
		Ok(())
	}

	/// Checks parameters: active sets of at least one inferer and one reputer and within the
	/// storage bounds; maths parameters in their domains.
	pub fn ensure_valid_params(params: &EpochParams) -> Result<(), Error<T>> {
		ensure!(
			params.max_top_inferers > 0 && params.max_top_reputers > 0,
			Error::<T>::EmptyActiveSet
		);
		ensure!(params.max_top_inferers <= T::MaxInferers::get(), Error::<T>::TooManyTopInferers);
		ensure!(
			params.max_top_forecasters <= T::MaxForecasters::get(),
			Error::<T>::TooManyTopForecasters
		);
		ensure!(params.max_top_reputers <= T::MaxReputers::get(), Error::<T>::TooManyTopReputers);

		let (synthesis, consensus, rewards) =
			(&params.synthesis, &params.consensus, &params.rewards);
		ensure!(is_unit(synthesis.initial_regret_quantile), Error::<T>::InvalidQuantile);
		ensure!(
			synthesis.epsilon_safe_div.is_positive()
				&& consensus.epsilon_safe_div.is_positive()
				&& consensus.epsilon_reputer.is_positive(),
			Error::<T>::NonPositiveEpsilon
		);
		ensure!(consensus.learning_rate.is_positive(), Error::<T>::NonPositiveLearningRate);
		ensure!(is_unit(consensus.min_stake_fraction), Error::<T>::InvalidStakeFraction);
		ensure!(
			rewards.p_reward_inference.is_positive()
				&& rewards.p_reward_forecast.is_positive()
				&& rewards.p_reward_reputer.is_positive(),
			Error::<T>::NonPositiveRewardExponent
		);
		ensure!(is_unit(rewards.task_reward_alpha), Error::<T>::InvalidSmoothingAlpha);
		ensure!(
			rewards.max_samples_to_scale_scores <= MAX_SCORE_SAMPLES,
			Error::<T>::TooManyScoreSamples
		);
		Ok(())
	}
}
