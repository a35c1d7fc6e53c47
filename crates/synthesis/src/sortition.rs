//! Merit sortition of the active sets (spec §7): who may take part in an epoch when more
//! actors submit than a role has places, decided by EMA scores.
//!
//! Positions are the caller's fixed order (e.g. sorted account ids). Exact score ties are
//! broken by position; the chain uses a PRNG seeded with a block height instead, so exact-tie
//! outcomes may differ from Go (spec §7.1).

use crate::fixed::Fixed;
use crate::stats;
use crate::MathError;
use alloc::vec::Vec;

/// Positions ordered by score, best first (ties: lower position first).
pub fn rank_by_score(scores: &[Fixed]) -> Vec<usize> {
	let mut order: Vec<usize> = (0..scores.len()).collect();
	order.sort_by(|a, b| {
		let sa = scores.get(*a).copied().unwrap_or(Fixed::MIN);
		let sb = scores.get(*b).copied().unwrap_or(Fixed::MIN);
		sb.cmp(&sa).then(a.cmp(b))
	});
	order
}

/// The `n` best positions by score, best first.
pub fn top_n_by_score(scores: &[Fixed], n: usize) -> Vec<usize> {
	let mut order = rank_by_score(scores);
	order.truncate(n);
	order
}

/// Forecast elements kept when a forecast names more inferers than allowed (spec §2.4,
/// §7.1): the `max_elements` named inferers with the highest EMA scores, returned in
/// ascending position order.
pub fn select_forecast_elements(named_inferer_emas: &[Fixed], max_elements: usize) -> Vec<usize> {
	let mut kept = top_n_by_score(named_inferer_emas, max_elements);
	kept.sort_unstable();
	kept
}

/// The first lowest EMA of an active set and its position (spec §7.1); `None` if empty.
/// A member without a stored EMA counts as 0.
pub fn lowest_active(active_emas: &[Option<Fixed>]) -> Option<(usize, Fixed)> {
	let mut lowest: Option<(usize, Fixed)> = None;
	for (i, e) in active_emas.iter().enumerate() {
		let v = e.unwrap_or(Fixed::ZERO);
		let better = match lowest {
			None => true,
			Some((_, l)) => v < l,
		};
		if better {
			lowest = Some((i, v));
		}
	}
	lowest
}

/// A passive actor's EMA pulled toward the role's topic quantile:
/// α_M·Q + (1 − α_M)·EMA; no stored EMA ⇒ Q (spec §7.1).
pub fn pull_toward_quantile(ema: Option<Fixed>, quantile: Fixed, alpha: Fixed) -> Fixed {
	stats::ema(alpha, quantile, ema)
}

/// A stored EMA score and the block height it was written at.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct StampedScore {
	/// The EMA score.
	pub value: Fixed,
	/// Height of the last update.
	pub height: u64,
}

/// What happens to one submission under the active-set rule (spec §7.1).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SortitionOutcome {
	/// The actor is already active this epoch: rejected.
	AlreadyActive,
	/// The set had room: admitted.
	Admitted,
	/// The set is full and the actor's EMA was already written at a height ≥ the nonce
	/// (one attempt per epoch): rejected.
	AttemptUsed,
	/// The newcomer beats the lowest member, who is evicted with its EMA pulled toward the
	/// quantile; `new_lowest` is the set's new lowest (the newcomer takes the evicted slot).
	Evicts {
		/// Position of the evicted member in the active set.
		evicted: usize,
		/// The evicted member's new EMA (stamped with the nonce).
		evicted_ema: Fixed,
		/// Lowest EMA of the new set and its position.
		new_lowest: (usize, Fixed),
	},
	/// The newcomer does not beat the lowest member: not admitted, its own EMA is pulled
	/// toward the quantile (stamped with the nonce).
	Refused {
		/// The newcomer's new EMA.
		own_ema: Fixed,
	},
}

