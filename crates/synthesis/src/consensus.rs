//! Reputer consensus (spec §4): the loss matrix, stake-weighted consensus losses, consensus
//! scores, the listening-coefficient gradient steps and the network loss bundle.
//!
//! Stakes enter as integer base units (`u128`) and are turned into fractions of the total once
//! (every formula here is invariant under scaling all stakes); a stake below 1e-18 of the
//! total therefore weighs 0.
//!
//! Complexity, for R reputers and V loss columns: one consensus evaluation is O(R·V); the
//! gradient loop runs at most K iterations of R + 1 evaluations, O(K·R²·V) in total (the
//! unperturbed scores are computed once per iteration, not once per coordinate).

use crate::fixed::Fixed;
use crate::params::ConsensusParams;
use crate::value_bundle::{at, at2, ValueBundle};
use crate::MathError;
use alloc::vec;
use alloc::vec::Vec;

/// ±δ of the finite-difference gradient of the listening coefficients (spec §4.3).
pub const GRADIENT_STEP: Fixed = Fixed::from_bits(1_000_000_000_000_000);
/// Coefficient that replaces zeros when every listened stake is zero (v0.7 fix of the v0.6
/// division by zero, spec §4.3).
pub const RESET_COEFFICIENT: Fixed = Fixed::HALF;

/// The reputers' loss vectors with aligned columns (spec §4.1); `None` marks a value the
/// reputer did not report (the chain's NaN padding). Columns nobody reported are dropped.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct LossMatrix {
	rows: Vec<Vec<Option<Fixed>>>,
	columns: usize,
}

impl LossMatrix {
	/// Flattens the bundles of R reputers (spec §4.1 order) over n inferers and m forecasters.
	pub fn from_bundles(bundles: &[ValueBundle], n: usize, m: usize) -> LossMatrix {
		LossMatrix::from_rows(bundles.iter().map(|b| b.flatten(n, m)).collect())
	}

	/// From raw rows; shorter rows are padded with `None`, all-`None` columns dropped.
	pub fn from_rows(rows: Vec<Vec<Option<Fixed>>>) -> LossMatrix {
		let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
		let keep: Vec<bool> = (0..width).map(|c| rows.iter().any(|r| at(r, c).is_some())).collect();
		let rows: Vec<Vec<Option<Fixed>>> = rows
			.iter()
			.map(|r| keep.iter().enumerate().filter(|(_, k)| **k).map(|(c, _)| at(r, c)).collect())
			.collect();
		let columns = keep.iter().filter(|k| **k).count();
		LossMatrix { rows, columns }
	}

	/// Number of reputers (rows).
	pub fn reputers(&self) -> usize {
		self.rows.len()
	}

	/// Number of columns.
	pub fn columns(&self) -> usize {
		self.columns
	}

	/// The rows.
	pub fn rows(&self) -> &[Vec<Option<Fixed>>] {
		&self.rows
	}
}

/// Each stake as a fraction of the total; `ZeroDenominator` if the total is 0.
pub fn stake_fractions(stakes: &[u128]) -> Result<Vec<Fixed>, MathError> {
	let mut total: u128 = 0;
	for s in stakes {
		total = total.checked_add(*s).ok_or(MathError::Overflow)?;
	}
	if total == 0 {
		return Err(MathError::ZeroDenominator);
	}
	stakes.iter().map(|s| Fixed::from_ratio_u128(*s, total).ok_or(MathError::Overflow)).collect()
}

fn sum(values: &[Fixed]) -> Fixed {
	values.iter().fold(Fixed::ZERO, |acc, v| acc.saturating_add(*v))
}

/// Σ a_m·S_m.
fn listened_stake(stakes: &[Fixed], coefficients: &[Fixed]) -> Fixed {
	stakes
		.iter()
		.zip(coefficients.iter())
		.fold(Fixed::ZERO, |acc, (s, a)| acc.saturating_add(a.saturating_mul(*s)))
}

