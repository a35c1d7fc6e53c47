//! Reward split (spec §5.4 – §5.6): smoothed fractions, modified entropies, the forecasting
//! utility χ and normalisation γ, the U/V/W task split, per-actor rewards and the
//! reputer/delegator split.
//!
//! Token amounts are `u128` base units. Every split here is exact: the parts always sum to
//! the whole. Remainders of integer division go to the recipients with the largest
//! fractional remainders (ties to the lower index), i.e. the largest-remainder method; the
//! delegator split floors the delegators' share and gives the rest to the reputer.

use crate::fixed::{mul_div, Fixed, Rounding, U256};
use crate::MathError;
use alloc::vec;
use alloc::vec::Vec;

/// Entropy of a role with a single participant (spec §5.4, hard-coded on chain).
pub const ENTROPY_SINGLE_PARTICIPANT: Fixed = Fixed::from_bits(173_286_795_139_986_000);
/// χ when the forecaster score ratio is negative (spec §5.5).
pub const CHI_LOW: Fixed = Fixed::from_bits(100_000_000_000_000_000);
/// χ when the ratio is at least 1.
pub const CHI_HIGH: Fixed = Fixed::from_bits(500_000_000_000_000_000);
/// Slope of χ between the two: χ = 0.4·r + 0.1.
pub const CHI_SLOPE: Fixed = Fixed::from_bits(400_000_000_000_000_000);

fn sum(values: &[Fixed]) -> Fixed {
	values.iter().fold(Fixed::ZERO, |a, v| a.saturating_add(*v))
}

fn count(n: usize) -> Fixed {
	Fixed::from_u64(u64::try_from(n).unwrap_or(u64::MAX))
}

/// Smoothed reward fractions of one role (spec §5.4 steps 1 and 3).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SmoothedFractions {
	/// ũ = α·u + (1 − α)·f_prev (no prior ⇒ u), un-normalised.
	pub ema: Vec<Fixed>,
	/// f = ũ / Σ ũ: the value stored as the next f_prev.
	pub normalised: Vec<Fixed>,
}

/// EMA of the instant fractions with the stored previous ones, and its normalisation.
/// `previous` shorter than `instant` reads as "no prior".
pub fn smooth_fractions(
	instant: &[Fixed],
	previous: &[Option<Fixed>],
	alpha: Fixed,
) -> SmoothedFractions {
	let ema: Vec<Fixed> = instant
		.iter()
		.enumerate()
		.map(|(i, u)| crate::stats::ema(alpha, *u, previous.get(i).copied().flatten()))
		.collect();
	let total = sum(&ema);
	let normalised = if total.is_positive() {
		ema.iter().map(|x| x.saturating_div(total)).collect()
	} else {
		vec![Fixed::ZERO; ema.len()]
	};
	SmoothedFractions { ema, normalised }
}

/// Number ratio N_eff / N with N_eff = 1/Σ ũ² on the **un-normalised** EMA fractions (the
/// v0.6 behaviour, spec §5.4 step 2); `None` for an empty or all-zero role.
pub fn number_ratio(ema: &[Fixed]) -> Option<Fixed> {
	let sum_sq = ema.iter().fold(Fixed::ZERO, |a, v| a.saturating_add(v.saturating_mul(*v)));
	if ema.is_empty() || sum_sq.is_zero() {
		return None;
	}
	Fixed::ONE.saturating_div(sum_sq).checked_div(count(ema.len()))
}

/// Modified entropy of a role (spec §5.4 step 4): −Σ f ln f · (N_eff/N)^β with f the
/// normalised EMA fractions. One participant ⇒ [`ENTROPY_SINGLE_PARTICIPANT`]; no
/// participant or all-zero fractions ⇒ 0.
pub fn modified_entropy(ema: &[Fixed], beta: Fixed) -> Fixed {
	if ema.len() == 1 {
		return ENTROPY_SINGLE_PARTICIPANT;
	}
	let Some(ratio) = number_ratio(ema) else {
		return Fixed::ZERO;
	};
	let total = sum(ema);
	if !total.is_positive() {
		return Fixed::ZERO;
	}
	let mut entropy = Fixed::ZERO;
	for x in ema {
		let f = x.saturating_div(total);
		if let Some(l) = f.ln() {
			entropy = entropy.saturating_sub(f.saturating_mul(l));
		}
	}
	entropy.saturating_mul(ratio.pow(beta).unwrap_or(Fixed::ZERO))
}

/// The forecasters' entropy G, forced to 0 with no forecasters or at most one inferer
/// (spec §5.4).
pub fn forecaster_entropy(ema: &[Fixed], inferers: usize, beta: Fixed) -> Fixed {
	if ema.is_empty() || inferers <= 1 {
		Fixed::ZERO
	} else {
		modified_entropy(ema, beta)
	}
}

