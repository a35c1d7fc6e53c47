//! The reputer half of a topic-epoch (spec §2.6, §3.8, §4, §5, §2.8): when a reputer window
//! has closed, take the reputers' losses, choose the active reputers, run the whole scoring
//! of the maths crate (`score_epoch`: network losses, regret updates, consensus and listening
//! coefficients, scores, fractions, entropies, task split, per-actor rewards), store what the
//! next epochs read, update R₀, and pay.
//!
//! The active reputers are chosen like the workers (see `inference.rs`): all reports are kept
//! until the window closes, then the `max_top_reputers` with the highest stored EMA scores
//! count.

use crate::{inference::as_count, inference::as_len, *};
use alloc::{vec, vec::Vec};
use allora_primitives::{
	EpochControl, LossSource, Payout, Role, SubmissionSource, TopicRewards, TopicSettings,
	WorkerValues,
};
use allora_synthesis::{
	score_epoch,
	scores::{ema_score, topic_quantile_score},
	synthesis::{is_experienced, topic_initial_regret},
	Fixed, RegretStore, Scoring, ScoringInput, ValueBundle,
};
use frame::prelude::*;

impl<T: Config> Pallet<T> {
	/// Closes reputer nonce `nonce` of `topic`: scores the epoch and pays its reward (or
	/// reports why not), then fulfils the nonce in every case. Returns the weight used.
	pub(crate) fn close_reputer_nonce(topic: TopicId, nonce: BlockNumberFor<T>) -> Weight {
		let reports = T::Reputers::take_losses(topic, nonce);
		let participants = Self::take_participants(topic, nonce);
		let (inferers, forecasters) = participants
			.as_ref()
			.map_or((0, 0), |p| (as_count(p.inferers.len()), as_count(p.forecasters.len())));
		let reputers = as_count(reports.len());
		if let Err(reason) = Self::score(topic, nonce, participants, reports) {
			Self::deposit_event(Event::<T>::ScoringSkipped { topic, nonce, reason });
		}
		if let Err(error) = T::Topics::fulfil_reputer_nonce(topic, nonce) {
			log::error!(
				target: LOG_TARGET,
				"topic {topic}: fulfilling reputer nonce {nonce:?} failed: {error:?}"
			);
		}
		Self::reputer_close_weight(inferers, forecasters, reputers)
	}

	/// The participants stored by the worker close of `nonce`, deleted.
	fn take_participants(topic: TopicId, nonce: BlockNumberFor<T>) -> Option<ParticipantsOf<T>> {
		let participants = EpochParticipants::<T>::take(topic, nonce);
		if participants.is_some() {
			let waiting: Vec<BlockNumberFor<T>> = UnscoredNonces::<T>::get(topic)
				.into_iter()
				.filter(|waiting| *waiting != nonce)
				.collect();
			if waiting.is_empty() {
				UnscoredNonces::<T>::remove(topic);
			} else {
				let waiting: BoundedVec<BlockNumberFor<T>, T::MaxUnscoredEpochs> =
					BoundedVec::truncate_from(waiting);
				UnscoredNonces::<T>::insert(topic, waiting);
			}
		}
		participants
	}

