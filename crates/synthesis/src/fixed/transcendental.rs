//! `ln`, `log10`, `exp`, `pow10`, `pow` and `sqrt` for [`Fixed`], in integer arithmetic only.
//!
//! Internally values are signed binary fixed point with 96 fraction bits (resolution
//! 1.3e-29, "b" values), so the range reductions and the ~20 series terms lose nothing
//! visible at 18 decimal digits; each public function rounds once, to nearest, at the end.
//!
//! * `exp(x)`: x = k·ln2 + r with |r| <= ln2/2, e^r by its Taylor series, then × 2^k.
//! * `ln(x)`: x = m·2^k with m in [1/√2, √2], ln m = 2·atanh((m-1)/(m+1)) by its odd series.
//!
//! Accuracy (checked against exact values and against `f64` on many points in the tests):
//! * `ln`, `log10`: absolute error <= 0.5e-18 + 1e-26 for every positive input (so relative
//!   error <= 1e-17 whenever |ln x| >= 0.05, e.g. for x in 1e-15..1e15 away from 1).
//! * `exp`, `pow10`: relative error <= 1e-25 before the final rounding, so the result is within
//!   0.5e-18 + 1e-25·|result|: relative error <= 1e-12 for results >= 1e-6 (x >= -13.8), and
//!   saturation at `MAX` above x ≈ 46.58 (`exp`) / 20.23 (`pow10`), 0 below x = -43 / -19.
//! * `pow(x, y) = exp(y·ln x)` keeps y·ln x at 96-bit precision, so the relative error is
//!   <= 1e-25·(1 + |y·ln x|) before the final rounding; non-negative integer exponents up to 64
//!   use repeated multiplication instead (one rounding per product).
//! * `sqrt`: exact integer square root of bits·1e18, rounded to nearest (error <= 0.5e-18).

use super::wide::{mul_div, Rounding, U256};
use super::{Fixed, SCALE_U};

/// Fraction bits of the internal binary representation.
const FRAC_BITS: u32 = 96;
/// 1.0 in the internal representation (2^96).
const ONE_B: i128 = 79_228_162_514_264_337_593_543_950_336;
/// ln 2 · 2^96, rounded.
const LN2_B: i128 = 54_916_777_467_707_473_351_141_471_128;
/// ln 10 · 2^96, rounded.
const LN10_B: i128 = 182_429_585_950_654_714_090_129_938_606;
/// 2^96 / ln 10, rounded.
const INV_LN10_B: i128 = 34_408_353_791_279_068_184_446_883_160;
/// √2 · 2^96, rounded.
const SQRT2_B: u128 = 112_045_541_949_572_279_837_463_876_455;
/// 47 · 2^96: e^47 > Fixed::MAX.
const EXP_HI_B: i128 = 3_723_723_638_170_423_866_896_565_665_792;
/// -43 · 2^96: e^-43 < 0.5e-18 rounds to zero.
const EXP_LO_B: i128 = -3_406_810_988_113_366_516_522_389_864_448;
/// 47 and -43 as Fixed bits.
const EXP_HI_FIXED: i128 = 47_000_000_000_000_000_000;
const EXP_LO_FIXED: i128 = -43_000_000_000_000_000_000;
/// 89 as Fixed bits: e^89 > u128::MAX.
const EXP_U128_HI_FIXED: i128 = 89_000_000_000_000_000_000;
/// pow10 saturates above 21 and is 0 below -19.
const POW10_HI_FIXED: i128 = 21_000_000_000_000_000_000;
const POW10_LO_FIXED: i128 = -19_000_000_000_000_000_000;
/// Integer exponents up to this use repeated multiplication in `pow`.
const POWI_MAX: i128 = 64_000_000_000_000_000_000;

/// A magnitude and a sign as an `i128`.
fn signed(mag: u128, negative: bool) -> Option<i128> {
	let v = i128::try_from(mag).ok()?;
	Some(if negative { v.wrapping_neg() } else { v })
}

/// Product of two internal values.
fn mul_b(a: i128, b: i128) -> Option<i128> {
	let negative = (a < 0) != (b < 0);
	let mag =
		U256::mul(a.unsigned_abs(), b.unsigned_abs()).shr_round(FRAC_BITS, Rounding::Nearest)?;
	signed(mag, negative)
}

