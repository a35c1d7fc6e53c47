//! Scores and instant reward fractions (spec §5.1 – §5.3): how much each inferer, forecaster
//! and reputer contributed in one epoch, the EMA scores that drive merit sortition, and the
//! mapping of scores to the fractions that split each task's reward.

use crate::consensus::stake_fractions;
use crate::fixed::Fixed;
use crate::stats;
use crate::synthesis::phi;
use crate::value_bundle::{at, count_present, ValueBundle};
use crate::MathError;
use alloc::vec;
use alloc::vec::Vec;

/// Instant inferer scores T_ij = L⁻_ji − L_i (§5.1): positive when the network is worse
/// without j. A lone inferer scores 0. Indexed by inferer; `None` where no one-out loss exists.
pub fn inferer_scores(network_losses: &ValueBundle) -> Vec<Option<Fixed>> {
	let n = network_losses.inferer_slots();
	if count_present(&network_losses.inferer) == 1 {
		return (0..n).map(|j| at(&network_losses.inferer, j).map(|_| Fixed::ZERO)).collect();
	}
	(0..n)
		.map(|j| {
			at(&network_losses.one_out_inferer, j)
				.map(|l| l.saturating_sub(network_losses.combined))
		})
		.collect()
}

/// Instant forecaster scores (§5.1):
/// T_ik = f⁺·(L⁻_i − L⁺_ki) + (1 − f⁺)·(L⁻_ki − L_i), f⁺ = 1/2^(N_f − 1), with N_f the number
/// of one-out forecaster losses. One-in and one-out losses are paired by forecaster (the
/// chain pairs them by position in two address-sorted lists with the same members). A lone
/// forecaster scores 0.
pub fn forecaster_scores(network_losses: &ValueBundle) -> Vec<Option<Fixed>> {
	let l = network_losses;
	let m = l.forecaster_slots();
	if count_present(&l.forecaster) == 1 {
		return (0..m).map(|k| at(&l.forecaster, k).map(|_| Fixed::ZERO)).collect();
	}
	let n_f = count_present(&l.one_out_forecaster);
	let Some(exponent) = n_f.checked_sub(1) else {
		return vec![None; m];
	};
	let one_in_share = match u32::try_from(exponent).ok().and_then(|e| 1i128.checked_shl(e)) {
		Some(pow) if pow > 0 => Fixed::from_rational(1, pow).unwrap_or(Fixed::ZERO),
		_ => Fixed::ZERO,
	};
	let one_out_share = Fixed::ONE.saturating_sub(one_in_share);
	(0..m)
		.map(|k| {
			let one_in = at(&l.one_in_forecaster, k)?;
			let one_out = at(&l.one_out_forecaster, k)?;
			let gain_in = l.naive.saturating_sub(one_in);
			let loss_out = one_out.saturating_sub(l.combined);
			Some(
				one_in_share
					.saturating_mul(gain_in)
					.saturating_add(one_out_share.saturating_mul(loss_out)),
			)
		})
		.collect()
}

/// EMA of an actor's score (§5.2): α_M·T + (1 − α_M)·EMA_prev; no stored EMA ⇒ T.
pub fn ema_score(alpha: Fixed, instant: Fixed, previous: Option<Fixed>) -> Fixed {
	stats::ema(alpha, instant, previous)
}

/// The quantile of this epoch's instant scores stored as the role's "previous topic
/// quantile score" (§5.2); `None` without scores.
pub fn topic_quantile_score(instant_scores: &[Fixed], quantile: Fixed) -> Option<Fixed> {
	stats::quantile(instant_scores, quantile)
}

/// The newest `max_samples` stored instant scores of a role (§5.3): blocks newest first, each
/// block's scores in stored order, stopping at the cap (the current epoch included).
pub fn score_samples(blocks_newest_first: &[Vec<Fixed>], max_samples: u32) -> Vec<Fixed> {
	let cap = usize::try_from(max_samples).unwrap_or(usize::MAX);
	blocks_newest_first.iter().flat_map(|b| b.iter().copied()).take(cap).collect()
}

