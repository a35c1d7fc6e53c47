//! The worker half of a topic-epoch (spec §2.3, §2.5, §3): when a worker window has closed,
//! take the nonce's submissions, choose the active inferers and forecasters, synthesise
//! every network inference and **store** them (the v0.10 behaviour the spec recommends:
//! every reputer then evaluates the same values), with a bounded history per topic.
//!
//! **Merit sortition at close time.** The original admits workers when they submit and, with
//! a full set, evicts the lowest EMA score (spec §7.1). Here every submission is kept until
//! the window closes; then, if there are more than `max_top_inferers` inferers (likewise
//! forecasters), the ones with the highest stored EMA scores take part — the same capacity
//! and the same ranking, without eviction side effects, and without a first-come advantage.
//! Actors without an EMA score count as 0; exact ties go to the lower account id.

use crate::*;
use alloc::{vec, vec::Vec};
use allora_primitives::{EpochControl, Role, SubmissionSource, Submissions, TopicSettings};
use allora_synthesis::{
	network_inferences, sortition::top_n_by_score, synthesis::confidence_interval, Fixed,
	NetworkInferences, SynthesisInput,
};
use frame::prelude::*;

/// The active submissions of one worker nonce, by position (account order).
pub(crate) struct ActiveSubmissions<AccountId> {
	/// Active inferers, ascending.
	pub inferers: Vec<AccountId>,
	/// Their inferences.
	pub inferences: Vec<Fixed>,
	/// Active forecasters, ascending.
	pub forecasters: Vec<AccountId>,
	/// `[k][j]`: forecaster k's forecasted loss of inferer j.
	pub forecasts: Vec<Vec<Option<Fixed>>>,
}

/// A `u32` bound as a length.
pub(crate) fn as_len(bound: u32) -> usize {
	usize::try_from(bound).unwrap_or(usize::MAX)
}

/// A length as a `u32` (saturating).
pub(crate) fn as_count(len: usize) -> u32 {
	u32::try_from(len).unwrap_or(u32::MAX)
}

impl<T: Config> Pallet<T> {
	/// Closes worker nonce `nonce` of `topic`: stores its network inferences (or reports why
	/// not), then fulfils the nonce in every case, which opens its reputer nonce (spec §2.3:
	/// a failed close still fulfils). Returns the weight used.
	pub(crate) fn close_worker_nonce(topic: TopicId, nonce: BlockNumberFor<T>) -> Weight {
		let submissions = T::Workers::take_submissions(topic, nonce);
		let inferences = as_count(submissions.inferences.len());
		let forecasts = as_count(submissions.forecasts.len());
		if let Err(reason) = Self::synthesise(topic, nonce, submissions) {
			Self::deposit_event(Event::<T>::InferenceSkipped { topic, nonce, reason });
		}
		if let Err(error) = T::Topics::fulfil_worker_nonce(topic, nonce) {
			log::error!(
				target: LOG_TARGET,
				"topic {topic}: fulfilling worker nonce {nonce:?} failed: {error:?}"
			);
		}
		Self::worker_close_weight(inferences, forecasts)
	}

	/// Sortition, synthesis and storage of one worker nonce.
	fn synthesise(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		submissions: Submissions<T::AccountId>,
	) -> Result<(), SkipReason> {
		let settings: TopicSettings<BlockNumberFor<T>> =
			T::Topics::settings(topic).ok_or(SkipReason::UnknownTopic)?;
		let params = Params::<T>::get();
		let active = Self::active_submissions(topic, submissions, &params);
		let inferers: BoundedVec<T::AccountId, T::MaxInferers> =
			BoundedVec::truncate_from(active.inferers.clone());
		ActiveInferers::<T>::insert(topic, inferers);
		let forecasters: BoundedVec<T::AccountId, T::MaxForecasters> =
			BoundedVec::truncate_from(active.forecasters.clone());
		ActiveForecasters::<T>::insert(topic, forecasters);
		if active.inferences.is_empty() {
			return Err(SkipReason::NoInferences);
		}

		let regrets = Self::load_regrets(
			topic,
			&active.inferers,
			&active.forecasters,
			settings.initial_regret,
		);
		let input = SynthesisInput {
			inferences: &active.inferences,
			forecasts: &active.forecasts,
			previous_network_loss: LatestNetworkLoss::<T>::get(topic).map(|(_, loss)| loss),
			regrets: &regrets,
		};
		let maths = params.maths_for(&settings);
		let result = network_inferences(&input, &maths.synthesis).map_err(SkipReason::Math)?;
		let bundle = Self::bundle_of(&active, &result);
		let (combined, naive) = (bundle.combined, bundle.naive);
		Self::store_bundle(topic, nonce, bundle);
		Self::store_participants(topic, nonce, &active);
		Self::deposit_event(Event::<T>::NetworkInferenceStored {
			topic,
			nonce,
			combined,
			naive,
			inferers: as_count(active.inferers.len()),
			forecasters: as_count(active.forecasters.len()),
		});
		Ok(())
	}

