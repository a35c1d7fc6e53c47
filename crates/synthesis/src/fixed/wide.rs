//! 256-bit unsigned intermediates.
//!
//! `i128 × i128` products need 256 bits before they are scaled back, so multiplication,
//! division, square roots and the transcendental functions go through this small type.
//! Everything here is integer-only and panic-free: operations that cannot represent their
//! result return `None`.

/// Mask of the low 64 bits of a `u128`.
const LOW64: u128 = 0xFFFF_FFFF_FFFF_FFFF;

/// How a quotient (or a right shift) is rounded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Rounding {
	/// Toward zero (floor for the unsigned magnitudes used here).
	Down,
	/// To the nearest integer, halves rounded up (away from zero on magnitudes).
	Nearest,
	/// Away from zero (ceiling on magnitudes).
	Up,
}

/// An unsigned 256-bit integer as two 128-bit halves (`hi` first so that the derived
/// ordering is the numeric one).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) struct U256 {
	pub(crate) hi: u128,
	pub(crate) lo: u128,
}

impl U256 {
	pub(crate) const ZERO: U256 = U256 { hi: 0, lo: 0 };

	pub(crate) const fn from_u128(v: u128) -> U256 {
		U256 { hi: 0, lo: v }
	}

	/// The exact product of two `u128` (schoolbook on 64-bit limbs).
	pub(crate) fn mul(a: u128, b: u128) -> U256 {
		let a0 = a & LOW64;
		let a1 = a.wrapping_shr(64);
		let b0 = b & LOW64;
		let b1 = b.wrapping_shr(64);
		// Each partial product of two 64-bit limbs fits in 128 bits.
		let p00 = a0.wrapping_mul(b0);
		let p01 = a0.wrapping_mul(b1);
		let p10 = a1.wrapping_mul(b0);
		let p11 = a1.wrapping_mul(b1);
		// mid < 3 * 2^64: no overflow.
		let mid = p00.wrapping_shr(64).wrapping_add(p01 & LOW64).wrapping_add(p10 & LOW64);
		let lo = (p00 & LOW64) | mid.wrapping_shl(64);
		// The full product is < 2^256, so the high half cannot overflow.
		let hi = p11
			.wrapping_add(p01.wrapping_shr(64))
			.wrapping_add(p10.wrapping_shr(64))
			.wrapping_add(mid.wrapping_shr(64));
		U256 { hi, lo }
	}

	/// `v << s` as a 256-bit value (bits shifted past 2^256 are lost; `s >= 256` gives 0).
	pub(crate) fn shl(v: u128, s: u32) -> U256 {
		if s == 0 {
			U256 { hi: 0, lo: v }
		} else if s < 128 {
			U256 { hi: v.wrapping_shr(128u32.wrapping_sub(s)), lo: v.wrapping_shl(s) }
		} else if s < 256 {
			U256 { hi: v.wrapping_shl(s.wrapping_sub(128)), lo: 0 }
		} else {
			U256::ZERO
		}
	}

	/// `self >> s` (floor).
	pub(crate) fn shr(self, s: u32) -> U256 {
		if s == 0 {
			self
		} else if s < 128 {
			U256 {
				hi: self.hi.wrapping_shr(s),
				lo: self.lo.wrapping_shr(s) | self.hi.wrapping_shl(128u32.wrapping_sub(s)),
			}
		} else if s < 256 {
			U256 { hi: 0, lo: self.hi.wrapping_shr(s.wrapping_sub(128)) }
		} else {
			U256::ZERO
		}
	}

	/// `self >> s` rounded as asked; `None` if the result does not fit in a `u128`.
	pub(crate) fn shr_round(self, s: u32, rounding: Rounding) -> Option<u128> {
		let q = self.shr(s);
		if s == 0 {
			return q.to_u128();
		}
		let bump = match rounding {
			Rounding::Down => false,
			// The highest discarded bit is set <=> the discarded part is >= one half.
			Rounding::Nearest => (self.shr(s.wrapping_sub(1)).lo & 1) == 1,
			Rounding::Up => {
				let back = q.shl_self(s);
				back != self
			}
		};
		let q = q.to_u128()?;
		if bump {
			q.checked_add(1)
		} else {
			Some(q)
		}
	}

	/// `self << s` for values known to fit (used to test for discarded bits).
	fn shl_self(self, s: u32) -> U256 {
		if s == 0 {
			self
		} else if s < 128 {
			U256 {
				hi: self.hi.wrapping_shl(s) | self.lo.wrapping_shr(128u32.wrapping_sub(s)),
				lo: self.lo.wrapping_shl(s),
			}
		} else if s < 256 {
			U256 { hi: self.lo.wrapping_shl(s.wrapping_sub(128)), lo: 0 }
		} else {
			U256::ZERO
		}
	}