/// The on-chain active-set decision for one submission (spec §7.1).
///
/// `active_emas` are the stored EMAs of the current members (by position), `stored_lowest`
/// the stored lowest member (position, EMA) if any — otherwise it is computed; `candidate`
/// the submitter's stored EMA (`None`: value 0 at height 0); `quantile` the role's quantile
/// stored at the last reward; `alpha` the topic's merit-sortition α.
#[allow(clippy::too_many_arguments)]
pub fn sortition_attempt(
	active_emas: &[Option<Fixed>],
	capacity: usize,
	already_active: bool,
	candidate: Option<StampedScore>,
	nonce: u64,
	stored_lowest: Option<(usize, Fixed)>,
	quantile: Fixed,
	alpha: Fixed,
) -> SortitionOutcome {
	if already_active {
		return SortitionOutcome::AlreadyActive;
	}
	if active_emas.len() < capacity {
		return SortitionOutcome::Admitted;
	}
	if let Some(c) = candidate {
		if c.height >= nonce {
			return SortitionOutcome::AttemptUsed;
		}
	}
	let own = candidate.map(|c| c.value);
	let lowest = match stored_lowest {
		Some((pos, v)) if pos < active_emas.len() => Some((pos, v)),
		_ => lowest_active(active_emas),
	};
	match lowest {
		Some((pos, low)) if own.unwrap_or(Fixed::ZERO) > low => {
			let evicted_previous = active_emas.get(pos).copied().flatten();
			let evicted_ema = pull_toward_quantile(evicted_previous, quantile, alpha);
			let mut next: Vec<Option<Fixed>> = active_emas.to_vec();
			if let Some(slot) = next.get_mut(pos) {
				*slot = Some(own.unwrap_or(Fixed::ZERO));
			}
			let new_lowest = lowest_active(&next).unwrap_or((pos, own.unwrap_or(Fixed::ZERO)));
			SortitionOutcome::Evicts { evicted: pos, evicted_ema, new_lowest }
		}
		_ => SortitionOutcome::Refused { own_ema: pull_toward_quantile(own, quantile, alpha) },
	}
}

/// One epoch of the simulator's steady-state model (spec §7.2).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SortitionEpoch {
	/// Active positions, best previous EMA first.
	pub active: Vec<usize>,
	/// Quantile of the active members' new instant scores.
	pub quantile: Fixed,
	/// Lowest previous EMA inside the active set.
	pub cutoff: Fixed,
	/// Every participant's new EMA.
	pub emas: Vec<Fixed>,
}

