//! What happens every block: the queue of topic-epoch closes.
//!
//! pallet-topics reports closed windows through `EpochEvents`; each report only appends a
//! [`WorkItem`] to a FIFO (`Queue` between `QueueHead` and `QueueTail`). At the start of
//! every block at most `MaxTopicEpochsPerBlock` items are taken in order and processed; the
//! rest wait for the next block (none is ever dropped). The hook's weight is the sum of the
//! processed items' benchmarked weights at their actual sizes, plus the queue's own reads and
//! writes.

use crate::*;
use allora_primitives::EpochEvents;
use frame::prelude::*;

impl<T: Config> EpochEvents<BlockNumberFor<T>> for Pallet<T> {
	fn worker_window_closed(topic: TopicId, nonce: BlockNumberFor<T>) {
		Self::enqueue(WorkItem { topic, nonce, phase: WorkPhase::Inference });
	}

	fn reputer_window_closed(topic: TopicId, nonce: BlockNumberFor<T>) {
		Self::enqueue(WorkItem { topic, nonce, phase: WorkPhase::Scoring });
	}
}

impl<T: Config> Pallet<T> {
	/// Appends `item` to the queue: one read and two writes, which the caller's weight
	/// accounts for.
	pub fn enqueue(item: WorkItemOf<T>) {
		let tail = QueueTail::<T>::get();
		Queue::<T>::insert(tail, item);
		QueueTail::<T>::put(tail.saturating_add(1));
	}

	/// Number of queued items.
	pub fn queued() -> u64 {
		QueueTail::<T>::get().saturating_sub(QueueHead::<T>::get())
	}

	/// Processes up to `MaxTopicEpochsPerBlock` queued items, oldest first. Returns the
	/// weight used.
	pub(crate) fn process_queue() -> Weight {
		let mut weight = T::WeightInfo::on_initialize_idle();
		let head = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		if head >= tail {
			return weight;
		}
		let db = T::DbWeight::get();
		let mut cursor = head;
		let mut processed: u32 = 0;
		while cursor < tail && processed < T::MaxTopicEpochsPerBlock::get() {
			let index = cursor;
			cursor = cursor.saturating_add(1);
			let item = Queue::<T>::take(index);
			processed = processed.saturating_add(1);
			weight = weight.saturating_add(db.reads_writes(1, 1));
			match item {
				Some(item) => weight = weight.saturating_add(Self::process_item(item)),
				None => log::error!(target: LOG_TARGET, "queue item {index} missing"),
			}
		}
		QueueHead::<T>::put(cursor);
		weight = weight.saturating_add(db.writes(1));
		// Processing may have queued more (a close can open and close the next window).
		let remaining = QueueTail::<T>::get().saturating_sub(cursor);
		if remaining > 0 {
			Self::deposit_event(Event::<T>::WorkDeferred { remaining });
		}
		weight
	}

	/// Processes one queued close. Returns its weight at its actual sizes.
	pub(crate) fn process_item(item: WorkItemOf<T>) -> Weight {
		match item.phase {
			WorkPhase::Inference => Self::close_worker_nonce(item.topic, item.nonce),
			WorkPhase::Scoring => Self::close_reputer_nonce(item.topic, item.nonce),
		}
	}

	/// The weight of a worker close with `inferences` inferences and `forecasts` forecasts
	/// taken: the benchmark at these sizes plus the pairwise regrets it reads (of at most
	/// `MaxInferers` and `MaxForecasters` active workers).
	pub fn worker_close_weight(inferences: u32, forecasts: u32) -> Weight {
		let active_inferers = inferences.min(T::MaxInferers::get());
		let active_forecasters = forecasts.min(T::MaxForecasters::get());
		T::WeightInfo::close_worker_nonce(inferences, forecasts)
			.saturating_add(Self::pair_regret_weight(active_inferers, active_forecasters, false))
	}

	/// The weight of a reputer close with `inferers` and `forecasters` participants and
	/// `reports` loss reports: the benchmark at these sizes plus the pairwise regrets it reads
	/// and writes.
	pub fn reputer_close_weight(inferers: u32, forecasters: u32, reports: u32) -> Weight {
		T::WeightInfo::close_reputer_nonce(inferers, forecasters, reports)
			.saturating_add(Self::pair_regret_weight(inferers, forecasters, true))
	}
}
