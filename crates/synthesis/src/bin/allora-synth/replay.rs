//! `allora-synth replay`: the inference-synthesis simulator format (spec section 8.1).
//!
//! Counts of inferers (n), forecasters (m) and reputers (R) come from the header. Forecaster
//! k is "worker n + k" in the one-out and regret columns, and the one-in network's own
//! forecaster regret is `inference_regret_worker_{n}_onein_{k}`.
//!
//! Inputs (copied): `epoch`, `target`, `inference_*`, `forecasted_loss_*`, `reputer_stake_*`,
//! `reputer_*_loss_*`, `topic_rewards`. Everything else is derived. The state a row starts
//! from (regrets, previous network loss, listening coefficients, smoothed fractions,
//! forecaster score ratio, score history) is read from the first row's own columns and then
//! carried by this replay; an absent or empty state cell means "nothing stored".

use crate::csv::{self, digits, index_after, Cells, DataError, Table};
use crate::params::ReplayParams;
use crate::Replayed;
use allora_synthesis::consensus::{listening_coefficients, network_losses, LossMatrix};
use allora_synthesis::synthesis::{
	confidence_interval, network_inferences, update_regrets, RegretStore, SynthesisInput,
};
use allora_synthesis::{rewards, scores, Fixed, MathError, ValueBundle};

/// Participant counts of the file.
#[derive(Debug, Clone, Copy)]
struct Shape {
	n: usize,
	m: usize,
	r: usize,
}

impl Shape {
	/// Inferers and forecasters together (the "worker" index range).
	fn workers(&self) -> usize {
		self.n + self.m
	}
}

/// One stored regret, addressed like `RegretStore`'s fields.
#[derive(Debug, Clone, Copy)]
enum Slot {
	Inferer(usize),
	Forecaster(usize),
	Naive(usize),
	/// (withheld inferer, inferer)
	OneOutInfererInferer(usize, usize),
	/// (withheld inferer, forecaster)
	OneOutInfererForecaster(usize, usize),
	/// (withheld forecaster, inferer)
	OneOutForecasterInferer(usize, usize),
	/// (withheld forecaster, forecaster)
	OneOutForecasterForecaster(usize, usize),
	/// (forecaster of the one-in network, inferer)
	OneInInferer(usize, usize),
	/// the one-in network's own forecaster
	OneInSelf(usize),
}

/// What a row starts from.
struct State {
	regrets: RegretStore,
	previous_loss: Option<Fixed>,
	coefficients: Vec<Fixed>,
	smooth_inferer: Vec<Option<Fixed>>,
	smooth_forecaster: Vec<Option<Fixed>>,
	smooth_reputer: Vec<Option<Fixed>>,
	score_ratio: Fixed,
	/// Stored instant scores per block, newest block first.
	inferer_history: Vec<Vec<Fixed>>,
	forecaster_history: Vec<Vec<Fixed>>,
}

/// Instant worker reward fractions, and whether they were computed (or taken from the file).
struct WorkerFractions {
	values: Vec<Option<Fixed>>,
	computed: bool,
}

/// Smoothed fractions of one role.
struct Smoothed {
	ema: Vec<Fixed>,
	normalised: Vec<Option<Fixed>>,
}

/// `true` for the columns that are inputs of this format (copied to the output).
pub fn is_input(name: &str) -> bool {
	matches!(name, "epoch" | "target" | "topic_rewards")
		|| index_after(name, "inference_").is_some()
		|| name.starts_with("forecasted_loss_")
		|| name.starts_with("reputer_stake_")
		|| (name.starts_with("reputer_") && name.contains("_loss_"))
}