/// Instant worker reward fractions (§5.3): u_j = M(T_j)/Σ M with
/// M(T) = φ_p(T / (σ + ε_t)), σ the sample std dev of `samples`. When σ < ε_t (or fewer than
/// two samples) — or every M underflows to 0 — the split is equal. Sums to 1 within n·1e-18.
pub fn worker_reward_fractions(
	scores: &[Fixed],
	samples: &[Fixed],
	p: Fixed,
	c: Fixed,
	epsilon: Fixed,
) -> Vec<Fixed> {
	if scores.is_empty() {
		return Vec::new();
	}
	let sd = stats::sample_std_dev(samples).abs();
	let mapped: Vec<Fixed> = if sd < epsilon {
		vec![Fixed::ONE; scores.len()]
	} else {
		let denom = sd.saturating_add(epsilon);
		scores.iter().map(|t| phi(p, c, t.saturating_div(denom))).collect()
	};
	normalise_or_equal(&mapped)
}

/// x_i / Σ x, or an equal split if Σ x ≤ 0.
fn normalise_or_equal(values: &[Fixed]) -> Vec<Fixed> {
	let total = values.iter().fold(Fixed::ZERO, |a, v| a.saturating_add(*v));
	if total.is_positive() {
		values.iter().map(|v| v.saturating_div(total)).collect()
	} else {
		let n = Fixed::from_u64(u64::try_from(values.len()).unwrap_or(u64::MAX));
		vec![Fixed::ONE.saturating_div(n); values.len()]
	}
}