	/// Scoring, storage and payout of one reputer nonce.
	fn score(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		participants: Option<ParticipantsOf<T>>,
		reports: Vec<LossReportOf<T>>,
	) -> Result<(), SkipReason> {
		let settings: TopicSettings<BlockNumberFor<T>> =
			T::Topics::settings(topic).ok_or(SkipReason::UnknownTopic)?;
		let participants = participants.ok_or(SkipReason::NoParticipants)?;
		let inferers: Vec<T::AccountId> = participants.inferers.into_inner();
		let forecasters: Vec<T::AccountId> = participants.forecasters.into_inner();
		let params = Params::<T>::get();
		let reports = Self::active_reports(topic, reports, &params);
		let reputers: Vec<T::AccountId> = reports.iter().map(|r| r.reputer.clone()).collect();
		let active: BoundedVec<T::AccountId, T::MaxReputers> =
			BoundedVec::truncate_from(reputers.clone());
		ActiveReputers::<T>::insert(topic, active);
		if reports.is_empty() {
			return Err(SkipReason::NoLossReports);
		}

		let bundles: Vec<ValueBundle> =
			reports.iter().map(|r| loss_bundle(r, &inferers, &forecasters)).collect();
		let stakes: Vec<u128> = reports.iter().map(|r| r.stake.saturated_into()).collect();
		let coefficients: Vec<Fixed> =
			reputers.iter().map(|r| ListeningCoefficient::<T>::get(topic, r)).collect();
		let regrets = Self::load_regrets(topic, &inferers, &forecasters, settings.initial_regret);
		let smooth_inferer = Self::smoothed_fractions(topic, Role::Inferer, &inferers);
		let smooth_forecaster = Self::smoothed_fractions(topic, Role::Forecaster, &forecasters);
		let smooth_reputer = Self::smoothed_fractions(topic, Role::Reputer, &reputers);
		let inferer_history = vec![RecentScores::<T>::get(topic, Role::Inferer).into_inner()];
		let forecaster_history = vec![RecentScores::<T>::get(topic, Role::Forecaster).into_inner()];
		let reward: BalanceOf<T> = T::Rewards::epoch_reward(topic);
		let maths = params.maths_for(&settings);

		let scoring = score_epoch(
			&ScoringInput {
				inferers: inferers.len(),
				forecasters: forecasters.len(),
				bundles: &bundles,
				stakes: &stakes,
				coefficients: &coefficients,
				regrets: &regrets,
				smooth_inferer: &smooth_inferer,
				smooth_forecaster: &smooth_forecaster,
				smooth_reputer: &smooth_reputer,
				previous_ratio: ForecasterScoreRatio::<T>::get(topic),
				inferer_history: &inferer_history,
				forecaster_history: &forecaster_history,
				topic_reward: reward.saturated_into(),
			},
			&maths,
		)
		.map_err(SkipReason::Math)?;

		let actors =
			EpochActors { inferers: &inferers, forecasters: &forecasters, reputers: &reputers };
		Self::store_scoring(topic, nonce, &settings, &maths, &actors, &scoring);
		Self::update_initial_regret(topic, &settings, &maths, &actors, &regrets, &scoring);
		let payouts = Self::payouts(topic, &actors, &scoring);
		let paid = T::Rewards::pay(topic, &payouts);
		Self::deposit_event(Event::<T>::EpochScored {
			topic,
			nonce,
			reward,
			paid,
			inferers: as_count(inferers.len()),
			forecasters: as_count(forecasters.len()),
			reputers: as_count(reputers.len()),
		});
		Ok(())
	}

	/// The reports that count: one per reputer (the first), cut to `max_top_reputers` by
	/// EMA score, in account order.
	fn active_reports(
		topic: TopicId,
		mut reports: Vec<LossReportOf<T>>,
		params: &EpochParams,
	) -> Vec<LossReportOf<T>> {
		reports.sort_by(|a, b| a.reputer.cmp(&b.reputer));
		reports.dedup_by(|later, earlier| later.reputer == earlier.reputer);
		let capacity = as_len(params.max_top_reputers.min(T::MaxReputers::get()));
		if reports.len() <= capacity {
			return reports;
		}
		let keyed: Vec<(T::AccountId, LossReportOf<T>)> =
			reports.into_iter().map(|r| (r.reputer.clone(), r)).collect();
		Self::top_by_ema(topic, Role::Reputer, keyed, capacity)
			.into_iter()
			.map(|(_, report)| report)
			.collect()
	}

	/// The stored smoothed fractions of `accounts` in `role`, by position.
	fn smoothed_fractions(
		topic: TopicId,
		role: Role,
		accounts: &[T::AccountId],
	) -> Vec<Option<Fixed>> {
		accounts.iter().map(|a| SmoothedFraction::<T>::get((topic, role, a))).collect()
	}

