//! [`Fixed`]: the signed decimal fixed-point number every protocol formula uses.
//!
//! * value = `bits / 10^18`: resolution **1e-18**, range **±1.7014e20**
//!   (`i128::MAX / 10^18`); the representable set is symmetric (`MIN == -MAX`).
//! * `+`/`-` are exact (or saturate at `MAX`/`MIN`).
//! * `*` and `/` use a 256-bit intermediate and round **to nearest, halves away from zero**,
//!   so every product or quotient is within 0.5e-18 of the exact value.
//! * `ln`, `exp`, `pow`, `log10`, `pow10` are computed in 96-bit binary fixed point with range
//!   reduction (see `transcendental`), then rounded once; `sqrt` is an exact integer square
//!   root rounded to nearest.
//!
//! No floating point is involved (except the `std`-only `from_f64`/`to_f64` conversions for
//! tools and tests) and nothing panics: `checked_*` return `None`, everything else saturates.

mod transcendental;
mod wide;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

pub(crate) use wide::{mul_div, Rounding, U256};

/// Number of decimal fraction digits.
pub const DECIMALS: u32 = 18;
/// `10^18` as a signed integer: the bits of [`Fixed::ONE`].
pub(crate) const SCALE: i128 = 1_000_000_000_000_000_000;
/// `10^18` as an unsigned integer.
pub(crate) const SCALE_U: u128 = 1_000_000_000_000_000_000;

/// Signed decimal fixed point with 18 fractional digits (value = bits / 1e18).
///
/// Resolution 1e-18, range about ±1.7e20. See the module documentation for the rounding
/// rules. The default value is zero.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Default,
	Hash,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Fixed(i128);

impl Fixed {
	/// 0.
	pub const ZERO: Fixed = Fixed(0);
	/// 1.
	pub const ONE: Fixed = Fixed(SCALE);
	/// 0.5.
	pub const HALF: Fixed = Fixed(500_000_000_000_000_000);
	/// 2.
	pub const TWO: Fixed = Fixed(2_000_000_000_000_000_000);
	/// Largest value, about 1.7014e20.
	pub const MAX: Fixed = Fixed(i128::MAX);
	/// Smallest value, `-MAX` (so negation and `abs` never overflow).
	pub const MIN: Fixed = Fixed(i128::MIN.wrapping_add(1));
	/// Smallest positive value, 1e-18.
	pub const EPSILON: Fixed = Fixed(1);

	/// From raw bits (value = bits / 1e18). `i128::MIN` is clamped to [`Fixed::MIN`].
	pub const fn from_bits(bits: i128) -> Fixed {
		if bits == i128::MIN {
			Fixed::MIN
		} else {
			Fixed(bits)
		}
	}

	/// The raw bits (value × 1e18).
	pub const fn to_bits(self) -> i128 {
		self.0
	}

	/// An integer, saturating at `MAX`/`MIN`.
	pub fn from_int(v: i128) -> Fixed {
		match v.checked_mul(SCALE) {
			Some(bits) => Fixed::from_bits(bits),
			None => {
				if v > 0 {
					Fixed::MAX
				} else {
					Fixed::MIN
				}
			}
		}
	}

	/// An unsigned integer (exact: `u64::MAX * 1e18` fits).
	pub fn from_u64(v: u64) -> Fixed {
		Fixed::from_int(i128::from(v))
	}

	/// `num / den` rounded to nearest; `None` if `den == 0` or out of range.
	pub fn from_rational(num: i128, den: i128) -> Option<Fixed> {
		if den == 0 {
			return None;
		}
		let negative = (num < 0) != (den < 0);
		let mag = mul_div(num.unsigned_abs(), SCALE_U, den.unsigned_abs(), Rounding::Nearest)?;
		Fixed::from_magnitude(mag, negative)
	}

	/// `num / den` of two unsigned amounts (e.g. token amounts) rounded to nearest; `None`
	/// if `den == 0` or the ratio exceeds the range.
	pub fn from_ratio_u128(num: u128, den: u128) -> Option<Fixed> {
		let mag = mul_div(num, SCALE_U, den, Rounding::Nearest)?;
		Fixed::from_magnitude(mag, false)
	}

