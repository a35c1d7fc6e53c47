//! Shared by the integration tests, the benchmark and the fuzz target: a seeded PRNG, random
//! epochs, and one full epoch (synthesis, network losses, regrets, scores, consensus,
//! fractions, entropies, task split, per-actor rewards) run through the library.
//!
//! `tests/oracle_driver.py` reads the epochs as JSON, and `benches/oracle_epoch.py` mirrors
//! `random_epoch` draw for draw, so keep the three in step.
#![allow(dead_code)]

use allora_synthesis::synthesis::{
	confidence_interval, network_inferences, NetworkInferences, RegretStore, SynthesisInput,
};
use allora_synthesis::{score_epoch, Fixed, MathError, Params, Scoring, ScoringInput, ValueBundle};

/// 10^18: base units per whole token.
pub const UNIT: u128 = 1_000_000_000_000_000_000;

/// Score samples per role the generated history is sized for (the default
/// `max_samples_to_scale_scores`).
pub const HISTORY_CAP: usize = 10;

/// xorshift64* seeded through a splitmix64 scramble: small and deterministic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
	/// A generator for `seed` (any value, zero included).
	pub fn new(seed: u64) -> Rng {
		let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^= z >> 31;
		Rng(if z == 0 { 1 } else { z })
	}

	/// The next 64 random bits.
	pub fn next_u64(&mut self) -> u64 {
		let mut x = self.0;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		self.0 = x;
		x.wrapping_mul(0x2545_F491_4F6C_DD1D)
	}

	/// Uniform in [0, 1), 53 random bits.
	pub fn unit(&mut self) -> f64 {
		(self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
	}

	/// Uniform in [lo, hi).
	pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
		lo + (hi - lo) * self.unit()
	}

	/// `true` with probability `p`.
	pub fn chance(&mut self, p: f64) -> bool {
		self.unit() < p
	}

	/// Uniform in 0..n (0 if n is 0).
	pub fn below(&mut self, n: u64) -> u64 {
		if n == 0 {
			0
		} else {
			self.next_u64() % n
		}
	}
}

/// The `Fixed` nearest to a float (0 if out of range).
pub fn fx(v: f64) -> Fixed {
	Fixed::from_f64(v).unwrap_or(Fixed::ZERO)
}

/// How a random epoch is shaped.
#[derive(Debug, Clone, Copy)]
pub struct Knobs {
	/// R0 = 0 and no stored regret: a new topic in all-inferers-new mode.
	pub all_new: bool,
	/// Inferers named by each forecast (a random subset when below n).
	pub max_elements: usize,
	/// Probability that an optional value (forecast element, reported loss) is missing.
	pub missing: f64,
}

/// Everything one epoch reads.
#[derive(Debug, Clone)]
pub struct Epoch {
	pub n: usize,
	pub m: usize,
	pub r: usize,
	pub all_new: bool,
	pub inferences: Vec<Fixed>,
	/// `[k][j]`: forecasted loss of inferer j by forecaster k.
	pub forecasts: Vec<Vec<Option<Fixed>>>,
	pub previous_loss: Fixed,
	pub regrets: RegretStore,
	pub bundles: Vec<ValueBundle>,
	/// Authority stakes in base units.
	pub stakes: Vec<u128>,
	pub coefficients: Vec<Fixed>,
	pub smooth_inferer: Vec<Option<Fixed>>,
	pub smooth_forecaster: Vec<Option<Fixed>>,
	pub smooth_reputer: Vec<Option<Fixed>>,
	pub previous_ratio: Fixed,
	/// Stored score blocks, newest first.
	pub inferer_history: Vec<Vec<Fixed>>,
	pub forecaster_history: Vec<Vec<Fixed>>,
	/// Topic reward in base units.
	pub topic_reward: u128,
}

/// `k` of `n` positions marked, chosen by a partial Fisher-Yates shuffle (all if k >= n).
fn choose(rng: &mut Rng, n: usize, k: usize) -> Vec<bool> {
	if k >= n {
		return vec![true; n];
	}
	let mut named = vec![false; n];
	let mut order: Vec<usize> = (0..n).collect();
	for i in 0..k {
		let j = i + rng.below((n - i) as u64) as usize;
		order.swap(i, j);
		named[order[i]] = true;
	}
	named
}

/// Noisy copies of `truth`, each missing with probability `missing` (two draws per entry).
fn noisy(rng: &mut Rng, truth: &[f64], missing: f64) -> Vec<Option<Fixed>> {
	let mut out = Vec::with_capacity(truth.len());
	for t in truth {
		let noise = rng.uniform(-0.1, 0.1);
		let dropped = rng.chance(missing);
		out.push(if dropped { None } else { Some(fx(t + noise)) });
	}
	out
}

/// `count` uniform draws in [lo, hi).
fn draws(rng: &mut Rng, count: usize, lo: f64, hi: f64) -> Vec<f64> {
	let mut out = Vec::with_capacity(count);
	for _ in 0..count {
		out.push(rng.uniform(lo, hi));
	}
	out
}