	/// The value as a `u128` if it fits.
	pub(crate) fn to_u128(self) -> Option<u128> {
		if self.hi == 0 {
			Some(self.lo)
		} else {
			None
		}
	}

	/// `self - other`, `None` if negative.
	pub(crate) fn checked_sub(self, other: U256) -> Option<U256> {
		if other > self {
			return None;
		}
		let (lo, borrow) = self.lo.overflowing_sub(other.lo);
		let hi = self.hi.wrapping_sub(other.hi).wrapping_sub(if borrow { 1 } else { 0 });
		Some(U256 { hi, lo })
	}

	/// Number of significant bits (0 for zero).
	pub(crate) fn bit_length(self) -> u32 {
		if self.hi != 0 {
			256u32.wrapping_sub(self.hi.leading_zeros())
		} else {
			128u32.wrapping_sub(self.lo.leading_zeros())
		}
	}

	/// Quotient and remainder of `self / d`; `None` if `d == 0` or the quotient needs more
	/// than 128 bits.
	pub(crate) fn div_rem(self, d: u128) -> Option<(u128, u128)> {
		if d == 0 || self.hi >= d {
			return None;
		}
		if self.hi == 0 {
			let q = self.lo.checked_div(d)?;
			let r = self.lo.checked_rem(d)?;
			return Some((q, r));
		}
		if d <= LOW64 {
			// Two steps of 128-by-64 long division; the running remainder is < d < 2^64,
			// so every partial dividend fits in 128 bits.
			let mut rem = self.hi;
			let mut q: u128 = 0;
			for limb in [self.lo.wrapping_shr(64), self.lo & LOW64] {
				let cur = rem.wrapping_shl(64) | limb;
				let qd = cur.checked_div(d)?;
				rem = cur.checked_rem(d)?;
				q = q.wrapping_shl(64) | qd;
			}
			return Some((q, rem));
		}
		// Restoring binary long division. `rem < d` holds before every step; after the
		// shift the true value may need 129 bits, tracked by `carry`.
		let mut rem = self.hi;
		let mut q: u128 = 0;
		let mut i: u32 = 128;
		while i > 0 {
			i = i.wrapping_sub(1);
			let bit = self.lo.wrapping_shr(i) & 1;
			let carry = rem.wrapping_shr(127) & 1;
			rem = rem.wrapping_shl(1) | bit;
			q = q.wrapping_shl(1);
			if carry == 1 || rem >= d {
				rem = rem.wrapping_sub(d);
				q |= 1;
			}
		}
		Some((q, rem))
	}

	/// `self / d` rounded as asked; `None` on division by zero or overflow.
	pub(crate) fn div_round(self, d: u128, rounding: Rounding) -> Option<u128> {
		let (q, r) = self.div_rem(d)?;
		round_quotient(q, r, d, rounding)
	}

	/// Integer square root rounded to nearest (`floor(sqrt(self) + 1/2)`).
	pub(crate) fn sqrt_round(self) -> Option<u128> {
		if self == U256::ZERO {
			return Some(0);
		}
		// Start above the root: 2^ceil(bits/2) >= sqrt(self); cap at u128::MAX, which is
		// >= floor(sqrt(x)) for every 256-bit x.
		let half_bits = self.bit_length().wrapping_add(1).wrapping_shr(1);
		let mut x: u128 = if half_bits >= 128 { u128::MAX } else { 1u128.wrapping_shl(half_bits) };
		// Newton from above decreases monotonically to floor(sqrt); at most ~130 steps,
		// in practice < 10 with this start.
		let mut steps: u32 = 0;
		loop {
			let (q, _) = self.div_rem(x)?;
			let y = U256::from_u128(x).checked_add_u128(q)?.shr(1).to_u128()?;
			if y >= x {
				break;
			}
			x = y;
			steps = steps.wrapping_add(1);
			if steps > 300 {
				return None;
			}
		}
		// Round to nearest: sqrt >= x + 1/2  <=>  self >= x^2 + x + 1/4  <=>  self - x^2 > x.
		let rem = self.checked_sub(U256::mul(x, x))?;
		if rem > U256::from_u128(x) {
			x.checked_add(1)
		} else {
			Some(x)
		}
	}

	/// `self + v`, `None` on overflow past 2^256.
	pub(crate) fn checked_add_u128(self, v: u128) -> Option<U256> {
		let (lo, carry) = self.lo.overflowing_add(v);
		let hi = if carry { self.hi.checked_add(1)? } else { self.hi };
		Some(U256 { hi, lo })
	}
}