	/// The active sets of a nonce and their values by position (spec §2.3 steps 1–2):
	/// inferers deduplicated and cut to `max_top_inferers` by EMA score; forecast elements
	/// about inactive inferers dropped, forecasts left empty dropped, forecasters cut to
	/// `max_top_forecasters` by EMA score.
	pub(crate) fn active_submissions(
		topic: TopicId,
		submissions: Submissions<T::AccountId>,
		params: &EpochParams,
	) -> ActiveSubmissions<T::AccountId> {
		let Submissions { mut inferences, mut forecasts } = submissions;
		inferences.sort_by(|a, b| a.0.cmp(&b.0));
		inferences.dedup_by(|later, earlier| later.0 == earlier.0);
		let capacity = as_len(params.max_top_inferers.min(T::MaxInferers::get()));
		let inferences = Self::top_by_ema(topic, Role::Inferer, inferences, capacity);
		let (inferers, values): (Vec<T::AccountId>, Vec<Fixed>) = inferences.into_iter().unzip();

		forecasts.sort_by(|a, b| a.0.cmp(&b.0));
		forecasts.dedup_by(|later, earlier| later.0 == earlier.0);
		let rows: Vec<(T::AccountId, Vec<Option<Fixed>>)> = forecasts
			.into_iter()
			.filter_map(|(forecaster, elements)| {
				let mut row: Vec<Option<Fixed>> = vec![None; inferers.len()];
				for (inferer, loss) in elements {
					if let Ok(j) = inferers.binary_search(&inferer) {
						if let Some(slot) = row.get_mut(j) {
							if slot.is_none() {
								*slot = Some(loss);
							}
						}
					}
				}
				row.iter().any(Option::is_some).then_some((forecaster, row))
			})
			.collect();
		let capacity = as_len(params.max_top_forecasters.min(T::MaxForecasters::get()));
		let rows = Self::top_by_ema(topic, Role::Forecaster, rows, capacity);
		let (forecasters, forecasts): (Vec<T::AccountId>, Vec<Vec<Option<Fixed>>>) =
			rows.into_iter().unzip();

		ActiveSubmissions { inferers, inferences: values, forecasters, forecasts }
	}

	/// Keeps the `capacity` entries whose accounts have the highest stored EMA score in
	/// `role` (spec §7), in their original order. Entries without a score count as 0; ties go
	/// to the earlier entry.
	pub(crate) fn top_by_ema<V>(
		topic: TopicId,
		role: Role,
		entries: Vec<(T::AccountId, V)>,
		capacity: usize,
	) -> Vec<(T::AccountId, V)> {
		if entries.len() <= capacity {
			return entries;
		}
		let emas: Vec<Fixed> = entries
			.iter()
			.map(|(account, _)| {
				Scores::<T>::get((topic, role, account)).map_or(Fixed::ZERO, |score| score.ema)
			})
			.collect();
		let mut kept = vec![false; entries.len()];
		for position in top_n_by_score(&emas, capacity) {
			if let Some(flag) = kept.get_mut(position) {
				*flag = true;
			}
		}
		entries.into_iter().zip(kept).filter_map(|(entry, keep)| keep.then_some(entry)).collect()
	}

