//! Replays the inference-synthesis simulator rows (spec §8.1,
//! `shared/testdata/allora-simulator/inference_synthesis_simulator_epochs.csv`) through this
//! pallet, the way `allora-synth replay` (`crates/synthesis/src/bin/allora-synth/replay.rs`)
//! replays them through the maths crate: the worker close and the reputer close run from the
//! queue hook on the mock sources, and what they store and pay is compared with the CSV.
//!
//! **State.** The first row (epoch 300) is the state the replay starts from, as in the crate
//! replay: every regret family (`store_regrets`), `LatestNetworkLoss`, the listening
//! coefficients, the smoothed fractions of all three roles, the forecaster score ratio and the
//! row's instant scores as `RecentScores` are written to storage; R₀ = 1 through the mock topic
//! settings (any non-zero value keeps the simulator's mode; every regret is stored, so it is
//! never read). From then on the pallet carries the state from row to row itself. Inferer j,
//! forecaster k and reputer m of the file are the accounts 100 + j, 200 + k and 300 + m, so
//! that the pallet's positions (account order) are the file's.
//!
//! **Each later row.** Its inferences and forecasts go to `MockWorkers` and the worker window
//! closes (`EpochEvents` + the next block's `on_initialize`); the stored `InferenceBundle` is
//! compared with the network-inference columns (combined, naive, the inferences, the
//! forecast-implied inferences and their one-out-inferer variants, one-out inferers and
//! forecasters, one-in forecasters, the confidence interval). Then the reputers' losses and
//! stakes go to `MockReputers`, `topic_rewards` to `MockRewards`, and the reputer window
//! closes; compared are `LatestNetworkLoss` (`network_loss`), every stored regret
//! (`inference_regret_worker_*`, `naive_inference_regret_worker_*`), the instant scores of
//! all roles, the listening coefficients, the smoothed fractions, the forecaster score ratio
//! and the payouts (`*_reward_*` per actor; each role's total over `topic_rewards` as
//! `inferers/forecasters/reputers_reward_fraction`; each actor's share of its role's total as
//! the instant `*_reward_fraction_*`, since a role's reward is split in proportion to them,
//! spec §5.6).
//!
//! **Not compared, because the pallet does not store them:** the stake-weighted network losses
//! other than the combined one (they feed the regrets and scores, which are compared),
//! `forecasted_regret_*`, `reputer_adjusted_stake_*`, the entropies, `forecaster_task_score`
//! and `forecasters_utility`.
//!
//! **Skipped, as in the crate replay:** the worker reward fractions of a row whose σ window
//! (the newest `max_samples_to_scale_scores` = 10 stored scores, spec §5.3) reaches before the
//! file's first row. With 3 forecasters that is `forecaster_reward_fraction_*` of rows 2 and 3
//! (epochs 301, 302): the simulator's σ includes scores of epochs before 300, which the file
//! does not contain (spec §8.4 excludes the same values). The crate replay leaves those six
//! cells empty and continues with the file's values. The pallet has no knob for instant
//! fractions; its counterpart is the score history it reads, so the scores of the epochs
//! before the file are reconstructed: only their σ matters, which is solved from the file's
//! fractions of those rows, and the missing samples are chosen so that the pallet's window
//! has that σ (see [`seeded_samples`]; the result is checked with the crate's own mapping).
//! Those six cells are therefore inputs here and not compared; everything downstream of them
//! (smoothed forecaster fractions, the task split, every reward) is.
//!
//! This module has its own runtime: the crate mock allows 4 reputers, the file has 5. It
//! reuses the mock's topics, workers, reputers and rewards.
//!
//! Tolerance: |pallet − CSV| ≤ 1e-6 · max(|CSV|, 1e-9), relative 1e-6 and, below 1e-9 in
//! magnitude, an absolute 1e-15 (`Fixed` resolves 1e-18). The smallest compared magnitude in
//! the file is about 3.7e-4, so the floor only guards exact zeros.
//!
//! The file holds 3 rows (epochs 300–302; spec §8.1 describes 6); nothing here depends on the
//! number.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{
	self as pallet_synthesis,
	mock::{settings, MockReputers, MockRewards, MockTopics, MockWorkers, TOPIC},
	*,
};
use allora_primitives::{EpochEvents, LossReport, Role, Submissions, WorkerValues};
use allora_synthesis::{
	epoch::samples_with_history, scores::worker_reward_fractions, Fixed, RegretStore,
};
use polkadot_sdk::{
	frame_support::{
		self, derive_impl,
		traits::{ConstU32, Hooks},
		BoundedVec,
	},
	frame_system::{self, EnsureRoot},
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
};

type AccountId = u64;
type Balance = u128;
type BlockNumber = u64;

const MAX_INFERERS: u32 = 8;
const MAX_FORECASTERS: u32 = 4;
const MAX_REPUTERS: u32 = 8;

