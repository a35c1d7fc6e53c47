//! What the calls do: create a topic, fund it, set the parameters, each validated before any
//! storage is touched.

use crate::{
	pallet::{Config, Error, Event, NextTopicId, Pallet, Params, TopicFeeRevenue, Topics},
	types::{
		in_closed_unit, in_half_open_unit, in_open_unit, BalanceOf, ModuleParamsOf, Topic,
		TopicParams, P_NORM_MAX, P_NORM_MIN,
	},
};
use allora_primitives::TopicId;
use polkadot_sdk::{
	frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::traits::{Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// `create_topic`: validate, charge the creation fee, store the topic with the fee as its
	/// first fee revenue. No activation at creation (spec §1.4).
	pub(crate) fn do_create_topic(creator: T::AccountId, params: TopicParams<T>) -> DispatchResult {
		let module = Params::<T>::get();
		Self::validate_topic(&params, &module)?;
		let topic: TopicId = NextTopicId::<T>::get();
		let next = topic.checked_add(1).ok_or(Error::<T>::TooManyTopics)?;
		let fee = module.create_topic_fee;
		Self::charge(&creator, fee)?;

		NextTopicId::<T>::put(next);
		Topics::<T>::insert(topic, Topic::<T>::new(creator.clone(), params));
		if !fee.is_zero() {
			TopicFeeRevenue::<T>::insert(topic, fee);
		}
		Self::deposit_event(Event::<T>::TopicCreated { topic, creator, fee });
		Ok(())
	}

	/// `fund_topic`: any positive amount, counted as fee revenue; may activate the topic.
	pub(crate) fn do_fund_topic(
		funder: T::AccountId,
		topic: TopicId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroFunding);
		ensure!(Topics::<T>::contains_key(topic), Error::<T>::TopicNotFound);
		Self::charge(&funder, amount)?;

		Self::add_fee_revenue(topic, amount);
		Self::deposit_event(Event::<T>::TopicFunded { topic, funder, amount });
		Self::try_activate(topic, frame_system::Pallet::<T>::block_number());
		Ok(())
	}

	/// `set_params`: validate every value, then replace the parameters.
	pub(crate) fn do_set_params(params: ModuleParamsOf<T>) -> DispatchResult {
		Self::validate_params(&params)?;
		Params::<T>::put(params);
		Self::deposit_event(Event::<T>::ParamsUpdated { params });
		Ok(())
	}

	/// Moves a fee from `payer` to the ecosystem account, keeping the payer's account alive.
	fn charge(payer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		allora_primitives::pay_protocol_fee::<_, T::Currency>(
			payer,
			&T::EcosystemAccount::get(),
			amount,
			Error::<T>::InsufficientBalance.into(),
		)
	}

	/// Every rule of spec §1.2 for a new topic, under the current parameters.
	pub(crate) fn validate_topic(
		p: &TopicParams<T>,
		module: &ModuleParamsOf<T>,
	) -> Result<(), Error<T>> {
		let max_len = usize::try_from(module.max_string_length).unwrap_or(usize::MAX);
		ensure!(!p.loss_method.is_empty(), Error::<T>::LossMethodEmpty);
		ensure!(p.loss_method.len() <= max_len, Error::<T>::LossMethodTooLong);
		ensure!(p.metadata.len() <= max_len, Error::<T>::MetadataTooLong);

		let epoch = p.epoch_length;
		ensure!(
			epoch >= module.min_epoch_length && !epoch.is_zero(),
			Error::<T>::EpochLengthTooShort
		);
		ensure!(p.ground_truth_lag >= epoch, Error::<T>::GroundTruthLagTooShort);
		let longest_lag = epoch
			.saturating_mul(BlockNumberFor::<T>::from(module.max_unfulfilled_reputer_requests));
		ensure!(p.ground_truth_lag <= longest_lag, Error::<T>::GroundTruthLagTooLong);
		ensure!(
			!p.worker_submission_window.is_zero() && p.worker_submission_window <= epoch,
			Error::<T>::InvalidWorkerSubmissionWindow
		);

		ensure!((P_NORM_MIN..=P_NORM_MAX).contains(&p.p_norm), Error::<T>::InvalidPNorm);
		ensure!(
			p.alpha_regret.is_positive() && p.alpha_regret <= allora_synthesis::Fixed::ONE,
			Error::<T>::InvalidAlphaRegret
		);
		ensure!(p.epsilon.is_positive(), Error::<T>::InvalidEpsilon);
		ensure!(in_half_open_unit(p.merit_sortition_alpha), Error::<T>::InvalidMeritSortitionAlpha);
		ensure!(
			in_half_open_unit(p.active_inferer_quantile),
			Error::<T>::InvalidActiveInfererQuantile
		);
		ensure!(
			in_half_open_unit(p.active_forecaster_quantile),
			Error::<T>::InvalidActiveForecasterQuantile
		);
		ensure!(
			in_half_open_unit(p.active_reputer_quantile),
			Error::<T>::InvalidActiveReputerQuantile
		);
		Ok(())
	}

	/// Every rule on the module parameters (genesis and `set_params`).
	pub fn validate_params(p: &ModuleParamsOf<T>) -> Result<(), Error<T>> {
		ensure!(!p.min_epoch_length.is_zero(), Error::<T>::InvalidMinEpochLength);
		let nonce_bound = T::MaxUnfulfilledNonces::get();
		ensure!(
			(1..=nonce_bound).contains(&p.max_unfulfilled_worker_requests),
			Error::<T>::InvalidMaxUnfulfilledWorkerRequests
		);
		ensure!(
			(1..=nonce_bound).contains(&p.max_unfulfilled_reputer_requests),
			Error::<T>::InvalidMaxUnfulfilledReputerRequests
		);
		ensure!(
			in_closed_unit(p.topic_reward_stake_importance),
			Error::<T>::InvalidTopicRewardStakeImportance
		);
		ensure!(
			in_closed_unit(p.topic_reward_fee_revenue_importance),
			Error::<T>::InvalidTopicRewardFeeRevenueImportance
		);
		ensure!(in_open_unit(p.topic_reward_alpha), Error::<T>::InvalidTopicRewardAlpha);
		ensure!(
			(1..=T::MaxStringLength::get()).contains(&p.max_string_length),
			Error::<T>::InvalidMaxStringLength
		);
		ensure!(!p.blocks_per_month.is_zero(), Error::<T>::InvalidBlocksPerMonth);
		Ok(())
	}
}