	/// The stored form of one nonce's network inferences.
	fn bundle_of(
		active: &ActiveSubmissions<T::AccountId>,
		result: &NetworkInferences,
	) -> InferenceBundleOf<T> {
		let by_account = |accounts: &[T::AccountId], values: &[Option<Fixed>]| {
			accounts
				.iter()
				.zip(values.iter())
				.filter_map(|(account, value)| value.map(|v| (account.clone(), v)))
				.collect::<Vec<(T::AccountId, Fixed)>>()
		};
		let inferers: Vec<(T::AccountId, Fixed)> =
			active.inferers.iter().cloned().zip(active.inferences.iter().copied()).collect();

		// Typed by the bundle's field below.
		let mut one_out_inferer_forecasters = Vec::new();
		for (((forecaster, implied), without), forecast) in active
			.forecasters
			.iter()
			.zip(result.forecast_implied.iter())
			.zip(result.forecast_implied_one_out.iter())
			.zip(active.forecasts.iter())
		{
			if implied.is_none() {
				continue;
			}
			// Only the inferers the forecast names: for the others the value is I_ik itself.
			let named: Vec<(T::AccountId, Fixed)> = active
				.inferers
				.iter()
				.zip(without.iter())
				.zip(forecast.iter())
				.filter_map(|((inferer, value), element)| {
					element.and(*value).map(|v| (inferer.clone(), v))
				})
				.collect();
			if !named.is_empty() {
				one_out_inferer_forecasters
					.push((forecaster.clone(), BoundedVec::truncate_from(named)));
			}
		}

		InferenceBundle {
			combined: result.combined,
			naive: result.naive,
			inferers: BoundedVec::truncate_from(inferers),
			forecast_implied: BoundedVec::truncate_from(by_account(
				active.forecasters.as_slice(),
				result.forecast_implied.as_slice(),
			)),
			one_out_inferers: BoundedVec::truncate_from(by_account(
				active.inferers.as_slice(),
				result.one_out_inferer.as_slice(),
			)),
			one_out_forecasters: BoundedVec::truncate_from(by_account(
				active.forecasters.as_slice(),
				result.one_out_forecaster.as_slice(),
			)),
			one_in_forecasters: BoundedVec::truncate_from(by_account(
				active.forecasters.as_slice(),
				result.one_in_forecaster.as_slice(),
			)),
			one_out_inferer_forecasters: BoundedVec::truncate_from(one_out_inferer_forecasters),
			confidence_interval: BoundedVec::truncate_from(
				confidence_interval(&active.inferences, result).unwrap_or_default(),
			),
		}
	}

	/// Stores a nonce's bundle, keeps the newest `HistoryDepth` nonces of the topic (older
	/// bundles are deleted) and moves the topic's latest inference forward.
	fn store_bundle(topic: TopicId, nonce: BlockNumberFor<T>, bundle: InferenceBundleOf<T>) {
		let combined = bundle.combined;
		InferenceBundles::<T>::insert(topic, nonce, bundle);
		let mut nonces: Vec<BlockNumberFor<T>> = InferenceNonces::<T>::get(topic).into_inner();
		if !nonces.contains(&nonce) {
			let at = nonces.iter().position(|n| *n > nonce).unwrap_or(nonces.len());
			nonces.insert(at, nonce);
		}
		let excess = nonces.len().saturating_sub(as_len(T::HistoryDepth::get()));
		for pruned in nonces.drain(..excess) {
			InferenceBundles::<T>::remove(topic, pruned);
		}
		let nonces: BoundedVec<BlockNumberFor<T>, T::HistoryDepth> =
			BoundedVec::truncate_from(nonces);
		InferenceNonces::<T>::insert(topic, nonces);
		if LatestInference::<T>::get(topic).is_none_or(|(latest, _)| latest <= nonce) {
			LatestInference::<T>::insert(topic, (nonce, combined));
		}
	}

	/// Keeps a nonce's participants until its reputer nonce closes. At most
	/// `MaxUnscoredEpochs` nonces per topic wait; beyond that the oldest is dropped (its
	/// reputer nonce can no longer be open: pallet-topics caps its open reputer nonces).
	fn store_participants(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		active: &ActiveSubmissions<T::AccountId>,
	) {
		let participants: ParticipantsOf<T> = Participants {
			inferers: BoundedVec::truncate_from(active.inferers.clone()),
			forecasters: BoundedVec::truncate_from(active.forecasters.clone()),
		};
		EpochParticipants::<T>::insert(topic, nonce, participants);
		let mut waiting: Vec<BlockNumberFor<T>> = UnscoredNonces::<T>::get(topic).into_inner();
		if !waiting.contains(&nonce) {
			let at = waiting.iter().position(|n| *n > nonce).unwrap_or(waiting.len());
			waiting.insert(at, nonce);
		}
		let excess = waiting.len().saturating_sub(as_len(T::MaxUnscoredEpochs::get()));
		for dropped in waiting.drain(..excess) {
			log::warn!(
				target: LOG_TARGET,
				"topic {topic}: participants of nonce {dropped:?} dropped before scoring"
			);
			EpochParticipants::<T>::remove(topic, dropped);
		}
		let waiting: BoundedVec<BlockNumberFor<T>, T::MaxUnscoredEpochs> =
			BoundedVec::truncate_from(waiting);
		UnscoredNonces::<T>::insert(topic, waiting);
	}
}