/// (a `Fixed` given by its bits) × (an internal value), as an internal value.
fn fixed_times_b(bits: i128, b: i128) -> Option<i128> {
	let negative = (bits < 0) != (b < 0);
	let mag = mul_div(bits.unsigned_abs(), b.unsigned_abs(), SCALE_U, Rounding::Nearest)?;
	signed(mag, negative)
}

/// An internal value rounded to the nearest `Fixed`.
fn b_to_fixed(v: i128) -> Option<Fixed> {
	let mag = U256::mul(v.unsigned_abs(), SCALE_U).shr_round(FRAC_BITS, Rounding::Nearest)?;
	Fixed::from_magnitude(mag, v < 0 && mag != 0)
}

/// `n · 2^(96 - k) / scale`, i.e. (n/scale)/2^k in the internal representation.
fn mantissa_b(n: u128, scale: u128, k: i32) -> Option<u128> {
	let shift = 96i32.wrapping_sub(k);
	let num = if shift >= 0 {
		U256::shl(n, shift.unsigned_abs())
	} else {
		U256::from_u128(n).shr(shift.unsigned_abs())
	};
	num.div_round(scale, Rounding::Nearest)
}

/// ln(n / scale) in the internal representation; `None` if `n == 0` or `scale == 0`.
pub(crate) fn ln_b(n: u128, scale: u128) -> Option<i128> {
	if n == 0 || scale == 0 {
		return None;
	}
	let n_bits = 128i32.wrapping_sub(i32::try_from(n.leading_zeros()).ok()?);
	let s_bits = 128i32.wrapping_sub(i32::try_from(scale.leading_zeros()).ok()?);
	// n/scale lies in (2^(k-1), 2^(k+1)).
	let mut k = n_bits.wrapping_sub(s_bits);
	let one = ONE_B.unsigned_abs();
	let mut m = mantissa_b(n, scale, k)?;
	if m < one {
		k = k.wrapping_sub(1);
		m = mantissa_b(n, scale, k)?;
	}
	// m in [1, 2); move it to [1/√2, √2] so that |z| <= 0.1716.
	if m > SQRT2_B {
		k = k.wrapping_add(1);
		m = mantissa_b(n, scale, k)?;
	}
	let (num, negative) =
		if m >= one { (m.wrapping_sub(one), false) } else { (one.wrapping_sub(m), true) };
	let den = m.checked_add(one)?;
	let z_mag = U256::shl(num, FRAC_BITS).div_round(den, Rounding::Nearest)?;
	let z = signed(z_mag, negative)?;
	// atanh z = z + z^3/3 + z^5/5 + ...; z^2 <= 0.0295 so ~19 terms reach 2^-96.
	let z2 = mul_b(z, z)?;
	let mut term = z;
	let mut sum = z;
	let mut odd: i128 = 1;
	for _ in 0..64 {
		term = mul_b(term, z2)?;
		odd = odd.checked_add(2)?;
		let t = term.checked_div(odd)?;
		if t == 0 {
			break;
		}
		sum = sum.checked_add(t)?;
	}
	i128::from(k).checked_mul(LN2_B)?.checked_add(sum.checked_mul(2)?)
}

/// e^x for an internal x as (mantissa e^r in the internal representation, k) with
/// e^x = mantissa · 2^k.
fn exp_parts(x_b: i128) -> Option<(u128, i32)> {
	let mut q = x_b.checked_div(LN2_B)?;
	let mut r = x_b.checked_sub(q.checked_mul(LN2_B)?)?;
	let half = LN2_B.wrapping_shr(1);
	if r > half {
		q = q.checked_add(1)?;
		r = r.checked_sub(LN2_B)?;
	} else if r < half.wrapping_neg() {
		q = q.checked_sub(1)?;
		r = r.checked_add(LN2_B)?;
	}
	let k = i32::try_from(q).ok()?;
	// e^r = sum r^n/n!; |r| <= 0.347 so ~20 terms reach 2^-96.
	let mut sum = ONE_B;
	let mut term = ONE_B;
	let mut n: i128 = 0;
	for _ in 0..64 {
		n = n.checked_add(1)?;
		term = mul_b(term, r)?.checked_div(n)?;
		if term == 0 {
			break;
		}
		sum = sum.checked_add(term)?;
	}
	Some((u128::try_from(sum).ok()?, k))
}