/// Previous smoothed fractions: about 1/count each, 10 % missing.
fn previous_fractions(rng: &mut Rng, count: usize) -> Vec<Option<Fixed>> {
	let mut out = Vec::with_capacity(count);
	for _ in 0..count {
		let v = rng.uniform(0.05, 1.0);
		let dropped = rng.chance(0.1);
		out.push(if dropped { None } else { Some(fx(v / count as f64)) });
	}
	out
}

/// `blocks` stored score blocks of `size` scores each (none if size is 0).
fn history(rng: &mut Rng, size: usize, blocks: usize) -> Vec<Vec<Fixed>> {
	let mut out = Vec::new();
	if size == 0 {
		return out;
	}
	for _ in 0..blocks {
		let block: Vec<Fixed> = draws(rng, size, -0.05, 0.05).into_iter().map(fx).collect();
		out.push(block);
	}
	out
}

/// A token amount: whole tokens in [lo, lo + span) plus a random fraction, in base units.
fn amount(rng: &mut Rng, lo: u64, span: u64) -> u128 {
	let whole = lo + rng.below(span);
	let frac = rng.below(1_000_000_000_000_000_000);
	u128::from(whole) * UNIT + u128::from(frac)
}

/// A random epoch with n inferers, m forecasters and r reputers (deterministic in `seed`).
pub fn random_epoch(seed: u64, n: usize, m: usize, r: usize, knobs: &Knobs) -> Epoch {
	let mut rng = Rng::new(seed);
	let target = rng.uniform(-1.0, 1.0);
	let inferences: Vec<Fixed> =
		draws(&mut rng, n, -0.5, 0.5).into_iter().map(|d| fx(target + d)).collect();
	let mut forecasts = Vec::with_capacity(m);
	for _ in 0..m {
		let named = choose(&mut rng, n, knobs.max_elements);
		let mut forecast = Vec::with_capacity(n);
		for is_named in named {
			let v = rng.uniform(-5.0, -1.0);
			let dropped = rng.chance(knobs.missing);
			forecast.push(if is_named && !dropped { Some(fx(v)) } else { None });
		}
		forecasts.push(forecast);
	}
	let previous_loss = fx(rng.uniform(-4.5, -2.5));
	let r0 = rng.uniform(-1.0, -0.1);
	let initial = if knobs.all_new { Fixed::ZERO } else { fx(r0) };
	let regret_missing = if knobs.all_new { 2.0 } else { 0.1 };
	let mut regrets = RegretStore::new(initial, n, m);
	{
		let mut draw = || {
			let v = rng.uniform(-2.5, 0.5);
			let dropped = rng.chance(regret_missing);
			if dropped {
				None
			} else {
				Some(fx(v))
			}
		};
		for x in regrets.inferer.iter_mut() {
			*x = draw();
		}
		for x in regrets.forecaster.iter_mut() {
			*x = draw();
		}
		for x in regrets.naive_inferer.iter_mut() {
			*x = draw();
		}
		for family in [
			&mut regrets.one_out_inferer_inferer,
			&mut regrets.one_out_inferer_forecaster,
			&mut regrets.one_out_forecaster_inferer,
			&mut regrets.one_out_forecaster_forecaster,
			&mut regrets.one_in_forecaster_inferer,
		] {
			for row in family.iter_mut() {
				for x in row.iter_mut() {
					*x = draw();
				}
			}
		}
		for x in regrets.one_in_forecaster_self.iter_mut() {
			*x = draw();
		}
	}

	// The losses every reputer reports, each with its own noise.
	let truth_combined = rng.uniform(-4.5, -2.5);
	let truth_naive = rng.uniform(-4.5, -2.5);
	let truth_inferer = draws(&mut rng, n, -4.5, -2.5);
	let truth_forecaster = draws(&mut rng, m, -4.5, -2.5);
	let truth_one_out_inferer = draws(&mut rng, n, -4.5, -2.5);
	let truth_one_out_forecaster = draws(&mut rng, m, -4.5, -2.5);
	let truth_one_in = draws(&mut rng, m, -4.5, -2.5);
	let mut truth_groups = Vec::with_capacity(m);
	for _ in 0..m {
		truth_groups.push(draws(&mut rng, n, -4.5, -2.5));
	}
	let mut bundles = Vec::with_capacity(r);
	for _ in 0..r {
		let combined = fx(truth_combined + rng.uniform(-0.1, 0.1));
		let naive = fx(truth_naive + rng.uniform(-0.1, 0.1));
		let mut b = ValueBundle::new(combined, naive);
		b.inferer = noisy(&mut rng, &truth_inferer, knobs.missing);
		b.forecaster = noisy(&mut rng, &truth_forecaster, knobs.missing);
		b.one_out_inferer = noisy(&mut rng, &truth_one_out_inferer, knobs.missing);
		b.one_out_forecaster = noisy(&mut rng, &truth_one_out_forecaster, knobs.missing);
		b.one_in_forecaster = noisy(&mut rng, &truth_one_in, knobs.missing);
		let mut groups = Vec::with_capacity(m);
		for k in 0..m {
			let mut group = noisy(&mut rng, &truth_groups[k], knobs.missing);
			// a loss without inferer j exists only for the inferers the forecast names
			for j in 0..n {
				if forecasts[k][j].is_none() {
					group[j] = None;
				}
			}
			groups.push(group);
		}
		b.one_out_inferer_forecaster = groups;
		bundles.push(b);
	}

	let mut stakes = Vec::with_capacity(r);
	for _ in 0..r {
		stakes.push(amount(&mut rng, 1_000, 1_000_000));
	}
	let mut coefficients = Vec::with_capacity(r);
	for _ in 0..r {
		let one = rng.chance(0.3);
		let v = rng.uniform(0.5, 1.0);
		coefficients.push(if one { Fixed::ONE } else { fx(v) });
	}
	let smooth_inferer = previous_fractions(&mut rng, n);
	let smooth_forecaster = previous_fractions(&mut rng, m);
	let smooth_reputer = previous_fractions(&mut rng, r);
	let previous_ratio = fx(rng.uniform(-0.5, 1.2));
	let inferer_history = history(&mut rng, n.min(HISTORY_CAP), 2);
	let forecaster_history = history(&mut rng, m.min(HISTORY_CAP), 2);
	let topic_reward = amount(&mut rng, 1, 1_000_000);
	Epoch {
		n,
		m,
		r,
		all_new: knobs.all_new,
		inferences,
		forecasts,
		previous_loss,
		regrets,
		bundles,
		stakes,
		coefficients,
		smooth_inferer,
		smooth_forecaster,
		smooth_reputer,
		previous_ratio,
		inferer_history,
		forecaster_history,
		topic_reward,
	}
}