	/// Like [`Fixed::from_ratio_u128`] but rounded down, for amounts that must never be
	/// over-allocated (e.g. a reward per share).
	pub fn from_ratio_u128_floor(num: u128, den: u128) -> Option<Fixed> {
		let mag = mul_div(num, SCALE_U, den, Rounding::Down)?;
		Fixed::from_magnitude(mag, false)
	}

	/// A token amount expressed in units of `decimals_scale` (e.g. uallo → ALLO with
	/// `10^18`); `None` if `decimals_scale == 0` or out of range.
	pub fn from_u128_scaled(amount: u128, decimals_scale: u128) -> Option<Fixed> {
		Fixed::from_ratio_u128(amount, decimals_scale)
	}

	/// `floor(self × amount)` for a non-negative `self`; 0 if `self <= 0`; saturates at
	/// `u128::MAX`. Used to take a fraction of a token amount without ever rounding up.
	pub fn mul_u128_floor(self, amount: u128) -> u128 {
		if self.0 <= 0 {
			return 0;
		}
		mul_div(amount, self.0.unsigned_abs(), SCALE_U, Rounding::Down).unwrap_or(u128::MAX)
	}

	/// Builds a value from a magnitude in bits and a sign; `None` if above `MAX`.
	pub(crate) fn from_magnitude(mag: u128, negative: bool) -> Option<Fixed> {
		let v = i128::try_from(mag).ok()?;
		Some(Fixed(if negative { v.wrapping_neg() } else { v }))
	}

	/// Clamps a raw `i128` result into `[MIN, MAX]`.
	fn sat(bits: i128) -> Fixed {
		Fixed::from_bits(bits)
	}

	// ----- addition and subtraction -------------------------------------------------------

	/// `self + rhs`, `None` on overflow.
	pub fn checked_add(self, rhs: Fixed) -> Option<Fixed> {
		let v = self.0.checked_add(rhs.0)?;
		if v == i128::MIN {
			None
		} else {
			Some(Fixed(v))
		}
	}

	/// `self - rhs`, `None` on overflow.
	pub fn checked_sub(self, rhs: Fixed) -> Option<Fixed> {
		let v = self.0.checked_sub(rhs.0)?;
		if v == i128::MIN {
			None
		} else {
			Some(Fixed(v))
		}
	}

	/// `self + rhs`, saturating at `MAX`/`MIN`.
	pub fn saturating_add(self, rhs: Fixed) -> Fixed {
		Fixed::sat(self.0.saturating_add(rhs.0))
	}

	/// `self - rhs`, saturating at `MAX`/`MIN`.
	pub fn saturating_sub(self, rhs: Fixed) -> Fixed {
		Fixed::sat(self.0.saturating_sub(rhs.0))
	}

	// ----- multiplication and division ----------------------------------------------------

	/// `self × rhs` rounded to nearest (halves away from zero); `None` on overflow.
	pub fn checked_mul(self, rhs: Fixed) -> Option<Fixed> {
		let negative = (self.0 < 0) != (rhs.0 < 0);
		let mag = mul_div(self.0.unsigned_abs(), rhs.0.unsigned_abs(), SCALE_U, Rounding::Nearest)?;
		Fixed::from_magnitude(mag, negative)
	}

	/// `self × rhs`, saturating at `MAX`/`MIN` by the sign of the exact result.
	pub fn saturating_mul(self, rhs: Fixed) -> Fixed {
		match self.checked_mul(rhs) {
			Some(v) => v,
			None => {
				if (self.0 < 0) != (rhs.0 < 0) {
					Fixed::MIN
				} else {
					Fixed::MAX
				}
			}
		}
	}

