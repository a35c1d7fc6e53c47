//! Test-only access to the simulator vectors in `shared/testdata/allora-simulator/`
//! (spec §8), parsed with std only.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::fixed::Fixed;
use crate::synthesis::RegretStore;
use crate::value_bundle::ValueBundle;
use std::collections::HashMap;

/// Inferers, forecasters and reputers of `inference_synthesis_simulator_epochs.csv`.
pub(crate) const NI: usize = 5;
pub(crate) const NF: usize = 3;
pub(crate) const NR: usize = 5;

/// One CSV file as rows of column → text.
pub(crate) struct Csv {
	pub(crate) rows: Vec<HashMap<String, String>>,
}

/// Loads `shared/testdata/allora-simulator/<name>`.
pub(crate) fn load(name: &str) -> Csv {
	let path = format!(
		"{}/../../../shared/testdata/allora-simulator/{}",
		env!("CARGO_MANIFEST_DIR"),
		name
	);
	let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
	let mut lines = text.lines();
	let header: Vec<String> =
		lines.next().unwrap().split(',').map(|s| s.trim().to_string()).collect();
	let rows: Vec<HashMap<String, String>> = lines
		.filter(|l| !l.trim().is_empty())
		.map(|l| -> HashMap<String, String> {
			header.iter().cloned().zip(l.split(',').map(|s| s.trim().to_string())).collect()
		})
		.collect();
	Csv { rows }
}

/// The inference-synthesis vectors (spec §8.1).
pub(crate) fn synthesis_csv() -> Csv {
	load("inference_synthesis_simulator_epochs.csv")
}

impl Csv {
	pub(crate) fn text(&self, row: usize, col: &str) -> &str {
		self.rows[row].get(col).unwrap_or_else(|| panic!("no column {col}")).as_str()
	}

	/// A numeric cell as `Fixed` (panics if empty).
	pub(crate) fn fx(&self, row: usize, col: &str) -> Fixed {
		let t = self.text(row, col);
		Fixed::from_decimal_str(t).unwrap_or_else(|| panic!("{col}@{row}: {t}"))
	}

	/// A numeric cell, `None` if empty.
	pub(crate) fn opt(&self, row: usize, col: &str) -> Option<Fixed> {
		let t = self.text(row, col);
		if t.is_empty() {
			None
		} else {
			Some(self.fx(row, col))
		}
	}

	pub(crate) fn f64(&self, row: usize, col: &str) -> f64 {
		self.text(row, col).parse::<f64>().unwrap()
	}

	/// An amount in ALLO as base units (uallo = ALLO × 1e18): the `Fixed` bits.
	pub(crate) fn uallo(&self, row: usize, col: &str) -> u128 {
		u128::try_from(self.fx(row, col).to_bits()).unwrap()
	}

	/// The stored regrets of a row (the state the next row starts from).
	pub(crate) fn regrets(&self, row: usize) -> RegretStore {
		let mut r = RegretStore::new(Fixed::ONE, NI, NF);
		for j in 0..NI {
			r.inferer[j] = Some(self.fx(row, &format!("inference_regret_worker_{j}")));
			r.naive_inferer[j] = Some(self.fx(row, &format!("naive_inference_regret_worker_{j}")));
		}
		for k in 0..NF {
			r.forecaster[k] = Some(self.fx(row, &format!("inference_regret_worker_{}", 5 + k)));
			r.one_in_forecaster_self[k] =
				Some(self.fx(row, &format!("inference_regret_worker_5_onein_{k}")));
			for j in 0..NI {
				r.one_in_forecaster_inferer[k][j] =
					Some(self.fx(row, &format!("inference_regret_worker_{j}_onein_{k}")));
			}
		}
		for l in 0..NI {
			for j in 0..NI {
				r.one_out_inferer_inferer[l][j] =
					Some(self.fx(row, &format!("inference_regret_worker_{j}_oneout_{l}")));
			}
			for k in 0..NF {
				r.one_out_inferer_forecaster[l][k] =
					Some(self.fx(row, &format!("inference_regret_worker_{}_oneout_{l}", 5 + k)));
			}
		}
		for m in 0..NF {
			for j in 0..NI {
				r.one_out_forecaster_inferer[m][j] =
					Some(self.fx(row, &format!("inference_regret_worker_{j}_oneout_{}", 5 + m)));
			}
			for k in 0..NF {
				r.one_out_forecaster_forecaster[m][k] = Some(
					self.fx(row, &format!("inference_regret_worker_{}_oneout_{}", 5 + k, 5 + m)),
				);
			}
		}
		r
	}