	/// Stores what later epochs read: regrets of every family, the latest network loss,
	/// listening coefficients, smoothed fractions, the forecaster score ratio, scores and
	/// their EMAs, the recent score samples and the topic quantiles (spec §3.8, §4.3, §5.1 –
	/// §5.5).
	fn store_scoring(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		settings: &TopicSettings<BlockNumberFor<T>>,
		maths: &allora_synthesis::Params,
		actors: &EpochActors<'_, T::AccountId>,
		scoring: &Scoring,
	) {
		Self::store_regrets(topic, actors.inferers, actors.forecasters, &scoring.regrets);
		if LatestNetworkLoss::<T>::get(topic).is_none_or(|(latest, _)| latest <= nonce) {
			LatestNetworkLoss::<T>::insert(topic, (nonce, scoring.losses.combined));
		}
		for (reputer, coefficient) in
			actors.reputers.iter().zip(scoring.consensus.listening_coefficients.iter())
		{
			ListeningCoefficient::<T>::insert(topic, reputer, *coefficient);
		}
		Self::store_fractions(topic, Role::Inferer, actors.inferers, &scoring.smooth_inferer);
		Self::store_fractions(
			topic,
			Role::Forecaster,
			actors.forecasters,
			&scoring.smooth_forecaster,
		);
		Self::store_fractions(topic, Role::Reputer, actors.reputers, &scoring.smooth_reputer);
		ForecasterScoreRatio::<T>::insert(topic, scoring.utility.score_ratio);

		let alpha = settings.merit_sortition_alpha;
		let samples = maths.rewards.max_samples_to_scale_scores;
		// Spec §5.1: a lone inferer scores 0, stored without an EMA or quantile update.
		let lone_inferer = scoring.inferer_scores.iter().flatten().count() == 1;
		let inferer_scores = Self::store_scores(
			topic,
			nonce,
			Role::Inferer,
			actors.inferers,
			&scoring.inferer_scores,
			alpha,
			!lone_inferer,
		);
		if !lone_inferer {
			Self::store_quantile(
				topic,
				Role::Inferer,
				&inferer_scores,
				settings.active_inferer_quantile,
			);
		}
		Self::store_samples(topic, Role::Inferer, &inferer_scores, samples);
		let forecaster_scores = Self::store_scores(
			topic,
			nonce,
			Role::Forecaster,
			actors.forecasters,
			&scoring.forecaster_scores,
			alpha,
			true,
		);
		Self::store_quantile(
			topic,
			Role::Forecaster,
			&forecaster_scores,
			settings.active_forecaster_quantile,
		);
		Self::store_samples(topic, Role::Forecaster, &forecaster_scores, samples);
		let reputer_scores: Vec<Option<Fixed>> =
			scoring.consensus.scores.iter().copied().map(Some).collect();
		let reputer_scores = Self::store_scores(
			topic,
			nonce,
			Role::Reputer,
			actors.reputers,
			&reputer_scores,
			alpha,
			true,
		);
		Self::store_quantile(
			topic,
			Role::Reputer,
			&reputer_scores,
			settings.active_reputer_quantile,
		);
	}

	/// Stores the present smoothed fractions; actors without one keep their stored value.
	fn store_fractions(
		topic: TopicId,
		role: Role,
		accounts: &[T::AccountId],
		fractions: &[Option<Fixed>],
	) {
		for (account, fraction) in accounts.iter().zip(fractions.iter()) {
			if let Some(fraction) = fraction {
				SmoothedFraction::<T>::insert((topic, role, account), *fraction);
			}
		}
	}