/// e^x for an internal x, rounded to the nearest `Fixed` (saturating at `MAX`, 0 below -43).
fn exp_b_to_fixed(x_b: i128) -> Fixed {
	if x_b > EXP_HI_B {
		return Fixed::MAX;
	}
	if x_b < EXP_LO_B {
		return Fixed::ZERO;
	}
	let (mantissa, k) = match exp_parts(x_b) {
		Some(parts) => parts,
		None => return Fixed::MAX,
	};
	// bits = mantissa · 1e18 · 2^k / 2^96
	let shift = 96i32.wrapping_sub(k);
	if shift < 0 {
		return Fixed::MAX;
	}
	U256::mul(mantissa, SCALE_U)
		.shr_round(shift.unsigned_abs(), Rounding::Nearest)
		.and_then(|mag| Fixed::from_magnitude(mag, false))
		.unwrap_or(Fixed::MAX)
}

impl Fixed {
	/// Natural logarithm; `None` for `self <= 0`. Absolute error <= 0.5e-18 + 1e-26.
	pub fn ln(self) -> Option<Fixed> {
		if self.0 <= 0 {
			return None;
		}
		b_to_fixed(ln_b(self.0.unsigned_abs(), SCALE_U)?)
	}

	/// Natural logarithm of an unsigned integer (e.g. a token amount beyond the `Fixed`
	/// range); `None` for 0.
	pub fn ln_u128(n: u128) -> Option<Fixed> {
		b_to_fixed(ln_b(n, 1)?)
	}

	/// Base-10 logarithm; `None` for `self <= 0`.
	pub fn log10(self) -> Option<Fixed> {
		if self.0 <= 0 {
			return None;
		}
		let l = ln_b(self.0.unsigned_abs(), SCALE_U)?;
		b_to_fixed(mul_b(l, INV_LN10_B)?)
	}

	/// e^self, saturating at `MAX` (self > 46.58) and 0 for self < -43.
	pub fn exp(self) -> Fixed {
		if self.0 > EXP_HI_FIXED {
			return Fixed::MAX;
		}
		if self.0 < EXP_LO_FIXED {
			return Fixed::ZERO;
		}
		match fixed_times_b(self.0, ONE_B) {
			Some(x_b) => exp_b_to_fixed(x_b),
			None => Fixed::MAX,
		}
	}

	/// `floor(e^self)` as an unsigned integer, saturating at `u128::MAX` (self > 88.72);
	/// used for quantities such as topic weights that exceed the `Fixed` range.
	pub fn exp_to_u128(self) -> u128 {
		if self.0 > EXP_U128_HI_FIXED {
			return u128::MAX;
		}
		if self.0 < 0 {
			return 0;
		}
		let parts = fixed_times_b(self.0, ONE_B).and_then(exp_parts);
		let (mantissa, k) = match parts {
			Some(p) => p,
			None => return u128::MAX,
		};
		if k >= 96 {
			U256::shl(mantissa, k.wrapping_sub(96).unsigned_abs()).to_u128().unwrap_or(u128::MAX)
		} else {
			U256::from_u128(mantissa)
				.shr_round(96i32.wrapping_sub(k).unsigned_abs(), Rounding::Down)
				.unwrap_or(u128::MAX)
		}
	}

	/// 10^self, saturating at `MAX` (self > 20.23) and 0 for self < -19.
	pub fn pow10(self) -> Fixed {
		if self.0 > POW10_HI_FIXED {
			return Fixed::MAX;
		}
		if self.0 < POW10_LO_FIXED {
			return Fixed::ZERO;
		}
		match fixed_times_b(self.0, LN10_B) {
			Some(x_b) => exp_b_to_fixed(x_b),
			None => Fixed::MAX,
		}
	}