/// Instant reputer reward fractions (§5.3): w_m = (S_m·T_m)^p / Σ_n (S_n·T_n)^p with the raw
/// authority stakes; a zero term stays 0 and an all-zero set gives all zeros. Terms are
/// scaled by the largest one before the power, so nothing overflows.
pub fn reputer_reward_fractions(
	stakes: &[u128],
	scores: &[Fixed],
	p: Fixed,
) -> Result<Vec<Fixed>, MathError> {
	if stakes.len() != scores.len() {
		return Err(MathError::LengthMismatch);
	}
	if stakes.is_empty() {
		return Ok(Vec::new());
	}
	let s = stake_fractions(stakes)?;
	let products: Vec<Fixed> =
		s.iter().zip(scores.iter()).map(|(st, t)| st.saturating_mul(*t).max(Fixed::ZERO)).collect();
	let largest = products.iter().fold(Fixed::ZERO, |a, v| a.max(*v));
	if largest.is_zero() {
		return Ok(vec![Fixed::ZERO; products.len()]);
	}
	let terms: Vec<Fixed> = products
		.iter()
		.map(|x| {
			if x.is_zero() {
				Fixed::ZERO
			} else {
				x.saturating_div(largest).pow(p).unwrap_or(Fixed::ZERO)
			}
		})
		.collect();
	let total = terms.iter().fold(Fixed::ZERO, |a, v| a.saturating_add(*v));
	if total.is_zero() {
		return Ok(vec![Fixed::ZERO; terms.len()]);
	}
	Ok(terms.iter().map(|t| t.saturating_div(total)).collect())
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;
	use crate::params::RewardParams;
	use crate::testdata::{assert_close, synthesis_csv, NF, NI, NR};

	fn fx(s: &str) -> Fixed {
		Fixed::from_decimal_str(s).unwrap()
	}
	fn sum(v: &[Fixed]) -> Fixed {
		v.iter().fold(Fixed::ZERO, |a, b| a.saturating_add(*b))
	}

	#[test]
	fn lone_actors_score_zero() {
		let mut b = ValueBundle::new(fx("-3"), fx("-2"));
		b.inferer = vec![Some(fx("-2.5"))];
		b.one_out_inferer = vec![Some(fx("-1"))];
		assert_eq!(inferer_scores(&b), vec![Some(Fixed::ZERO)]);
		b.forecaster = vec![None, Some(fx("-4"))];
		assert_eq!(forecaster_scores(&b), vec![None, Some(Fixed::ZERO)]);
	}

	#[test]
	fn forecaster_score_blends_one_in_and_one_out() {
		let mut b = ValueBundle::new(fx("-3"), fx("-2"));
		b.forecaster = vec![Some(fx("-3.1")), Some(fx("-3.2"))];
		b.one_out_forecaster = vec![Some(fx("-2.9")), Some(fx("-2.8"))];
		b.one_in_forecaster = vec![Some(fx("-2.5")), Some(fx("-2.1"))];
		// N_f = 2 ⇒ f⁺ = 1/2
		let s = forecaster_scores(&b);
		assert_eq!(s[0], Some(fx("0.3"))); // 0.5·0.5 + 0.5·0.1
		assert_eq!(s[1], Some(fx("0.15"))); // 0.5·0.1 + 0.5·0.2
	}

	#[test]
	fn equal_split_when_scores_do_not_vary() {
		let f = worker_reward_fractions(
			&[fx("1"), fx("2")],
			&[fx("1")],
			fx("3"),
			fx("0.75"),
			fx("0.01"),
		);
		assert_eq!(f, vec![fx("0.5"), fx("0.5")]);
		let f =
			worker_reward_fractions(&[fx("1"); 3], &[fx("1"); 5], fx("3"), fx("0.75"), fx("0.01"));
		assert!(sum(&f).saturating_sub(Fixed::ONE).abs() <= Fixed::from_bits(3));
	}

	#[test]
	fn reputer_fractions_sum_to_one() {
		let w = reputer_reward_fractions(&[10, 20, 30], &[fx("30"), fx("20"), fx("0")], fx("3"))
			.unwrap();
		assert_eq!(w[2], Fixed::ZERO);
		// (10·30)^3 : (20·20)^3 = 27 : 64
		assert_close(w[0], Fixed::from_rational(27, 91).unwrap(), 1e-15, "w0");
		assert!(sum(&w).saturating_sub(Fixed::ONE).abs() <= Fixed::from_bits(3));
		assert_eq!(reputer_reward_fractions(&[1], &[], fx("1")), Err(MathError::LengthMismatch));
	}

	#[test]
	fn samples_walk_blocks_newest_first() {
		let blocks = vec![vec![fx("1"), fx("2")], vec![fx("3"), fx("4"), fx("5")]];
		assert_eq!(score_samples(&blocks, 4), vec![fx("1"), fx("2"), fx("3"), fx("4")]);
		assert_eq!(score_samples(&blocks, 10).len(), 5);
	}

	/// Scores and instant fractions against the simulator (spec §5.1, §5.3, §8.1).
	#[test]
	fn simulator_vectors_scores_and_fractions() {
		let csv = synthesis_csv();
		let rp = RewardParams::default();
		for row in 0..csv.rows.len() {
			let nl = csv.network_bundle(row);
			let is = inferer_scores(&nl);
			for j in 0..NI {
				assert_close(
					is[j].unwrap(),
					csv.fx(row, &format!("inferer_score_{j}")),
					1e-9,
					"inferer score",
				);
			}
			let fs = forecaster_scores(&nl);
			for k in 0..NF {
				assert_close(
					fs[k].unwrap(),
					csv.fx(row, &format!("forecaster_score_{k}")),
					1e-9,
					"fc score",
				);
			}
			let stakes: Vec<u128> =
				(0..NR).map(|m| csv.uallo(row, &format!("reputer_stake_{m}"))).collect();
			let rs = csv.series(row, "reputer_score_", NR);
			let w = reputer_reward_fractions(&stakes, &rs, rp.p_reward_reputer).unwrap();
			for m in 0..NR {
				assert_close(
					w[m],
					csv.fx(row, &format!("reputer_reward_fraction_{m}")),
					1e-9,
					"reputer fraction",
				);
			}
			// worker fractions: σ over the newest 10 stored scores (this row first)
			let history = |prefix: &str, n: usize| -> Vec<Vec<Fixed>> {
				(0..=row).rev().map(|r| csv.series(r, prefix, n)).collect()
			};
			if (row + 1) * NI >= 10 {
				let samples =
					score_samples(&history("inferer_score_", NI), rp.max_samples_to_scale_scores);
				let scores = csv.series(row, "inferer_score_", NI);
				let u = worker_reward_fractions(
					&scores,
					&samples,
					rp.p_reward_inference,
					rp.c_reward_inference,
					rp.epsilon_topic,
				);
				for j in 0..NI {
					assert_close(
						u[j],
						csv.fx(row, &format!("inferer_reward_fraction_{j}")),
						1e-6,
						&format!("inferer_reward_fraction_{j}@{row}"),
					);
				}
				assert!(sum(&u).saturating_sub(Fixed::ONE).abs() <= Fixed::from_bits(5));
			}
		}
	}
}