	/// `self / rhs` rounded to nearest (halves away from zero); `None` if `rhs == 0` or on
	/// overflow.
	pub fn checked_div(self, rhs: Fixed) -> Option<Fixed> {
		if rhs.0 == 0 {
			return None;
		}
		let negative = (self.0 < 0) != (rhs.0 < 0);
		let mag = mul_div(self.0.unsigned_abs(), SCALE_U, rhs.0.unsigned_abs(), Rounding::Nearest)?;
		Fixed::from_magnitude(mag, negative)
	}

	/// `self / rhs`, saturating on overflow. Division by zero returns `MAX` for a positive
	/// dividend, `MIN` for a negative one and `ZERO` for `0 / 0`: callers that can meet a
	/// zero denominator guard it explicitly (the protocol floors denominators with ε).
	pub fn saturating_div(self, rhs: Fixed) -> Fixed {
		match self.checked_div(rhs) {
			Some(v) => v,
			None => {
				if self.0 == 0 {
					Fixed::ZERO
				} else if (self.0 < 0) != (rhs.0 < 0) {
					Fixed::MIN
				} else {
					Fixed::MAX
				}
			}
		}
	}

	/// `self^n` by repeated squaring (each product rounded to nearest; saturating).
	pub fn powi(self, n: u32) -> Fixed {
		let mut result = Fixed::ONE;
		let mut base = self;
		let mut e = n;
		while e > 0 {
			if e & 1 == 1 {
				result = result.saturating_mul(base);
			}
			e = e.wrapping_shr(1);
			if e > 0 {
				base = base.saturating_mul(base);
			}
		}
		result
	}

	// ----- sign and comparison helpers ----------------------------------------------------

	/// `-self` (never overflows because `MIN == -MAX`).
	pub fn saturating_neg(self) -> Fixed {
		Fixed::sat(self.0.saturating_neg())
	}

	/// `|self|`.
	pub fn abs(self) -> Fixed {
		Fixed::sat(self.0.saturating_abs())
	}

	/// The smaller of two values.
	pub fn min(self, other: Fixed) -> Fixed {
		if other.0 < self.0 {
			other
		} else {
			self
		}
	}

	/// The larger of two values.
	pub fn max(self, other: Fixed) -> Fixed {
		if other.0 > self.0 {
			other
		} else {
			self
		}
	}

	/// `self` clamped into `[lo, hi]` (assumes `lo <= hi`).
	pub fn clamp_to(self, lo: Fixed, hi: Fixed) -> Fixed {
		self.max(lo).min(hi)
	}

	/// `true` if `< 0`.
	pub const fn is_negative(self) -> bool {
		self.0 < 0
	}

	/// `true` if `> 0`.
	pub const fn is_positive(self) -> bool {
		self.0 > 0
	}

	/// `true` if `== 0`.
	pub const fn is_zero(self) -> bool {
		self.0 == 0
	}

	/// -1, 0 or 1 as a `Fixed`.
	pub fn signum(self) -> Fixed {
		if self.0 > 0 {
			Fixed::ONE
		} else if self.0 < 0 {
			Fixed(SCALE.wrapping_neg())
		} else {
			Fixed::ZERO
		}
	}

	/// The largest integer `<= self`, as an integer.
	pub fn to_int_floor(self) -> i128 {
		self.0.checked_div_euclid(SCALE).unwrap_or(0)
	}

	/// The largest integral value `<= self` (saturating at `MIN`).
	pub fn floor(self) -> Fixed {
		match self.to_int_floor().checked_mul(SCALE) {
			Some(bits) => Fixed::sat(bits),
			None => Fixed::MIN,
		}
	}

	/// The integral part, rounded toward zero.
	pub fn trunc(self) -> Fixed {
		let rem = self.0.checked_rem(SCALE).unwrap_or(0);
		Fixed(self.0.wrapping_sub(rem))
	}

	/// `self - floor(self)`, in `[0, 1)`.
	pub fn frac(self) -> Fixed {
		Fixed(self.0.checked_rem_euclid(SCALE).unwrap_or(0))
	}

	// ----- parsing ------------------------------------------------------------------------