/// T_i = L⁻_i − L_i: how much the forecasters improved on the naive network (spec §5.5).
pub fn forecasting_task_score(naive_loss: Fixed, combined_loss: Fixed) -> Fixed {
	naive_loss.saturating_sub(combined_loss)
}

/// χ and the updated forecaster score ratio (spec §5.5).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ForecasterUtility {
	/// χ, the forecasters' share of the worker reward before γ.
	pub chi: Fixed,
	/// The ratio r to store as `previousForecasterScoreRatio`.
	pub score_ratio: Fixed,
}

/// χ from the task score, the instant inferer scores and the stored ratio (spec §5.5):
/// ρ = T_i / max(0, max_j T_ij) (or ±1 when that max is 0), r = α·ρ + (1 − α)·r_prev,
/// χ = 0.1 if r < 0, 0.5 if r ≥ 1, else 0.4·r + 0.1. Both zero ⇒ χ = 0.5, ratio reset to 0.
pub fn forecaster_utility(
	task_score: Fixed,
	inferer_scores: &[Fixed],
	previous_ratio: Fixed,
	alpha: Fixed,
) -> ForecasterUtility {
	let top = inferer_scores.iter().fold(Fixed::ZERO, |a, s| a.max(*s));
	let denominator = if top.is_zero() {
		if task_score.is_zero() {
			return ForecasterUtility { chi: CHI_HIGH, score_ratio: Fixed::ZERO };
		}
		task_score.abs()
	} else {
		top
	};
	// min(0, top) is 0 since top >= 0
	let raw = task_score.saturating_div(denominator);
	let ratio = crate::stats::ema(alpha, raw, Some(previous_ratio));
	let chi = if ratio.is_negative() {
		CHI_LOW
	} else if ratio >= Fixed::ONE {
		CHI_HIGH
	} else {
		CHI_SLOPE.saturating_mul(ratio).saturating_add(CHI_LOW)
	};
	ForecasterUtility { chi, score_ratio: ratio }
}

/// γ = (F + G) / ((1 − χ)F + χG), which keeps U + V = (F + G)/(F + G + H) of the reward
/// (spec §5.5). 1 when both entropies are 0.
pub fn normalisation_gamma(inferer_entropy: Fixed, forecaster_entropy: Fixed, chi: Fixed) -> Fixed {
	let den = Fixed::ONE
		.saturating_sub(chi)
		.saturating_mul(inferer_entropy)
		.saturating_add(chi.saturating_mul(forecaster_entropy));
	if den.is_zero() {
		return Fixed::ONE;
	}
	inferer_entropy.saturating_add(forecaster_entropy).saturating_div(den)
}

/// Shares of a topic reward per task (U/E, V/E, W/E of spec §5.5).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct TaskFractions {
	/// U/E = (1 − χ)·γ·F / (F + G + H).
	pub inferers: Fixed,
	/// V/E = χ·γ·G / (F + G + H).
	pub forecasters: Fixed,
	/// W/E = H / (F + G + H).
	pub reputers: Fixed,
}

/// The task split for entropies F, G, H and utility χ (spec §5.5);
/// `ZeroDenominator` if F + G + H = 0.
pub fn task_reward_fractions(
	inferer_entropy: Fixed,
	forecaster_entropy: Fixed,
	reputer_entropy: Fixed,
	chi: Fixed,
) -> Result<TaskFractions, MathError> {
	let total = inferer_entropy.saturating_add(forecaster_entropy).saturating_add(reputer_entropy);
	if !total.is_positive() {
		return Err(MathError::ZeroDenominator);
	}
	let gamma = normalisation_gamma(inferer_entropy, forecaster_entropy, chi);
	let share = |x: Fixed| x.saturating_div(total);
	Ok(TaskFractions {
		inferers: share(
			Fixed::ONE.saturating_sub(chi).saturating_mul(gamma).saturating_mul(inferer_entropy),
		),
		forecasters: share(chi.saturating_mul(gamma).saturating_mul(forecaster_entropy)),
		reputers: share(reputer_entropy),
	})
}

/// A topic reward split per task, in base units.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct TaskRewards {
	/// U_i.
	pub inferers: u128,
	/// V_i.
	pub forecasters: u128,
	/// W_i (reputers and their delegators).
	pub reputers: u128,
}

