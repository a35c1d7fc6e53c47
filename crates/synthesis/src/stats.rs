//! Small statistics shared by every module: mean, median, sample standard deviation,
//! the chain's quantile convention and the exponential moving average.
//!
//! One implementation of each, so that synthesis, scores and sortition agree exactly.

use crate::fixed::Fixed;
use alloc::vec::Vec;

/// Arithmetic mean; `None` for an empty slice.
pub fn mean(values: &[Fixed]) -> Option<Fixed> {
	if values.is_empty() {
		return None;
	}
	let sum = values.iter().fold(Fixed::ZERO, |acc, v| acc.saturating_add(*v));
	let n = i128::try_from(values.len()).ok()?;
	sum.checked_div(Fixed::from_int(n))
}

/// Median (mean of the two middle values for an even count); `None` for an empty slice.
pub fn median(values: &[Fixed]) -> Option<Fixed> {
	let mut xs: Vec<Fixed> = values.to_vec();
	xs.sort_unstable();
	let n = xs.len();
	if n == 0 {
		return None;
	}
	let mid = n.wrapping_div(2);
	let upper = *xs.get(mid)?;
	if n.wrapping_rem(2) == 1 {
		Some(upper)
	} else {
		let lower = *xs.get(mid.wrapping_sub(1))?;
		Some(lower.saturating_add(upper).saturating_mul(Fixed::HALF))
	}
}

/// Sample standard deviation (divides by n − 1); 0 for fewer than two values
/// (spec §3.2 step 1, §3.8, §5.3).
pub fn sample_std_dev(values: &[Fixed]) -> Fixed {
	Moments::of(values.iter().copied()).std_dev()
}

/// Quantile as the chain computes it (spec §3.8): sort descending, take position
/// (1 − q)(n − 1) and interpolate linearly. Equal to the usual ascending "linear"
/// percentile at q. `None` for an empty slice; q is clamped into [0, 1].
pub fn quantile(values: &[Fixed], q: Fixed) -> Option<Fixed> {
	let mut xs: Vec<Fixed> = values.to_vec();
	xs.sort_unstable_by(|a, b| b.cmp(a));
	let last = xs.len().checked_sub(1)?;
	let q = q.clamp_to(Fixed::ZERO, Fixed::ONE);
	let pos =
		Fixed::ONE.saturating_sub(q).saturating_mul(Fixed::from_u64(u64::try_from(last).ok()?));
	let lo = usize::try_from(pos.to_int_floor()).ok()?.min(last);
	let frac = pos.frac();
	let x_lo = *xs.get(lo)?;
	if frac.is_zero() || lo == last {
		return Some(x_lo);
	}
	let x_hi = *xs.get(lo.checked_add(1)?)?;
	Some(x_lo.saturating_add(frac.saturating_mul(x_hi.saturating_sub(x_lo))))
}

/// α·current + (1 − α)·previous; no previous value means "first time" ⇒ `current`.
pub fn ema(alpha: Fixed, current: Fixed, previous: Option<Fixed>) -> Fixed {
	match previous {
		None => current,
		Some(prev) => alpha
			.saturating_mul(current)
			.saturating_add(Fixed::ONE.saturating_sub(alpha).saturating_mul(prev)),
	}
}

/// Count, sum, sum of squares and the two largest values of a set, so that the standard
/// deviation and maximum of the set *without one member* cost O(1) (used by the one-out
/// network inferences, spec §3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Moments {
	count: usize,
	sum: Fixed,
	sum_sq: Fixed,
	/// Largest value and its position.
	max: Option<(usize, Fixed)>,
	/// Second-largest value (by position, so duplicates of the maximum count).
	second: Option<Fixed>,
}

impl Moments {
	/// Moments of a sequence of values (positions are the iteration order).
	pub(crate) fn of<I: Iterator<Item = Fixed>>(values: I) -> Moments {
		let mut m =
			Moments { count: 0, sum: Fixed::ZERO, sum_sq: Fixed::ZERO, max: None, second: None };
		for (i, v) in values.enumerate() {
			m.count = m.count.saturating_add(1);
			m.sum = m.sum.saturating_add(v);
			m.sum_sq = m.sum_sq.saturating_add(v.saturating_mul(v));
			let current = m.max;
			match current {
				None => m.max = Some((i, v)),
				Some((_, best)) if v > best => {
					m.second = Some(best);
					m.max = Some((i, v));
				}
				Some(_) => {
					let replace = match m.second {
						None => true,
						Some(s) => v > s,
					};
					if replace {
						m.second = Some(v);
					}
				}
			}
		}
		m
	}

	/// Number of values.
	#[cfg_attr(not(test), allow(dead_code))]
	pub(crate) fn count(&self) -> usize {
		self.count
	}