/// Replays the file (see the module documentation).
pub fn run(t: &Table, rp: &ReplayParams) -> Result<Replayed, DataError> {
	if t.rows.is_empty() {
		return Err(DataError::general("the file has no data rows"));
	}
	let shape = detect(t)?;
	let inputs = input_columns(&shape);
	for row in 0..t.rows.len() {
		for name in &inputs {
			t.opt_fixed(row, name)?;
		}
		t.opt_fixed(row, "target")?;
	}
	let mut state = initial_state(t, &shape, rp)?;
	let mut notes = Vec::new();
	let mut rows: Vec<Vec<String>> = vec![t.rows[0].clone()];
	for row in 1..t.rows.len() {
		let cells = compute_row(t, row, &shape, rp, &mut state, &mut notes)?;
		rows.push(cells.row(&t.header, &t.rows[row], is_input));
	}
	Ok(Replayed { csv: csv::write(&t.header, &rows), notes })
}

/// `forecasted_loss_{k}_for_{j}` → (k, j).
fn forecast_column(name: &str) -> Option<(usize, usize)> {
	let rest = name.strip_prefix("forecasted_loss_")?;
	let (k, j) = rest.split_once("_for_")?;
	Some((digits(k)?, digits(j)?))
}

fn detect(t: &Table) -> Result<Shape, DataError> {
	let mut n = 0usize;
	let mut m = 0usize;
	let mut r = 0usize;
	for name in &t.header {
		if let Some(j) = index_after(name, "inference_") {
			n = n.max(j + 1);
		}
		if let Some(i) = index_after(name, "reputer_stake_") {
			r = r.max(i + 1);
		}
		if let Some((k, _)) = forecast_column(name) {
			m = m.max(k + 1);
		}
	}
	if n == 0 {
		return Err(DataError::column(
			"inference_0",
			"missing column: the header names no inferer",
		));
	}
	if r == 0 {
		return Err(DataError::column(
			"reputer_stake_0",
			"missing column: the header names no reputer",
		));
	}
	let shape = Shape { n, m, r };
	for name in input_columns(&shape) {
		t.require(&name)?;
	}
	Ok(shape)
}

/// Every input column the replay reads.
fn input_columns(s: &Shape) -> Vec<String> {
	let mut v = vec!["topic_rewards".to_string()];
	for j in 0..s.n {
		v.push(format!("inference_{j}"));
	}
	for k in 0..s.m {
		for j in 0..s.n {
			v.push(format!("forecasted_loss_{k}_for_{j}"));
		}
	}
	for i in 0..s.r {
		v.push(format!("reputer_stake_{i}"));
		let p = format!("reputer_{i}_loss_");
		v.push(format!("{p}network_inference"));
		v.push(format!("{p}naive_network_inference"));
		for j in 0..s.n {
			v.push(format!("{p}inference_{j}"));
		}
		for k in 0..s.m {
			v.push(format!("{p}forecast_implied_inference_{k}"));
			for j in 0..s.n {
				v.push(format!("{p}forecast_implied_inference_{k}_oneout_{j}"));
			}
			v.push(format!("{p}naive_network_inference_onein_{k}"));
		}
		for l in 0..s.workers() {
			v.push(format!("{p}network_inference_oneout_{l}"));
		}
	}
	v
}

/// Every regret column with the stored regret it holds.
fn regret_columns(s: &Shape) -> Vec<(String, Slot)> {
	let n = s.n;
	let w = s.workers();
	let mut v = Vec::new();
	for l in 0..w {
		let slot = if l < n { Slot::Inferer(l) } else { Slot::Forecaster(l - n) };
		v.push((format!("inference_regret_worker_{l}"), slot));
	}
	for j in 0..n {
		v.push((format!("naive_inference_regret_worker_{j}"), Slot::Naive(j)));
	}
	for b in 0..w {
		for a in 0..w {
			let slot = match (b < n, a < n) {
				(true, true) => Slot::OneOutInfererInferer(b, a),
				(true, false) => Slot::OneOutInfererForecaster(b, a - n),
				(false, true) => Slot::OneOutForecasterInferer(b - n, a),
				(false, false) => Slot::OneOutForecasterForecaster(b - n, a - n),
			};
			v.push((format!("inference_regret_worker_{a}_oneout_{b}"), slot));
		}
	}
	for k in 0..s.m {
		for j in 0..n {
			v.push((format!("inference_regret_worker_{j}_onein_{k}"), Slot::OneInInferer(k, j)));
		}
		v.push((format!("inference_regret_worker_{n}_onein_{k}"), Slot::OneInSelf(k)));
	}
	v
}