/// Splits a topic reward E_t by the task fractions (spec §5.5); the three parts sum to
/// exactly `total` (largest-remainder rounding).
pub fn task_rewards(total: u128, fractions: &TaskFractions) -> Result<TaskRewards, MathError> {
	let parts = split_proportionally(
		total,
		&[fractions.inferers, fractions.forecasters, fractions.reputers],
	)?;
	match parts.as_slice() {
		[inferers, forecasters, reputers] => {
			Ok(TaskRewards { inferers: *inferers, forecasters: *forecasters, reputers: *reputers })
		}
		_ => Err(MathError::LengthMismatch),
	}
}

/// Splits `total` in proportion to non-negative integer weights so that the parts sum to
/// exactly `total`: each part is floor(total·w_i/Σw); the few leftover units go one each to
/// the largest remainders (ties to the lower index). Zero weights get 0.
/// `ZeroDenominator` if every weight is 0 (and total > 0).
pub fn split_proportionally_u128(total: u128, weights: &[u128]) -> Result<Vec<u128>, MathError> {
	let mut weight_sum: u128 = 0;
	for w in weights {
		weight_sum = weight_sum.checked_add(*w).ok_or(MathError::Overflow)?;
	}
	if weight_sum == 0 {
		return if total == 0 {
			Ok(vec![0; weights.len()])
		} else {
			Err(MathError::ZeroDenominator)
		};
	}
	let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
	let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
	let mut assigned: u128 = 0;
	for (i, w) in weights.iter().enumerate() {
		let (q, r) = U256::mul(total, *w).div_rem(weight_sum).ok_or(MathError::Overflow)?;
		parts.push(q);
		assigned = assigned.checked_add(q).ok_or(MathError::Overflow)?;
		if *w > 0 {
			remainders.push((r, i));
		}
	}
	// fewer leftover units than positive weights
	let mut leftover = total.checked_sub(assigned).ok_or(MathError::Overflow)?;
	remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
	for (_, i) in remainders {
		if leftover == 0 {
			break;
		}
		if let Some(p) = parts.get_mut(i) {
			*p = p.checked_add(1).ok_or(MathError::Overflow)?;
			leftover = leftover.wrapping_sub(1);
		}
	}
	Ok(parts)
}

/// [`split_proportionally_u128`] with `Fixed` weights (negative weights count as 0), e.g. the
/// per-actor rewards U_i·u_j, V_i·v_k, W_i·w_m of spec §5.6.
pub fn split_proportionally(total: u128, weights: &[Fixed]) -> Result<Vec<u128>, MathError> {
	let bits: Vec<u128> =
		weights.iter().map(|w| u128::try_from(w.to_bits()).unwrap_or(0)).collect();
	split_proportionally_u128(total, &bits)
}

/// Per-actor rewards of one task (spec §5.6): the task total split by the instant fractions.
pub fn actor_rewards(task_total: u128, fractions: &[Fixed]) -> Result<Vec<u128>, MathError> {
	split_proportionally(task_total, fractions)
}

/// A reputer's reward divided between the reputer and its delegators (spec §5.6).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DelegatorSplit {
	/// What the reputer keeps (auto-compounded into its stake).
	pub reputer: u128,
	/// What goes to the delegators' pending-reward pool.
	pub delegators: u128,
}

/// d = ⌊reward·D/A⌋ to the delegators, the rest to the reputer (spec §5.6), with A the
/// reputer's authority stake and D the stake delegated to it; D is capped at A, A = 0 gives
/// the reputer everything.
pub fn delegator_split(
	reward: u128,
	authority_stake: u128,
	delegated_stake: u128,
) -> DelegatorSplit {
	let delegated = delegated_stake.min(authority_stake);
	let delegators = if authority_stake == 0 {
		0
	} else {
		mul_div(reward, delegated, authority_stake, Rounding::Down).unwrap_or(0)
	};
	DelegatorSplit { reputer: reward.saturating_sub(delegators), delegators }
}

/// Increment of the delegators' reward-per-share accumulator for a payment d over D
/// delegated units (spec §1.5, §5.6), rounded down so that claims never exceed the pool.
/// 0 if D = 0; saturates at `Fixed::MAX`.
pub fn reward_per_share_increment(delegators_reward: u128, delegated_stake: u128) -> Fixed {
	if delegated_stake == 0 {
		return Fixed::ZERO;
	}
	Fixed::from_ratio_u128_floor(delegators_reward, delegated_stake).unwrap_or(Fixed::MAX)
}

/// ⌊amount · reward_per_share⌋: the reward debt recorded when a delegation is created,
/// changed or claimed (spec §1.5).
pub fn reward_debt(amount: u128, reward_per_share: Fixed) -> u128 {
	reward_per_share.mul_u128_floor(amount)
}

