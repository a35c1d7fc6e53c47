//! Runs the `allora-synth` binary on the three simulator CSVs (spec section 8) and on broken
//! inputs.
//!
//! For every row after the first, every derived column must match the CSV's own value within
//! |got − want| <= 1e-6 · max(|want|, 1e-9): relative 1e-6, and for values below 1e-9 in
//! magnitude (only exact zeros occur; the smallest non-zero derived value in the files is
//! 1.5e-4) an absolute 1e-15. Input columns must be copied unchanged, the first row echoed,
//! and no derived column may be empty except:
//!
//! * `replay`: `inferer_reward_fraction_*` / `forecaster_reward_fraction_*` in rows whose
//!   score history inside the file holds fewer than `max_samples_to_scale_scores` (10)
//!   scores. The σ of the score mapping (spec section 5.3) spans the newest 10 stored
//!   scores; with 3 forecasters the simulator's σ for epochs 301 and 302 includes scores of
//!   epochs before 300, which the file does not contain (spec section 8.4 excludes the same
//!   values from its check). The replay leaves them empty and continues with the file's
//!   values (the only cells it reads after the first row besides the inputs).
//! * `replay-tokenomics`: `validator_rewards_{i}`: the simulator splits validator rewards by
//!   a rule the spec does not give (a stake-proportional split differs by up to 2.4 %).
//! * `replay-sortition`: cells the CSV itself leaves empty (passive participants).
#![cfg(feature = "std")]
#![allow(
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::unwrap_used,
	clippy::needless_range_loop,
	clippy::type_complexity,
	clippy::uninlined_format_args,
	clippy::useless_vec
)]

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_allora-synth");
const SYNTHESIS: &str = "inference_synthesis_simulator_epochs.csv";
const SORTITION: &str = "merit_sortition_simulator_epochs.csv";
const TOKENOMICS: &str = "tokenomics_simulator_months.csv";

/// Relative tolerance.
const REL: f64 = 1e-6;
/// Magnitude below which the tolerance is absolute (REL · FLOOR = 1e-15).
const FLOOR: f64 = 1e-9;
/// `max_samples_to_scale_scores` of the default parameters.
const MAX_SAMPLES: usize = 10;

fn data(name: &str) -> String {
	format!("{}/../../../shared/testdata/allora-simulator/{}", env!("CARGO_MANIFEST_DIR"), name)
}