fn get(v: &[Option<Fixed>], i: usize) -> Option<Fixed> {
	v.get(i).copied().flatten()
}

fn get2(v: &[Vec<Option<Fixed>>], a: usize, b: usize) -> Option<Fixed> {
	v.get(a).and_then(|row| get(row, b))
}

fn slot_get(store: &RegretStore, slot: Slot) -> Option<Fixed> {
	match slot {
		Slot::Inferer(j) => get(&store.inferer, j),
		Slot::Forecaster(k) => get(&store.forecaster, k),
		Slot::Naive(j) => get(&store.naive_inferer, j),
		Slot::OneOutInfererInferer(a, b) => get2(&store.one_out_inferer_inferer, a, b),
		Slot::OneOutInfererForecaster(a, b) => get2(&store.one_out_inferer_forecaster, a, b),
		Slot::OneOutForecasterInferer(a, b) => get2(&store.one_out_forecaster_inferer, a, b),
		Slot::OneOutForecasterForecaster(a, b) => get2(&store.one_out_forecaster_forecaster, a, b),
		Slot::OneInInferer(k, j) => get2(&store.one_in_forecaster_inferer, k, j),
		Slot::OneInSelf(k) => get(&store.one_in_forecaster_self, k),
	}
}

fn slot_mut(store: &mut RegretStore, slot: Slot) -> Option<&mut Option<Fixed>> {
	match slot {
		Slot::Inferer(j) => store.inferer.get_mut(j),
		Slot::Forecaster(k) => store.forecaster.get_mut(k),
		Slot::Naive(j) => store.naive_inferer.get_mut(j),
		Slot::OneOutInfererInferer(a, b) => {
			store.one_out_inferer_inferer.get_mut(a).and_then(|row| row.get_mut(b))
		}
		Slot::OneOutInfererForecaster(a, b) => {
			store.one_out_inferer_forecaster.get_mut(a).and_then(|row| row.get_mut(b))
		}
		Slot::OneOutForecasterInferer(a, b) => {
			store.one_out_forecaster_inferer.get_mut(a).and_then(|row| row.get_mut(b))
		}
		Slot::OneOutForecasterForecaster(a, b) => {
			store.one_out_forecaster_forecaster.get_mut(a).and_then(|row| row.get_mut(b))
		}
		Slot::OneInInferer(k, j) => {
			store.one_in_forecaster_inferer.get_mut(k).and_then(|row| row.get_mut(j))
		}
		Slot::OneInSelf(k) => store.one_in_forecaster_self.get_mut(k),
	}
}

/// Positions of the present entries.
fn present(v: &[Option<Fixed>]) -> Vec<usize> {
	v.iter().enumerate().filter(|(_, x)| x.is_some()).map(|(i, _)| i).collect()
}

/// A stored block of scores: at most `cap` entries, the oldest dropped (spec section 5.1).
fn newest(block: &[Fixed], cap: u32) -> Vec<Fixed> {
	let keep = usize::try_from(cap).unwrap_or(usize::MAX);
	block[block.len().saturating_sub(keep)..].to_vec()
}

/// The score samples whose sigma scales the mapping (spec section 5.3): this epoch's block
/// first, then the stored blocks, newest first, capped.
fn samples_with_history(
	current: &[Fixed],
	history_newest_first: &[Vec<Fixed>],
	cap: u32,
) -> Vec<Fixed> {
	let mut blocks = vec![newest(current, cap)];
	blocks.extend(history_newest_first.iter().cloned());
	scores::score_samples(&blocks, cap)
}

