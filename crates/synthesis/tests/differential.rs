//! Differential test: random epochs of several sizes through the fixed-point library and
//! through the float64 reference model `shared/reference/allora_ref.py` (run by
//! `tests/oracle_driver.py` in one `python3` process), compared within 1e-6 relative.
//!
//! Compared: forecast-implied inferences (also one-out), forecasted regrets, combined, naive,
//! one-out and one-in network inferences, the confidence interval, every network loss,
//! every regret family after the update, inferer/forecaster/reputer scores, listening
//! coefficients, adjusted stakes, instant and smoothed reward fractions, entropies, χ, the
//! forecaster score ratio, the task score, the task split and per-actor rewards.
//!
//! Tolerance: |library − oracle| <= 1e-6 · max(|oracle|, 1e-6). The floor makes values
//! below 1e-6 in magnitude (cancellations of O(1) inputs, e.g. a score near zero) compare
//! with an absolute 1e-12, still far above the float and fixed-point rounding (~1e-15).
//!
//! Needs `python3` with numpy: the test fails (it does not skip) when either is missing.
#![cfg(feature = "std")]
#![allow(
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::unwrap_used,
	clippy::needless_range_loop,
	clippy::type_complexity,
	clippy::uninlined_format_args
)]

mod common;

use allora_synthesis::synthesis::RegretStore;
use allora_synthesis::{Fixed, Params, ValueBundle};
use common::{get, get2, random_epoch, reward_split_error, run_epoch, Epoch, Knobs, Outcome};
use serde_json::{json, Value};
use std::process::Command;

/// Relative tolerance.
const REL: f64 = 1e-6;
/// Magnitude below which the tolerance is absolute (REL · FLOOR).
const FLOOR: f64 = 1e-6;

/// One generated epoch.
#[derive(Debug, Clone, Copy)]
struct Case {
	seed: u64,
	n: usize,
	m: usize,
	r: usize,
	all_new: bool,
	/// Inferers named per forecast.
	elements: usize,
}

const fn case(seed: u64, n: usize, m: usize, r: usize, all_new: bool, elements: usize) -> Case {
	Case { seed, n, m, r, all_new, elements }
}

/// (inferers, forecasters, reputers) = (1,0,1), (3,2,2), (8,4,3), (32,6,6), (64,16,16), two or
/// three seeds each (one at 64/16/16, which is the slowest in a debug build), including
/// all-inferers-new topics and forecasts naming a subset of the inferers.
const CASES: [Case; 11] = [
	case(1, 1, 0, 1, false, 1),
	case(2, 1, 0, 1, false, 1),
	case(3, 3, 2, 2, false, 3),
	case(4, 3, 2, 2, false, 2),
	case(5, 3, 2, 2, true, 3),
	case(6, 8, 4, 3, false, 8),
	case(7, 8, 4, 3, false, 3),
	case(8, 8, 4, 3, true, 8),
	case(9, 32, 6, 6, false, 32),
	case(10, 32, 6, 6, false, 12),
	case(11, 64, 16, 16, false, 12),
];

fn knobs(c: &Case) -> Knobs {
	Knobs {
		all_new: c.all_new,
		max_elements: c.elements,
		// a missing reported loss needs another reputer to report it
		missing: if c.r > 1 { 0.04 } else { 0.0 },
	}
}

// ----- epoch → JSON ------------------------------------------------------------------------

fn num(v: Fixed) -> Value {
	json!(v.to_f64())
}

fn opt(v: Option<Fixed>) -> Value {
	v.map_or(Value::Null, num)
}

fn opts(v: &[Option<Fixed>]) -> Value {
	Value::Array(v.iter().map(|x| opt(*x)).collect())
}

fn nums(v: &[Fixed]) -> Value {
	Value::Array(v.iter().map(|x| num(*x)).collect())
}

fn grid(v: &[Vec<Option<Fixed>>]) -> Value {
	Value::Array(v.iter().map(|row| opts(row.as_slice())).collect())
}

fn blocks(v: &[Vec<Fixed>]) -> Value {
	Value::Array(v.iter().map(|b| nums(b.as_slice())).collect())
}

/// An amount in base units as whole tokens.
fn tokens(v: u128) -> f64 {
	v as f64 / 1e18
}

fn bundle_json(b: &ValueBundle) -> Value {
	json!({
		"combined": num(b.combined),
		"naive": num(b.naive),
		"inferer": opts(&b.inferer),
		"forecaster": opts(&b.forecaster),
		"one_out_inferer": opts(&b.one_out_inferer),
		"one_out_forecaster": opts(&b.one_out_forecaster),
		"one_in": opts(&b.one_in_forecaster),
		"one_out_inferer_forecaster": grid(&b.one_out_inferer_forecaster),
	})
}