/// Ŝ_m = min(1, N_r·a_m·S_m / Σ a·S) (spec §4.2). If Σ a·S = 0 every reputer gets 1.
pub fn adjusted_stakes(stakes: &[Fixed], coefficients: &[Fixed]) -> Vec<Fixed> {
	let total = listened_stake(stakes, coefficients);
	let n = Fixed::from_u64(u64::try_from(stakes.len()).unwrap_or(u64::MAX));
	stakes
		.iter()
		.zip(coefficients.iter())
		.map(|(s, a)| {
			if total.is_zero() {
				Fixed::ONE
			} else {
				n.saturating_mul(a.saturating_mul(*s)).saturating_div(total).min(Fixed::ONE)
			}
		})
		.collect()
}

/// Consensus loss per column and the replacement for missing entries (spec §4.2).
fn consensus_vector(matrix: &LossMatrix, adjusted: &[Fixed]) -> (Vec<Fixed>, Vec<Fixed>) {
	let mut consensus = Vec::with_capacity(matrix.columns);
	let mut replacement = Vec::with_capacity(matrix.columns);
	for c in 0..matrix.columns {
		let mut num = Fixed::ZERO;
		let mut den = Fixed::ZERO;
		let mut plain = Fixed::ZERO;
		let mut count: u64 = 0;
		for (row, w) in matrix.rows.iter().zip(adjusted.iter()) {
			if let Some(v) = at(row, c) {
				num = num.saturating_add(w.saturating_mul(v));
				den = den.saturating_add(*w);
				plain = plain.saturating_add(v);
				count = count.saturating_add(1);
			}
		}
		let mean = if den.is_positive() {
			num.saturating_div(den)
		} else if count > 0 {
			// every reporting reputer has zero adjusted stake: unweighted mean
			plain.saturating_div(Fixed::from_u64(count))
		} else {
			Fixed::ZERO
		};
		// "most distant" replacement: the value v maximising mean − v, above a −1 threshold
		let mut best = Fixed::ONE.saturating_neg();
		let mut far = Fixed::ZERO;
		for row in matrix.rows.iter() {
			if let Some(v) = at(row, c) {
				let d = mean.saturating_sub(v);
				if d > best {
					best = d;
					far = v;
				}
			}
		}
		consensus.push(mean);
		replacement.push(far);
	}
	(consensus, replacement)
}

/// T_m = 1 / (‖L_m − L̄‖ / ‖L̄‖ + ε_R) for given listening coefficients (spec §4.2).
/// `stakes` are fractions (see [`stake_fractions`]).
pub fn consensus_scores(
	matrix: &LossMatrix,
	stakes: &[Fixed],
	coefficients: &[Fixed],
	params: &ConsensusParams,
) -> Result<Vec<Fixed>, MathError> {
	if stakes.len() != matrix.reputers() || coefficients.len() != matrix.reputers() {
		return Err(MathError::LengthMismatch);
	}
	Ok(scores_unchecked(matrix, stakes, coefficients, params))
}

fn scores_unchecked(
	matrix: &LossMatrix,
	stakes: &[Fixed],
	coefficients: &[Fixed],
	params: &ConsensusParams,
) -> Vec<Fixed> {
	let adjusted = adjusted_stakes(stakes, coefficients);
	let (consensus, replacement) = consensus_vector(matrix, &adjusted);
	let norm_sq =
		consensus.iter().fold(Fixed::ZERO, |acc, v| acc.saturating_add(v.saturating_mul(*v)));
	let mut norm = norm_sq.sqrt().unwrap_or(Fixed::ZERO);
	if norm.is_zero() {
		norm = params.epsilon_safe_div;
	}
	matrix
		.rows
		.iter()
		.map(|row| {
			let mut dist_sq = Fixed::ZERO;
			for (c, (l_bar, far)) in consensus.iter().zip(replacement.iter()).enumerate() {
				let v = at(row, c).unwrap_or(*far);
				let d = v.saturating_sub(*l_bar);
				dist_sq = dist_sq.saturating_add(d.saturating_mul(d));
			}
			let dist = dist_sq.sqrt().unwrap_or(Fixed::ZERO);
			Fixed::ONE
				.saturating_div(dist.saturating_div(norm).saturating_add(params.epsilon_reputer))
		})
		.collect()
}