/// The simulator's model (spec §7.2): the active set is the top `capacity` by previous EMA;
/// active members update their EMA with their instant score; passive ones are pulled toward
/// the q-quantile of the active members' instant scores. `instant_scores[i]` must be present
/// for every active member (`MissingValue` otherwise).
pub fn sortition_epoch(
	previous_emas: &[Fixed],
	capacity: usize,
	instant_scores: &[Option<Fixed>],
	alpha: Fixed,
	quantile: Fixed,
) -> Result<SortitionEpoch, MathError> {
	let active = top_n_by_score(previous_emas, capacity);
	let mut metrics: Vec<Fixed> = Vec::with_capacity(active.len());
	let mut cutoff: Option<Fixed> = None;
	for pos in active.iter() {
		let metric = instant_scores.get(*pos).copied().flatten().ok_or(MathError::MissingValue)?;
		metrics.push(metric);
		let prev = previous_emas.get(*pos).copied().unwrap_or(Fixed::ZERO);
		cutoff = Some(match cutoff {
			None => prev,
			Some(c) => c.min(prev),
		});
	}
	let q = stats::quantile(&metrics, quantile).ok_or(MathError::EmptyInput)?;
	let emas = previous_emas
		.iter()
		.enumerate()
		.map(|(i, prev)| {
			let target = if active.contains(&i) {
				instant_scores.get(i).copied().flatten().unwrap_or(q)
			} else {
				q
			};
			stats::ema(alpha, target, Some(*prev))
		})
		.collect();
	Ok(SortitionEpoch { active, quantile: q, cutoff: cutoff.unwrap_or(Fixed::ZERO), emas })
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;
	use crate::testdata::{assert_close, load};

	fn fx(s: &str) -> Fixed {
		Fixed::from_decimal_str(s).unwrap()
	}

	#[test]
	fn ranking_breaks_ties_by_position() {
		let s = [fx("1"), fx("3"), fx("1"), fx("2")];
		assert_eq!(rank_by_score(&s), vec![1, 3, 0, 2]);
		assert_eq!(top_n_by_score(&s, 2), vec![1, 3]);
		assert_eq!(select_forecast_elements(&s, 3), vec![0, 1, 3]);
	}

	#[test]
	fn active_set_rule() {
		let q = fx("0.2");
		let a = fx("0.1");
		let set = [Some(fx("0.5")), Some(fx("0.3")), None];
		let cand = |v: &str, h: u64| Some(StampedScore { value: fx(v), height: h });
		assert_eq!(
			sortition_attempt(&set, 3, true, None, 10, None, q, a),
			SortitionOutcome::AlreadyActive
		);
		assert_eq!(
			sortition_attempt(&set, 4, false, None, 10, None, q, a),
			SortitionOutcome::Admitted
		);
		assert_eq!(
			sortition_attempt(&set, 3, false, cand("0.9", 10), 10, None, q, a),
			SortitionOutcome::AttemptUsed
		);
		// lowest is the member without EMA (0): a positive newcomer evicts it; its EMA → Q
		assert_eq!(
			sortition_attempt(&set, 3, false, cand("0.4", 5), 10, None, q, a),
			SortitionOutcome::Evicts { evicted: 2, evicted_ema: q, new_lowest: (1, fx("0.3")) }
		);
		// a newcomer without EMA (0) cannot beat 0: refused, pulled to Q
		assert_eq!(
			sortition_attempt(&set, 3, false, None, 10, None, q, a),
			SortitionOutcome::Refused { own_ema: q }
		);
		// with a stored lowest of 0.3 at position 1, 0.25 is refused and decays toward Q
		assert_eq!(
			sortition_attempt(&set, 3, false, cand("0.25", 5), 10, Some((1, fx("0.3"))), q, a),
			SortitionOutcome::Refused { own_ema: fx("0.245") }
		);
	}

	/// The simulator's model against `merit_sortition_simulator_epochs.csv` (spec §7.2, §8.2).
	#[test]
	fn simulator_vectors_sortition() {
		let csv = load("merit_sortition_simulator_epochs.csv");
		for r in 0..csv.rows.len() {
			let n = csv.f64(r, "n_participants") as usize;
			let drawn = csv.f64(r, "n_participants_drawn") as usize;
			let alpha = csv.fx(r, "alpha_quality");
			let q = csv.fx(r, "percentile").saturating_div(fx("100"));
			let prev: Vec<Fixed> =
				(0..n).map(|i| csv.fx(r, &format!("{i}_prev_quality_ema"))).collect();
			let metrics: Vec<Option<Fixed>> =
				(0..n).map(|i| csv.opt(r, &format!("{i}_quality_metric"))).collect();
			let out = sortition_epoch(&prev, drawn, &metrics, alpha, q).unwrap();
			let ranks = rank_by_score(&prev);
			let metric_values: Vec<Fixed> =
				out.active.iter().map(|i| metrics[*i].unwrap()).collect();
			let metric_ranks = rank_by_score(&metric_values);
			for i in 0..n {
				assert_eq!(
					out.active.contains(&i),
					csv.text(r, &format!("{i}_active")) == "true",
					"active {i}@{r}"
				);
				let pos = ranks.iter().position(|x| *x == i).unwrap();
				assert_eq!(
					pos,
					csv.f64(r, &format!("{i}_sort_position_previous_quality_ema")) as usize
				);
				if let Some(a) = out.active.iter().position(|x| *x == i) {
					let rank = metric_ranks.iter().position(|x| *x == a).unwrap();
					assert_eq!(
						rank,
						csv.f64(r, &format!("{i}_sort_position_quality_metrics")) as usize
					);
				}
				assert_close(
					out.emas[i],
					csv.fx(r, &format!("{i}_quality_ema")),
					1e-12,
					"quality_ema",
				);
			}
			assert_close(out.quantile, csv.fx(r, "quality_percentile"), 1e-9, "quality_percentile");
			assert_close(out.cutoff, csv.fx(r, "quality_cutoff"), 1e-15, "quality_cutoff");
		}
	}
}