	/// Parses a decimal string such as `"-12.345"`, `"1e-5"` or `"3.2E+04"`, rounding to
	/// 18 fraction digits (nearest, halves away from zero). Rejects empty strings,
	/// `nan`/`inf`, stray characters and values outside the range.
	pub fn from_decimal_str(s: &str) -> Option<Fixed> {
		let mut it = s.trim().bytes().peekable();
		let mut negative = false;
		match it.peek().copied() {
			Some(b'-') => {
				negative = true;
				it.next();
			}
			Some(b'+') => {
				it.next();
			}
			_ => {}
		}
		// value = mantissa * 10^exp10, with the first digit that did not fit kept for rounding
		let mut mantissa: u128 = 0;
		let mut exp10: i64 = 0;
		let mut digits: u32 = 0;
		let mut dropped: Option<u8> = None;
		let mut seen_dot = false;
		while let Some(c) = it.peek().copied() {
			if c.is_ascii_digit() {
				it.next();
				let d = c.wrapping_sub(b'0');
				digits = digits.saturating_add(1);
				let grown = if dropped.is_none() {
					mantissa.checked_mul(10).and_then(|m| m.checked_add(u128::from(d)))
				} else {
					None
				};
				match grown {
					Some(m) => {
						mantissa = m;
						if seen_dot {
							exp10 = exp10.saturating_sub(1);
						}
					}
					None => {
						if dropped.is_none() {
							dropped = Some(d);
						}
						if !seen_dot {
							exp10 = exp10.saturating_add(1);
						}
					}
				}
			} else if c == b'.' && !seen_dot {
				it.next();
				seen_dot = true;
			} else {
				break;
			}
		}
		if digits == 0 {
			return None;
		}
		if let Some(c) = it.peek().copied() {
			if c == b'e' || c == b'E' {
				it.next();
				let mut exp_negative = false;
				match it.peek().copied() {
					Some(b'-') => {
						exp_negative = true;
						it.next();
					}
					Some(b'+') => {
						it.next();
					}
					_ => {}
				}
				let mut e: i64 = 0;
				let mut exp_digits: u32 = 0;
				while let Some(c) = it.peek().copied() {
					if !c.is_ascii_digit() {
						break;
					}
					it.next();
					e = e.saturating_mul(10).saturating_add(i64::from(c.wrapping_sub(b'0')));
					exp_digits = exp_digits.saturating_add(1);
				}
				if exp_digits == 0 {
					return None;
				}
				exp10 =
					if exp_negative { exp10.saturating_sub(e) } else { exp10.saturating_add(e) };
			}
		}
		if it.next().is_some() {
			return None;
		}
		// bits = mantissa * 10^(exp10 + 18)
		let shift = exp10.saturating_add(i64::from(DECIMALS));
		let mag: u128 = if shift >= 0 {
			let p = u32::try_from(shift).ok()?;
			let scaled = mantissa.checked_mul(10u128.checked_pow(p)?)?;
			if shift == 0 && matches!(dropped, Some(d) if d >= 5) {
				scaled.checked_add(1)?
			} else {
				scaled
			}
		} else {
			let p = u32::try_from(shift.saturating_neg()).ok()?;
			match 10u128.checked_pow(p) {
				Some(div) => {
					let q = mantissa.checked_div(div)?;
					let r = mantissa.checked_rem(div)?;
					wide::round_quotient(q, r, div, Rounding::Nearest)?
				}
				// 10^p > u128::MAX > mantissa * 2: rounds to zero
				None => 0,
			}
		};
		Fixed::from_magnitude(mag, negative && mag != 0)
	}
}

// ----- std-only float conversions (tools and tests) -------------------------------------

#[cfg(feature = "std")]
impl Fixed {
	/// The nearest `Fixed` to a finite `f64` (via its shortest round-trip decimal form);
	/// `None` for NaN, ±∞ or out-of-range values. For tools and tests only.
	pub fn from_f64(v: f64) -> Option<Fixed> {
		if !v.is_finite() {
			return None;
		}
		let s = std::format!("{:e}", v);
		Fixed::from_decimal_str(&s)
	}