frame_support::construct_runtime!(
	pub enum Replay {
		System: frame_system,
		Synthesis: pallet_synthesis,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Replay {
	type Block = frame_system::mocking::MockBlock<Replay>;
}

impl pallet_synthesis::Config for Replay {
	type Balance = Balance;
	type Topics = MockTopics;
	type Workers = MockWorkers;
	type Reputers = MockReputers;
	type Rewards = MockRewards;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxTopicEpochsPerBlock = ConstU32<2>;
	type MaxInferers = ConstU32<MAX_INFERERS>;
	type MaxForecasters = ConstU32<MAX_FORECASTERS>;
	type MaxReputers = ConstU32<MAX_REPUTERS>;
	type HistoryDepth = ConstU32<4>;
	type MaxUnscoredEpochs = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockTopics;
}

const CSV_PATH: &str = concat!(
	env!("CARGO_MANIFEST_DIR"),
	"/../../../shared/testdata/allora-simulator/inference_synthesis_simulator_epochs.csv"
);

/// Relative tolerance of every comparison with the CSV.
const REL: f64 = 1e-6;
/// Magnitude below which the tolerance is absolute (REL · FLOOR = 1e-15).
const FLOOR: f64 = 1e-9;
/// How closely the reconstructed score history must reproduce the file's fractions.
const RECONSTRUCTION_REL: f64 = 1e-9;
/// R₀ of the replayed topic (as the crate replay's default).
const INITIAL_REGRET: Fixed = Fixed::ONE;
/// Base units per ALLO (the CSV's amounts are in ALLO).
const ALLO: f64 = 1e18;

// ----- the CSV -------------------------------------------------------------------------------

/// The simulator file: header and rows of trimmed cells.
struct Csv {
	header: Vec<String>,
	rows: Vec<Vec<String>>,
}

impl Csv {
	fn load() -> Csv {
		let text = std::fs::read_to_string(CSV_PATH).unwrap_or_else(|e| panic!("{CSV_PATH}: {e}"));
		let split =
			|l: &str| -> Vec<String> { l.split(',').map(|c| c.trim().to_string()).collect() };
		let mut lines = text.lines().filter(|l| !l.trim().is_empty());
		let header = split(lines.next().expect("a header line"));
		let rows: Vec<Vec<String>> = lines.map(split).collect();
		for (i, row) in rows.iter().enumerate() {
			assert_eq!(row.len(), header.len(), "{CSV_PATH}: row {} is ragged", i + 1);
		}
		Csv { header, rows }
	}

	fn text(&self, row: usize, column: &str) -> &str {
		let c = self.header.iter().position(|h| h == column);
		let c = c.unwrap_or_else(|| panic!("{CSV_PATH}: no column {column}"));
		self.rows[row][c].as_str()
	}

	/// A cell as `Fixed`; `None` if empty.
	fn opt_fixed(&self, row: usize, column: &str) -> Option<Fixed> {
		let text = self.text(row, column);
		if text.is_empty() {
			return None;
		}
		let value = Fixed::from_decimal_str(text);
		Some(value.unwrap_or_else(|| panic!("row {}, {column}: {text:?}", row + 1)))
	}

	/// A cell that must hold a number, as `Fixed`.
	fn fixed(&self, row: usize, column: &str) -> Fixed {
		let value = self.opt_fixed(row, column);
		value.unwrap_or_else(|| panic!("row {}, {column}: empty", row + 1))
	}

	/// A cell that must hold a number, as `f64`.
	fn number(&self, row: usize, column: &str) -> f64 {
		let text = self.text(row, column);
		text.parse::<f64>().unwrap_or_else(|e| panic!("row {}, {column}: {text:?}: {e}", row + 1))
	}

	/// An amount in ALLO as base units (ALLO × 1e18: the `Fixed` bits).
	fn amount(&self, row: usize, column: &str) -> Balance {
		u128::try_from(self.fixed(row, column).to_bits()).unwrap()
	}

	/// The row's epoch: the nonce it is replayed as.
	fn nonce(&self, row: usize) -> BlockNumber {
		self.text(row, "epoch").parse().unwrap()
	}

	/// Number of columns named `prefix` followed by digits only.
	fn count(&self, prefix: &str) -> usize {
		let digits = |rest: &str| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
		self.header.iter().filter(|name| name.strip_prefix(prefix).is_some_and(digits)).count()
	}
}

// ----- actors ------------------------------------------------------------------------------

fn inferer(j: usize) -> AccountId {
	100 + j as AccountId
}

fn forecaster(k: usize) -> AccountId {
	200 + k as AccountId
}

fn reputer(m: usize) -> AccountId {
	300 + m as AccountId
}

/// Inferers (n), forecasters (m) and reputers (r) of the file.
struct Shape {
	n: usize,
	m: usize,
	r: usize,
}

impl Shape {
	fn of(csv: &Csv) -> Shape {
		let s = Shape {
			n: csv.count("inference_"),
			m: csv.count("forecaster_score_"),
			r: csv.count("reputer_stake_"),
		};
		// within the runtime's bounds, so that no sortition cuts an active set
		assert!((2..=MAX_INFERERS as usize).contains(&s.n), "{} inferers", s.n);
		assert!(s.m <= MAX_FORECASTERS as usize, "{} forecasters", s.m);
		assert!((1..=MAX_REPUTERS as usize).contains(&s.r), "{} reputers", s.r);
		s
	}

	fn inferers(&self) -> Vec<AccountId> {
		(0..self.n).map(inferer).collect()
	}

	fn forecasters(&self) -> Vec<AccountId> {
		(0..self.m).map(forecaster).collect()
	}

	fn reputers(&self) -> Vec<AccountId> {
		(0..self.r).map(reputer).collect()
	}
}

/// Each role with its name in the CSV's columns and its accounts by position.
fn actors(s: &Shape) -> [(Role, &'static str, Vec<AccountId>); 3] {
	[
		(Role::Inferer, "inferer", s.inferers()),
		(Role::Forecaster, "forecaster", s.forecasters()),
		(Role::Reputer, "reputer", s.reputers()),
	]
}

// ----- regret columns ------------------------------------------------------------------------

/// Where a regret column lives in a `RegretStore`.
#[derive(Clone, Copy)]
enum Slot {
	Inferer(usize),
	Naive(usize),
	Forecaster(usize),
	/// A forecaster's own regret in its one-in network.
	OneInSelf(usize),
	/// `[a][b]` of the family's matrix (see [`PairFamily`]).
	Pair(PairFamily, usize, usize),
}

/// Every regret column with its slot. Forecaster k is "worker n + k"; column
/// `inference_regret_worker_{a}_oneout_{b}` is the regret of worker a in the network without
/// worker b; `inference_regret_worker_{n}_onein_{k}` is forecaster k's own one-in regret.
fn regret_columns(s: &Shape) -> Vec<(String, Slot)> {
	let (n, m) = (s.n, s.m);
	let mut columns = Vec::new();
	for l in 0..n + m {
		let slot = if l < n { Slot::Inferer(l) } else { Slot::Forecaster(l - n) };
		columns.push((format!("inference_regret_worker_{l}"), slot));
	}
	for j in 0..n {
		columns.push((format!("naive_inference_regret_worker_{j}"), Slot::Naive(j)));
	}
	for b in 0..n + m {
		for a in 0..n + m {
			let slot = match (b < n, a < n) {
				(true, true) => Slot::Pair(PairFamily::OneOutInfererInferer, b, a),
				(true, false) => Slot::Pair(PairFamily::OneOutInfererForecaster, b, a - n),
				(false, true) => Slot::Pair(PairFamily::OneOutForecasterInferer, b - n, a),
				(false, false) => Slot::Pair(PairFamily::OneOutForecasterForecaster, b - n, a - n),
			};
			columns.push((format!("inference_regret_worker_{a}_oneout_{b}"), slot));
		}
	}
	for k in 0..m {
		for j in 0..n {
			let slot = Slot::Pair(PairFamily::OneInForecasterInferer, k, j);
			columns.push((format!("inference_regret_worker_{j}_onein_{k}"), slot));
		}
		columns.push((format!("inference_regret_worker_{n}_onein_{k}"), Slot::OneInSelf(k)));
	}
	columns
}

fn slot_mut(store: &mut RegretStore, slot: Slot) -> &mut Option<Fixed> {
	match slot {
		Slot::Inferer(j) => &mut store.inferer[j],
		Slot::Naive(j) => &mut store.naive_inferer[j],
		Slot::Forecaster(k) => &mut store.forecaster[k],
		Slot::OneInSelf(k) => &mut store.one_in_forecaster_self[k],
		Slot::Pair(family, a, b) => {
			let matrix = match family {
				PairFamily::OneOutInfererInferer => &mut store.one_out_inferer_inferer,
				PairFamily::OneOutInfererForecaster => &mut store.one_out_inferer_forecaster,
				PairFamily::OneOutForecasterInferer => &mut store.one_out_forecaster_inferer,
				PairFamily::OneOutForecasterForecaster => &mut store.one_out_forecaster_forecaster,
				PairFamily::OneInForecasterInferer => &mut store.one_in_forecaster_inferer,
			};
			&mut matrix[a][b]
		}
	}
}

// ----- the score history before the file ----------------------------------------------------

/// A worker role's score columns and the parameters of its score mapping (spec §5.3).
struct WorkerRole {
	role: Role,
	name: &'static str,
	count: usize,
	p: Fixed,
	c: Fixed,
}

impl WorkerRole {
	fn scores(&self, csv: &Csv, row: usize) -> Vec<Fixed> {
		(0..self.count).map(|i| csv.fixed(row, &format!("{}_score_{i}", self.name))).collect()
	}

	fn fractions(&self, csv: &Csv, row: usize) -> Vec<Fixed> {
		let column = |i: usize| format!("{}_reward_fraction_{i}", self.name);
		(0..self.count).map(|i| csv.fixed(row, &column(i))).collect()
	}
}

/// `true` where the σ window of `row` (`cap` samples, this row's `per_row` scores first, then
/// earlier rows') reaches before the file's first row (module docs).
fn reaches_before_file(row: usize, per_row: usize, cap: usize) -> bool {
	(row + 1) * per_row < cap
}

fn floats(values: &[Fixed]) -> Vec<f64> {
	values.iter().map(|v| v.to_f64()).collect()
}

fn close_within(actual: f64, expected: f64, rel: f64) -> bool {
	(actual - expected).abs() <= rel * expected.abs().max(FLOOR)
}

/// φ_p,c of spec §5.3 in `f64` (as `allora_synthesis::synthesis::phi`).
fn phi(p: f64, c: f64, x: f64) -> f64 {
	let y = p * (x - c);
	if y > 0.0 {
		y + (-y).exp().ln_1p()
	} else {
		y.exp().ln_1p()
	}
}

/// Fractions φ(T / (σ + ε)) / Σ φ of `scores` at `sigma`.
fn mapped_fractions(scores: &[f64], sigma: f64, [p, c, epsilon]: [f64; 3]) -> Vec<f64> {
	let mapped: Vec<f64> = scores.iter().map(|t| phi(p, c, t / (sigma + epsilon))).collect();
	let total: f64 = mapped.iter().sum();
	mapped.iter().map(|v| v / total).collect()
}

/// A σ ≥ ε at which `scores` map to `wanted` (all within [`RECONSTRUCTION_REL`]): a scan of
/// [ε, 10⁶ε] for sign changes of the largest fraction's residual, each refined by bisection.
fn sigma_for_fractions(scores: &[f64], wanted: &[f64], mapping: [f64; 3]) -> Option<f64> {
	const STEPS: u32 = 4000;
	let largest = (0..wanted.len()).max_by(|a, b| wanted[*a].total_cmp(&wanted[*b]))?;
	let residual = |sigma: f64| mapped_fractions(scores, sigma, mapping)[largest] - wanted[largest];
	let fits = |sigma: f64| {
		let got = mapped_fractions(scores, sigma, mapping);
		got.iter().zip(wanted.iter()).all(|(g, w)| close_within(*g, *w, RECONSTRUCTION_REL))
	};
	let epsilon = mapping[2];
	let grid = |i: u32| epsilon * 1e6f64.powf(f64::from(i) / f64::from(STEPS));
	for i in 0..STEPS {
		let (mut lo, mut hi) = (grid(i), grid(i + 1));
		let below = residual(lo).is_sign_negative();
		if residual(hi).is_sign_negative() == below {
			continue;
		}
		for _ in 0..200 {
			let mid = lo.midpoint(hi);
			if residual(mid).is_sign_negative() == below {
				lo = mid;
			} else {
				hi = mid;
			}
		}
		if fits(lo) {
			return Some(lo);
		}
	}
	None
}

/// The role's `RecentScores` to seed, newest first: the first row's scores, then samples of
/// earlier epochs where a row's σ window reaches before the file.
///
/// Row `row`'s window in the pallet is its own scores, the scores of rows `row − 1 … 0`, then
/// the first `cap − (row + 1)·count` seeded earlier samples. Going from the last such row
/// back, each row needs `count` more earlier samples than the next (the last one needs
/// `cap − (row + 1)·count`); those are given one common value y, chosen so that the window's
/// sample standard deviation is the σ at which the row's scores map to the file's fractions:
/// with the window's other b values of mean μ and squared deviations S, and t new values,
/// (cap − 1)σ² = S + b·t/(b + t)·(y − μ)². Of the two roots the larger is taken.
fn seeded_samples(csv: &Csv, role: &WorkerRole, cap: usize, epsilon: Fixed) -> Vec<Fixed> {
	let mapping = [role.p.to_f64(), role.c.to_f64(), epsilon.to_f64()];
	let mut earlier: Vec<f64> = Vec::new();
	for row in (1..csv.rows.len()).rev() {
		if role.count == 0 || !reaches_before_file(row, role.count, cap) {
			continue;
		}
		let new = cap - (row + 1) * role.count - earlier.len();
		assert!(new > 0, "row {}: no earlier sample left to choose", row + 1);
		let scores = floats(&role.scores(csv, row));
		let wanted = floats(&role.fractions(csv, row));
		let sigma = sigma_for_fractions(&scores, &wanted, mapping).unwrap_or_else(|| {
			panic!("row {}: no σ maps the scores to {}_reward_fraction_*", row + 1, role.name)
		});
		let mut window: Vec<f64> =
			(0..=row).rev().flat_map(|r| floats(&role.scores(csv, r))).collect();
		window.extend_from_slice(&earlier);
		let b = window.len() as f64;
		let t = new as f64;
		let mean = window.iter().sum::<f64>() / b;
		let spread: f64 = window.iter().map(|x| (x - mean).powi(2)).sum();
		let missing = (cap - 1) as f64 * sigma * sigma - spread;
		assert!(
			missing >= 0.0,
			"row {}: σ {sigma} of {}_reward_fraction_* is below what the file's scores allow",
			row + 1,
			role.name
		);
		let y = mean + (missing * (b + t) / (b * t)).sqrt();
		earlier.resize(earlier.len() + new, y);
	}
	let mut seed = role.scores(csv, 0);
	seed.extend(earlier.iter().map(|y| Fixed::from_f64(*y).unwrap()));
	seed.truncate(cap);
	check_seed(csv, role, cap, epsilon, &seed);
	seed
}

/// Walks the rows with the pallet's sample bookkeeping (this epoch's scores prepended, the
/// newest `cap` kept) and checks, with the crate's own mapping, that the reconstructed rows
/// give the file's fractions.
fn check_seed(csv: &Csv, role: &WorkerRole, cap: usize, epsilon: Fixed, seed: &[Fixed]) {
	let mut recent = seed.to_vec();
	for row in 1..csv.rows.len() {
		let scores = role.scores(csv, row);
		if role.count > 0 && reaches_before_file(row, role.count, cap) {
			let history = [recent.clone()];
			let samples = samples_with_history(&scores, &history, u32::try_from(cap).unwrap());
			assert_eq!(samples.len(), cap, "row {}: {} σ samples", row + 1, role.name);
			let got = worker_reward_fractions(&scores, &samples, role.p, role.c, epsilon);
			for (i, (g, w)) in got.iter().zip(role.fractions(csv, row)).enumerate() {
				assert!(
					close_within(g.to_f64(), w.to_f64(), RECONSTRUCTION_REL),
					"row {}: the reconstructed history gives {}_reward_fraction_{i} = {g}, the \
					 file has {w}",
					row + 1,
					role.name
				);
			}
		}
		let mut next = scores;
		next.extend(recent);
		next.truncate(cap);
		recent = next;
	}
}

// ----- driving the pallet --------------------------------------------------------------------

/// The mocks reset, the topic with R₀ = [`INITIAL_REGRET`]; block 1.
fn replay_ext() -> TestExternalities {
	MockTopics::reset();
	MockWorkers::reset();
	MockReputers::reset();
	MockRewards::reset();
	MockTopics::set_settings(TOPIC, settings(INITIAL_REGRET));
	let storage = frame_system::GenesisConfig::<Replay>::default().build_storage().unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The next block, with this pallet's `on_initialize` (which processes the queue).
fn next_block() {
	let next = System::block_number() + 1;
	System::set_block_number(next);
	<Synthesis as Hooks<BlockNumber>>::on_initialize(next);
}

/// This pallet's events so far.
fn pallet_events() -> Vec<Event<Replay>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Synthesis(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The worker roles and the σ window parameters of the replayed topic.
fn worker_roles(s: &Shape) -> (Vec<WorkerRole>, usize, Fixed) {
	let maths = Params::<Replay>::get().maths_for(&settings(INITIAL_REGRET));
	let rw = maths.rewards;
	let roles = vec![
		WorkerRole {
			role: Role::Inferer,
			name: "inferer",
			count: s.n,
			p: rw.p_reward_inference,
			c: rw.c_reward_inference,
		},
		WorkerRole {
			role: Role::Forecaster,
			name: "forecaster",
			count: s.m,
			p: rw.p_reward_forecast,
			c: rw.c_reward_forecast,
		},
	];
	(roles, rw.max_samples_to_scale_scores as usize, rw.epsilon_topic)
}

/// Writes the state of the first row (module docs).
fn seed_first_row(csv: &Csv, s: &Shape, roles: &[WorkerRole], cap: usize, epsilon: Fixed) {
	let row = 0;
	let mut regrets = RegretStore::new(INITIAL_REGRET, s.n, s.m);
	for (column, slot) in regret_columns(s) {
		*slot_mut(&mut regrets, slot) = csv.opt_fixed(row, &column);
	}
	Synthesis::store_regrets(TOPIC, &s.inferers(), &s.forecasters(), &regrets);
	if let Some(loss) = csv.opt_fixed(row, "network_loss") {
		LatestNetworkLoss::<Replay>::insert(TOPIC, (csv.nonce(row), loss));
	}
	for (i, account) in s.reputers().iter().enumerate() {
		let column = format!("reputer_listening_coefficient_{i}");
		if let Some(coefficient) = csv.opt_fixed(row, &column) {
			ListeningCoefficient::<Replay>::insert(TOPIC, account, coefficient);
		}
	}
	for (role, name, accounts) in actors(s) {
		for (i, account) in accounts.iter().enumerate() {
			let column = format!("{name}_reward_fraction_smooth_{i}");
			if let Some(fraction) = csv.opt_fixed(row, &column) {
				SmoothedFraction::<Replay>::insert((TOPIC, role, *account), fraction);
			}
		}
	}
	if let Some(ratio) = csv.opt_fixed(row, "forecaster_score_ratio") {
		ForecasterScoreRatio::<Replay>::insert(TOPIC, ratio);
	}
	for role in roles {
		let samples: BoundedVec<Fixed, MaxScoreSamples> =
			BoundedVec::truncate_from(seeded_samples(csv, role, cap, epsilon));
		RecentScores::<Replay>::insert(TOPIC, role.role, samples);
	}
}

/// The present cells `column(x)`, x in 0..count, keyed by `account(x)`.
fn values(
	csv: &Csv,
	row: usize,
	account: fn(usize) -> AccountId,
	count: usize,
	column: impl Fn(usize) -> String,
) -> WorkerValues<AccountId> {
	(0..count).filter_map(|x| csv.opt_fixed(row, &column(x)).map(|v| (account(x), v))).collect()
}

/// The row's inferences and forecasts submitted, its worker window closed and processed.
fn close_worker_window(csv: &Csv, s: &Shape, row: usize) {
	let nonce = csv.nonce(row);
	let inferences = (0..s.n).map(|j| (inferer(j), csv.fixed(row, &format!("inference_{j}"))));
	let forecasts: Vec<(AccountId, WorkerValues<AccountId>)> = (0..s.m)
		.map(|k| {
			let column = |j: usize| format!("forecasted_loss_{k}_for_{j}");
			(forecaster(k), values(csv, row, inferer, s.n, column))
		})
		.collect();
	MockWorkers::set(TOPIC, nonce, Submissions { inferences: inferences.collect(), forecasts });
	<Synthesis as EpochEvents<BlockNumber>>::worker_window_closed(TOPIC, nonce);
	next_block();
}

/// Reputer `i`'s loss report of the row, with its stake.
fn loss_report(csv: &Csv, s: &Shape, row: usize, i: usize) -> LossReport<AccountId, Balance> {
	let p = format!("reputer_{i}_loss_");
	let n = s.n;
	LossReport {
		reputer: reputer(i),
		stake: csv.amount(row, &format!("reputer_stake_{i}")),
		combined: csv.fixed(row, &format!("{p}network_inference")),
		naive: csv.fixed(row, &format!("{p}naive_network_inference")),
		inferers: values(csv, row, inferer, n, |j| format!("{p}inference_{j}")),
		forecasters: values(csv, row, forecaster, s.m, |k| {
			format!("{p}forecast_implied_inference_{k}")
		}),
		one_out_inferers: values(csv, row, inferer, n, |j| {
			format!("{p}network_inference_oneout_{j}")
		}),
		one_out_forecasters: values(csv, row, forecaster, s.m, |k| {
			format!("{p}network_inference_oneout_{}", n + k)
		}),
		one_in_forecasters: values(csv, row, forecaster, s.m, |k| {
			format!("{p}naive_network_inference_onein_{k}")
		}),
		one_out_inferer_forecasters: (0..s.m)
			.map(|k| {
				let column = |j: usize| format!("{p}forecast_implied_inference_{k}_oneout_{j}");
				(forecaster(k), values(csv, row, inferer, n, column))
			})
			.collect(),
	}
}

/// The row's loss reports and topic reward in place, its reputer window closed and processed.
fn close_reputer_window(csv: &Csv, s: &Shape, row: usize) {
	let nonce = csv.nonce(row);
	let reports = (0..s.r).map(|i| loss_report(csv, s, row, i)).collect();
	MockReputers::set(TOPIC, nonce, reports);
	MockRewards::set_reward(csv.amount(row, "topic_rewards"));
	<Synthesis as EpochEvents<BlockNumber>>::reputer_window_closed(TOPIC, nonce);
	next_block();
}

// ----- comparing -----------------------------------------------------------------------------

/// Comparisons with the CSV, failures collected so that one run shows them all.
struct Check<'a> {
	csv: &'a Csv,
	compared: usize,
	/// The largest relative error seen.
	worst: f64,
	failures: Vec<String>,
}

impl Check<'_> {
	fn place(&self, row: usize, column: &str) -> String {
		format!("row {} (epoch {}), {column}", row + 1, self.csv.text(row, "epoch"))
	}

	fn problem(&mut self, what: String) {
		self.failures.push(what);
	}

	/// `actual` against the cell within [`REL`] (and the absolute floor).
	fn number(&mut self, row: usize, column: &str, actual: f64) {
		self.compared += 1;
		let expected = self.csv.number(row, column);
		let rel = (actual - expected).abs() / expected.abs().max(FLOOR);
		self.worst = self.worst.max(rel);
		if !close_within(actual, expected, REL) {
			let place = self.place(row, column);
			self.problem(format!("{place}: pallet {actual:e}, CSV {expected:e} (rel. {rel:.2e})"));
		}
	}

	/// A stored value against the cell; `None`: nothing (or something stale) is stored.
	fn fixed(&mut self, row: usize, column: &str, actual: Option<Fixed>) {
		match actual {
			Some(value) => self.number(row, column, value.to_f64()),
			None => {
				self.compared += 1;
				let place = self.place(row, column);
				self.problem(format!("{place}: nothing stored"));
			}
		}
	}

	/// Stored values keyed by account against the cells named for each account.
	fn keyed(&mut self, row: usize, stored: &[(AccountId, Fixed)], cells: &[(AccountId, String)]) {
		if stored.len() != cells.len() {
			let first = cells.first().map_or("", |(_, column)| column.as_str());
			let (got, want) = (stored.len(), cells.len());
			self.problem(format!(
				"row {}, {first} and the rest: {got} values stored, {want} expected",
				row + 1
			));
		}
		for (account, column) in cells {
			let value = stored.iter().find(|(a, _)| a == account).map(|(_, v)| *v);
			self.fixed(row, column, value);
		}
	}
}

/// The column `column(x)` of each `account(x)`, x in 0..count.
fn named(
	account: fn(usize) -> AccountId,
	count: usize,
	column: impl Fn(usize) -> String,
) -> Vec<(AccountId, String)> {
	(0..count).map(|x| (account(x), column(x))).collect()
}

/// The stored network inferences of the row (after its worker close).
fn check_inferences(check: &mut Check<'_>, s: &Shape, row: usize) {
	let csv = check.csv;
	let nonce = csv.nonce(row);
	let Some(bundle) = InferenceBundles::<Replay>::get(TOPIC, nonce) else {
		check.problem(format!("row {}: no network inferences stored", row + 1));
		return;
	};
	if LatestInference::<Replay>::get(TOPIC) != Some((nonce, bundle.combined)) {
		check.problem(format!("row {}: LatestInference is not this nonce's", row + 1));
	}
	check.fixed(row, "network_inference", Some(bundle.combined));
	check.fixed(row, "network_naive_inference", Some(bundle.naive));
	let (n, m) = (s.n, s.m);
	check.keyed(row, &bundle.inferers, &named(inferer, n, |j| format!("inference_{j}")));
	check.keyed(
		row,
		&bundle.forecast_implied,
		&named(forecaster, m, |k| format!("forecast_implied_inference_{k}")),
	);
	check.keyed(
		row,
		&bundle.one_out_inferers,
		&named(inferer, n, |j| format!("network_inference_oneout_{j}")),
	);
	check.keyed(
		row,
		&bundle.one_out_forecasters,
		&named(forecaster, m, |k| format!("network_inference_oneout_{}", n + k)),
	);
	check.keyed(
		row,
		&bundle.one_in_forecasters,
		&named(forecaster, m, |k| format!("network_naive_inference_onein_{k}")),
	);
	if bundle.one_out_inferer_forecasters.len() != m {
		let count = bundle.one_out_inferer_forecasters.len();
		check.problem(format!("row {}: {count} one-out forecaster groups stored", row + 1));
	}
	for k in 0..m {
		let group = bundle.one_out_inferer_forecasters.iter().find(|(f, _)| *f == forecaster(k));
		let stored: Vec<(AccountId, Fixed)> =
			group.map(|(_, values)| values.to_vec()).unwrap_or_default();
		let column = |j: usize| format!("forecast_implied_inference_{k}_oneout_{j}");
		check.keyed(row, &stored, &named(inferer, n, column));
	}
	let points = csv.count("network_inference_errorbar_");
	if bundle.confidence_interval.len() != points {
		let count = bundle.confidence_interval.len();
		check.problem(format!("row {}: {count} confidence points stored", row + 1));
	}
	for i in 0..points {
		let value = bundle.confidence_interval.get(i).copied();
		check.fixed(row, &format!("network_inference_errorbar_{i}"), value);
	}
}

/// What the reputer close of the row stored and paid.
fn check_scoring(check: &mut Check<'_>, s: &Shape, row: usize, cap: usize) {
	let csv = check.csv;
	let nonce = csv.nonce(row);

	let loss = LatestNetworkLoss::<Replay>::get(TOPIC).filter(|(at, _)| *at == nonce);
	check.fixed(row, "network_loss", loss.map(|(_, loss)| loss));

	let mut stored =
		Synthesis::load_regrets(TOPIC, &s.inferers(), &s.forecasters(), INITIAL_REGRET);
	for (column, slot) in regret_columns(s) {
		let value = *slot_mut(&mut stored, slot);
		check.fixed(row, &column, value);
	}

	for (role, name, accounts) in actors(s) {
		for (i, account) in accounts.iter().enumerate() {
			let record = Scores::<Replay>::get((TOPIC, role, *account));
			let instant = record.filter(|r| r.nonce == nonce).map(|r| r.instant);
			check.fixed(row, &format!("{name}_score_{i}"), instant);
			let smoothed = SmoothedFraction::<Replay>::get((TOPIC, role, *account));
			check.fixed(row, &format!("{name}_reward_fraction_smooth_{i}"), smoothed);
		}
	}
	for (i, account) in s.reputers().iter().enumerate() {
		let coefficient = ListeningCoefficient::<Replay>::contains_key(TOPIC, account)
			.then(|| ListeningCoefficient::<Replay>::get(TOPIC, account));
		check.fixed(row, &format!("reputer_listening_coefficient_{i}"), coefficient);
	}
	let ratio = ForecasterScoreRatio::<Replay>::get(TOPIC);
	check.fixed(row, "forecaster_score_ratio", Some(ratio));

	// One payment per scored row so far.
	let payments = MockRewards::payments();
	if payments.len() != row {
		check.problem(format!("row {}: {} payments so far", row + 1, payments.len()));
	}
	let payouts = payments.last().filter(|(topic, _)| *topic == TOPIC).map(|(_, p)| p.clone());
	let payouts = payouts.unwrap_or_default();
	let reward = csv.amount(row, "topic_rewards") as f64;
	for (role, name, accounts) in actors(s) {
		let paid = |account: &AccountId| -> Balance {
			let mine = payouts.iter().filter(|p| p.role == role && p.account == *account);
			mine.map(|p| p.amount).sum()
		};
		let amounts: Vec<Balance> = accounts.iter().map(paid).collect();
		let total: Balance = amounts.iter().sum();
		for (i, amount) in amounts.iter().enumerate() {
			check.number(row, &format!("{name}_reward_{i}"), *amount as f64 / ALLO);
		}
		check.number(row, &format!("{name}s_reward_fraction"), total as f64 / reward);
		// The instant fractions: a role's reward is split in proportion to them (spec §5.6).
		// Skipped where the crate replay skips them (module docs); reputers have no σ.
		if role == Role::Reputer || !reaches_before_file(row, accounts.len(), cap) {
			for (i, amount) in amounts.iter().enumerate() {
				let share = *amount as f64 / total as f64;
				check.number(row, &format!("{name}_reward_fraction_{i}"), share);
			}
		}
	}
}

/// Comparisons per replayed row (the counts above).
fn comparisons(csv: &Csv, s: &Shape, row: usize, cap: usize) -> usize {
	let (n, m, r) = (s.n, s.m, s.r);
	let bundle = 2 + 2 * n + 3 * m + m * n + csv.count("network_inference_errorbar_");
	let inferer_shares = if reaches_before_file(row, n, cap) { 0 } else { n };
	let forecaster_shares = if reaches_before_file(row, m, cap) { 0 } else { m };
	let actors = n + m + r;
	let state = 1 + regret_columns(s).len() + r + 1; // loss, regrets, coefficients, ratio
	let per_actor = 3 * actors; // instant score, smoothed fraction, reward
	let shares = inferer_shares + forecaster_shares + r;
	bundle + state + per_actor + 3 + shares // 3: U, V, W
}

#[test]
fn simulator_rows_replayed_through_the_pallet_match_the_csv() {
	let csv = Csv::load();
	let shape = Shape::of(&csv);
	assert!(csv.rows.len() >= 2, "the file needs a state row and a row to replay");
	replay_ext().execute_with(|| {
		let (roles, cap, epsilon) = worker_roles(&shape);
		seed_first_row(&csv, &shape, &roles, cap, epsilon);
		let mut check = Check { csv: &csv, compared: 0, worst: 0.0, failures: Vec::new() };
		let mut expected = 0;
		for row in 1..csv.rows.len() {
			close_worker_window(&csv, &shape, row);
			check_inferences(&mut check, &shape, row);
			close_reputer_window(&csv, &shape, row);
			check_scoring(&mut check, &shape, row, cap);
			expected += comparisons(&csv, &shape, row, cap);
		}
		for event in pallet_events() {
			if matches!(event, Event::InferenceSkipped { .. } | Event::ScoringSkipped { .. }) {
				check.problem(format!("a close was skipped: {event:?}"));
			}
		}
		Synthesis::do_try_state().unwrap();
		let Check { compared, worst, failures, .. } = check;
		println!("{compared} cells compared, worst relative error {worst:.2e}");
		assert!(
			failures.is_empty(),
			"{} problems ({compared} cells compared):\n{}",
			failures.len(),
			failures.join("\n")
		);
		assert_eq!(compared, expected, "cells compared");
	});
}