fn regrets_json(s: &RegretStore) -> Value {
	json!({
		"initial": num(s.initial_regret),
		"inferer": opts(&s.inferer),
		"forecaster": opts(&s.forecaster),
		"naive": opts(&s.naive_inferer),
		"oo_ii": grid(&s.one_out_inferer_inferer),
		"oo_if": grid(&s.one_out_inferer_forecaster),
		"oo_fi": grid(&s.one_out_forecaster_inferer),
		"oo_ff": grid(&s.one_out_forecaster_forecaster),
		"oi_inferer": grid(&s.one_in_forecaster_inferer),
		"oi_self": opts(&s.one_in_forecaster_self),
	})
}

fn epoch_json(e: &Epoch) -> Value {
	let stakes: Vec<f64> = e.stakes.iter().map(|s| tokens(*s)).collect();
	json!({
		"n": e.n,
		"m": e.m,
		"r": e.r,
		"all_new": e.all_new,
		"inferences": nums(&e.inferences),
		"forecasts": grid(&e.forecasts),
		"prev_loss": num(e.previous_loss),
		"regrets": regrets_json(&e.regrets),
		"bundles": Value::Array(e.bundles.iter().map(bundle_json).collect()),
		"stakes": stakes,
		"coefficients": nums(&e.coefficients),
		"smooth": {
			"inferer": opts(&e.smooth_inferer),
			"forecaster": opts(&e.smooth_forecaster),
			"reputer": opts(&e.smooth_reputer),
		},
		"prev_ratio": num(e.previous_ratio),
		"history": {
			"inferer": blocks(&e.inferer_history),
			"forecaster": blocks(&e.forecaster_history),
		},
		"cap": Params::default().rewards.max_samples_to_scale_scores,
		"topic_reward": tokens(e.topic_reward),
	})
}

// ----- the oracle --------------------------------------------------------------------------

fn run_oracle(epochs: &Value) -> Value {
	let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle_driver.py");
	let reference = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference");
	let input = format!("{}/differential-epochs.json", env!("CARGO_TARGET_TMPDIR"));
	std::fs::write(&input, epochs.to_string()).unwrap();
	let stdin = std::fs::File::open(&input).unwrap();
	let output = match Command::new("python3").arg(driver).arg(reference).stdin(stdin).output() {
		Ok(output) => output,
		Err(e) => panic!(
			"cannot run python3 ({e}): this test compares against the Python reference model \
			 and needs python3 with numpy (e.g. `apt-get install python3 python3-numpy`)"
		),
	};
	if !output.status.success() {
		panic!(
			"the Python oracle failed ({}); it needs python3 with numpy and {}:\n{}",
			output.status,
			reference,
			String::from_utf8_lossy(&output.stderr)
		);
	}
	serde_json::from_slice(&output.stdout)
		.unwrap_or_else(|e| panic!("the oracle's output is not JSON: {e}"))
}

// ----- comparison --------------------------------------------------------------------------

/// A JSON value flattened to numbers (`null` and non-numbers read as missing).
fn flatten(v: &Value) -> Vec<Option<f64>> {
	match v {
		Value::Array(items) => items.iter().flat_map(flatten).collect(),
		other => vec![other.as_f64()],
	}
}

fn close(got: f64, want: f64) -> bool {
	(got - want).abs() <= REL * want.abs().max(FLOOR)
}

#[derive(Default)]
struct Report {
	compared: usize,
	failures: Vec<String>,
}

impl Report {
	fn check(&mut self, label: &str, what: &str, got: &[Option<f64>], want: &Value) {
		let want = flatten(want);
		if got.len() != want.len() {
			self.failures.push(format!(
				"{label} {what}: {} values from the library, {} from the oracle",
				got.len(),
				want.len()
			));
			return;
		}
		for (i, (g, w)) in got.iter().zip(want.iter()).enumerate() {
			self.compared += 1;
			match (g, w) {
				(None, None) => {}
				(Some(g), Some(w)) => {
					if !close(*g, *w) {
						self.failures.push(format!(
							"{label} {what}[{i}]: library {g:e}, oracle {w:e} (rel. diff {:e})",
							(g - w).abs() / w.abs().max(FLOOR)
						));
					}
				}
				(Some(g), None) => self
					.failures
					.push(format!("{label} {what}[{i}]: library {g:e}, oracle has no value")),
				(None, Some(w)) => self
					.failures
					.push(format!("{label} {what}[{i}]: library has no value, oracle {w:e}")),
			}
		}
	}
}