	/// self^exponent = e^(exponent · ln self) for self > 0 (saturating at `MAX`, tiny
	/// results round to 0). `0^y` is 0 for y > 0, `x^0` is 1 (also `0^0`). `None` for a
	/// negative base or `0^y` with y < 0. Non-negative integer exponents up to 64 use
	/// [`Fixed::powi`].
	pub fn pow(self, exponent: Fixed) -> Option<Fixed> {
		if exponent.0 == 0 {
			return Some(Fixed::ONE);
		}
		if self.0 == 0 {
			return if exponent.0 > 0 { Some(Fixed::ZERO) } else { None };
		}
		if self.0 < 0 {
			return None;
		}
		if exponent.0 > 0 && exponent.0 <= POWI_MAX && exponent.frac().0 == 0 {
			let n = u32::try_from(exponent.to_int_floor()).ok()?;
			return Some(self.powi(n));
		}
		let l = ln_b(self.0.unsigned_abs(), SCALE_U)?;
		match fixed_times_b(exponent.0, l) {
			Some(x_b) => Some(exp_b_to_fixed(x_b)),
			// |exponent · ln self| beyond 2^31: the result saturates or vanishes.
			None => {
				if (exponent.0 > 0) == (l > 0) {
					Some(Fixed::MAX)
				} else {
					Some(Fixed::ZERO)
				}
			}
		}
	}

	/// Square root rounded to nearest; `None` for negative values.
	pub fn sqrt(self) -> Option<Fixed> {
		if self.0 < 0 {
			return None;
		}
		let root = U256::mul(self.0.unsigned_abs(), SCALE_U).sqrt_round()?;
		Fixed::from_magnitude(root, false)
	}
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;
	use alloc::string::ToString;

	fn fx(s: &str) -> Fixed {
		Fixed::from_decimal_str(s).unwrap()
	}

	/// Deterministic pseudo-random numbers in [0, 1).
	struct Lcg(u64);
	impl Lcg {
		fn next(&mut self) -> f64 {
			self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			(self.0 >> 11) as f64 / (1u64 << 53) as f64
		}
	}

	#[test]
	fn exact_values() {
		assert_eq!(Fixed::ONE.ln(), Some(Fixed::ZERO));
		assert_eq!(Fixed::ZERO.exp(), Fixed::ONE);
		assert_eq!(fx("2").ln().unwrap().to_string(), "0.693147180559945309");
		assert_eq!(fx("10").ln().unwrap().to_string(), "2.302585092994045684");
		assert_eq!(fx("0.5").ln().unwrap().to_string(), "-0.693147180559945309");
		assert_eq!(Fixed::ONE.exp().to_string(), "2.718281828459045235");
		assert_eq!(fx("-1").exp().to_string(), "0.367879441171442322");
		assert_eq!(fx("10").exp().to_string(), "22026.465794806716516958");
		assert_eq!(fx("2").sqrt().unwrap().to_string(), "1.414213562373095049");
		assert_eq!(fx("1000").log10(), Some(fx("3")));
		assert_eq!(fx("0.001").log10(), Some(fx("-3")));
		assert_eq!(fx("2").pow10(), fx("100"));
		assert_eq!(fx("-3").pow10(), fx("0.001"));
		assert_eq!(fx("2").pow(fx("0.5")).unwrap().to_string(), "1.414213562373095049");
		assert_eq!(fx("2").pow(fx("3")), Some(fx("8")));
		assert_eq!(fx("4").pow(fx("-0.5")), Some(fx("0.5")));
		assert_eq!(fx("16").sqrt(), Some(fx("4")));
		assert_eq!(fx("0.25").sqrt(), Some(fx("0.5")));
		assert_eq!(Fixed::ln_u128(1), Some(Fixed::ZERO));
		assert_eq!(Fixed::ln_u128(1u128 << 100).unwrap().to_string(), "69.314718055994530942");
	}

	#[test]
	fn edge_cases() {
		assert_eq!(Fixed::ZERO.ln(), None);
		assert_eq!(fx("-1").ln(), None);
		assert_eq!(fx("-1").sqrt(), None);
		assert_eq!(Fixed::ZERO.sqrt(), Some(Fixed::ZERO));
		assert_eq!(fx("47").exp(), Fixed::MAX);
		assert_eq!(fx("46.6").exp(), Fixed::MAX);
		assert_eq!(fx("-50").exp(), Fixed::ZERO);
		assert_eq!(Fixed::MIN.exp(), Fixed::ZERO);
		assert_eq!(Fixed::MAX.exp(), Fixed::MAX);
		assert_eq!(fx("30").pow10(), Fixed::MAX);
		assert_eq!(Fixed::ZERO.pow(fx("2.5")), Some(Fixed::ZERO));
		assert_eq!(Fixed::ZERO.pow(Fixed::ZERO), Some(Fixed::ONE));
		assert_eq!(Fixed::ZERO.pow(fx("-1")), None);
		assert_eq!(fx("-2").pow(fx("0.5")), None);
		assert_eq!(fx("10").pow(fx("1000.5")), Some(Fixed::MAX));
		assert_eq!(fx("0.1").pow(fx("1000.5")), Some(Fixed::ZERO));
		assert!(Fixed::MAX.ln().is_some());
		assert!(Fixed::EPSILON.ln().is_some());
		assert!(Fixed::MAX.sqrt().is_some());
		assert_eq!(Fixed::ZERO.exp_to_u128(), 1);
		assert_eq!(fx("-0.5").exp_to_u128(), 0);
		assert_eq!(fx("100").exp_to_u128(), u128::MAX);
	}