fn initial_state(t: &Table, s: &Shape, rp: &ReplayParams) -> Result<State, DataError> {
	let mut regrets = RegretStore::new(rp.initial_regret, s.n, s.m);
	for (name, slot) in regret_columns(s) {
		let value = t.opt_fixed(0, &name)?;
		if let Some(cell) = slot_mut(&mut regrets, slot) {
			*cell = value;
		}
	}
	let column = |prefix: &str, count: usize| -> Result<Vec<Option<Fixed>>, DataError> {
		(0..count).map(|i| t.opt_fixed(0, &format!("{prefix}{i}"))).collect()
	};
	let coefficients: Vec<Fixed> = column("reputer_listening_coefficient_", s.r)?
		.into_iter()
		.map(|c| c.unwrap_or(Fixed::ONE))
		.collect();
	let inferer_scores: Vec<Fixed> = column("inferer_score_", s.n)?.into_iter().flatten().collect();
	let forecaster_scores: Vec<Fixed> =
		column("forecaster_score_", s.m)?.into_iter().flatten().collect();
	let cap = rp.params.rewards.max_samples_to_scale_scores;
	Ok(State {
		regrets,
		previous_loss: t.opt_fixed(0, "network_loss")?,
		coefficients,
		smooth_inferer: column("inferer_reward_fraction_smooth_", s.n)?,
		smooth_forecaster: column("forecaster_reward_fraction_smooth_", s.m)?,
		smooth_reputer: column("reputer_reward_fraction_smooth_", s.r)?,
		score_ratio: t.opt_fixed(0, "forecaster_score_ratio")?.unwrap_or(Fixed::ZERO),
		inferer_history: first_block(&inferer_scores, cap),
		forecaster_history: first_block(&forecaster_scores, cap),
	})
}

fn first_block(scores: &[Fixed], cap: u32) -> Vec<Vec<Fixed>> {
	if scores.is_empty() {
		Vec::new()
	} else {
		vec![newest(scores, cap)]
	}
}

/// Records this epoch's scores as the newest stored block.
fn remember(history: &mut Vec<Vec<Fixed>>, scores: &[Fixed], cap: u32) {
	if scores.is_empty() {
		return;
	}
	history.insert(0, newest(scores, cap));
	history.truncate(usize::try_from(cap).unwrap_or(usize::MAX).max(1));
}

/// Reputer `i`'s reported losses in this row.
fn reputer_bundle(t: &Table, row: usize, s: &Shape, i: usize) -> Result<ValueBundle, DataError> {
	let p = format!("reputer_{i}_loss_");
	let cell = |suffix: String| t.opt_fixed(row, &format!("{p}{suffix}"));
	let combined = t.req_fixed(row, &format!("{p}network_inference"))?;
	let naive = t.req_fixed(row, &format!("{p}naive_network_inference"))?;
	let mut b = ValueBundle::new(combined, naive);
	b.inferer = (0..s.n)
		.map(|j| cell(format!("inference_{j}")))
		.collect::<Result<Vec<Option<Fixed>>, DataError>>()?;
	b.forecaster = (0..s.m)
		.map(|k| cell(format!("forecast_implied_inference_{k}")))
		.collect::<Result<Vec<Option<Fixed>>, DataError>>()?;
	b.one_out_inferer = (0..s.n)
		.map(|j| cell(format!("network_inference_oneout_{j}")))
		.collect::<Result<Vec<Option<Fixed>>, DataError>>()?;
	b.one_out_forecaster = (0..s.m)
		.map(|k| cell(format!("network_inference_oneout_{}", s.n + k)))
		.collect::<Result<Vec<Option<Fixed>>, DataError>>()?;
	b.one_in_forecaster = (0..s.m)
		.map(|k| cell(format!("naive_network_inference_onein_{k}")))
		.collect::<Result<Vec<Option<Fixed>>, DataError>>()?;
	let mut groups: Vec<Vec<Option<Fixed>>> = Vec::new();
	for k in 0..s.m {
		let group = (0..s.n)
			.map(|j| cell(format!("forecast_implied_inference_{k}_oneout_{j}")))
			.collect::<Result<Vec<Option<Fixed>>, DataError>>()?;
		groups.push(group);
	}
	b.one_out_inferer_forecaster = groups;
	Ok(b)
}

