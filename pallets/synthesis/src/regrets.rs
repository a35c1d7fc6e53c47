//! Regrets as stored (spec §1.7, §3.8): keyed by account, not by position, so that an actor's
//! regrets survive changes of the active sets between epochs. [`Pallet::load_regrets`] lays
//! them out by the positions of one epoch for the maths crate's `RegretStore`;
//! [`Pallet::store_regrets`] writes a `RegretStore` back.
//!
//! **Cost.** With n inferers and m forecasters an epoch touches n actor records per inferer
//! role and m per forecaster role, plus n² + 3·n·m + m² pairwise entries (one-out
//! inferer/inferer n², one-out inferer/forecaster n·m, one-out forecaster/inferer m·n,
//! one-out forecaster/forecaster m², one-in forecaster/inferer m·n). Both closes of a nonce
//! read them all and the reputer close writes them all, so the pairwise part dominates the
//! storage work of an epoch; [`Pallet::pair_regret_weight`] charges it explicitly.

use crate::*;
use alloc::vec::Vec;
use allora_synthesis::{Fixed, RegretStore};
use frame::prelude::*;

/// Proof size charged per pairwise regret entry: its key (two 8-byte and two
/// 16-byte-hash-prefixed account segments behind the 32-byte storage prefix), its 16-byte
/// value and trie overhead. An estimate until the benchmarks measure it.
pub const PAIR_REGRET_PROOF_SIZE: u64 = 300;

impl<T: Config> Pallet<T> {
	/// The stored regrets of `inferers` and `forecasters` (each in position order) in
	/// `topic`, with `initial_regret` as R₀ for every missing entry.
	pub fn load_regrets(
		topic: TopicId,
		inferers: &[T::AccountId],
		forecasters: &[T::AccountId],
		initial_regret: Fixed,
	) -> RegretStore {
		let mut store = RegretStore::new(initial_regret, inferers.len(), forecasters.len());
		for ((account, inferer), naive) in
			inferers.iter().zip(store.inferer.iter_mut()).zip(store.naive_inferer.iter_mut())
		{
			let record = ActorRegrets::<T>::get(topic, account);
			*inferer = record.inferer;
			*naive = record.naive_inferer;
		}
		for ((account, forecaster), one_in) in forecasters
			.iter()
			.zip(store.forecaster.iter_mut())
			.zip(store.one_in_forecaster_self.iter_mut())
		{
			let record = ActorRegrets::<T>::get(topic, account);
			*forecaster = record.forecaster;
			*one_in = record.one_in_self;
		}
		Self::load_pairs(
			topic,
			PairFamily::OneOutInfererInferer,
			inferers,
			inferers,
			&mut store.one_out_inferer_inferer,
		);
		Self::load_pairs(
			topic,
			PairFamily::OneOutInfererForecaster,
			inferers,
			forecasters,
			&mut store.one_out_inferer_forecaster,
		);
		Self::load_pairs(
			topic,
			PairFamily::OneOutForecasterInferer,
			forecasters,
			inferers,
			&mut store.one_out_forecaster_inferer,
		);
		Self::load_pairs(
			topic,
			PairFamily::OneOutForecasterForecaster,
			forecasters,
			forecasters,
			&mut store.one_out_forecaster_forecaster,
		);
		Self::load_pairs(
			topic,
			PairFamily::OneInForecasterInferer,
			forecasters,
			inferers,
			&mut store.one_in_forecaster_inferer,
		);
		store
	}