	/// Reputer m's reported loss bundle of a row.
	pub(crate) fn reputer_bundle(&self, row: usize, m: usize) -> ValueBundle {
		let p = format!("reputer_{m}_loss_");
		let c = |s: String| Some(self.fx(row, &format!("{p}{s}")));
		let mut b = ValueBundle::new(
			self.fx(row, &format!("{p}network_inference")),
			self.fx(row, &format!("{p}naive_network_inference")),
		);
		b.inferer = (0..NI).map(|j| c(format!("inference_{j}"))).collect();
		b.forecaster = (0..NF).map(|k| c(format!("forecast_implied_inference_{k}"))).collect();
		b.one_out_inferer = (0..NI).map(|l| c(format!("network_inference_oneout_{l}"))).collect();
		b.one_out_forecaster =
			(0..NF).map(|k| c(format!("network_inference_oneout_{}", 5 + k))).collect();
		b.one_in_forecaster =
			(0..NF).map(|k| c(format!("naive_network_inference_onein_{k}"))).collect();
		b.one_out_inferer_forecaster = (0..NF)
			.map(|k| {
				(0..NI).map(|l| c(format!("forecast_implied_inference_{k}_oneout_{l}"))).collect()
			})
			.collect();
		b
	}

	/// The network loss bundle of a row (the CSV's own stake-weighted losses).
	pub(crate) fn network_bundle(&self, row: usize) -> ValueBundle {
		let c = |s: String| Some(self.fx(row, &s));
		let mut b =
			ValueBundle::new(self.fx(row, "network_loss"), self.fx(row, "network_naive_loss"));
		b.inferer = (0..NI).map(|j| c(format!("inference_loss_{j}"))).collect();
		b.forecaster = (0..NF).map(|k| c(format!("forecast_implied_inference_loss_{k}"))).collect();
		b.one_out_inferer = (0..NI).map(|l| c(format!("network_loss_oneout_{l}"))).collect();
		b.one_out_forecaster =
			(0..NF).map(|k| c(format!("network_loss_oneout_{}", 5 + k))).collect();
		b.one_in_forecaster = (0..NF).map(|k| c(format!("network_naive_loss_onein_{k}"))).collect();
		b.one_out_inferer_forecaster = (0..NF)
			.map(|k| {
				(0..NI)
					.map(|l| c(format!("forecast_implied_inference_loss_{k}_oneout_{l}")))
					.collect()
			})
			.collect();
		b
	}

	/// Column values `prefix{i}` for i in 0..n.
	pub(crate) fn series(&self, row: usize, prefix: &str, n: usize) -> Vec<Fixed> {
		(0..n).map(|i| self.fx(row, &format!("{prefix}{i}"))).collect()
	}
}

/// Asserts `|got − want| <= rel·|want|` (or `<= rel` when want is 0).
#[track_caller]
pub(crate) fn assert_close(got: Fixed, want: Fixed, rel: f64, what: &str) {
	let g = got.to_f64();
	let w = want.to_f64();
	let tol = if w == 0.0 { rel } else { rel * w.abs() };
	assert!((g - w).abs() <= tol, "{what}: got {got}, want {want} (rel tol {rel})");
}

/// Same for integer token amounts.
#[track_caller]
pub(crate) fn assert_close_u128(got: u128, want: u128, rel: f64, what: &str) {
	let g = got as f64;
	let w = want as f64;
	assert!((g - w).abs() <= rel * w.abs() + 1.0, "{what}: got {got}, want {want}");
}