/// Instant reward fractions of one worker role (spec section 5.3). When the file does not
/// reach back far enough to hold the `max_samples_to_scale_scores` samples the sigma needs
/// (the simulator had history before the file's first row), the fractions cannot be
/// computed: they are left empty and the file's own values are used by the later steps.
#[allow(clippy::too_many_arguments)]
fn worker_fractions(
	t: &Table,
	row: usize,
	role: &str,
	actor_scores: &[Option<Fixed>],
	history: &[Vec<Fixed>],
	p: Fixed,
	c: Fixed,
	rp: &ReplayParams,
	notes: &mut Vec<String>,
) -> Result<WorkerFractions, DataError> {
	let cap = rp.params.rewards.max_samples_to_scale_scores;
	let positions = present(actor_scores);
	let values: Vec<Fixed> = actor_scores.iter().flatten().copied().collect();
	let samples = samples_with_history(&values, history, cap);
	let wanted = usize::try_from(cap).unwrap_or(usize::MAX);
	if samples.len() < wanted {
		let from_file: Vec<Option<Fixed>> = (0..actor_scores.len())
			.map(|a| t.opt_fixed(row, &format!("{role}_reward_fraction_{a}")))
			.collect::<Result<_, _>>()?;
		if positions.iter().all(|a| from_file[*a].is_some()) {
			notes.push(format!(
				"row {}: {role}_reward_fraction_* left empty: the score mapping needs the newest \
                 {cap} stored scores and the file holds only {} of them (the window reaches \
                 before its first row); the later steps use the file's values",
				row + 1,
				samples.len()
			));
			return Ok(WorkerFractions { values: from_file, computed: false });
		}
		notes.push(format!(
			"row {}: {role}_reward_fraction_* computed from the {} stored scores available \
             (fewer than {cap})",
			row + 1,
			samples.len()
		));
	}
	let fractions =
		scores::worker_reward_fractions(&values, &samples, p, c, rp.params.rewards.epsilon_topic);
	let mut out = vec![None; actor_scores.len()];
	for (a, f) in positions.iter().zip(fractions.iter()) {
		out[*a] = Some(*f);
	}
	Ok(WorkerFractions { values: out, computed: true })
}

/// Smoothed fractions over the actors that have an instant fraction (spec section 5.4).
fn smooth(instant: &[Option<Fixed>], previous: &[Option<Fixed>], alpha: Fixed) -> Smoothed {
	let positions = present(instant);
	let values: Vec<Fixed> = instant.iter().flatten().copied().collect();
	let prev: Vec<Option<Fixed>> = positions.iter().map(|i| get(previous, *i)).collect();
	let s = rewards::smooth_fractions(&values, &prev, alpha);
	let mut normalised = vec![None; instant.len()];
	for (i, v) in positions.iter().zip(s.normalised.iter()) {
		normalised[*i] = Some(*v);
	}
	Smoothed { ema: s.ema, normalised }
}

/// The next stored smoothed fractions: the new ones, the old ones where there is none.
fn keep_previous(new: &[Option<Fixed>], old: &[Option<Fixed>]) -> Vec<Option<Fixed>> {
	new.iter().enumerate().map(|(i, v)| v.or_else(|| get(old, i))).collect()
}

/// A task total split by the present fractions of one role (spec section 5.6).
fn role_rewards(total: u128, fractions: &[Option<Fixed>]) -> Result<Vec<Option<u128>>, MathError> {
	let positions = present(fractions);
	let values: Vec<Fixed> = fractions.iter().flatten().copied().collect();
	let parts = rewards::actor_rewards(total, &values)?;
	let mut out = vec![None; fractions.len()];
	for (i, v) in positions.iter().zip(parts.iter()) {
		out[*i] = Some(*v);
	}
	Ok(out)
}