/// Everything one epoch produces: the worker-window half, and the crate's scoring (its
/// fields read through `Deref`, e.g. `outcome.losses`).
#[derive(Debug, Clone)]
pub struct Outcome {
	pub synthesis: NetworkInferences,
	pub confidence: Option<Vec<Fixed>>,
	pub scoring: Scoring,
}

impl std::ops::Deref for Outcome {
	type Target = Scoring;
	fn deref(&self) -> &Scoring {
		&self.scoring
	}
}

/// Entry `i` (`None` when absent or out of range).
pub fn get(v: &[Option<Fixed>], i: usize) -> Option<Fixed> {
	v.get(i).copied().flatten()
}

/// Entry `[a][b]`.
pub fn get2(v: &[Vec<Option<Fixed>>], a: usize, b: usize) -> Option<Fixed> {
	v.get(a).and_then(|row| get(row, b))
}

/// The samples whose sigma scales the score mapping (the crate's rule).
pub fn samples_with_history(current: &[Fixed], history: &[Vec<Fixed>], cap: u32) -> Vec<Fixed> {
	allora_synthesis::epoch::samples_with_history(current, history, cap)
}

/// One full epoch through the library, in the chain's order (spec sections 3 - 5): the
/// worker-window half (synthesis, confidence interval), then the reputer-nonce half.
pub fn run_epoch(e: &Epoch, p: &Params) -> Result<Outcome, MathError> {
	let input = SynthesisInput {
		inferences: &e.inferences,
		forecasts: &e.forecasts,
		previous_network_loss: Some(e.previous_loss),
		regrets: &e.regrets,
	};
	let synthesis = network_inferences(&input, &p.synthesis)?;
	let confidence = confidence_interval(&e.inferences, &synthesis);
	let scoring = score_epoch(
		&ScoringInput {
			inferers: e.n,
			forecasters: e.m,
			bundles: &e.bundles,
			stakes: &e.stakes,
			coefficients: &e.coefficients,
			regrets: &e.regrets,
			smooth_inferer: &e.smooth_inferer,
			smooth_forecaster: &e.smooth_forecaster,
			smooth_reputer: &e.smooth_reputer,
			previous_ratio: e.previous_ratio,
			inferer_history: &e.inferer_history,
			forecaster_history: &e.forecaster_history,
			topic_reward: e.topic_reward,
		},
		p,
	)?;
	Ok(Outcome { synthesis, confidence, scoring })
}

/// The sum of the present parts, `None` on overflow.
pub fn total(parts: &[Option<u128>]) -> Option<u128> {
	parts.iter().flatten().try_fold(0u128, |a, b| a.checked_add(*b))
}

/// Checks that a successful outcome splits the topic reward exactly: the three task totals
/// sum to it and each role's per-actor rewards sum to its total. Returns what is wrong.
pub fn reward_split_error(e: &Epoch, o: &Outcome) -> Option<String> {
	let t = o.task_rewards;
	let tasks = t.inferers.checked_add(t.forecasters).and_then(|x| x.checked_add(t.reputers));
	if tasks != Some(e.topic_reward) {
		return Some(format!("task totals {t:?} do not sum to {}", e.topic_reward));
	}
	let roles = [
		("inferer", &o.inferer_rewards, t.inferers),
		("forecaster", &o.forecaster_rewards, t.forecasters),
		("reputer", &o.reputer_rewards, t.reputers),
	];
	for (name, parts, want) in roles {
		if total(parts) != Some(want) {
			return Some(format!("{name} rewards sum to {:?}, not {want}", total(parts)));
		}
	}
	None
}