	#[test]
	fn exp_to_u128_matches_powers_of_e() {
		// e^60 = 114200738981568428366295718.3144...
		let got = fx("60").exp_to_u128();
		let want: u128 = 114_200_738_981_568_428_366_295_718;
		let diff = if got > want { got - want } else { want - got };
		assert!(diff < 1_000_000_000, "{got} vs {want}");
		// ln then exp round-trips large integers to ~1e-17 relative
		let n: u128 = 123_456_789_000_000_000_000_000_000;
		let back = Fixed::ln_u128(n).unwrap().exp_to_u128();
		let diff = if back > n { back - n } else { n - back };
		assert!((diff as f64) / (n as f64) < 1e-16, "{back} vs {n}");
	}

	#[test]
	fn ln_matches_f64() {
		let mut rng = Lcg(7);
		for _ in 0..2000 {
			// x = 10^u with u in [-15, 15]
			let u = rng.next() * 30.0 - 15.0;
			let x = Fixed::from_f64(10f64.powf(u)).unwrap();
			let xf = x.to_f64();
			let got = x.ln().unwrap().to_f64();
			let want = xf.ln();
			assert!((got - want).abs() <= 1e-14 * want.abs() + 2e-16, "ln({xf}) = {got} vs {want}");
		}
	}

	#[test]
	fn exp_matches_f64() {
		let mut rng = Lcg(11);
		for _ in 0..2000 {
			let u = rng.next() * 60.0 - 20.0; // [-20, 40]
			let x = Fixed::from_f64(u).unwrap();
			let xf = x.to_f64();
			let got = x.exp().to_f64();
			let want = xf.exp();
			assert!((got - want).abs() <= 1e-13 * want + 1e-18, "exp({xf}) = {got} vs {want}");
		}
	}

	#[test]
	fn pow_sqrt_log10_match_f64() {
		let mut rng = Lcg(3);
		for _ in 0..1000 {
			let xf = Fixed::from_f64(rng.next() * 100.0 + 1e-3).unwrap().to_f64();
			let yf = Fixed::from_f64(rng.next() * 6.0 - 3.0).unwrap().to_f64();
			let x = Fixed::from_f64(xf).unwrap();
			let y = Fixed::from_f64(yf).unwrap();
			let got = x.pow(y).unwrap().to_f64();
			let want = xf.powf(yf);
			assert!((got - want).abs() <= 1e-13 * want + 1e-18, "{xf}^{yf} = {got} vs {want}");
			let s = x.sqrt().unwrap().to_f64();
			assert!((s - xf.sqrt()).abs() <= 1e-15 * xf.sqrt());
			let l = x.log10().unwrap().to_f64();
			assert!((l - xf.log10()).abs() <= 1e-14 * xf.log10().abs() + 1e-16);
			let p = y.pow10().to_f64();
			assert!((p - 10f64.powf(yf)).abs() <= 1e-13 * 10f64.powf(yf));
		}
	}

	#[test]
	fn exp_ln_round_trip() {
		let mut rng = Lcg(5);
		for _ in 0..500 {
			let x = Fixed::from_f64(rng.next() * 40.0 - 10.0).unwrap();
			let back = x.exp().ln().unwrap();
			// exp rounds to 1e-18 absolute, so ln of a small result loses relative precision
			let tol = if x.is_negative() { 1e-18 / x.exp().to_f64() } else { 0.0 };
			let diff = back.saturating_sub(x).abs().to_f64();
			assert!(diff <= tol + 2e-18, "{x} -> {back}");
		}
	}
}