/// Computes every derived column of data row `row` from its inputs and `st`, then advances
/// `st` to the state this row leaves.
fn compute_row(
	t: &Table,
	row: usize,
	s: &Shape,
	rp: &ReplayParams,
	st: &mut State,
	notes: &mut Vec<String>,
) -> Result<Cells, DataError> {
	let p = &rp.params;
	let rw = &p.rewards;
	let math = |what: &str, e: MathError| DataError::row(row, format!("{what} failed: {e:?}"));
	let mut out = Cells::default();

	// Inference synthesis (spec sections 3.3 - 3.7, 3.10).
	let inferences: Vec<Fixed> =
		(0..s.n).map(|j| t.req_fixed(row, &format!("inference_{j}"))).collect::<Result<_, _>>()?;
	let mut forecasts: Vec<Vec<Option<Fixed>>> = Vec::new();
	for k in 0..s.m {
		let forecast = (0..s.n)
			.map(|j| t.opt_fixed(row, &format!("forecasted_loss_{k}_for_{j}")))
			.collect::<Result<Vec<Option<Fixed>>, DataError>>()?;
		forecasts.push(forecast);
	}
	let input = SynthesisInput {
		inferences: &inferences,
		forecasts: &forecasts,
		previous_network_loss: st.previous_loss,
		regrets: &st.regrets,
	};
	let syn =
		network_inferences(&input, &p.synthesis).map_err(|e| math("inference synthesis", e))?;
	out.fixed("network_inference".to_string(), Some(syn.combined));
	out.fixed("network_naive_inference".to_string(), Some(syn.naive));
	for j in 0..s.n {
		out.fixed(format!("network_inference_oneout_{j}"), get(&syn.one_out_inferer, j));
	}
	for k in 0..s.m {
		out.fixed(format!("forecast_implied_inference_{k}"), get(&syn.forecast_implied, k));
		out.fixed(format!("network_inference_oneout_{}", s.n + k), get(&syn.one_out_forecaster, k));
		out.fixed(format!("network_naive_inference_onein_{k}"), get(&syn.one_in_forecaster, k));
		for j in 0..s.n {
			out.fixed(
				format!("forecast_implied_inference_{k}_oneout_{j}"),
				get2(&syn.forecast_implied_one_out, k, j),
			);
			out.fixed(
				format!("forecasted_regret_{k}_inferer_{j}"),
				get2(&syn.forecasted_regrets, k, j),
			);
		}
	}
	if let Some(bars) = confidence_interval(&inferences, &syn) {
		for (i, v) in bars.iter().enumerate() {
			out.fixed(format!("network_inference_errorbar_{i}"), Some(*v));
		}
	}

	// Network losses (spec section 4.4).
	let stakes: Vec<u128> = (0..s.r)
		.map(|i| t.req_amount(row, &format!("reputer_stake_{i}")))
		.collect::<Result<_, _>>()?;
	let bundles: Vec<ValueBundle> =
		(0..s.r).map(|i| reputer_bundle(t, row, s, i)).collect::<Result<_, _>>()?;
	let losses = network_losses(&bundles, &stakes).map_err(|e| math("network losses", e))?;
	out.fixed("network_loss".to_string(), Some(losses.combined));
	out.fixed("network_naive_loss".to_string(), Some(losses.naive));
	for j in 0..s.n {
		out.fixed(format!("inference_loss_{j}"), get(&losses.inferer, j));
		out.fixed(format!("network_loss_oneout_{j}"), get(&losses.one_out_inferer, j));
	}
	for k in 0..s.m {
		out.fixed(format!("forecast_implied_inference_loss_{k}"), get(&losses.forecaster, k));
		out.fixed(format!("network_loss_oneout_{}", s.n + k), get(&losses.one_out_forecaster, k));
		out.fixed(format!("network_naive_loss_onein_{k}"), get(&losses.one_in_forecaster, k));
		for j in 0..s.n {
			out.fixed(
				format!("forecast_implied_inference_loss_{k}_oneout_{j}"),
				get2(&losses.one_out_inferer_forecaster, k, j),
			);
		}
	}

	// Regret updates (spec section 3.8). The topic initial regret is not updated: that
	// needs the actors' paid-inclusion counters, which the file does not carry.
	let next = update_regrets(&st.regrets, &losses, p.synthesis.alpha_regret);
	for (name, slot) in regret_columns(s) {
		out.fixed(name, slot_get(&next, slot));
	}

	// Instant scores (spec section 5.1).
	let inferer_scores_raw = scores::inferer_scores(&losses);
	let forecaster_scores_raw = scores::forecaster_scores(&losses);
	let inferer_scores: Vec<Option<Fixed>> =
		(0..s.n).map(|j| get(&inferer_scores_raw, j)).collect();
	let forecaster_scores: Vec<Option<Fixed>> =
		(0..s.m).map(|k| get(&forecaster_scores_raw, k)).collect();
	for j in 0..s.n {
		out.fixed(format!("inferer_score_{j}"), inferer_scores[j]);
	}
	for k in 0..s.m {
		out.fixed(format!("forecaster_score_{k}"), forecaster_scores[k]);
	}

	// Reputer consensus and listening coefficients (spec sections 4.1 - 4.3).
	let matrix = LossMatrix::from_bundles(&bundles, s.n, s.m);
	let consensus = listening_coefficients(&matrix, &stakes, &st.coefficients, &p.consensus)
		.map_err(|e| math("reputer consensus", e))?;
	for i in 0..s.r {
		out.fixed(format!("reputer_score_{i}"), consensus.scores.get(i).copied());
		out.fixed(
			format!("reputer_listening_coefficient_{i}"),
			consensus.listening_coefficients.get(i).copied(),
		);
		out.fixed(format!("reputer_adjusted_stake_{i}"), consensus.adjusted_stakes.get(i).copied());
	}

	// Instant reward fractions (spec section 5.3).
	let reputer_fractions: Vec<Option<Fixed>> =
		scores::reputer_reward_fractions(&stakes, &consensus.scores, rw.p_reward_reputer)
			.map_err(|e| math("reputer reward fractions", e))?
			.into_iter()
			.map(Some)
			.collect();
	for i in 0..s.r {
		out.fixed(format!("reputer_reward_fraction_{i}"), get(&reputer_fractions, i));
	}
	let inferer_fractions = worker_fractions(
		t,
		row,
		"inferer",
		&inferer_scores,
		&st.inferer_history,
		rw.p_reward_inference,
		rw.c_reward_inference,
		rp,
		notes,
	)?;
	let forecaster_fractions = worker_fractions(
		t,
		row,
		"forecaster",
		&forecaster_scores,
		&st.forecaster_history,
		rw.p_reward_forecast,
		rw.c_reward_forecast,
		rp,
		notes,
	)?;
	if inferer_fractions.computed {
		for j in 0..s.n {
			out.fixed(format!("inferer_reward_fraction_{j}"), get(&inferer_fractions.values, j));
		}
	}
	if forecaster_fractions.computed {
		for k in 0..s.m {
			out.fixed(
				format!("forecaster_reward_fraction_{k}"),
				get(&forecaster_fractions.values, k),
			);
		}
	}

	// Smoothed fractions and modified entropies (spec section 5.4).
	let alpha = rw.task_reward_alpha;
	let si = smooth(&inferer_fractions.values, &st.smooth_inferer, alpha);
	let sf = smooth(&forecaster_fractions.values, &st.smooth_forecaster, alpha);
	let sr = smooth(&reputer_fractions, &st.smooth_reputer, alpha);
	for j in 0..s.n {
		out.fixed(format!("inferer_reward_fraction_smooth_{j}"), get(&si.normalised, j));
	}
	for k in 0..s.m {
		out.fixed(format!("forecaster_reward_fraction_smooth_{k}"), get(&sf.normalised, k));
	}
	for i in 0..s.r {
		out.fixed(format!("reputer_reward_fraction_smooth_{i}"), get(&sr.normalised, i));
	}
	let entropy_f = rewards::modified_entropy(&si.ema, rw.beta_entropy);
	let entropy_g = rewards::forecaster_entropy(&sf.ema, s.n, rw.beta_entropy);
	let entropy_h = rewards::modified_entropy(&sr.ema, rw.beta_entropy);
	out.fixed("inferers_entropy".to_string(), Some(entropy_f));
	out.fixed("forecasters_entropy".to_string(), Some(entropy_g));
	out.fixed("reputers_entropy".to_string(), Some(entropy_h));

	// Forecasting utility and the task split (spec section 5.5).
	let task_score = rewards::forecasting_task_score(losses.naive, losses.combined);
	let scored: Vec<Fixed> = inferer_scores.iter().flatten().copied().collect();
	let utility = rewards::forecaster_utility(task_score, &scored, st.score_ratio, alpha);
	out.fixed("forecaster_task_score".to_string(), Some(task_score));
	out.fixed("forecaster_score_ratio".to_string(), Some(utility.score_ratio));
	out.fixed("forecasters_utility".to_string(), Some(utility.chi));
	let task = rewards::task_reward_fractions(entropy_f, entropy_g, entropy_h, utility.chi)
		.map_err(|e| math("task reward split", e))?;
	out.fixed("inferers_reward_fraction".to_string(), Some(task.inferers));
	out.fixed("forecasters_reward_fraction".to_string(), Some(task.forecasters));
	out.fixed("reputers_reward_fraction".to_string(), Some(task.reputers));

	// Per-actor rewards (spec section 5.6), in whole tokens like the file.
	let total = t.req_amount(row, "topic_rewards")?;
	let split = rewards::task_rewards(total, &task).map_err(|e| math("task reward split", e))?;
	let inferer_rewards = role_rewards(split.inferers, &inferer_fractions.values)
		.map_err(|e| math("inferer rewards", e))?;
	let forecaster_rewards = role_rewards(split.forecasters, &forecaster_fractions.values)
		.map_err(|e| math("forecaster rewards", e))?;
	let reputer_rewards =
		role_rewards(split.reputers, &reputer_fractions).map_err(|e| math("reputer rewards", e))?;
	for j in 0..s.n {
		out.amount(format!("inferer_reward_{j}"), inferer_rewards.get(j).copied().flatten());
	}
	for k in 0..s.m {
		out.amount(format!("forecaster_reward_{k}"), forecaster_rewards.get(k).copied().flatten());
	}
	for i in 0..s.r {
		out.amount(format!("reputer_reward_{i}"), reputer_rewards.get(i).copied().flatten());
	}

	// The state this row leaves.
	let cap = rw.max_samples_to_scale_scores;
	let forecaster_scored: Vec<Fixed> = forecaster_scores.iter().flatten().copied().collect();
	remember(&mut st.inferer_history, &scored, cap);
	remember(&mut st.forecaster_history, &forecaster_scored, cap);
	st.smooth_inferer = keep_previous(&si.normalised, &st.smooth_inferer);
	st.smooth_forecaster = keep_previous(&sf.normalised, &st.smooth_forecaster);
	st.smooth_reputer = keep_previous(&sr.normalised, &st.smooth_reputer);
	st.score_ratio = utility.score_ratio;
	st.coefficients = consensus.listening_coefficients;
	st.previous_loss = Some(losses.combined);
	st.regrets = next;
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn column_classes() {
		assert!(is_input("inference_3"));
		assert!(is_input("reputer_2_loss_network_inference_oneout_7"));
		assert!(is_input("forecasted_loss_1_for_4"));
		assert!(!is_input("inference_loss_3"));
		assert!(!is_input("inference_regret_worker_3"));
		assert!(!is_input("reputer_reward_fraction_smooth_1"));
		assert_eq!(forecast_column("forecasted_loss_2_for_11"), Some((2, 11)));
		let s = Shape { n: 5, m: 3, r: 5 };
		// inferer + forecaster regrets, naive, every one-out pair, one-in (n + 1 per forecaster)
		assert_eq!(regret_columns(&s).len(), 8 + 5 + 64 + 18);
		assert_eq!(input_columns(&s).len(), 1 + 5 + 15 + 5 * (1 + 2 + 5 + 3 * 7 + 8));
	}

	#[test]
	fn samples_take_this_block_first() {
		let f = Fixed::from_int;
		let history = vec![vec![f(4), f(5), f(6)], vec![f(7)]];
		let samples = samples_with_history(&[f(1), f(2)], &history, 4);
		assert_eq!(samples, vec![f(1), f(2), f(4), f(5)]);
		assert_eq!(newest(&[f(1), f(2), f(3)], 2), vec![f(2), f(3)]);
	}
}