/// Pending reward of a delegation: ⌊amount·share⌋ − debt, never negative (spec §1.5).
pub fn pending_delegator_reward(
	amount: u128,
	reward_per_share: Fixed,
	reward_debt_so_far: u128,
) -> u128 {
	reward_debt(amount, reward_per_share).saturating_sub(reward_debt_so_far)
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;
	use crate::params::RewardParams;
	use crate::testdata::{assert_close, assert_close_u128, synthesis_csv, NF, NI, NR};

	fn fx(s: &str) -> Fixed {
		Fixed::from_decimal_str(s).unwrap()
	}

	#[test]
	fn entropy_of_a_uniform_stable_role_is_ln_n() {
		let ema = vec![fx("0.25"); 4];
		// N_eff = 1/(4·0.0625) = 4 = N ⇒ entropy ln 4
		assert_close(modified_entropy(&ema, fx("0.25")), fx("4").ln().unwrap(), 1e-17, "ln 4");
		assert_eq!(modified_entropy(&[fx("0.7")], fx("0.25")), ENTROPY_SINGLE_PARTICIPANT);
		assert_eq!(modified_entropy(&[], fx("0.25")), Fixed::ZERO);
		assert_eq!(forecaster_entropy(&ema, 1, fx("0.25")), Fixed::ZERO);
	}

	#[test]
	fn chi_piecewise() {
		let a = fx("0.1");
		assert_eq!(forecaster_utility(Fixed::ZERO, &[fx("-1")], fx("0.3"), a).chi, CHI_HIGH);
		assert_eq!(
			forecaster_utility(Fixed::ZERO, &[fx("-1")], fx("0.3"), a).score_ratio,
			Fixed::ZERO
		);
		// top = 2, T = 1 ⇒ ρ = 0.5, r = 0.05 + 0.9·0.5 = 0.5 ⇒ χ = 0.3
		let u = forecaster_utility(fx("1"), &[fx("2"), fx("-3")], fx("0.5"), a);
		assert_eq!(u.score_ratio, fx("0.5"));
		assert_eq!(u.chi, fx("0.3"));
		// no positive inferer score, negative T ⇒ ρ = −1
		let u = forecaster_utility(fx("-0.2"), &[fx("-1")], Fixed::ZERO, a);
		assert_eq!(u.score_ratio, fx("-0.1"));
		assert_eq!(u.chi, CHI_LOW);
		let u = forecaster_utility(fx("5"), &[fx("1")], fx("2"), a);
		assert_eq!(u.chi, CHI_HIGH);
	}

	#[test]
	fn gamma_keeps_worker_total() {
		let (f, g, h, chi) = (fx("1.5"), fx("1.1"), fx("1.5"), fx("0.3"));
		let t = task_reward_fractions(f, g, h, chi).unwrap();
		let workers = t.inferers.saturating_add(t.forecasters);
		assert_close(
			workers,
			f.saturating_add(g).saturating_div(f.saturating_add(g).saturating_add(h)),
			1e-16,
			"U+V",
		);
		let all = workers.saturating_add(t.reputers);
		assert!(all.saturating_sub(Fixed::ONE).abs() <= Fixed::from_bits(4));
		assert_eq!(
			task_reward_fractions(Fixed::ZERO, Fixed::ZERO, Fixed::ZERO, chi),
			Err(MathError::ZeroDenominator)
		);
		assert_eq!(normalisation_gamma(Fixed::ZERO, Fixed::ZERO, chi), Fixed::ONE);
	}

	#[test]
	fn splits_sum_exactly() {
		let parts = split_proportionally_u128(10, &[1, 1, 1]).unwrap();
		assert_eq!(parts, vec![4, 3, 3]);
		let parts = split_proportionally_u128(100, &[0, 5, 0]).unwrap();
		assert_eq!(parts, vec![0, 100, 0]);
		assert_eq!(split_proportionally_u128(5, &[0, 0]), Err(MathError::ZeroDenominator));
		assert_eq!(split_proportionally_u128(0, &[0, 0]), Ok(vec![0, 0]));
		// large amounts and awkward fractions
		let total: u128 = 7_633_942_328_283_924_000_000;
		let w = [
			fx("0.047846356140822180"),
			fx("0.079936205257617990"),
			fx("0.023693259631750290"),
			fx("0.078607028322560610"),
			fx("0.769917150647248930"),
		];
		let parts = split_proportionally(total, &w).unwrap();
		assert_eq!(parts.iter().sum::<u128>(), total);
		let parts = split_proportionally(u128::MAX, &[fx("0.3"), fx("0.3"), fx("0.4")]).unwrap();
		assert_eq!(parts.iter().fold(0u128, |a, b| a.wrapping_add(*b)), u128::MAX);
		// remainder ties go to the lower index
		assert_eq!(split_proportionally_u128(1, &[1, 1]).unwrap(), vec![1, 0]);
	}

	#[test]
	fn delegator_split_is_exact() {
		let s = delegator_split(1_000, 300, 100);
		assert_eq!(s, DelegatorSplit { reputer: 667, delegators: 333 });
		assert_eq!(delegator_split(1_000, 0, 0), DelegatorSplit { reputer: 1_000, delegators: 0 });
		assert_eq!(delegator_split(1_000, 100, 500).delegators, 1_000);
		let inc = reward_per_share_increment(333, 100);
		assert_eq!(inc, fx("3.33"));
		// two delegators of 60 and 40 never claim more than 333 in total
		let a = pending_delegator_reward(60, inc, 0);
		let b = pending_delegator_reward(40, inc, 0);
		assert!(a + b <= 333);
		assert_eq!(reward_debt(60, inc), 199);
		assert_eq!(pending_delegator_reward(60, inc, 199), 0);
	}

	/// Smoothed fractions, entropies, χ, the task split and per-actor rewards against the
	/// simulator (spec §5.4 – §5.6, §8.1).
	#[test]
	fn simulator_vectors_rewards() {
		let csv = synthesis_csv();
		let rp = RewardParams::default();
		for row in 1..csv.rows.len() {
			let mut entropies = Vec::new();
			for (kind, n, col) in [
				("inferer", NI, "inferers_entropy"),
				("forecaster", NF, "forecasters_entropy"),
				("reputer", NR, "reputers_entropy"),
			] {
				let instant = csv.series(row, &format!("{kind}_reward_fraction_"), n);
				let previous: Vec<Option<Fixed>> = csv
					.series(row - 1, &format!("{kind}_reward_fraction_smooth_"), n)
					.into_iter()
					.map(Some)
					.collect();
				let s = smooth_fractions(&instant, &previous, rp.task_reward_alpha);
				for a in 0..n {
					assert_close(
						s.normalised[a],
						csv.fx(row, &format!("{kind}_reward_fraction_smooth_{a}")),
						1e-9,
						"smoothed fraction",
					);
				}
				let e = modified_entropy(&s.ema, rp.beta_entropy);
				assert_close(e, csv.fx(row, col), 1e-9, col);
				entropies.push(e);
			}
			let task = forecasting_task_score(
				csv.fx(row, "network_naive_loss"),
				csv.fx(row, "network_loss"),
			);
			assert_close(task, csv.fx(row, "forecaster_task_score"), 1e-12, "T_i");
			let inferer_scores = csv.series(row, "inferer_score_", NI);
			let u = forecaster_utility(
				task,
				&inferer_scores,
				csv.fx(row - 1, "forecaster_score_ratio"),
				rp.task_reward_alpha,
			);
			assert_close(u.score_ratio, csv.fx(row, "forecaster_score_ratio"), 1e-12, "ratio");
			assert_close(u.chi, csv.fx(row, "forecasters_utility"), 1e-12, "chi");
			// task split with the CSV's own entropies (isolates this step)
			let (f, g, h) = (
				csv.fx(row, "inferers_entropy"),
				csv.fx(row, "forecasters_entropy"),
				csv.fx(row, "reputers_entropy"),
			);
			let t = task_reward_fractions(f, g, h, u.chi).unwrap();
			assert_close(t.inferers, csv.fx(row, "inferers_reward_fraction"), 1e-9, "U/E");
			assert_close(t.forecasters, csv.fx(row, "forecasters_reward_fraction"), 1e-9, "V/E");
			assert_close(t.reputers, csv.fx(row, "reputers_reward_fraction"), 1e-9, "W/E");
			let total = csv.uallo(row, "topic_rewards");
			let split = task_rewards(total, &t).unwrap();
			assert_eq!(split.inferers + split.forecasters + split.reputers, total);
			for (kind, n, part) in [
				("inferer", NI, split.inferers),
				("forecaster", NF, split.forecasters),
				("reputer", NR, split.reputers),
			] {
				let fractions = csv.series(row, &format!("{kind}_reward_fraction_"), n);
				let rewards = actor_rewards(part, &fractions).unwrap();
				assert_eq!(rewards.iter().sum::<u128>(), part);
				for a in 0..n {
					assert_close_u128(
						rewards[a],
						csv.uallo(row, &format!("{kind}_reward_{a}")),
						1e-6,
						&format!("{kind}_reward_{a}@{row}"),
					);
				}
			}
		}
	}
}