	/// Writes every present regret of `store` (laid out by the positions of `inferers` and
	/// `forecasters`); absent entries leave storage unchanged.
	pub fn store_regrets(
		topic: TopicId,
		inferers: &[T::AccountId],
		forecasters: &[T::AccountId],
		store: &RegretStore,
	) {
		for ((account, inferer), naive) in
			inferers.iter().zip(store.inferer.iter()).zip(store.naive_inferer.iter())
		{
			if inferer.is_none() && naive.is_none() {
				continue;
			}
			ActorRegrets::<T>::mutate(topic, account, |record| {
				record.inferer = inferer.or(record.inferer);
				record.naive_inferer = naive.or(record.naive_inferer);
			});
		}
		for ((account, forecaster), one_in) in
			forecasters.iter().zip(store.forecaster.iter()).zip(store.one_in_forecaster_self.iter())
		{
			if forecaster.is_none() && one_in.is_none() {
				continue;
			}
			ActorRegrets::<T>::mutate(topic, account, |record| {
				record.forecaster = forecaster.or(record.forecaster);
				record.one_in_self = one_in.or(record.one_in_self);
			});
		}
		Self::store_pairs(
			topic,
			PairFamily::OneOutInfererInferer,
			inferers,
			inferers,
			&store.one_out_inferer_inferer,
		);
		Self::store_pairs(
			topic,
			PairFamily::OneOutInfererForecaster,
			inferers,
			forecasters,
			&store.one_out_inferer_forecaster,
		);
		Self::store_pairs(
			topic,
			PairFamily::OneOutForecasterInferer,
			forecasters,
			inferers,
			&store.one_out_forecaster_inferer,
		);
		Self::store_pairs(
			topic,
			PairFamily::OneOutForecasterForecaster,
			forecasters,
			forecasters,
			&store.one_out_forecaster_forecaster,
		);
		Self::store_pairs(
			topic,
			PairFamily::OneInForecasterInferer,
			forecasters,
			inferers,
			&store.one_in_forecaster_inferer,
		);
	}

	/// Fills `matrix[a][b]` (rows by `rows`, columns by `columns`) from storage.
	fn load_pairs(
		topic: TopicId,
		family: PairFamily,
		rows: &[T::AccountId],
		columns: &[T::AccountId],
		matrix: &mut [Vec<Option<Fixed>>],
	) {
		for (a, row) in rows.iter().zip(matrix.iter_mut()) {
			for (b, slot) in columns.iter().zip(row.iter_mut()) {
				*slot = PairRegrets::<T>::get((topic, family, a, b));
			}
		}
	}

	/// Writes the present entries of `matrix[a][b]`.
	fn store_pairs(
		topic: TopicId,
		family: PairFamily,
		rows: &[T::AccountId],
		columns: &[T::AccountId],
		matrix: &[Vec<Option<Fixed>>],
	) {
		for (a, row) in rows.iter().zip(matrix.iter()) {
			for (b, value) in columns.iter().zip(row.iter()) {
				if let Some(value) = value {
					PairRegrets::<T>::insert((topic, family, a, b), *value);
				}
			}
		}
	}

	/// Number of pairwise regret entries of an epoch with `n` inferers and `m` forecasters:
	/// n² + 3·n·m + m².
	pub fn pair_regret_count(n: u32, m: u32) -> u64 {
		let (n, m) = (u64::from(n), u64::from(m));
		n.saturating_mul(n)
			.saturating_add(n.saturating_mul(m).saturating_mul(3))
			.saturating_add(m.saturating_mul(m))
	}

	/// The storage weight of reading (and, with `write`, writing) every pairwise regret of an
	/// epoch. It grows with n², which a benchmark fit linear in n and m cannot follow, so the
	/// hook charges it on top of the benchmarked weight (the linear fit's share of it is then
	/// counted twice: on the safe side).
	pub fn pair_regret_weight(n: u32, m: u32, write: bool) -> Weight {
		let pairs = Self::pair_regret_count(n, m);
		let db = T::DbWeight::get();
		let reads = db
			.reads(pairs)
			.saturating_add(Weight::from_parts(0, PAIR_REGRET_PROOF_SIZE.saturating_mul(pairs)));
		if write {
			reads.saturating_add(db.writes(pairs))
		} else {
			reads
		}
	}
}
