//! What happens every block: the agenda of epoch ends and nonce-window transitions
//! (spec §2.1 – §2.3, §2.6, §2.9), and the nonce lists (spec §1.6).
//!
//! For worker nonce N of a topic with epoch length E, window W and ground-truth lag G:
//!
//! * block N (epoch end): the topic's weight is updated and its fees drip; if it stays active,
//!   worker nonce N opens and the next epoch end is scheduled at N + E;
//! * workers submit while N ≤ now < N + W; at N + W the window closes (an event; the nonce
//!   stays open until the synthesis fulfils it, so W = E loses nothing — spec §9.1);
//! * when the synthesis fulfils worker nonce N, reputer nonce N exists; reputers submit while
//!   N + G ≤ now < N + G + E, and the synthesis then fulfils it.
//!
//! At most `MaxTopicsPerBlock` agenda entries are processed per block, in block order; the rest
//! wait for the next block behind `AgendaCursor` (spec §9.1: no epoch ever vanishes). A topic
//! whose epoch end was deferred opens its nonce at the block where it is processed.

use crate::{
	pallet::{
		ActiveTopics, Agenda, AgendaCursor, Config, Error, Event, Pallet, Params,
		PreviousTopicWeight, Topics, UnfulfilledReputerNonces, UnfulfilledWorkerNonces,
	},
	types::{AgendaEntryOf, DropReason, ModuleParamsOf, NonceKind, NonceListOf, Topic},
	weights::WeightInfo,
	LOG_TARGET,
};
use alloc::vec::Vec;
use allora_primitives::{EpochEvents, TopicId};
use allora_synthesis::emissions::is_weight_active;
use polkadot_sdk::{
	frame_support::{
		ensure,
		pallet_prelude::{DispatchResult, Weight},
		traits::Get,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::traits::{CheckedSub, One, Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// The per-block schedule: processes due agenda entries, oldest block first, up to
	/// `MaxTopicsPerBlock` entries and as many blocks. Returns the weight used.
	pub(crate) fn advance_agenda(now: BlockNumberFor<T>) -> Weight {
		let cap = T::MaxTopicsPerBlock::get();
		let budget = usize::try_from(cap).unwrap_or(usize::MAX);
		let stored_cursor = AgendaCursor::<T>::get();
		let mut block = stored_cursor.unwrap_or(now);
		let mut processed: usize = 0;
		let mut scanned: u32 = 0;
		// Read once, and only if something is due.
		let mut module: Option<ModuleParamsOf<T>> = None;

		while block <= now && scanned < cap && processed < budget {
			scanned = scanned.saturating_add(1);
			let room = budget.saturating_sub(processed);
			// One more than there is room for tells whether this block is drained.
			let due: Vec<(TopicId, AgendaEntryOf<T>)> =
				Agenda::<T>::iter_prefix(block).take(room.saturating_add(1)).collect();
			let more_due = due.len() > room;
			if !due.is_empty() {
				let params: &ModuleParamsOf<T> = module.get_or_insert_with(Params::<T>::get);
				for (topic, entry) in due.into_iter().take(room) {
					Agenda::<T>::remove(block, topic);
					Self::process_entry(topic, entry, now, params);
					processed = processed.saturating_add(1);
				}
			}
			if more_due {
				Self::deposit_event(Event::<T>::EpochsDeferred { due: block });
				break;
			}
			block = block.saturating_add(One::one());
		}

		if block > now {
			if stored_cursor.is_some() {
				AgendaCursor::<T>::kill();
			}
		} else {
			AgendaCursor::<T>::put(block);
		}
		let processed = u32::try_from(processed).unwrap_or(u32::MAX);
		T::WeightInfo::advance_agenda(processed, scanned)
	}

	/// Everything one topic has to do at one agenda block. Window transitions first, so with
	/// W = E the closing of nonce N is reported before nonce N + E opens.
	fn process_entry(
		topic: TopicId,
		entry: AgendaEntryOf<T>,
		now: BlockNumberFor<T>,
		params: &ModuleParamsOf<T>,
	) {
		if let Some(nonce) = entry.worker_window_closes {
			if UnfulfilledWorkerNonces::<T>::get(topic).contains(&nonce) {
				Self::deposit_event(Event::<T>::WorkerWindowClosed { topic, nonce });
				T::EpochEvents::worker_window_closed(topic, nonce);
			}
		}
		if let Some(nonce) = entry.reputer_window_closes {
			if UnfulfilledReputerNonces::<T>::get(topic).contains(&nonce) {
				Self::deposit_event(Event::<T>::ReputerWindowClosed { topic, nonce });
				T::EpochEvents::reputer_window_closed(topic, nonce);
			}
		}
		if let Some(nonce) = entry.reputer_window_opens {
			if UnfulfilledReputerNonces::<T>::get(topic).contains(&nonce) {
				if let Some(data) = Topics::<T>::get(topic) {
					let window_closes_at = data.reputer_window_closes_at(nonce);
					Self::deposit_event(Event::<T>::ReputerNonceOpened {
						topic,
						nonce,
						window_closes_at,
					});
				}
			}
		}
		if entry.epoch_end {
			Self::end_epoch(topic, now, params);
		}
	}

	/// A topic's epoch ends (spec §2.1 steps 2–3): new weight, fee drip, then either
	/// inactivation or the next epoch's worker nonce.
	fn end_epoch(topic: TopicId, now: BlockNumberFor<T>, params: &ModuleParamsOf<T>) {
		if !ActiveTopics::<T>::contains_key(topic) {
			log::error!(target: LOG_TARGET, "epoch end of inactive topic {topic} ignored");
			return;
		}
		let Some(mut data) = Topics::<T>::get(topic) else {
			log::error!(target: LOG_TARGET, "epoch end of unknown topic {topic} ignored");
			ActiveTopics::<T>::remove(topic);
			return;
		};
		let emission = Self::emission_params(params);
		let previous = PreviousTopicWeight::<T>::get(topic);
		let weight = Self::weight_now(topic, data.epoch_length, previous, &emission);
		Self::store_weight(topic, previous, weight);
		let fee_revenue = Self::drip_fees(topic, data.epoch_length, params);
		Self::deposit_event(Event::<T>::TopicWeightUpdated { topic, weight, fee_revenue });

		if !is_weight_active(weight, &emission) {
			Self::inactivate(topic, weight);
			return;
		}
		let next_epoch_end = now.saturating_add(data.epoch_length);
		ActiveTopics::<T>::insert(topic, next_epoch_end);
		Self::schedule(next_epoch_end, topic, |entry| entry.epoch_end = true);
		// A weightless topic (possible only with `min_topic_weight` 0) keeps its schedule but
		// runs no epoch, as in the reference.
		if weight == 0 {
			return;
		}
		data.epoch_last_ended = now;
		Topics::<T>::insert(topic, &data);
		Self::open_worker_nonce(topic, &data, now, params);
		Self::prune_stale_nonces(topic, &data, now, params);
	}

	/// Opens worker nonce `now` and schedules the close of its window.
	fn open_worker_nonce(
		topic: TopicId,
		data: &Topic<T>,
		now: BlockNumberFor<T>,
		params: &ModuleParamsOf<T>,
	) {
		let list = Self::nonce_list(topic, NonceKind::Worker);
		if list.contains(&now) {
			return;
		}
		let cap = Self::nonce_cap(params.max_unfulfilled_worker_requests);
		let list = Self::insert_nonce(topic, NonceKind::Worker, list, now, cap);
		Self::put_nonce_list(topic, NonceKind::Worker, list);
		let window_closes_at = data.worker_window_closes_at(now);
		Self::schedule(window_closes_at, topic, |entry| entry.worker_window_closes = Some(now));
		Self::deposit_event(Event::<T>::WorkerNonceOpened { topic, nonce: now, window_closes_at });
	}

	/// Drops nonces too old to ever be closed (spec §1.6): reputer nonces below
	/// now − ((max_unfulfilled_reputer_requests + 1)·E + G), worker nonces one epoch below that.
	fn prune_stale_nonces(
		topic: TopicId,
		data: &Topic<T>,
		now: BlockNumberFor<T>,
		params: &ModuleParamsOf<T>,
	) {
		let epochs = BlockNumberFor::<T>::from(params.max_unfulfilled_reputer_requests)
			.saturating_add(One::one());
		let span = data.epoch_length.saturating_mul(epochs).saturating_add(data.ground_truth_lag);
		let Some(reputer_floor) = now.checked_sub(&span).filter(|floor| !floor.is_zero()) else {
			return;
		};
		Self::drop_stale(topic, NonceKind::Reputer, reputer_floor);
		if let Some(worker_floor) =
			reputer_floor.checked_sub(&data.epoch_length).filter(|floor| !floor.is_zero())
		{
			Self::drop_stale(topic, NonceKind::Worker, worker_floor);
		}
	}

	/// Drops every nonce of the list below `floor`.
	fn drop_stale(topic: TopicId, kind: NonceKind, floor: BlockNumberFor<T>) {
		let list = Self::nonce_list(topic, kind);
		if list.first().is_none_or(|oldest| *oldest >= floor) {
			return;
		}
		let (stale, kept): (Vec<_>, Vec<_>) = list.into_iter().partition(|nonce| *nonce < floor);
		for nonce in stale {
			Self::deposit_event(Event::<T>::NonceDropped {
				topic,
				nonce,
				kind,
				reason: DropReason::Stale,
			});
		}
		Self::put_nonce_list(topic, kind, kept);
	}

	/// The list cap: the parameter, never above the storage bound nor below 1.
	fn nonce_cap(max_unfulfilled: u32) -> usize {
		let cap = max_unfulfilled.min(T::MaxUnfulfilledNonces::get()).max(1);
		usize::try_from(cap).unwrap_or(usize::MAX)
	}

	/// Inserts `nonce` into an ascending list (idempotent) and keeps its newest `cap` entries;
	/// the older ones are dropped with an event (spec §1.6).
	fn insert_nonce(
		topic: TopicId,
		kind: NonceKind,
		list: Vec<BlockNumberFor<T>>,
		nonce: BlockNumberFor<T>,
		cap: usize,
	) -> Vec<BlockNumberFor<T>> {
		if list.contains(&nonce) {
			return list;
		}
		let mut merged: Vec<BlockNumberFor<T>> = Vec::with_capacity(list.len().saturating_add(1));
		merged.extend(list.iter().copied().filter(|n| *n < nonce));
		merged.push(nonce);
		merged.extend(list.iter().copied().filter(|n| *n > nonce));
		let excess = merged.len().saturating_sub(cap);
		for dropped in merged.iter().take(excess) {
			Self::deposit_event(Event::<T>::NonceDropped {
				topic,
				nonce: *dropped,
				kind,
				reason: DropReason::Capacity,
			});
		}
		merged.into_iter().skip(excess).collect()
	}

	/// A topic's unfulfilled nonces of one kind, oldest first.
	pub(crate) fn nonce_list(topic: TopicId, kind: NonceKind) -> Vec<BlockNumberFor<T>> {
		match kind {
			NonceKind::Worker => UnfulfilledWorkerNonces::<T>::get(topic).into_inner(),
			NonceKind::Reputer => UnfulfilledReputerNonces::<T>::get(topic).into_inner(),
		}
	}

	/// Stores a list built by `insert_nonce`/`drop_stale` (never longer than the bound).
	fn put_nonce_list(topic: TopicId, kind: NonceKind, list: Vec<BlockNumberFor<T>>) {
		let empty = list.is_empty();
		let bounded = NonceListOf::<T>::truncate_from(list);
		match (kind, empty) {
			(NonceKind::Worker, true) => UnfulfilledWorkerNonces::<T>::remove(topic),
			(NonceKind::Worker, false) => UnfulfilledWorkerNonces::<T>::insert(topic, bounded),
			(NonceKind::Reputer, true) => UnfulfilledReputerNonces::<T>::remove(topic),
			(NonceKind::Reputer, false) => UnfulfilledReputerNonces::<T>::insert(topic, bounded),
		}
	}

	/// Adds a task to a topic's agenda entry at `block`.
	pub(crate) fn schedule(
		block: BlockNumberFor<T>,
		topic: TopicId,
		task: impl FnOnce(&mut AgendaEntryOf<T>),
	) {
		Agenda::<T>::mutate(block, topic, |slot| task(slot.get_or_insert_with(Default::default)));
	}

	/// The synthesis closed worker nonce `nonce` (its inferences and forecasts are stored):
	/// the nonce leaves the list and reputer nonce `nonce` opens for losses, its window
	/// starting at `nonce` + G. Refused while workers can still submit.
	pub fn fulfil_worker_nonce(topic: TopicId, nonce: BlockNumberFor<T>) -> DispatchResult {
		let data = Topics::<T>::get(topic).ok_or(Error::<T>::TopicNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		let workers = Self::nonce_list(topic, NonceKind::Worker);
		ensure!(workers.contains(&nonce), Error::<T>::WorkerNonceNotFound);
		ensure!(now >= data.worker_window_closes_at(nonce), Error::<T>::WorkerWindowStillOpen);

		Self::put_nonce_list(
			topic,
			NonceKind::Worker,
			workers.into_iter().filter(|n| *n != nonce).collect(),
		);
		Self::deposit_event(Event::<T>::WorkerNonceFulfilled { topic, nonce });

		let cap = Self::nonce_cap(Params::<T>::get().max_unfulfilled_reputer_requests);
		let reputers = Self::insert_nonce(
			topic,
			NonceKind::Reputer,
			Self::nonce_list(topic, NonceKind::Reputer),
			nonce,
			cap,
		);
		let kept = reputers.contains(&nonce);
		Self::put_nonce_list(topic, NonceKind::Reputer, reputers);
		if !kept {
			// Older than every open reputer nonce of a full list: dropped at once (reported).
			return Ok(());
		}
		let opens_at = data.reputer_window_opens_at(nonce);
		let closes_at = data.reputer_window_closes_at(nonce);
		if opens_at > now {
			Self::schedule(opens_at, topic, |entry| entry.reputer_window_opens = Some(nonce));
		} else {
			Self::deposit_event(Event::<T>::ReputerNonceOpened {
				topic,
				nonce,
				window_closes_at: closes_at,
			});
		}
		if closes_at > now {
			Self::schedule(closes_at, topic, |entry| entry.reputer_window_closes = Some(nonce));
		} else {
			Self::deposit_event(Event::<T>::ReputerWindowClosed { topic, nonce });
			T::EpochEvents::reputer_window_closed(topic, nonce);
		}
		Ok(())
	}

	/// The synthesis closed reputer nonce `nonce` (losses, regrets, rewards done): the nonce
	/// leaves the list. Refused while reputers can still submit.
	pub fn fulfil_reputer_nonce(topic: TopicId, nonce: BlockNumberFor<T>) -> DispatchResult {
		let data = Topics::<T>::get(topic).ok_or(Error::<T>::TopicNotFound)?;
		let now = frame_system::Pallet::<T>::block_number();
		let reputers = Self::nonce_list(topic, NonceKind::Reputer);
		ensure!(reputers.contains(&nonce), Error::<T>::ReputerNonceNotFound);
		ensure!(now >= data.reputer_window_closes_at(nonce), Error::<T>::ReputerWindowStillOpen);

		Self::put_nonce_list(
			topic,
			NonceKind::Reputer,
			reputers.into_iter().filter(|n| *n != nonce).collect(),
		);
		Self::deposit_event(Event::<T>::ReputerNonceFulfilled { topic, nonce });
		Ok(())
	}
}