	/// The nearest `f64` (correctly rounded from the exact decimal). For tools and tests only.
	pub fn to_f64(self) -> f64 {
		let s = std::format!("{}", self);
		s.parse::<f64>().unwrap_or(0.0)
	}
}

impl fmt::Display for Fixed {
	/// The exact decimal value, without trailing zeros (`"1.5"`, `"-0.000000000000000001"`,
	/// `"3"`).
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let mag = self.0.unsigned_abs();
		let int = mag.wrapping_div(SCALE_U);
		let mut frac = mag.wrapping_rem(SCALE_U);
		if self.0 < 0 {
			f.write_str("-")?;
		}
		if frac == 0 {
			return write!(f, "{}", int);
		}
		let mut width: usize = 18;
		while frac.wrapping_rem(10) == 0 {
			frac = frac.wrapping_div(10);
			width = width.saturating_sub(1);
		}
		write!(f, "{}.{:0width$}", int, frac, width = width)
	}
}

impl core::ops::Neg for Fixed {
	type Output = Fixed;
	/// Saturating negation (see [`Fixed::saturating_neg`]).
	fn neg(self) -> Fixed {
		self.saturating_neg()
	}
}

impl fmt::Debug for Fixed {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "Fixed({})", self)
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

	#[test]
	fn parse_and_print_round_trip() {
		for s in [
			"0",
			"1",
			"-1",
			"1.5",
			"-12.345",
			"0.000000000000000001",
			"170141183460469231731.687303715884105727",
		] {
			assert_eq!(fx(s).to_string(), s);
		}
		assert_eq!(fx("1e-5").to_string(), "0.00001");
		assert_eq!(fx("3.2E+04").to_string(), "32000");
		assert_eq!(fx("-4.008924382357018e5").to_string(), "-400892.4382357018");
		assert_eq!(fx("+.5").to_string(), "0.5");
		assert_eq!(fx("7.").to_string(), "7");
		assert_eq!(fx("-0").to_string(), "0");
	}

	#[test]
	fn parse_rounds_to_18_digits() {
		assert_eq!(fx("0.0000000000000000015").to_bits(), 2);
		assert_eq!(fx("0.0000000000000000014999").to_bits(), 1);
		assert_eq!(fx("-0.0000000000000000015").to_bits(), -2);
		assert_eq!(fx("1e-40").to_bits(), 0);
		assert_eq!(
			fx("123456789012345678901234567890123456789012345e-30").to_string(),
			"123456789012345.678901234567890123"
		);
	}

	#[test]
	fn parse_rejects_garbage() {
		for s in [
			"", "nan", "NaN", "inf", "-inf", ".", "-", "1e", "1e+", "1.2.3", "12a", "1e5x", "1e30",
			"--1",
		] {
			assert!(Fixed::from_decimal_str(s).is_none(), "{s}");
		}
	}

	#[test]
	fn multiplication_rounds_to_nearest() {
		let tiny = Fixed::from_bits(1);
		assert_eq!(tiny.saturating_mul(Fixed::HALF).to_bits(), 1); // 0.5e-18 rounds away
		assert_eq!(tiny.saturating_mul(fx("0.49")).to_bits(), 0);
		assert_eq!(tiny.saturating_neg().saturating_mul(Fixed::HALF).to_bits(), -1);
		assert_eq!(fx("1.5").saturating_mul(fx("-2")), fx("-3"));
		assert_eq!(fx("123456.789").saturating_mul(fx("1000000")), fx("123456789000"));
	}

	#[test]
	fn multiplication_with_wide_intermediate() {
		// 1e10 * 1e10 = 1e20: bits product is 1e56, far above u128
		assert_eq!(fx("1e10").saturating_mul(fx("1e10")), fx("1e20"));
		assert_eq!(fx("1e11").checked_mul(fx("1e10")), None);
		assert_eq!(fx("1e11").saturating_mul(fx("-1e10")), Fixed::MIN);
		assert_eq!(Fixed::MAX.saturating_mul(Fixed::ONE), Fixed::MAX);
	}

	#[test]
	fn division() {
		assert_eq!(Fixed::ONE.saturating_div(fx("3")).to_string(), "0.333333333333333333");
		assert_eq!(fx("2").saturating_div(fx("3")).to_string(), "0.666666666666666667");
		assert_eq!(fx("-2").saturating_div(fx("3")).to_string(), "-0.666666666666666667");
		assert_eq!(fx("1e20").saturating_div(fx("1e-5")), Fixed::MAX);
		assert_eq!(fx("5").saturating_div(Fixed::ZERO), Fixed::MAX);
		assert_eq!(fx("-5").saturating_div(Fixed::ZERO), Fixed::MIN);
		assert_eq!(Fixed::ZERO.saturating_div(Fixed::ZERO), Fixed::ZERO);
		assert_eq!(fx("5").checked_div(Fixed::ZERO), None);
		assert_eq!(Fixed::from_rational(1, 4), Some(fx("0.25")));
		assert_eq!(Fixed::from_rational(-7, 2), Some(fx("-3.5")));
		assert_eq!(Fixed::from_rational(1, 0), None);
	}

	#[test]
	fn saturating_add_sub() {
		assert_eq!(Fixed::MAX.saturating_add(Fixed::ONE), Fixed::MAX);
		assert_eq!(Fixed::MIN.saturating_sub(Fixed::ONE), Fixed::MIN);
		assert_eq!(Fixed::MIN.saturating_neg(), Fixed::MAX);
		assert_eq!(Fixed::from_bits(i128::MIN), Fixed::MIN);
		assert_eq!(Fixed::MAX.checked_add(Fixed::EPSILON), None);
		assert_eq!(Fixed::MIN.checked_sub(Fixed::EPSILON), None);
	}

	#[test]
	fn floor_trunc_frac() {
		assert_eq!(fx("2.5").floor(), fx("2"));
		assert_eq!(fx("-2.5").floor(), fx("-3"));
		assert_eq!(fx("-2.5").trunc(), fx("-2"));
		assert_eq!(fx("-2.25").frac(), fx("0.75"));
		assert_eq!(fx("-2.5").to_int_floor(), -3);
		assert_eq!(fx("7").to_int_floor(), 7);
	}

	#[test]
	fn token_helpers() {
		assert_eq!(fx("0.25").mul_u128_floor(10), 2);
		assert_eq!(fx("-0.25").mul_u128_floor(10), 0);
		assert_eq!(Fixed::ONE.mul_u128_floor(u128::MAX), u128::MAX);
		assert_eq!(Fixed::from_ratio_u128(1, 3).unwrap().to_string(), "0.333333333333333333");
		assert_eq!(Fixed::from_ratio_u128_floor(2, 3).unwrap().to_string(), "0.666666666666666666");
		assert_eq!(Fixed::from_u128_scaled(1_500_000_000_000_000_000, SCALE_U), Some(fx("1.5")));
		assert_eq!(Fixed::from_ratio_u128(1, 0), None);
	}

	#[test]
	fn powi_and_signs() {
		assert_eq!(fx("1.5").powi(3), fx("3.375"));
		assert_eq!(fx("-2").powi(3), fx("-8"));
		assert_eq!(fx("7").powi(0), Fixed::ONE);
		assert_eq!(fx("10").powi(25), Fixed::MAX);
		assert_eq!(fx("-3").signum(), fx("-1"));
		assert_eq!(fx("-3").abs(), fx("3"));
		assert!(fx("-3").is_negative() && fx("3").is_positive() && Fixed::ZERO.is_zero());
		assert_eq!(fx("2").min(fx("3")), fx("2"));
		assert_eq!(fx("2").max(fx("3")), fx("3"));
	}

	#[test]
	fn f64_round_trip() {
		for v in [0.0, 1.0, -1.5, 400892.4382357018, 1e-7, -3.827041560629895, 0.173286795139986] {
			let f = Fixed::from_f64(v).unwrap();
			assert_eq!(f.to_f64(), v);
		}
		assert!(Fixed::from_f64(f64::NAN).is_none());
		assert!(Fixed::from_f64(1e30).is_none());
	}
}