fn one(v: Fixed) -> Vec<Option<f64>> {
	vec![Some(v.to_f64())]
}

fn list(v: &[Option<Fixed>], len: usize) -> Vec<Option<f64>> {
	(0..len).map(|i| get(v, i).map(|x| x.to_f64())).collect()
}

fn plain(v: &[Fixed], len: usize) -> Vec<Option<f64>> {
	(0..len).map(|i| v.get(i).map(|x| x.to_f64())).collect()
}

fn table(v: &[Vec<Option<Fixed>>], rows: usize, cols: usize) -> Vec<Option<f64>> {
	let mut out = Vec::with_capacity(rows * cols);
	for a in 0..rows {
		for b in 0..cols {
			out.push(get2(v, a, b).map(|x| x.to_f64()));
		}
	}
	out
}

fn amounts(v: &[Option<u128>], len: usize) -> Vec<Option<f64>> {
	(0..len).map(|i| v.get(i).copied().flatten().map(tokens)).collect()
}

fn compare(rep: &mut Report, label: &str, e: &Epoch, o: &Outcome, want: &Value) {
	let (n, m, r) = (e.n, e.m, e.r);
	let s = &o.synthesis;
	rep.check(label, "forecast_implied", &list(&s.forecast_implied, m), &want["forecast_implied"]);
	rep.check(
		label,
		"forecast_implied_one_out",
		&table(&s.forecast_implied_one_out, m, n),
		&want["forecast_implied_one_out"],
	);
	if !e.all_new {
		// the reference computes no forecasted regrets in all-inferers-new mode
		rep.check(
			label,
			"forecasted_regrets",
			&table(&s.forecasted_regrets, m, n),
			&want["forecasted_regrets"],
		);
	}
	rep.check(label, "combined", &one(s.combined), &want["combined"]);
	rep.check(label, "naive", &one(s.naive), &want["naive"]);
	rep.check(label, "one_out_inferer", &list(&s.one_out_inferer, n), &want["one_out_inferer"]);
	rep.check(
		label,
		"one_out_forecaster",
		&list(&s.one_out_forecaster, m),
		&want["one_out_forecaster"],
	);
	rep.check(label, "one_in", &list(&s.one_in_forecaster, m), &want["one_in"]);
	let ci: Vec<Option<f64>> = match &o.confidence {
		Some(v) => v.iter().map(|x| Some(x.to_f64())).collect(),
		None => vec![None],
	};
	rep.check(label, "confidence_interval", &ci, &want["confidence_interval"]);

	let l = &o.losses;
	let wl = &want["network_losses"];
	rep.check(label, "loss combined", &one(l.combined), &wl["combined"]);
	rep.check(label, "loss naive", &one(l.naive), &wl["naive"]);
	rep.check(label, "loss inferer", &list(&l.inferer, n), &wl["inferer"]);
	rep.check(label, "loss forecaster", &list(&l.forecaster, m), &wl["forecaster"]);
	rep.check(label, "loss one_out_inferer", &list(&l.one_out_inferer, n), &wl["one_out_inferer"]);
	rep.check(
		label,
		"loss one_out_forecaster",
		&list(&l.one_out_forecaster, m),
		&wl["one_out_forecaster"],
	);
	rep.check(label, "loss one_in", &list(&l.one_in_forecaster, m), &wl["one_in"]);
	rep.check(
		label,
		"loss one_out_inferer_forecaster",
		&table(&l.one_out_inferer_forecaster, m, n),
		&wl["one_out_inferer_forecaster"],
	);

	let g = &o.regrets;
	let wr = &want["regrets"];
	rep.check(label, "regret inferer", &list(&g.inferer, n), &wr["inferer"]);
	rep.check(label, "regret forecaster", &list(&g.forecaster, m), &wr["forecaster"]);
	rep.check(label, "regret naive", &list(&g.naive_inferer, n), &wr["naive"]);
	rep.check(label, "regret oo_ii", &table(&g.one_out_inferer_inferer, n, n), &wr["oo_ii"]);
	rep.check(label, "regret oo_if", &table(&g.one_out_inferer_forecaster, n, m), &wr["oo_if"]);
	rep.check(label, "regret oo_fi", &table(&g.one_out_forecaster_inferer, m, n), &wr["oo_fi"]);
	rep.check(label, "regret oo_ff", &table(&g.one_out_forecaster_forecaster, m, m), &wr["oo_ff"]);
	rep.check(
		label,
		"regret oi_inferer",
		&table(&g.one_in_forecaster_inferer, m, n),
		&wr["oi_inferer"],
	);
	rep.check(label, "regret oi_self", &list(&g.one_in_forecaster_self, m), &wr["oi_self"]);

	rep.check(label, "inferer_scores", &list(&o.inferer_scores, n), &want["inferer_scores"]);
	rep.check(
		label,
		"forecaster_scores",
		&list(&o.forecaster_scores, m),
		&want["forecaster_scores"],
	);
	rep.check(label, "reputer_scores", &plain(&o.consensus.scores, r), &want["reputer_scores"]);
	rep.check(
		label,
		"listening_coefficients",
		&plain(&o.consensus.listening_coefficients, r),
		&want["listening_coefficients"],
	);
	rep.check(
		label,
		"adjusted_stakes",
		&plain(&o.consensus.adjusted_stakes, r),
		&want["adjusted_stakes"],
	);
	rep.check(
		label,
		"reputer_fractions",
		&list(&o.reputer_fractions, r),
		&want["reputer_fractions"],
	);
	rep.check(
		label,
		"inferer_fractions",
		&list(&o.inferer_fractions, n),
		&want["inferer_fractions"],
	);
	rep.check(
		label,
		"forecaster_fractions",
		&list(&o.forecaster_fractions, m),
		&want["forecaster_fractions"],
	);
	rep.check(label, "smooth_inferer", &list(&o.smooth_inferer, n), &want["smooth_inferer"]);
	rep.check(
		label,
		"smooth_forecaster",
		&list(&o.smooth_forecaster, m),
		&want["smooth_forecaster"],
	);
	rep.check(label, "smooth_reputer", &list(&o.smooth_reputer, r), &want["smooth_reputer"]);
	rep.check(label, "entropies", &plain(&o.entropies, 3), &want["entropies"]);
	rep.check(label, "chi", &one(o.utility.chi), &want["chi"]);
	rep.check(label, "ratio", &one(o.utility.score_ratio), &want["ratio"]);
	rep.check(label, "task_score", &one(o.task_score), &want["task_score"]);
	let t = &o.task_fractions;
	rep.check(
		label,
		"task_fractions",
		&plain(&[t.inferers, t.forecasters, t.reputers], 3),
		&want["task_fractions"],
	);
	rep.check(label, "rewards_inferer", &amounts(&o.inferer_rewards, n), &want["rewards_inferer"]);
	rep.check(
		label,
		"rewards_forecaster",
		&amounts(&o.forecaster_rewards, m),
		&want["rewards_forecaster"],
	);
	rep.check(label, "rewards_reputer", &amounts(&o.reputer_rewards, r), &want["rewards_reputer"]);
	if let Some(problem) = reward_split_error(e, o) {
		rep.failures.push(format!("{label}: {problem}"));
	}
}