fn read(name: &str) -> String {
	let path = data(name);
	std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Writes a scratch file and returns its path.
fn scratch(name: &str, content: &str) -> String {
	let path = format!("{}/{}", env!("CARGO_TARGET_TMPDIR"), name);
	std::fs::write(&path, content).unwrap();
	path
}

fn run(args: &[&str]) -> Output {
	Command::new(BIN).args(args).output().unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"))
}

fn stderr(out: &Output) -> String {
	String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A CSV as header and rows of trimmed cells.
#[derive(Debug, Clone, PartialEq)]
struct Csv {
	header: Vec<String>,
	rows: Vec<Vec<String>>,
}

impl Csv {
	fn parse(text: &str) -> Csv {
		let mut lines = text.lines().filter(|l| !l.trim().is_empty());
		let split =
			|l: &str| -> Vec<String> { l.split(',').map(|c| c.trim().to_string()).collect() };
		let header = split(lines.next().expect("a header line"));
		let rows: Vec<Vec<String>> = lines.map(split).collect();
		for (i, r) in rows.iter().enumerate() {
			assert_eq!(r.len(), header.len(), "output row {} is ragged", i + 1);
		}
		Csv { header, rows }
	}

	fn text(&self) -> String {
		let mut out = self.header.join(",");
		out.push('\n');
		for r in &self.rows {
			out.push_str(&r.join(","));
			out.push('\n');
		}
		out
	}

	fn column(&self, name: &str) -> usize {
		self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
	}
}

/// `name` = `prefix` followed by digits only.
fn indexed(name: &str, prefix: &str) -> bool {
	match name.strip_prefix(prefix) {
		Some(rest) => !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()),
		None => false,
	}
}

// ----- column classes of the three formats (spec section 8) --------------------------------

fn synthesis_input(name: &str) -> bool {
	matches!(name, "epoch" | "target" | "topic_rewards")
		|| indexed(name, "inference_")
		|| name.starts_with("forecasted_loss_")
		|| name.starts_with("reputer_stake_")
		|| (name.starts_with("reputer_") && name.contains("_loss_"))
}

fn sortition_input(name: &str) -> bool {
	if matches!(
		name,
		"epoch"
			| "n_participants"
			| "n_participants_max"
			| "n_participants_drawn"
			| "percentile"
			| "alpha_quality"
	) {
		return true;
	}
	match name.split_once('_') {
		Some((p, rest)) => {
			p.bytes().all(|b| b.is_ascii_digit())
				&& matches!(rest, "prev_participated" | "quality_metric")
		}
		None => false,
	}
}

fn tokenomics_input(name: &str) -> bool {
	let derived = [
		"investors_preseed_tokens_emission",
		"investors_seed_tokens_emission",
		"team_tokens_emission",
		"ecosystem_tokens_total",
		"ecosystem_tokens_emission",
		"network_tokens_emission",
		"network_tokens_circulating",
		"ehat_target_i",
		"ehat_max_i",
		"ehat_i",
		"e_i",
		"validator_rewards",
		"topics_rewards",
	];
	!(derived.contains(&name)
		|| indexed(name, "topic_rewards_")
		|| indexed(name, "validator_rewards_"))
}

/// Number of columns `prefix{i}` in the header.
fn count(csv: &Csv, prefix: &str) -> usize {
	csv.header.iter().filter(|h| indexed(h, prefix)).count()
}

/// See the module documentation: worker fractions whose score window reaches before the
/// file's first row.
fn synthesis_may_be_empty(csv: &Csv, row: usize, name: &str) -> bool {
	let short = |per_row: usize| (row + 1) * per_row < MAX_SAMPLES;
	(indexed(name, "forecaster_reward_fraction_") && short(count(csv, "forecaster_score_")))
		|| (indexed(name, "inferer_reward_fraction_") && short(count(csv, "inferer_score_")))
}

fn tokenomics_may_be_empty(_: &Csv, _: usize, name: &str) -> bool {
	indexed(name, "validator_rewards_")
}

fn never_empty(_: &Csv, _: usize, _: &str) -> bool {
	false
}

fn number(s: &str) -> Option<f64> {
	s.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn close(got: f64, want: f64) -> bool {
	(got - want).abs() <= REL * want.abs().max(FLOOR)
}

/// What a replay check saw.
struct Checked {
	/// Derived cells compared.
	compared: usize,
	/// Derived cells whose text differs from the CSV's (so they were computed, not copied).
	recomputed: usize,
	/// stderr of the run.
	notes: String,
}

/// Runs `subcommand` on `file` and checks the output against the file (module docs).
fn check_replay(
	subcommand: &str,
	file: &str,
	is_input: fn(&str) -> bool,
	may_be_empty: fn(&Csv, usize, &str) -> bool,
) -> Checked {
	let input = Csv::parse(&read(file));
	let out = run(&[subcommand, &data(file)]);
	assert!(out.status.success(), "{subcommand} {file} failed: {}", stderr(&out));
	let output = Csv::parse(&String::from_utf8(out.stdout.clone()).unwrap());
	assert_eq!(output.header, input.header, "the header is kept");
	assert_eq!(output.rows.len(), input.rows.len(), "one output row per input row");
	assert_eq!(output.rows[0], input.rows[0], "the first row is echoed as is");
	let mut failures: Vec<String> = Vec::new();
	let mut compared = 0;
	let mut recomputed = 0;
	for row in 1..input.rows.len() {
		for (c, name) in input.header.iter().enumerate() {
			let want = input.rows[row][c].as_str();
			let got = output.rows[row][c].as_str();
			let at = format!("row {}, {name}", row + 1);
			if is_input(name) {
				if got != want {
					failures.push(format!("{at}: input changed from {want:?} to {got:?}"));
				}
				continue;
			}
			if got.is_empty() {
				if !want.is_empty() && !may_be_empty(&input, row, name) {
					failures.push(format!("{at}: left empty (the CSV has {want})"));
				}
				continue;
			}
			if want.is_empty() {
				failures.push(format!("{at}: computed {got} where the CSV is empty"));
				continue;
			}
			compared += 1;
			if got != want {
				recomputed += 1;
			}
			match (number(got), number(want)) {
				(Some(g), Some(w)) => {
					if !close(g, w) {
						failures.push(format!(
							"{at}: {got} vs {want} (rel. diff {:e})",
							(g - w).abs() / w.abs().max(FLOOR)
						));
					}
				}
				_ => {
					if got != want {
						failures.push(format!("{at}: {got:?} vs {want:?}"));
					}
				}
			}
		}
	}
	let shown: Vec<&str> = failures.iter().take(60).map(|s| s.as_str()).collect();
	assert!(
		failures.is_empty(),
		"{subcommand} {file}: {} problems ({compared} cells compared):\n{}",
		failures.len(),
		shown.join("\n")
	);
	Checked { compared, recomputed, notes: stderr(&out) }
}

/// Replaces every derived cell after the first row by `999`: the replay must not read them.
fn corrupt_derived(text: &str, is_input: fn(&str) -> bool, keep: fn(&str) -> bool) -> String {
	let mut csv = Csv::parse(text);
	for row in 1..csv.rows.len() {
		for c in 0..csv.header.len() {
			let name = &csv.header[c];
			if !is_input(name) && !keep(name) {
				csv.rows[row][c] = "999".to_string();
			}
		}
	}
	csv.text()
}

fn keep_nothing(_: &str) -> bool {
	false
}

/// The values `replay` reads from the file when it cannot compute them (module docs).
fn keep_worker_fractions(name: &str) -> bool {
	indexed(name, "forecaster_reward_fraction_") || indexed(name, "inferer_reward_fraction_")
}

// ----- the simulator files ----------------------------------------------------------------

#[test]
fn replay_reproduces_the_inference_synthesis_vectors() {
	let checked = check_replay("replay", SYNTHESIS, synthesis_input, synthesis_may_be_empty);
	let input = Csv::parse(&read(SYNTHESIS));
	let derived = input.header.iter().filter(|h| !synthesis_input(h)).count();
	let forecasters = count(&input, "forecaster_score_");
	let rows = input.rows.len() - 1;
	// every derived cell but the documented worker fractions
	let excused: usize = (1..input.rows.len())
		.map(|row| if (row + 1) * forecasters < MAX_SAMPLES { forecasters } else { 0 })
		.sum();
	assert_eq!(checked.compared, rows * derived - excused);
	assert!(
		checked.recomputed > 0,
		"every derived cell equals the CSV's text: nothing recomputed?"
	);
	if excused > 0 {
		assert!(checked.notes.contains("forecaster_reward_fraction"), "{}", checked.notes);
	}
}

#[test]
fn replay_reproduces_the_sortition_vectors() {
	let checked = check_replay("replay-sortition", SORTITION, sortition_input, never_empty);
	assert!(checked.compared > 1000, "{} cells compared", checked.compared);
	assert!(checked.recomputed > 0);
}

#[test]
fn replay_reproduces_the_tokenomics_vectors() {
	let checked =
		check_replay("replay-tokenomics", TOKENOMICS, tokenomics_input, tokenomics_may_be_empty);
	let input = Csv::parse(&read(TOKENOMICS));
	// 13 derived columns and the 3 sample topics' rewards in every month after the first
	assert_eq!(checked.compared, (input.rows.len() - 1) * (13 + 3));
	assert!(checked.recomputed > 0);
}

#[test]
fn replay_never_rereads_derived_columns() {
	let cases: [(&str, &str, fn(&str) -> bool, fn(&str) -> bool); 3] = [
		("replay", SYNTHESIS, synthesis_input, keep_worker_fractions),
		("replay-sortition", SORTITION, sortition_input, keep_nothing),
		("replay-tokenomics", TOKENOMICS, tokenomics_input, keep_nothing),
	];
	for (subcommand, file, is_input, keep) in cases {
		let clean = run(&[subcommand, &data(file)]);
		assert!(clean.status.success(), "{}", stderr(&clean));
		let path =
			scratch(&format!("corrupted-{file}"), &corrupt_derived(&read(file), is_input, keep));
		let corrupted = run(&[subcommand, &path]);
		assert!(corrupted.status.success(), "{}", stderr(&corrupted));
		assert!(
			clean.stdout == corrupted.stdout,
			"{subcommand}: the output depends on derived cells after the first row"
		);
	}
}

// ----- parameters ---------------------------------------------------------------------------

#[test]
fn params_file_overrides_the_defaults() {
	let file = data(SYNTHESIS);
	let default = run(&["replay", &file]);
	assert!(default.status.success(), "{}", stderr(&default));
	let same = scratch(
		"params-defaults.json",
		"{\"alpha_regret\": 0.1, \"p_reward_reputer\": 1, \"gradient_descent_max_iters\": 10}",
	);
	let explicit = run(&["replay", &file, "--params", &same]);
	assert!(explicit.status.success(), "{}", stderr(&explicit));
	assert!(default.stdout == explicit.stdout, "explicit default parameters change the output");

	let changed = scratch("params-alpha.json", "{\"alpha_regret\": 0.2}");
	let other = run(&["replay", &file, &format!("--params={changed}")]);
	assert!(other.status.success(), "{}", stderr(&other));
	let a = Csv::parse(&String::from_utf8(default.stdout).unwrap());
	let b = Csv::parse(&String::from_utf8(other.stdout).unwrap());
	let c = a.column("inference_regret_worker_0");
	assert_ne!(a.rows[1][c], b.rows[1][c], "alpha_regret does not reach the regret update");
}

#[test]
fn bad_params_files_are_data_errors() {
	let file = data(SYNTHESIS);
	for (name, json, needle) in [
		("params-unknown.json", "{\"no_such_parameter\": 1}", "no_such_parameter"),
		("params-string.json", "{\"alpha_regret\": \"x\"}", "alpha_regret"),
		("params-array.json", "[1, 2]", "object"),
		("params-broken.json", "{\"alpha_regret\": ", "JSON"),
		("params-fraction.json", "{\"gradient_descent_max_iters\": 2.5}", "integer"),
	] {
		let path = scratch(name, json);
		let out = run(&["replay", &file, "--params", &path]);
		assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
		assert!(stderr(&out).contains(needle), "{name}: {}", stderr(&out));
	}
}

// ----- broken CSV files ----------------------------------------------------------------------

/// The synthesis file with `edit` applied, written to a scratch file.
fn edited_synthesis(name: &str, edit: impl FnOnce(&mut Csv)) -> String {
	let mut csv = Csv::parse(&read(SYNTHESIS));
	edit(&mut csv);
	scratch(name, &csv.text())
}

#[test]
fn missing_column_is_named() {
	let path = edited_synthesis("missing-column.csv", |csv| {
		let c = csv.column("inference_2");
		csv.header.remove(c);
		for r in csv.rows.iter_mut() {
			r.remove(c);
		}
	});
	let out = run(&["replay", &path]);
	assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
	let err = stderr(&out);
	assert!(err.contains("inference_2") && err.contains("missing column"), "{err}");
}

#[test]
fn non_number_names_row_and_column() {
	let path = edited_synthesis("non-number.csv", |csv| {
		let c = csv.column("reputer_stake_1");
		csv.rows[1][c] = "abc".to_string();
	});
	let out = run(&["replay", &path]);
	assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
	let err = stderr(&out);
	assert!(err.contains("row 2") && err.contains("column reputer_stake_1"), "{err}");
	assert!(err.contains("not a number"), "{err}");

	// the other formats name row and column too
	let mut sortition = Csv::parse(&read(SORTITION));
	let c = sortition.column("alpha_quality");
	sortition.rows[3][c] = "0.1x".to_string();
	let out = run(&["replay-sortition", &scratch("non-number-sortition.csv", &sortition.text())]);
	assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
	assert!(stderr(&out).contains("row 4, column alpha_quality"), "{}", stderr(&out));

	let mut tokenomics = Csv::parse(&read(TOKENOMICS));
	let c = tokenomics.column("network_tokens_staked");
	tokenomics.rows[4][c] = "many".to_string();
	let out =
		run(&["replay-tokenomics", &scratch("non-number-tokenomics.csv", &tokenomics.text())]);
	assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
	assert!(stderr(&out).contains("row 5, column network_tokens_staked"), "{}", stderr(&out));
}

#[test]
fn ragged_row_is_rejected() {
	let path = edited_synthesis("ragged.csv", |csv| {
		csv.rows[2].pop();
	});
	let out = run(&["replay", &path]);
	assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
	let err = stderr(&out);
	assert!(err.contains("row 3") && err.contains("ragged"), "{err}");
}

#[test]
fn command_line_errors_are_usage_errors() {
	let file = data(SYNTHESIS);
	let missing = format!("{}/no-such-file.csv", env!("CARGO_TARGET_TMPDIR"));
	for (args, needle) in [
		(vec!["frobnicate", file.as_str()], "unknown subcommand"),
		(vec!["replay", missing.as_str()], "cannot read"),
		(vec!["replay"], "missing FILE"),
		(vec![], "missing subcommand"),
		(vec!["replay", file.as_str(), "--bogus"], "unknown option"),
		(vec!["replay", file.as_str(), "--params"], "--params needs"),
		(vec!["replay", file.as_str(), file.as_str()], "unexpected argument"),
	] {
		let out = run(&args);
		assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
		assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
	}
	let help = run(&["--help"]);
	assert!(help.status.success());
	assert!(String::from_utf8_lossy(&help.stdout).contains("replay-tokenomics"));
}
