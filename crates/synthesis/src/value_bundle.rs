//! [`ValueBundle`]: one reputer's reported losses, or the network losses (spec §2.7).
//!
//! Workers are addressed by their index in the epoch's inferer list (`j`, length n) and
//! forecaster list (`k`, length m), both in the caller's fixed order (e.g. sorted account
//! ids). A missing entry is `None`; vectors shorter than n or m read as missing.

use crate::fixed::Fixed;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

/// The losses of every network variant of one epoch (spec §2.7, loss version).
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ValueBundle {
	/// L_i: loss of the combined network inference.
	pub combined: Fixed,
	/// L⁻_i: loss of the naive network inference.
	pub naive: Fixed,
	/// L_ij per inferer j.
	pub inferer: Vec<Option<Fixed>>,
	/// L_ik per forecaster k (loss of its forecast-implied inference).
	pub forecaster: Vec<Option<Fixed>>,
	/// L⁻_j'i per withheld inferer j'.
	pub one_out_inferer: Vec<Option<Fixed>>,
	/// L⁻_k'i per withheld forecaster k'.
	pub one_out_forecaster: Vec<Option<Fixed>>,
	/// L⁺_ki per forecaster k (naive network plus only k).
	pub one_in_forecaster: Vec<Option<Fixed>>,
	/// L⁻_j'ik: `[k][j']`, loss of forecaster k's implied inference without inferer j'.
	pub one_out_inferer_forecaster: Vec<Vec<Option<Fixed>>>,
}

/// Entry `i` of an optional list (`None` when absent or out of range).
pub(crate) fn at(values: &[Option<Fixed>], i: usize) -> Option<Fixed> {
	values.get(i).copied().flatten()
}

/// Entry `[a][b]` of an optional matrix.
pub(crate) fn at2(values: &[Vec<Option<Fixed>>], a: usize, b: usize) -> Option<Fixed> {
	values.get(a).and_then(|row| at(row, b))
}

/// Number of present entries.
pub(crate) fn count_present(values: &[Option<Fixed>]) -> usize {
	values.iter().filter(|v| v.is_some()).count()
}

impl ValueBundle {
	/// A bundle with combined and naive values and every list empty.
	pub fn new(combined: Fixed, naive: Fixed) -> ValueBundle {
		ValueBundle { combined, naive, ..ValueBundle::default() }
	}

	/// Number of inferer slots this bundle spans (the longest inferer-indexed list).
	pub fn inferer_slots(&self) -> usize {
		let groups = self.one_out_inferer_forecaster.iter().map(|g| g.len()).max().unwrap_or(0);
		self.inferer.len().max(self.one_out_inferer.len()).max(groups)
	}

	/// Number of forecaster slots this bundle spans.
	pub fn forecaster_slots(&self) -> usize {
		self.forecaster
			.len()
			.max(self.one_out_forecaster.len())
			.max(self.one_in_forecaster.len())
			.max(self.one_out_inferer_forecaster.len())
	}

	/// The bundle as one vector in the chain's column order (spec §4.1): combined, naive,
	/// inferers, forecasters, one-out-inferer-forecaster (by forecaster, then inferer),
	/// one-out inferers, one-out forecasters, one-in forecasters — padded with `None` to
	/// `n` inferers and `m` forecasters so that every reputer's row has the same columns.
	pub fn flatten(&self, n: usize, m: usize) -> Vec<Option<Fixed>> {
		let mut v: Vec<Option<Fixed>> = Vec::new();
		v.push(Some(self.combined));
		v.push(Some(self.naive));
		v.extend((0..n).map(|j| at(&self.inferer, j)));
		v.extend((0..m).map(|k| at(&self.forecaster, k)));
		for k in 0..m {
			v.extend((0..n).map(|j| at2(&self.one_out_inferer_forecaster, k, j)));
		}
		v.extend((0..n).map(|j| at(&self.one_out_inferer, j)));
		v.extend((0..m).map(|k| at(&self.one_out_forecaster, k)));
		v.extend((0..m).map(|k| at(&self.one_in_forecaster, k)));
		v
	}
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;
	use alloc::vec;

	#[test]
	fn flatten_pads_and_orders() {
		let one = Fixed::ONE;
		let two = Fixed::TWO;
		let mut b = ValueBundle::new(one, two);
		b.inferer = vec![Some(one)];
		b.one_in_forecaster = vec![None, Some(two)];
		b.one_out_inferer_forecaster = vec![vec![], vec![None, Some(one)]];
		let f = b.flatten(2, 2);
		// 2 + n + m + m*n + n + m + m = 2 + 2 + 2 + 4 + 2 + 2 + 2
		assert_eq!(f.len(), 16);
		assert_eq!(f[0], Some(one));
		assert_eq!(f[1], Some(two));
		assert_eq!(f[2], Some(one));
		assert_eq!(f[3], None);
		assert_eq!(f[9], Some(one)); // group k=1, inferer j=1
		assert_eq!(f[15], Some(two));
		assert_eq!(b.inferer_slots(), 2);
		assert_eq!(b.forecaster_slots(), 2);
	}
}