	/// Stores each present instant score with its EMA (spec §5.2; with `update_ema` false the
	/// stored EMA is kept). Returns the present scores in position order.
	fn store_scores(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		role: Role,
		accounts: &[T::AccountId],
		scores: &[Option<Fixed>],
		alpha: Fixed,
		update_ema: bool,
	) -> Vec<Fixed> {
		let mut present = Vec::with_capacity(scores.len());
		for (account, score) in accounts.iter().zip(scores.iter()) {
			let Some(instant) = *score else {
				continue;
			};
			present.push(instant);
			let previous = Scores::<T>::get((topic, role, account)).map(|record| record.ema);
			let ema = if update_ema {
				ema_score(alpha, instant, previous)
			} else {
				previous.unwrap_or(Fixed::ZERO)
			};
			Scores::<T>::insert((topic, role, account), ScoreRecord { instant, ema, nonce });
		}
		present
	}

	/// Stores the role's quantile of this epoch's instant scores (spec §5.2), if any.
	fn store_quantile(topic: TopicId, role: Role, scores: &[Fixed], quantile: Fixed) {
		if let Some(value) = topic_quantile_score(scores, quantile) {
			ScoreQuantile::<T>::insert(topic, role, value);
		}
	}

	/// Prepends this epoch's scores (its newest `cap`) to the role's recent samples and keeps
	/// the newest `cap` (spec §5.3: the σ of the score mapping walks epochs newest first).
	fn store_samples(topic: TopicId, role: Role, scores: &[Fixed], cap: u32) {
		let cap = as_len(cap.min(MAX_SCORE_SAMPLES));
		RecentScores::<T>::mutate(topic, role, |recent| {
			let mut merged: Vec<Fixed> =
				scores.iter().skip(scores.len().saturating_sub(cap)).copied().collect();
			merged.extend(recent.iter().copied());
			merged.truncate(cap);
			*recent = BoundedVec::truncate_from(merged);
		});
	}

	/// R₀ after the regret update (spec §3.8): from the new R_ij and R_ik of the experienced
	/// actors of this epoch — those with a loss now, a stored regret before, and at least
	/// 1/α_regret paid epochs in the role ([`Inclusions`], counted when a reward is paid). With
	/// none, R₀ stays.
	fn update_initial_regret(
		topic: TopicId,
		settings: &TopicSettings<BlockNumberFor<T>>,
		maths: &allora_synthesis::Params,
		actors: &EpochActors<'_, T::AccountId>,
		before: &RegretStore,
		scoring: &Scoring,
	) {
		let alpha = settings.alpha_regret;
		let mut experienced: Vec<Fixed> = Vec::new();
		let roles = [
			(
				Role::Inferer,
				actors.inferers,
				&before.inferer,
				&scoring.losses.inferer,
				&scoring.regrets.inferer,
			),
			(
				Role::Forecaster,
				actors.forecasters,
				&before.forecaster,
				&scoring.losses.forecaster,
				&scoring.regrets.forecaster,
			),
		];
		for (role, accounts, previous, losses, updated) in roles {
			for (position, account) in accounts.iter().enumerate() {
				let had_regret = previous.get(position).copied().flatten().is_some();
				let has_loss = losses.get(position).copied().flatten().is_some();
				if !has_loss {
					continue;
				}
				let paid = Inclusions::<T>::get((topic, role, account));
				if !is_experienced(had_regret, paid, alpha) {
					continue;
				}
				if let Some(regret) = updated.get(position).copied().flatten() {
					experienced.push(regret);
				}
			}
		}
		if experienced.is_empty() {
			return;
		}
		let Some(initial_regret) = topic_initial_regret(&experienced, &maths.synthesis) else {
			return;
		};
		match T::Topics::set_initial_regret(topic, initial_regret) {
			Ok(()) => {
				Self::deposit_event(Event::<T>::InitialRegretUpdated { topic, initial_regret })
			}
			Err(error) => log::error!(
				target: LOG_TARGET,
				"topic {topic}: storing the initial regret failed: {error:?}"
			),
		}
	}