	/// Moments of the same set without the value `v` at position `pos`.
	pub(crate) fn without(&self, pos: usize, v: Fixed) -> Moments {
		let (max, second) = match self.max {
			Some((p, _)) if p == pos => (self.second.map(|s| (usize::MAX, s)), None),
			other => (other, self.second),
		};
		Moments {
			count: self.count.saturating_sub(1),
			sum: self.sum.saturating_sub(v),
			sum_sq: self.sum_sq.saturating_sub(v.saturating_mul(v)),
			max,
			// `second` is only needed for a further removal, which the callers never do.
			second,
		}
	}

	/// Largest value of the set.
	pub(crate) fn max(&self) -> Option<Fixed> {
		self.max.map(|(_, v)| v)
	}

	/// Sample standard deviation: sqrt((Σx² − (Σx)²/n)/(n − 1)); 0 for n < 2.
	pub(crate) fn std_dev(&self) -> Fixed {
		if self.count < 2 {
			return Fixed::ZERO;
		}
		let n = Fixed::from_u64(u64::try_from(self.count).unwrap_or(u64::MAX));
		let n_minus_1 = n.saturating_sub(Fixed::ONE);
		let centred =
			self.sum_sq.saturating_sub(self.sum.saturating_mul(self.sum).saturating_div(n));
		// Rounding can make a zero variance slightly negative.
		let variance = centred.max(Fixed::ZERO).saturating_div(n_minus_1);
		variance.sqrt().unwrap_or(Fixed::ZERO)
	}
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;

	fn fx(s: &str) -> Fixed {
		Fixed::from_decimal_str(s).unwrap()
	}
	fn fxs(v: &[f64]) -> Vec<Fixed> {
		v.iter().map(|x| Fixed::from_f64(*x).unwrap()).collect()
	}

	#[test]
	fn mean_median() {
		assert_eq!(mean(&fxs(&[1.0, 2.0, 6.0])), Some(fx("3")));
		assert_eq!(median(&fxs(&[5.0, 1.0, 3.0])), Some(fx("3")));
		assert_eq!(median(&fxs(&[5.0, 1.0, 3.0, 4.0])), Some(fx("3.5")));
		assert_eq!(median(&[]), None);
		assert_eq!(mean(&[]), None);
	}

	#[test]
	fn std_dev_is_sample_std_dev() {
		// values 2,4,4,4,5,5,7,9: population sd 2, sample sd sqrt(32/7)
		let v = fxs(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
		let sd = sample_std_dev(&v).to_f64();
		assert!((sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
		assert_eq!(sample_std_dev(&fxs(&[3.0])), Fixed::ZERO);
		assert_eq!(sample_std_dev(&fxs(&[3.0, 3.0, 3.0])), Fixed::ZERO);
	}

	#[test]
	fn leave_one_out_moments_match_direct() {
		let v = fxs(&[-1.8, -1.6, -1.4, -2.4, -1.8, -0.2]);
		let all = Moments::of(v.iter().copied());
		for (i, x) in v.iter().enumerate() {
			let mut rest = v.clone();
			rest.remove(i);
			let direct = Moments::of(rest.iter().copied());
			let derived = all.without(i, *x);
			assert_eq!(derived.count(), direct.count());
			assert_eq!(derived.max(), direct.max());
			let d = derived.std_dev().saturating_sub(direct.std_dev()).abs();
			assert!(d <= Fixed::from_bits(4), "{i}: {d}");
		}
	}

	#[test]
	fn duplicate_maximum_survives_removal() {
		let v = fxs(&[1.0, 3.0, 3.0]);
		let all = Moments::of(v.iter().copied());
		assert_eq!(all.without(1, v[1]).max(), Some(fx("3")));
		assert_eq!(all.without(2, v[2]).max(), Some(fx("3")));
		assert_eq!(all.without(0, v[0]).max(), Some(fx("3")));
	}

	#[test]
	fn quantile_convention() {
		let v = fxs(&[1.0, 2.0, 3.0, 4.0, 5.0]);
		assert_eq!(quantile(&v, fx("0.25")), Some(fx("2")));
		assert_eq!(quantile(&v, fx("0.2")), Some(fx("1.8")));
		assert_eq!(quantile(&v, Fixed::ZERO), Some(fx("1")));
		assert_eq!(quantile(&v, Fixed::ONE), Some(fx("5")));
		assert_eq!(quantile(&fxs(&[7.0]), fx("0.3")), Some(fx("7")));
		assert_eq!(quantile(&[], fx("0.3")), None);
		// numpy.percentile([1, 2, 3, 4, 5], 20) = 1.8 ; chain sorts descending, position 3.2
	}

	#[test]
	fn ema_rules() {
		assert_eq!(ema(fx("0.1"), fx("5"), None), fx("5"));
		assert_eq!(ema(fx("0.1"), fx("5"), Some(fx("1"))), fx("1.4"));
	}
}