/// Σ S_m·T_m(a): the stake-weighted consensus utility the gradient climbs.
fn utility(
	matrix: &LossMatrix,
	stakes: &[Fixed],
	coefficients: &[Fixed],
	params: &ConsensusParams,
) -> Fixed {
	let scores = scores_unchecked(matrix, stakes, coefficients, params);
	stakes
		.iter()
		.zip(scores.iter())
		.fold(Fixed::ZERO, |acc, (s, t)| acc.saturating_add(s.saturating_mul(*t)))
}

/// Output of the listening-coefficient optimisation (spec §4.3).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ReputerConsensus {
	/// Reputer scores T of the last scoring pass (one coefficient update behind
	/// `listening_coefficients`, as on chain).
	pub scores: Vec<Fixed>,
	/// The new listening coefficients to store.
	pub listening_coefficients: Vec<Fixed>,
	/// Ŝ for the coefficients the scores were computed with.
	pub adjusted_stakes: Vec<Fixed>,
}

/// Runs the finite-difference gradient ascent on the listening coefficients (spec §4.3) and
/// returns the scores, the new coefficients and the adjusted stakes.
///
/// `stakes` are the reputers' authority stakes in base units, `previous_coefficients` the
/// stored coefficients (1 for a newcomer). If every listened stake is zero the zero
/// coefficients are reset to 0.5 first (the v0.7 fix of the v0.6 division by zero).
pub fn listening_coefficients(
	matrix: &LossMatrix,
	stakes: &[u128],
	previous_coefficients: &[Fixed],
	params: &ConsensusParams,
) -> Result<ReputerConsensus, MathError> {
	let r = matrix.reputers();
	if r == 0 {
		return Err(MathError::EmptyInput);
	}
	if stakes.len() != r || previous_coefficients.len() != r {
		return Err(MathError::LengthMismatch);
	}
	if !params.learning_rate.is_positive() {
		return Err(MathError::InvalidParameter);
	}
	let s = stake_fractions(stakes)?;
	let total_stake = sum(&s);
	let eta = params.learning_rate;
	let mut a: Vec<Fixed> = previous_coefficients.to_vec();
	if listened_stake(&s, &a).is_zero() {
		for c in a.iter_mut() {
			if c.is_zero() {
				*c = RESET_COEFFICIENT;
			}
		}
	}

	let mut scores: Option<Vec<Fixed>> = None;
	let mut adjusted = adjusted_stakes(&s, &a);
	let mut max_gradient = Fixed::ONE;
	let mut iteration: u32 = 0;
	while max_gradient >= params.max_gradient_threshold
		&& iteration < params.gradient_descent_max_iters
	{
		let old = a.clone();
		let base_scores = scores_unchecked(matrix, &s, &a, params);
		let base = s
			.iter()
			.zip(base_scores.iter())
			.fold(Fixed::ZERO, |acc, (st, t)| acc.saturating_add(st.saturating_mul(*t)));
		let mut gradient: Vec<Fixed> = vec![Fixed::ZERO; r];
		for (l, g) in gradient.iter_mut().enumerate() {
			let current = old.get(l).copied().unwrap_or(Fixed::ONE);
			let delta =
				if current == Fixed::ONE { GRADIENT_STEP.saturating_neg() } else { GRADIENT_STEP };
			let mut perturbed = old.clone();
			if let Some(c) = perturbed.get_mut(l) {
				*c = current.saturating_add(delta);
			}
			let shifted = utility(matrix, &s, &perturbed, params);
			// (1 − U/U') / δ
			*g = Fixed::ONE.saturating_sub(base.saturating_div(shifted)).saturating_div(delta);
		}
		scores = Some(base_scores);
		adjusted = adjusted_stakes(&s, &old);
		let proposed: Vec<Fixed> = old
			.iter()
			.zip(gradient.iter())
			.map(|(c, g)| {
				c.saturating_add(eta.saturating_mul(*g)).clamp_to(Fixed::ZERO, Fixed::ONE)
			})
			.collect();
		let fraction_old = listened_stake(&s, &old).saturating_div(total_stake);
		let fraction_new = listened_stake(&s, &proposed).saturating_div(total_stake);
		if fraction_new < params.min_stake_fraction {
			let diff = fraction_new.saturating_sub(fraction_old);
			if diff.is_zero() {
				iteration = params.gradient_descent_max_iters;
			} else {
				// move only as far as the listened-stake floor
				let scale =
					params.min_stake_fraction.saturating_sub(fraction_old).saturating_div(diff);
				a = old
					.iter()
					.zip(proposed.iter())
					.map(|(o, p)| o.saturating_add(p.saturating_sub(*o).saturating_mul(scale)))
					.collect();
			}
		} else {
			a = proposed;
		}
		max_gradient = a
			.iter()
			.zip(old.iter())
			.fold(Fixed::ZERO, |acc, (x, y)| acc.max(x.saturating_sub(*y).abs()))
			.saturating_div(eta);
		iteration = iteration.saturating_add(1);
	}
	let scores = match scores {
		Some(v) => v,
		// no iteration ran (K = 0): score with the stored coefficients
		None => scores_unchecked(matrix, &s, &a, params),
	};
	Ok(ReputerConsensus { scores, listening_coefficients: a, adjusted_stakes: adjusted })
}

