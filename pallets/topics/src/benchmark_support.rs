//! What other pallets' benchmarks need from this one in a real runtime: a topic, and worker or
//! reputer nonces open at the current block. Compiled only with `runtime-benchmarks`.

use crate::{
	pallet::{
		Config, NextTopicId, Pallet, Topics, UnfulfilledReputerNonces, UnfulfilledWorkerNonces,
	},
	types::{Topic, TopicParams},
};
use allora_primitives::TopicId;
use allora_synthesis::Fixed;
use polkadot_sdk::{
	frame_support::BoundedVec,
	frame_system::{self, pallet_prelude::BlockNumberFor},
};

impl<T: Config> Pallet<T> {
	/// A topic with the longest strings and shortest epoch the parameters allow, stored without
	/// fees (benchmarks of other pallets measure their own calls, not topic creation).
	pub fn benchmark_topic(creator: T::AccountId) -> TopicId {
		let topic = NextTopicId::<T>::get();
		NextTopicId::<T>::put(topic.saturating_add(1));
		Topics::<T>::insert(topic, Topic::<T>::new(creator, Self::benchmark_topic_params()));
		topic
	}

	/// Valid topic parameters at the worst case of the string bounds.
	pub fn benchmark_topic_params() -> TopicParams<T> {
		let params = Self::params();
		let len = params.max_string_length as usize;
		let epoch = params.min_epoch_length;
		TopicParams {
			metadata: BoundedVec::truncate_from(alloc::vec![b'm'; len]),
			loss_method: BoundedVec::truncate_from(alloc::vec![b'l'; len]),
			epoch_length: epoch,
			ground_truth_lag: epoch,
			worker_submission_window: epoch,
			p_norm: Fixed::from_u64(3),
			alpha_regret: Fixed::from_bits(100_000_000_000_000_000),
			allow_negative: false,
			epsilon: Fixed::from_bits(10_000_000_000_000_000),
			merit_sortition_alpha: Fixed::from_bits(100_000_000_000_000_000),
			active_inferer_quantile: Fixed::from_bits(200_000_000_000_000_000),
			active_forecaster_quantile: Fixed::from_bits(200_000_000_000_000_000),
			active_reputer_quantile: Fixed::from_bits(200_000_000_000_000_000),
		}
	}

	/// Makes the current block worker nonce of `topic`, its submission window open.
	pub fn benchmark_open_worker_nonce(topic: TopicId) -> BlockNumberFor<T> {
		let now = frame_system::Pallet::<T>::block_number();
		UnfulfilledWorkerNonces::<T>::mutate(topic, |nonces| {
			if !nonces.contains(&now) {
				let _ = nonces.try_push(now);
			}
		});
		now
	}

	/// Makes `nonce` a reputer nonce of `topic` and moves the chain to the block its reputer
	/// window opens (N + G), so submissions for it are accepted.
	pub fn benchmark_open_reputer_nonce(topic: TopicId, nonce: BlockNumberFor<T>) {
		UnfulfilledReputerNonces::<T>::mutate(topic, |nonces| {
			if !nonces.contains(&nonce) {
				let _ = nonces.try_push(nonce);
			}
		});
		if let Some(data) = Topics::<T>::get(topic) {
			let opens = data.reputer_window_opens_at(nonce);
			if frame_system::Pallet::<T>::block_number() < opens {
				frame_system::Pallet::<T>::set_block_number(opens);
			}
		}
	}
}