#[test]
fn library_matches_the_float_oracle() {
	let params = Params::default();
	let epochs: Vec<Epoch> =
		CASES.iter().map(|c| random_epoch(c.seed, c.n, c.m, c.r, &knobs(c))).collect();
	let outcomes: Vec<Outcome> = epochs
		.iter()
		.zip(CASES.iter())
		.map(|(e, c)| {
			run_epoch(e, &params).unwrap_or_else(|err| panic!("library failed on {c:?}: {err:?}"))
		})
		.collect();
	let oracle = run_oracle(&Value::Array(epochs.iter().map(epoch_json).collect()));
	let results = oracle.as_array().expect("the oracle prints a JSON list");
	assert_eq!(results.len(), CASES.len(), "one oracle result per epoch");
	let mut report = Report::default();
	for (i, c) in CASES.iter().enumerate() {
		let label = format!("seed {} ({}, {}, {})", c.seed, c.n, c.m, c.r);
		compare(&mut report, &label, &epochs[i], &outcomes[i], &results[i]);
	}
	let shown: Vec<&String> = report.failures.iter().take(60).collect();
	assert!(
		report.failures.is_empty(),
		"{} of {} comparisons differ by more than {REL:e} relative:\n{}",
		report.failures.len(),
		report.compared,
		shown.iter().map(|s| s.as_str()).collect::<Vec<&str>>().join("\n")
	);
	assert!(report.compared > 10_000, "only {} values compared", report.compared);
}

#[test]
fn generated_epochs_are_deterministic() {
	let c = CASES[5];
	let a = random_epoch(c.seed, c.n, c.m, c.r, &knobs(&c));
	let b = random_epoch(c.seed, c.n, c.m, c.r, &knobs(&c));
	assert_eq!(a.inferences, b.inferences);
	assert_eq!(a.bundles, b.bundles);
	assert_eq!(a.stakes, b.stakes);
	let other = random_epoch(c.seed + 1, c.n, c.m, c.r, &knobs(&c));
	assert_ne!(a.inferences, other.inferences);
}