/// Applies a rounding mode to a quotient `q` with remainder `r < d`.
pub(crate) fn round_quotient(q: u128, r: u128, d: u128, rounding: Rounding) -> Option<u128> {
	let bump = match rounding {
		Rounding::Down => false,
		Rounding::Up => r > 0,
		// 2r >= d without overflowing: r >= d - r (r < d so the subtraction is safe).
		Rounding::Nearest => r > 0 && r >= d.wrapping_sub(r),
	};
	if bump {
		q.checked_add(1)
	} else {
		Some(q)
	}
}

/// `a * b / d` with a 256-bit intermediate, rounded as asked; `None` on division by zero
/// or if the result does not fit in a `u128`.
pub(crate) fn mul_div(a: u128, b: u128, d: u128, rounding: Rounding) -> Option<u128> {
	U256::mul(a, b).div_round(d, rounding)
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;

	#[test]
	fn mul_matches_u128_when_small() {
		let a: u128 = 0xDEAD_BEEF_1234_5678;
		let b: u128 = 0x1234_5678_9ABC;
		assert_eq!(U256::mul(a, b), U256::from_u128(a * b));
	}

	#[test]
	fn mul_of_maxima() {
		// (2^128 - 1)^2 = 2^256 - 2^129 + 1
		let p = U256::mul(u128::MAX, u128::MAX);
		assert_eq!(p.lo, 1);
		assert_eq!(p.hi, u128::MAX - 1);
	}

	#[test]
	fn division_paths_agree() {
		// small divisor path vs restoring path on the same dividend
		let n = U256::mul(0x1234_5678_9ABC_DEF0_1234, 0xFF_FFFF_FFFF_FFFF_FFFF);
		assert!(n.hi != 0);
		let (q1, r1) = n.div_rem(1_000_000_007).unwrap();
		// check q*d + r == n
		let back = U256::mul(q1, 1_000_000_007).checked_add_u128(r1).unwrap();
		assert_eq!(back, n);
		let big_d: u128 = 0x1_0000_0000_0000_0001_0000;
		let (q2, r2) = n.div_rem(big_d).unwrap();
		let back2 = U256::mul(q2, big_d).checked_add_u128(r2).unwrap();
		assert_eq!(back2, n);
		assert!(r2 < big_d);
	}

	#[test]
	fn restoring_division_with_top_bit_divisor() {
		let d: u128 = (1u128 << 127) + 12345;
		let n = U256 { hi: d - 1, lo: u128::MAX };
		let (q, r) = n.div_rem(d).unwrap();
		let back = U256::mul(q, d).checked_add_u128(r).unwrap();
		assert_eq!(back, n);
		assert!(r < d);
	}

	#[test]
	fn overflowing_quotient_is_none() {
		let n = U256 { hi: 5, lo: 0 };
		assert!(n.div_rem(5).is_none());
		assert!(n.div_rem(0).is_none());
	}

	#[test]
	fn rounding_modes() {
		assert_eq!(mul_div(7, 1, 2, Rounding::Down), Some(3));
		assert_eq!(mul_div(7, 1, 2, Rounding::Nearest), Some(4));
		assert_eq!(mul_div(5, 1, 4, Rounding::Nearest), Some(1));
		assert_eq!(mul_div(6, 1, 4, Rounding::Nearest), Some(2));
		assert_eq!(mul_div(5, 1, 4, Rounding::Up), Some(2));
		assert_eq!(U256::from_u128(0b1011).shr_round(2, Rounding::Nearest), Some(3));
		assert_eq!(U256::from_u128(0b1001).shr_round(2, Rounding::Nearest), Some(2));
		assert_eq!(U256::from_u128(0b1001).shr_round(2, Rounding::Up), Some(3));
		assert_eq!(U256::from_u128(0b1000).shr_round(2, Rounding::Up), Some(2));
	}

	#[test]
	fn integer_square_roots() {
		for v in [0u128, 1, 2, 3, 4, 15, 16, 17, 1_000_000, 999_999_999_999] {
			let r = U256::from_u128(v).sqrt_round().unwrap();
			let exact = (v as f64).sqrt().round() as u128;
			assert_eq!(r, exact, "sqrt({v})");
		}
		let big = U256::mul(u128::MAX, u128::MAX);
		assert_eq!(big.sqrt_round().unwrap(), u128::MAX);
		let sq = U256::mul(1u128 << 100, 1u128 << 100);
		assert_eq!(sq.sqrt_round().unwrap(), 1u128 << 100);
	}
}