	/// The epoch's payments (spec §5.6): workers' rewards to their payees, reputers' to the
	/// reputers (the rewards pallet splits them with delegators). Zero amounts are left out.
	/// Each paid worker's inclusion count in its role grows by one.
	fn payouts(
		topic: TopicId,
		actors: &EpochActors<'_, T::AccountId>,
		scoring: &Scoring,
	) -> Vec<PayoutOf<T>> {
		let mut payouts: Vec<PayoutOf<T>> = Vec::new();
		let workers = [
			(Role::Inferer, actors.inferers, &scoring.inferer_rewards),
			(Role::Forecaster, actors.forecasters, &scoring.forecaster_rewards),
		];
		for (role, accounts, rewards) in workers {
			for (worker, amount) in accounts.iter().zip(rewards.iter()) {
				let Some(amount) = amount.filter(|a| *a > 0) else {
					continue;
				};
				payouts.push(Payout {
					role,
					account: T::Workers::payee(topic, worker),
					amount: amount.saturated_into(),
				});
				Inclusions::<T>::mutate((topic, role, worker), |count| {
					*count = count.saturating_add(1)
				});
			}
		}
		for (reputer, amount) in actors.reputers.iter().zip(scoring.reputer_rewards.iter()) {
			if let Some(amount) = amount.filter(|a| *a > 0) {
				payouts.push(Payout {
					role: Role::Reputer,
					account: reputer.clone(),
					amount: amount.saturated_into(),
				});
			}
		}
		payouts
	}
}

/// The actors of one scored epoch, each list in position order.
pub(crate) struct EpochActors<'a, AccountId> {
	pub inferers: &'a [AccountId],
	pub forecasters: &'a [AccountId],
	pub reputers: &'a [AccountId],
}

/// One reputer's report as the maths crate reads it: values by the epoch's positions
/// (spec §2.7 filtering: entries about non-participants are dropped, a worker listed twice
/// keeps its first value, one-out inferer losses are dropped with fewer than two inferer
/// losses).
pub fn loss_bundle<AccountId: Ord, Balance>(
	report: &allora_primitives::LossReport<AccountId, Balance>,
	inferers: &[AccountId],
	forecasters: &[AccountId],
) -> ValueBundle {
	let mut bundle = ValueBundle::new(report.combined, report.naive);
	bundle.inferer = by_position(&report.inferers, inferers);
	bundle.forecaster = by_position(&report.forecasters, forecasters);
	bundle.one_out_inferer = if bundle.inferer.iter().flatten().count() < 2 {
		vec![None; inferers.len()]
	} else {
		by_position(&report.one_out_inferers, inferers)
	};
	bundle.one_out_forecaster = by_position(&report.one_out_forecasters, forecasters);
	bundle.one_in_forecaster = by_position(&report.one_in_forecasters, forecasters);
	let mut groups: Vec<Vec<Option<Fixed>>> = vec![Vec::new(); forecasters.len()];
	for (forecaster, values) in report.one_out_inferer_forecasters.iter() {
		if let Ok(k) = forecasters.binary_search(forecaster) {
			if let Some(group) = groups.get_mut(k) {
				if group.is_empty() {
					*group = by_position(values, inferers);
				}
			}
		}
	}
	bundle.one_out_inferer_forecaster = groups;
	bundle
}

/// Values keyed by account laid out by the positions of `accounts` (ascending); unknown
/// accounts are dropped, a repeated account keeps its first value.
fn by_position<AccountId: Ord>(
	values: &WorkerValues<AccountId>,
	accounts: &[AccountId],
) -> Vec<Option<Fixed>> {
	let mut out: Vec<Option<Fixed>> = vec![None; accounts.len()];
	for (account, value) in values.iter() {
		if let Ok(position) = accounts.binary_search(account) {
			if let Some(slot) = out.get_mut(position) {
				if slot.is_none() {
					*slot = Some(*value);
				}
			}
		}
	}
	out
}