// ----- network losses (§4.4) ----------------------------------------------------------------

/// Stake-weighted average of the present values; `None` if no weight.
fn weighted_mean<'a, I>(entries: I) -> Option<Fixed>
where
	I: Iterator<Item = (&'a Fixed, Option<Fixed>)>,
{
	let mut num = Fixed::ZERO;
	let mut den = Fixed::ZERO;
	for (w, v) in entries {
		if let Some(v) = v {
			num = num.saturating_add(w.saturating_mul(v));
			den = den.saturating_add(*w);
		}
	}
	if den.is_zero() {
		None
	} else {
		Some(num.saturating_div(den))
	}
}

/// For each key `0..len`, the stake-weighted mean of `pick(bundle, key)` over the bundles.
fn weighted_list(
	stakes: &[Fixed],
	bundles: &[ValueBundle],
	len: usize,
	pick: &dyn Fn(&ValueBundle, usize) -> Option<Fixed>,
) -> Vec<Option<Fixed>> {
	(0..len)
		.map(|i| weighted_mean(stakes.iter().zip(bundles.iter()).map(|(w, b)| (w, pick(b, i)))))
		.collect()
}

/// The network loss bundle (spec §4.4): every field is the average of the reputers' values
/// weighted by their raw authority stake, per worker over the bundles that contain it; a key
/// whose stake sum is 0 is left out (`None`). Losses are averaged as reported (log10 space in
/// practice, spec §0.3).
pub fn network_losses(bundles: &[ValueBundle], stakes: &[u128]) -> Result<ValueBundle, MathError> {
	if bundles.is_empty() {
		return Err(MathError::EmptyInput);
	}
	if bundles.len() != stakes.len() {
		return Err(MathError::LengthMismatch);
	}
	let s = stake_fractions(stakes)?;
	let n = bundles.iter().map(|b| b.inferer_slots()).max().unwrap_or(0);
	let m = bundles.iter().map(|b| b.forecaster_slots()).max().unwrap_or(0);
	let combined = weighted_mean(s.iter().zip(bundles.iter()).map(|(w, b)| (w, Some(b.combined))))
		.ok_or(MathError::ZeroDenominator)?;
	let naive = weighted_mean(s.iter().zip(bundles.iter()).map(|(w, b)| (w, Some(b.naive))))
		.ok_or(MathError::ZeroDenominator)?;
	let mut out = ValueBundle::new(combined, naive);
	out.inferer = weighted_list(&s, bundles, n, &|b: &ValueBundle, j: usize| at(&b.inferer, j));
	out.forecaster =
		weighted_list(&s, bundles, m, &|b: &ValueBundle, k: usize| at(&b.forecaster, k));
	out.one_out_inferer =
		weighted_list(&s, bundles, n, &|b: &ValueBundle, j: usize| at(&b.one_out_inferer, j));
	out.one_out_forecaster =
		weighted_list(&s, bundles, m, &|b: &ValueBundle, k: usize| at(&b.one_out_forecaster, k));
	out.one_in_forecaster =
		weighted_list(&s, bundles, m, &|b: &ValueBundle, k: usize| at(&b.one_in_forecaster, k));
	out.one_out_inferer_forecaster = (0..m)
		.map(|k| {
			weighted_list(&s, bundles, n, &|b: &ValueBundle, j: usize| {
				at2(&b.one_out_inferer_forecaster, k, j)
			})
		})
		.collect();
	Ok(out)
}

/// The reputer-side convention of spec §0.3: a raw loss from a never-negative loss function
/// is reported as log10(loss). Not used by any on-chain formula; `None` for loss ≤ 0.
pub fn log10_loss(raw_loss: Fixed) -> Option<Fixed> {
	raw_loss.log10()
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;
	use crate::testdata::{assert_close, synthesis_csv, NF, NI, NR};

	fn fx(s: &str) -> Fixed {
		Fixed::from_decimal_str(s).unwrap()
	}

	#[test]
	fn adjusted_stakes_cap_at_one() {
		let s = stake_fractions(&[1, 1, 2]).unwrap();
		let a = [Fixed::ONE; 3];
		let adj = adjusted_stakes(&s, &a);
		// 3·0.25 = 0.75, 3·0.5 = 1.5 → 1
		assert_eq!(adj, vec![fx("0.75"), fx("0.75"), Fixed::ONE]);
		assert_eq!(adjusted_stakes(&s, &[Fixed::ZERO; 3]), vec![Fixed::ONE; 3]);
		assert_eq!(stake_fractions(&[0, 0]), Err(MathError::ZeroDenominator));
	}

	#[test]
	fn identical_reports_score_the_maximum() {
		let row = vec![Some(fx("-3")), Some(fx("-2.5")), Some(fx("-4"))];
		let m = LossMatrix::from_rows(vec![row.clone(), row.clone(), row]);
		let s = stake_fractions(&[5, 3, 2]).unwrap();
		let t = consensus_scores(&m, &s, &[Fixed::ONE; 3], &ConsensusParams::default()).unwrap();
		assert_eq!(t, vec![fx("100"); 3]);
	}

	#[test]
	fn missing_entries_take_the_smallest_reported_loss() {
		// column 1: values -2 and -4 (equal stakes ⇒ consensus -3); the missing entry of
		// row 2 is replaced by the value maximising L̄ − v above −1 (strictly): -4.
		// column 0: every value equals the consensus, L̄ − v = 0 > −1 ⇒ the first value.
		let m = LossMatrix::from_rows(vec![
			vec![Some(fx("1")), Some(fx("-2"))],
			vec![Some(fx("1")), Some(fx("-4"))],
			vec![Some(fx("1")), None],
			vec![None, None, None],
		]);
		assert_eq!(m.columns(), 2);
		let adj = [Fixed::ONE; 4];
		let (cons, far) = consensus_vector(&m, &adj);
		assert_eq!(cons, vec![fx("1"), fx("-3")]);
		assert_eq!(far, vec![fx("1"), fx("-4")]);
	}

	#[test]
	fn network_losses_weight_by_stake_per_key() {
		let mut a = ValueBundle::new(fx("-3"), fx("-2"));
		a.inferer = vec![Some(fx("-1")), None];
		let mut b = ValueBundle::new(fx("-5"), fx("-2"));
		b.inferer = vec![Some(fx("-3")), Some(fx("-7"))];
		let out = network_losses(&[a, b], &[3, 1]).unwrap();
		assert_eq!(out.combined, fx("-3.5"));
		assert_eq!(out.naive, fx("-2"));
		assert_eq!(out.inferer, vec![Some(fx("-1.5")), Some(fx("-7"))]);
		assert_eq!(network_losses(&[], &[]), Err(MathError::EmptyInput));
	}

	#[test]
	fn log_space_convention() {
		assert_eq!(log10_loss(fx("0.001")), Some(fx("-3")));
		assert_eq!(log10_loss(Fixed::ZERO), None);
	}

	fn stakes(csv: &crate::testdata::Csv, row: usize) -> Vec<u128> {
		(0..NR).map(|m| csv.uallo(row, &format!("reputer_stake_{m}"))).collect()
	}

	/// Network losses, consensus scores, listening coefficients and adjusted stakes against
	/// the simulator (spec §4, §8.1).
	#[test]
	fn simulator_vectors_consensus() {
		let csv = synthesis_csv();
		for row in 0..csv.rows.len() {
			let bundles: Vec<ValueBundle> = (0..NR).map(|m| csv.reputer_bundle(row, m)).collect();
			let st = stakes(&csv, row);
			let nl = network_losses(&bundles, &st).unwrap();
			let want = csv.network_bundle(row);
			assert_close(nl.combined, want.combined, 1e-9, "network_loss");
			assert_close(nl.naive, want.naive, 1e-9, "network_naive_loss");
			for j in 0..NI {
				assert_close(
					nl.inferer[j].unwrap(),
					want.inferer[j].unwrap(),
					1e-9,
					"inference_loss",
				);
				assert_close(
					nl.one_out_inferer[j].unwrap(),
					want.one_out_inferer[j].unwrap(),
					1e-9,
					"network_loss_oneout",
				);
			}
			for k in 0..NF {
				assert_close(
					nl.forecaster[k].unwrap(),
					want.forecaster[k].unwrap(),
					1e-9,
					"fc loss",
				);
				assert_close(
					nl.one_in_forecaster[k].unwrap(),
					want.one_in_forecaster[k].unwrap(),
					1e-9,
					"onein",
				);
				assert_close(
					nl.one_out_forecaster[k].unwrap(),
					want.one_out_forecaster[k].unwrap(),
					1e-9,
					"oneout fc",
				);
				for j in 0..NI {
					assert_close(
						nl.one_out_inferer_forecaster[k][j].unwrap(),
						want.one_out_inferer_forecaster[k][j].unwrap(),
						1e-9,
						"fc oneout loss",
					);
				}
			}
			if row == 0 {
				continue;
			}
			let matrix = LossMatrix::from_bundles(&bundles, NI, NF);
			assert_eq!(matrix.columns(), 2 + NI + NF + NF * NI + NI + NF + NF);
			let previous: Vec<Fixed> = (0..NR)
				.map(|m| csv.fx(row - 1, &format!("reputer_listening_coefficient_{m}")))
				.collect();
			let out = listening_coefficients(&matrix, &st, &previous, &ConsensusParams::default())
				.unwrap();
			for m in 0..NR {
				assert_close(
					out.scores[m],
					csv.fx(row, &format!("reputer_score_{m}")),
					1e-6,
					"reputer_score",
				);
				assert_close(
					out.listening_coefficients[m],
					csv.fx(row, &format!("reputer_listening_coefficient_{m}")),
					1e-6,
					&format!("reputer_listening_coefficient_{m}@{row}"),
				);
				assert_close(
					out.adjusted_stakes[m],
					csv.fx(row, &format!("reputer_adjusted_stake_{m}")),
					1e-6,
					"reputer_adjusted_stake",
				);
			}
		}
	}
}
