//! Inference synthesis (spec §3): from one epoch's inferences, forecasts and the stored
//! regrets to the network inferences a topic publishes and its reputers score.
//!
//! Inputs are keyed by position: inferer `j` is `inferences[j]`, forecaster `k` is
//! `forecasts[k]`, in the caller's fixed order (e.g. sorted account ids). Missing values are
//! `None`; a missing regret reads as the topic's initial regret R₀ (§3.1).
//!
//! Complexity, for n inferers, m forecasters and E = Σ_k |E_k| ≤ n·m forecast elements:
//! O(n·(n + m) + n·E + m·(n + m)) φ' evaluations, i.e. O(n²·m). Each set's σ-sums and top-two
//! maximum are computed once, so σ and max of every one-out set cost O(1) (spec §3.6); the
//! remaining per-participant work is inherent because removing an inferer changes σ and
//! therefore every weight of each forecast that named it, and each one-out network has its own
//! regret row (O(n² + n·m) stored regrets are read).

use crate::fixed::Fixed;
use crate::params::SynthesisParams;
use crate::stats::{self, Moments};
use crate::value_bundle::{at, at2, ValueBundle};
use crate::MathError;
use alloc::vec;
use alloc::vec::Vec;

/// Normalised regrets are capped at c + 6.75/p (spec §3.2, hard-coded).
pub const WEIGHT_CAP_OFFSET: Fixed = Fixed::from_bits(6_750_000_000_000_000_000);
/// A set whose largest normalised regret is below c − 8.25/p is shifted up to it (§3.2).
pub const WEIGHT_SHIFT_OFFSET: Fixed = Fixed::from_bits(8_250_000_000_000_000_000);
/// Normalised regrets below c − 17.25/p get weight 0 (§3.2).
pub const WEIGHT_ZERO_OFFSET: Fixed = Fixed::from_bits(17_250_000_000_000_000_000);
/// Percentiles (in %) of the confidence interval returned with the network inference (§3.10).
pub const CONFIDENCE_PERCENTILES: [Fixed; 5] = [
	Fixed::from_bits(2_280_000_000_000_000_000),
	Fixed::from_bits(15_870_000_000_000_000_000),
	Fixed::from_bits(50_000_000_000_000_000_000),
	Fixed::from_bits(84_130_000_000_000_000_000),
	Fixed::from_bits(97_720_000_000_000_000_000),
];

/// 100 as `Fixed` (percent → fraction).
const HUNDRED: Fixed = Fixed::from_bits(100_000_000_000_000_000_000);

// ----- the potential function -------------------------------------------------------------

/// φ_p(x) = ln(1 + e^{p(x − c)}): the potential whose derivative weighs regrets (§3.2) and
/// which maps scores to reward fractions (§5.3). Evaluated without overflow for any x.
pub fn phi(p: Fixed, c: Fixed, x: Fixed) -> Fixed {
	let y = p.saturating_mul(x.saturating_sub(c));
	if y.is_positive() {
		// y + ln(1 + e^-y)
		let tail = Fixed::ONE.saturating_add(y.saturating_neg().exp());
		y.saturating_add(tail.ln().unwrap_or(Fixed::ZERO))
	} else {
		Fixed::ONE.saturating_add(y.exp()).ln().unwrap_or(Fixed::ZERO)
	}
}

/// φ'_p(x) = p / (1 + e^{p(c − x)}): a logistic curve of height p centred at c (§3.2).
pub fn phi_prime(p: Fixed, c: Fixed, x: Fixed) -> Fixed {
	let z = p.saturating_mul(c.saturating_sub(x));
	p.saturating_div(Fixed::ONE.saturating_add(z.exp()))
}

/// The regret → weight map of §3.2 with its constants resolved for one (p, c, ε_t).
#[derive(Clone, Copy, Debug)]
struct WeightShape {
	p: Fixed,
	c: Fixed,
	epsilon: Fixed,
	cap: Fixed,
	shift_anchor: Fixed,
	zero_cut: Fixed,
}

impl WeightShape {
	fn new(params: &SynthesisParams) -> Result<WeightShape, MathError> {
		let p = params.p_norm;
		if !p.is_positive() {
			return Err(MathError::InvalidParameter);
		}
		let c = params.c_norm;
		Ok(WeightShape {
			p,
			c,
			epsilon: params.epsilon_topic,
			cap: c.saturating_add(WEIGHT_CAP_OFFSET.saturating_div(p)),
			shift_anchor: c.saturating_sub(WEIGHT_SHIFT_OFFSET.saturating_div(p)),
			zero_cut: c.saturating_sub(WEIGHT_ZERO_OFFSET.saturating_div(p)),
		})
	}

	/// Weights of a regret set (§3.2). The member at `excluded` (if any) gets weight 0 and is
	/// left out of σ and of the maximum; `moments` are those of the full set.
	fn weights(&self, regrets: &[Fixed], moments: &Moments, excluded: Option<usize>) -> Vec<Fixed> {
		let set = match excluded.and_then(|pos| regrets.get(pos).map(|v| (pos, *v))) {
			Some((pos, v)) => moments.without(pos, v),
			None => *moments,
		};
		let denom = set.std_dev().abs().saturating_add(self.epsilon);
		let x_max = set.max().unwrap_or(Fixed::ZERO).saturating_div(denom);
		regrets
			.iter()
			.enumerate()
			.map(|(i, r)| {
				if Some(i) == excluded {
					Fixed::ZERO
				} else {
					self.weight(r.saturating_div(denom), x_max)
				}
			})
			.collect()
	}

	/// Weight of one normalised regret x given the set's (uncapped) maximum.
	fn weight(&self, x: Fixed, x_max: Fixed) -> Fixed {
		let mut x = x.min(self.cap);
		if x_max < self.shift_anchor {
			x = x.saturating_sub(x_max).saturating_add(self.shift_anchor);
		}
		if x < self.zero_cut {
			return Fixed::ZERO;
		}
		phi_prime(self.p, self.c, x)
	}

	/// Weights of a whole set.
	fn weights_of(&self, regrets: &[Fixed]) -> Vec<Fixed> {
		self.weights(regrets, &Moments::of(regrets.iter().copied()), None)
	}
}

/// Weights φ'_p of one regret set, normalised jointly (σ and max over the whole set, §3.2).
pub fn regret_weights(
	regrets: &[Fixed],
	params: &SynthesisParams,
) -> Result<Vec<Fixed>, MathError> {
	Ok(WeightShape::new(params)?.weights_of(regrets))
}

/// Σ w·v / Σ w over the entries with a non-zero weight and a value; `None` if Σ w = 0.
fn weighted_average(weights: &[Fixed], values: &[Option<Fixed>]) -> Option<Fixed> {
	let (num, den) = weighted_sums(weights, values);
	if den.is_zero() {
		None
	} else {
		Some(num.saturating_div(den))
	}
}

/// Σ w·v / max(Σ w, ε_d) (§3.2 "weighted value of a variant").
fn weighted_average_floored(weights: &[Fixed], values: &[Option<Fixed>], floor: Fixed) -> Fixed {
	let (num, den) = weighted_sums(weights, values);
	num.saturating_div(den.max(floor))
}

fn weighted_sums(weights: &[Fixed], values: &[Option<Fixed>]) -> (Fixed, Fixed) {
	let mut num = Fixed::ZERO;
	let mut den = Fixed::ZERO;
	for (w, v) in weights.iter().zip(values.iter()) {
		if let Some(v) = v {
			if !w.is_zero() {
				num = num.saturating_add(w.saturating_mul(*v));
				den = den.saturating_add(*w);
			}
		}
	}
	(num, den)
}

/// The value of one network variant from its regret set (§3.2).
fn variant_value(
	shape: &WeightShape,
	regrets: &[Fixed],
	values: &[Option<Fixed>],
	floor: Fixed,
) -> Fixed {
	weighted_average_floored(&shape.weights_of(regrets), values, floor)
}

// ----- stored regrets ---------------------------------------------------------------------

/// The latest regret of every family for one topic (spec §1.7, §3.8), as dense vectors by
/// participant position. `None` (or out of range) means "no stored regret": R₀ is used.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct RegretStore {
	/// R₀, the topic's initial regret; 0 switches on all-inferers-new mode (§3.1).
	pub initial_regret: Fixed,
	/// R_ij per inferer j.
	pub inferer: Vec<Option<Fixed>>,
	/// R_ik per forecaster k.
	pub forecaster: Vec<Option<Fixed>>,
	/// R⁻_ij (naive network) per inferer j.
	pub naive_inferer: Vec<Option<Fixed>>,
	/// `[j'][j]`: regret of inferer j in the network without inferer j'.
	pub one_out_inferer_inferer: Vec<Vec<Option<Fixed>>>,
	/// `[j'][k]`: regret of forecaster k in the network without inferer j'.
	pub one_out_inferer_forecaster: Vec<Vec<Option<Fixed>>>,
	/// `[k'][j]`: regret of inferer j in the network without forecaster k'.
	pub one_out_forecaster_inferer: Vec<Vec<Option<Fixed>>>,
	/// `[k'][k]`: regret of forecaster k in the network without forecaster k'.
	pub one_out_forecaster_forecaster: Vec<Vec<Option<Fixed>>>,
	/// `[k][j]`: regret of inferer j in the naive network plus only forecaster k.
	pub one_in_forecaster_inferer: Vec<Vec<Option<Fixed>>>,
	/// `[k]`: regret of forecaster k itself in its one-in network.
	pub one_in_forecaster_self: Vec<Option<Fixed>>,
}

impl RegretStore {
	/// An empty store for n inferers and m forecasters (every entry reads as R₀).
	pub fn new(initial_regret: Fixed, n: usize, m: usize) -> RegretStore {
		RegretStore {
			initial_regret,
			inferer: vec![None; n],
			forecaster: vec![None; m],
			naive_inferer: vec![None; n],
			one_out_inferer_inferer: vec![vec![None; n]; n],
			one_out_inferer_forecaster: vec![vec![None; m]; n],
			one_out_forecaster_inferer: vec![vec![None; n]; m],
			one_out_forecaster_forecaster: vec![vec![None; m]; m],
			one_in_forecaster_inferer: vec![vec![None; n]; m],
			one_in_forecaster_self: vec![None; m],
		}
	}

	/// `true` in all-inferers-new mode (R₀ = 0, §3.1).
	pub fn all_inferers_new(&self) -> bool {
		self.initial_regret.is_zero()
	}

	fn or_initial(&self, v: Option<Fixed>) -> Fixed {
		v.unwrap_or(self.initial_regret)
	}

	/// R_ij (R₀ if absent).
	pub fn inferer_regret(&self, j: usize) -> Fixed {
		self.or_initial(at(&self.inferer, j))
	}
	/// R_ik.
	pub fn forecaster_regret(&self, k: usize) -> Fixed {
		self.or_initial(at(&self.forecaster, k))
	}
	/// R⁻_ij.
	pub fn naive_inferer_regret(&self, j: usize) -> Fixed {
		self.or_initial(at(&self.naive_inferer, j))
	}
	/// Regret of inferer j without inferer j'.
	pub fn one_out_inferer_inferer_regret(&self, withheld: usize, j: usize) -> Fixed {
		self.or_initial(at2(&self.one_out_inferer_inferer, withheld, j))
	}
	/// Regret of forecaster k without inferer j'.
	pub fn one_out_inferer_forecaster_regret(&self, withheld: usize, k: usize) -> Fixed {
		self.or_initial(at2(&self.one_out_inferer_forecaster, withheld, k))
	}
	/// Regret of inferer j without forecaster k'.
	pub fn one_out_forecaster_inferer_regret(&self, withheld: usize, j: usize) -> Fixed {
		self.or_initial(at2(&self.one_out_forecaster_inferer, withheld, j))
	}
	/// Regret of forecaster k without forecaster k'.
	pub fn one_out_forecaster_forecaster_regret(&self, withheld: usize, k: usize) -> Fixed {
		self.or_initial(at2(&self.one_out_forecaster_forecaster, withheld, k))
	}
	/// Regret of inferer j in forecaster k's one-in network.
	pub fn one_in_forecaster_inferer_regret(&self, k: usize, j: usize) -> Fixed {
		self.or_initial(at2(&self.one_in_forecaster_inferer, k, j))
	}
	/// Regret of forecaster k in its own one-in network.
	pub fn one_in_forecaster_self_regret(&self, k: usize) -> Fixed {
		self.or_initial(at(&self.one_in_forecaster_self, k))
	}
}

// ----- forecast-implied inferences (§3.3) ---------------------------------------------------

/// One forecast restricted to inferers that have an inference, with its forecasted regrets.
struct ForecastElements {
	/// Inferer positions named by the forecast, ascending.
	inferers: Vec<usize>,
	/// R_ijk = L_{i−1} − L̂_ijk, aligned with `inferers`.
	regrets: Vec<Fixed>,
	/// σ-sums and maximum of `regrets`.
	moments: Moments,
	/// Position of inferer j inside `inferers` (length n).
	position: Vec<Option<usize>>,
}

impl ForecastElements {
	fn new(forecast: &[Option<Fixed>], n: usize, previous_loss: Fixed) -> ForecastElements {
		let mut inferers = Vec::new();
		let mut regrets = Vec::new();
		let mut position = vec![None; n];
		for (j, slot) in position.iter_mut().enumerate() {
			if let Some(forecasted_loss) = at(forecast, j) {
				*slot = Some(inferers.len());
				inferers.push(j);
				regrets.push(previous_loss.saturating_sub(forecasted_loss));
			}
		}
		let moments = Moments::of(regrets.iter().copied());
		ForecastElements { inferers, regrets, moments, position }
	}

	fn names(&self, j: usize) -> bool {
		at_pos(&self.position, j).is_some()
	}

	/// I_ik, optionally recomputed without inferer `withheld` (§3.3, §3.6 step 1).
	fn implied(
		&self,
		inferences: &[Fixed],
		shape: &WeightShape,
		all_new: bool,
		withheld: Option<usize>,
	) -> Option<Fixed> {
		let values: Vec<Option<Fixed>> =
			self.inferers.iter().map(|j| inferences.get(*j).copied()).collect();
		if values.is_empty() {
			return None;
		}
		if all_new {
			let present: Vec<Fixed> = values.iter().flatten().copied().collect();
			return stats::median(&present);
		}
		if values.len() == 1 {
			// A single element has weight 1, also when it is the withheld inferer.
			return values.first().copied().flatten();
		}
		let excluded = withheld.and_then(|j| at_pos(&self.position, j));
		let weights = shape.weights(&self.regrets, &self.moments, excluded);
		weighted_average(&weights, &values)
	}
}

fn at_pos(v: &[Option<usize>], i: usize) -> Option<usize> {
	v.get(i).copied().flatten()
}

/// I_ik of a single forecast (§3.3): `forecast[j]` is the forecasted loss of inferer j.
/// `None` when the forecast names no inferer or its weights vanish.
pub fn forecast_implied_inference(
	forecast: &[Option<Fixed>],
	inferences: &[Fixed],
	previous_network_loss: Fixed,
	all_inferers_new: bool,
	params: &SynthesisParams,
) -> Result<Option<Fixed>, MathError> {
	let shape = WeightShape::new(params)?;
	let elements = ForecastElements::new(forecast, inferences.len(), previous_network_loss);
	Ok(elements.implied(inferences, &shape, all_inferers_new, None))
}

// ----- network inferences (§3.4 – §3.7, §3.9) ----------------------------------------------

/// What one epoch's synthesis reads.
#[derive(Clone, Copy, Debug)]
pub struct SynthesisInput<'a> {
	/// I_ij, one per inferer (the stored, accepted set).
	pub inferences: &'a [Fixed],
	/// Forecast of each forecaster: `forecasts[k][j]` = forecasted loss L̂_ijk of inferer j.
	pub forecasts: &'a [Vec<Option<Fixed>>],
	/// L_{i−1}: combined loss of the latest stored network-loss bundle, if any.
	pub previous_network_loss: Option<Fixed>,
	/// The stored regrets and R₀.
	pub regrets: &'a RegretStore,
}

/// Every network inference of one epoch (the value bundle reputers evaluate, §2.5), plus
/// the weights and intermediate values the queries report.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct NetworkInferences {
	/// I_i (§3.4).
	pub combined: Fixed,
	/// I⁻_i (§3.5).
	pub naive: Fixed,
	/// I_ik per forecaster; `None` for forecasters that take no part (§3.3).
	pub forecast_implied: Vec<Option<Fixed>>,
	/// `[k][j]`: forecasted regrets R_ijk = L_{i−1} − L̂_ijk.
	pub forecasted_regrets: Vec<Vec<Option<Fixed>>>,
	/// `[k][j']`: I_ik recomputed without inferer j' (§3.6 step 1).
	pub forecast_implied_one_out: Vec<Vec<Option<Fixed>>>,
	/// I⁻_j'i per withheld inferer j' (§3.6).
	pub one_out_inferer: Vec<Option<Fixed>>,
	/// I⁻_k'i per withheld forecaster k' (only with ≥ 2 participating forecasters).
	pub one_out_forecaster: Vec<Option<Fixed>>,
	/// I⁺_ki per forecaster k (only with ≥ 2 participating forecasters, §3.7).
	pub one_in_forecaster: Vec<Option<Fixed>>,
	/// §3.4 weights of the inferers (empty in the degenerate cases of §3.9).
	pub inferer_weights: Vec<Fixed>,
	/// §3.4 weights of the participating forecasters.
	pub forecaster_weights: Vec<Option<Fixed>>,
}

impl NetworkInferences {
	fn empty(n: usize, m: usize) -> NetworkInferences {
		NetworkInferences {
			combined: Fixed::ZERO,
			naive: Fixed::ZERO,
			forecast_implied: vec![None; m],
			forecasted_regrets: vec![vec![None; n]; m],
			forecast_implied_one_out: vec![vec![None; n]; m],
			one_out_inferer: vec![None; n],
			one_out_forecaster: vec![None; m],
			one_in_forecaster: vec![None; m],
			inferer_weights: Vec::new(),
			forecaster_weights: vec![None; m],
		}
	}
}

/// A forecaster that takes part in the epoch's synthesis.
struct Participant<'a> {
	k: usize,
	implied: Fixed,
	elements: &'a ForecastElements,
}

fn set_slot(v: &mut [Option<Fixed>], i: usize, value: Option<Fixed>) {
	if let Some(slot) = v.get_mut(i) {
		*slot = value;
	}
}

fn set_slot2(v: &mut [Vec<Option<Fixed>>], a: usize, b: usize, value: Option<Fixed>) {
	if let Some(row) = v.get_mut(a) {
		set_slot(row, b, value);
	}
}

/// Computes every network inference of one epoch (spec §3.3 – §3.7 with the degenerate
/// cases of §3.9). Errors only on an empty inference set or a non-positive p.
pub fn network_inferences(
	input: &SynthesisInput<'_>,
	params: &SynthesisParams,
) -> Result<NetworkInferences, MathError> {
	let inferences = input.inferences;
	let n = inferences.len();
	let m = input.forecasts.len();
	let first = *inferences.first().ok_or(MathError::EmptyInput)?;
	let mut out = NetworkInferences::empty(n, m);

	// §3.9: one inference ⇒ it is the network inference, nothing else.
	if n == 1 {
		out.combined = first;
		out.naive = first;
		return Ok(out);
	}
	// §3.9: no network loss yet ⇒ median, naive 0, no forecaster data.
	let previous_loss = match input.previous_network_loss {
		Some(l) => l,
		None => {
			out.combined = stats::median(inferences).unwrap_or(first);
			return Ok(out);
		}
	};

	let shape = WeightShape::new(params)?;
	let regrets = input.regrets;
	let all_new = regrets.all_inferers_new();
	let floor = params.epsilon_safe_div;
	let mean_all = stats::mean(inferences).unwrap_or(first);

	// §3.3 forecast-implied inferences
	let elements: Vec<ForecastElements> =
		input.forecasts.iter().map(|f| ForecastElements::new(f, n, previous_loss)).collect();
	let mut participants: Vec<Participant<'_>> = Vec::new();
	for (k, e) in elements.iter().enumerate() {
		for (j, r) in e.inferers.iter().zip(e.regrets.iter()) {
			set_slot2(&mut out.forecasted_regrets, k, *j, Some(*r));
		}
		let implied = e.implied(inferences, &shape, all_new, None);
		set_slot(&mut out.forecast_implied, k, implied);
		if let Some(implied) = implied {
			participants.push(Participant { k, implied, elements: e });
		}
	}
	let inferer_values: Vec<Option<Fixed>> = inferences.iter().map(|v| Some(*v)).collect();

	// §3.4 combined inference: inferers and participating forecasters in one set.
	{
		let mut set: Vec<Fixed> = (0..n).map(|j| regrets.inferer_regret(j)).collect();
		set.extend(participants.iter().map(|p| regrets.forecaster_regret(p.k)));
		let mut values = inferer_values.clone();
		values.extend(participants.iter().map(|p| Some(p.implied)));
		let weights = shape.weights_of(&set);
		out.combined =
			if all_new { mean_all } else { weighted_average_floored(&weights, &values, floor) };
		out.inferer_weights = weights.iter().take(n).copied().collect();
		for (p, w) in participants.iter().zip(weights.iter().skip(n)) {
			set_slot(&mut out.forecaster_weights, p.k, Some(*w));
		}
	}

	// §3.5 naive inference: inferers only, naive regrets.
	out.naive = if all_new {
		mean_all
	} else {
		let set: Vec<Fixed> = (0..n).map(|j| regrets.naive_inferer_regret(j)).collect();
		variant_value(&shape, &set, &inferer_values, floor)
	};

	// §3.6 one-out inferers: forecasts re-weighted without j', own regret row (j', ·).
	for withheld in 0..n {
		let implied_without: Vec<Option<Fixed>> = participants
			.iter()
			.map(|p| {
				if p.elements.names(withheld) {
					p.elements.implied(inferences, &shape, all_new, Some(withheld))
				} else {
					Some(p.implied)
				}
			})
			.collect();
		for (p, v) in participants.iter().zip(implied_without.iter()) {
			set_slot2(&mut out.forecast_implied_one_out, p.k, withheld, *v);
		}
		let others: Vec<Fixed> = inferences
			.iter()
			.enumerate()
			.filter(|(j, _)| *j != withheld)
			.map(|(_, v)| *v)
			.collect();
		let value = if all_new {
			stats::mean(&others).unwrap_or(first)
		} else {
			let mut set: Vec<Fixed> = (0..n)
				.filter(|j| *j != withheld)
				.map(|j| regrets.one_out_inferer_inferer_regret(withheld, j))
				.collect();
			set.extend(
				participants
					.iter()
					.map(|p| regrets.one_out_inferer_forecaster_regret(withheld, p.k)),
			);
			let mut values: Vec<Option<Fixed>> = others.iter().map(|v| Some(*v)).collect();
			values.extend(implied_without.iter().copied());
			variant_value(&shape, &set, &values, floor)
		};
		set_slot(&mut out.one_out_inferer, withheld, Some(value));
	}

	// §3.6 one-out forecasters and §3.7 one-in forecasters need ≥ 2 participants.
	if participants.len() >= 2 {
		for withheld in participants.iter() {
			let value = if all_new {
				mean_all
			} else {
				let mut set: Vec<Fixed> = (0..n)
					.map(|j| regrets.one_out_forecaster_inferer_regret(withheld.k, j))
					.collect();
				let mut values = inferer_values.clone();
				for p in participants.iter().filter(|p| p.k != withheld.k) {
					set.push(regrets.one_out_forecaster_forecaster_regret(withheld.k, p.k));
					values.push(Some(p.implied));
				}
				variant_value(&shape, &set, &values, floor)
			};
			set_slot(&mut out.one_out_forecaster, withheld.k, Some(value));
		}
		for p in participants.iter() {
			let value = if all_new {
				mean_all
			} else {
				let mut set: Vec<Fixed> =
					(0..n).map(|j| regrets.one_in_forecaster_inferer_regret(p.k, j)).collect();
				set.push(regrets.one_in_forecaster_self_regret(p.k));
				let mut values = inferer_values.clone();
				values.push(Some(p.implied));
				variant_value(&shape, &set, &values, floor)
			};
			set_slot(&mut out.one_in_forecaster, p.k, Some(value));
		}
	}
	Ok(out)
}

// ----- confidence interval (§3.10) ----------------------------------------------------------

/// Weighted percentiles (in %, e.g. 2.28): sort by value (stably), place element i at
/// (cumsum_i − w_i/2)/Σw and interpolate linearly, clamped to the end values (§3.10).
/// `None` if the lists are empty, of different lengths, or the weights sum to ≤ 0.
pub fn weighted_percentiles(
	values: &[Fixed],
	weights: &[Fixed],
	percentiles: &[Fixed],
) -> Option<Vec<Fixed>> {
	if values.is_empty() || values.len() != weights.len() {
		return None;
	}
	let mut pairs: Vec<(Fixed, Fixed)> =
		values.iter().copied().zip(weights.iter().copied()).collect();
	pairs.sort_by_key(|a| a.0);
	let total = pairs.iter().fold(Fixed::ZERO, |acc, p| acc.saturating_add(p.1));
	if !total.is_positive() {
		return None;
	}
	let mut nodes: Vec<Fixed> = Vec::with_capacity(pairs.len());
	let mut cumulative = Fixed::ZERO;
	for (_, w) in pairs.iter() {
		cumulative = cumulative.saturating_add(*w);
		nodes.push(cumulative.saturating_sub(w.saturating_mul(Fixed::HALF)).saturating_div(total));
	}
	let first_node = *nodes.first()?;
	let last_node = *nodes.last()?;
	let first_value = pairs.first()?.0;
	let last_value = pairs.last()?.0;
	let mut out = Vec::with_capacity(percentiles.len());
	for pc in percentiles {
		let q = pc.saturating_div(HUNDRED);
		if q <= first_node {
			out.push(first_value);
			continue;
		}
		if q >= last_node {
			out.push(last_value);
			continue;
		}
		// the last node at or below q; its successor is then strictly above q
		let mut i = 0usize;
		for (t, node) in nodes.iter().enumerate().take(nodes.len().saturating_sub(1)) {
			if *node <= q {
				i = t;
			}
		}
		let lo_node = *nodes.get(i)?;
		let hi_node = *nodes.get(i.checked_add(1)?)?;
		let lo_value = pairs.get(i)?.0;
		let hi_value = pairs.get(i.checked_add(1)?)?.0;
		let t = q.saturating_sub(lo_node).saturating_div(hi_node.saturating_sub(lo_node));
		out.push(
			lo_value
				.saturating_mul(Fixed::ONE.saturating_sub(t))
				.saturating_add(hi_value.saturating_mul(t)),
		);
	}
	Some(out)
}

/// The confidence interval the network-inference queries return (§3.10): the
/// [`CONFIDENCE_PERCENTILES`] of all inferences and forecast-implied inferences, weighted by
/// their §3.4 weights. `None` in the degenerate cases of §3.9 (no weights).
pub fn confidence_interval(inferences: &[Fixed], result: &NetworkInferences) -> Option<Vec<Fixed>> {
	if result.inferer_weights.len() != inferences.len() {
		return None;
	}
	let mut values: Vec<Fixed> = inferences.to_vec();
	let mut weights: Vec<Fixed> = result.inferer_weights.clone();
	for (v, w) in result.forecast_implied.iter().zip(result.forecaster_weights.iter()) {
		if let (Some(v), Some(w)) = (v, w) {
			values.push(*v);
			weights.push(*w);
		}
	}
	weighted_percentiles(&values, &weights, &CONFIDENCE_PERCENTILES)
}

// ----- regret updates (§3.8) ----------------------------------------------------------------

fn store(v: &mut Vec<Option<Fixed>>, i: usize, value: Fixed) {
	if v.len() <= i {
		v.resize(i.saturating_add(1), None);
	}
	set_slot(v, i, Some(value));
}

fn store2(v: &mut Vec<Vec<Option<Fixed>>>, a: usize, b: usize, value: Fixed) {
	if v.len() <= a {
		v.resize(a.saturating_add(1), Vec::new());
	}
	if let Some(row) = v.get_mut(a) {
		store(row, b, value);
	}
}

/// Applies one epoch's network losses to every regret family (spec §3.8):
/// R ← α·Δ + (1 − α)·R_prev with R_prev = the stored value or R₀, and Δ = reference loss −
/// actor loss. Entries whose losses are missing keep their stored value.
pub fn update_regrets(
	previous: &RegretStore,
	losses: &ValueBundle,
	alpha_regret: Fixed,
) -> RegretStore {
	let mut next = previous.clone();
	let n = losses.inferer_slots();
	let m = losses.forecaster_slots();
	let step = |delta: Fixed, prev: Fixed| stats::ema(alpha_regret, delta, Some(prev));
	let inferer_loss = |j: usize| at(&losses.inferer, j);
	let forecaster_loss = |k: usize| at(&losses.forecaster, k);

	for j in 0..n {
		if let Some(lj) = inferer_loss(j) {
			let r = step(losses.combined.saturating_sub(lj), previous.inferer_regret(j));
			store(&mut next.inferer, j, r);
			let r = step(losses.naive.saturating_sub(lj), previous.naive_inferer_regret(j));
			store(&mut next.naive_inferer, j, r);
		}
	}
	for k in 0..m {
		if let Some(lk) = forecaster_loss(k) {
			let r = step(losses.combined.saturating_sub(lk), previous.forecaster_regret(k));
			store(&mut next.forecaster, k, r);
		}
	}
	for withheld in 0..n {
		let Some(l_out) = at(&losses.one_out_inferer, withheld) else {
			continue;
		};
		for j in 0..n {
			if let Some(lj) = inferer_loss(j) {
				let prev = previous.one_out_inferer_inferer_regret(withheld, j);
				let r = step(l_out.saturating_sub(lj), prev);
				store2(&mut next.one_out_inferer_inferer, withheld, j, r);
			}
		}
		for k in 0..m {
			if forecaster_loss(k).is_none() {
				continue;
			}
			if let Some(lkj) = at2(&losses.one_out_inferer_forecaster, k, withheld) {
				let prev = previous.one_out_inferer_forecaster_regret(withheld, k);
				let r = step(l_out.saturating_sub(lkj), prev);
				store2(&mut next.one_out_inferer_forecaster, withheld, k, r);
			}
		}
	}
	for withheld in 0..m {
		let Some(l_out) = at(&losses.one_out_forecaster, withheld) else {
			continue;
		};
		for j in 0..n {
			if let Some(lj) = inferer_loss(j) {
				let prev = previous.one_out_forecaster_inferer_regret(withheld, j);
				let r = step(l_out.saturating_sub(lj), prev);
				store2(&mut next.one_out_forecaster_inferer, withheld, j, r);
			}
		}
		for k in 0..m {
			if let Some(lk) = forecaster_loss(k) {
				let prev = previous.one_out_forecaster_forecaster_regret(withheld, k);
				let r = step(l_out.saturating_sub(lk), prev);
				store2(&mut next.one_out_forecaster_forecaster, withheld, k, r);
			}
		}
	}
	for k in 0..m {
		let Some(l_in) = at(&losses.one_in_forecaster, k) else {
			continue;
		};
		for j in 0..n {
			if let Some(lj) = inferer_loss(j) {
				let prev = previous.one_in_forecaster_inferer_regret(k, j);
				let r = step(l_in.saturating_sub(lj), prev);
				store2(&mut next.one_in_forecaster_inferer, k, j, r);
			}
		}
		if let Some(lk) = forecaster_loss(k) {
			let prev = previous.one_in_forecaster_self_regret(k);
			let r = step(l_in.saturating_sub(lk), prev);
			store(&mut next.one_in_forecaster_self, k, r);
		}
	}
	next
}

/// `true` if an actor counts as experienced for the topic initial regret (§3.8): it had a
/// stored regret before this update and was paid in at least 1/α epochs.
pub fn is_experienced(had_stored_regret: bool, paid_inclusions: u64, alpha_regret: Fixed) -> bool {
	if !had_stored_regret || !alpha_regret.is_positive() {
		return false;
	}
	Fixed::from_u64(paid_inclusions) >= Fixed::ONE.saturating_div(alpha_regret)
}

/// The new topic initial regret from the freshly updated regrets of experienced actors
/// (§3.8): R₀ = Q_q(R) + (c − p_norm_safe_div/p)·(σ(R) + ε_t). `None` if there are none
/// (R₀ then stays unchanged) or p ≤ 0.
pub fn topic_initial_regret(
	experienced_regrets: &[Fixed],
	params: &SynthesisParams,
) -> Option<Fixed> {
	if !params.p_norm.is_positive() {
		return None;
	}
	let q = stats::quantile(experienced_regrets, params.initial_regret_quantile)?;
	let sd = stats::sample_std_dev(experienced_regrets);
	let offset = params.c_norm.saturating_sub(params.p_norm_safe_div.saturating_div(params.p_norm));
	Some(q.saturating_add(offset.saturating_mul(sd.saturating_add(params.epsilon_topic))))
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;
	use crate::testdata::{assert_close, synthesis_csv, NF, NI};
	use alloc::string::ToString;

	fn fx(s: &str) -> Fixed {
		Fixed::from_decimal_str(s).unwrap()
	}
	fn f(v: f64) -> Fixed {
		Fixed::from_f64(v).unwrap()
	}
	fn params() -> SynthesisParams {
		SynthesisParams::default()
	}

	#[test]
	fn phi_prime_is_logistic_of_height_p() {
		let (p, c) = (fx("3"), fx("0.75"));
		assert_eq!(phi_prime(p, c, c), fx("1.5"));
		assert_eq!(phi(p, c, c).to_string(), "0.693147180559945309");
		// far right: → p ; far left: → 0
		assert!(phi_prime(p, c, fx("100")) > fx("2.999999999"));
		assert_eq!(phi_prime(p, c, fx("-100")), Fixed::ZERO);
		// φ(x) ≈ p(x − c) for large x, without overflow
		let big = phi(p, c, fx("1000"));
		assert_eq!(big, fx("2997.75"));
		let x = 0.3f64;
		let want = (1.0 + (3.0 * (x - 0.75f64)).exp()).ln();
		assert_close(phi(p, c, f(x)), f(want), 1e-15, "phi");
	}

	#[test]
	fn weight_cap_shift_and_zero_cut() {
		let shape = WeightShape::new(&params()).unwrap();
		assert_eq!(shape.cap, fx("3"));
		assert_eq!(shape.shift_anchor, fx("-2"));
		assert_eq!(shape.zero_cut, fx("-5"));
		// capped: x = 10 behaves like x = 3
		assert_eq!(shape.weight(fx("10"), fx("10")), shape.weight(fx("3"), fx("10")));
		// zero cut (no shift since max is high)
		assert_eq!(shape.weight(fx("-5.1"), fx("1")), Fixed::ZERO);
		// shift: the whole set very negative, max moves to -2
		assert_eq!(shape.weight(fx("-9"), fx("-9")), shape.weight(fx("-2"), fx("1")));
		// a single regret: σ = 0, x = R/ε; shifted up to the anchor when very negative
		let w = regret_weights(&[fx("-3")], &params()).unwrap();
		assert_eq!(w, vec![phi_prime(fx("3"), fx("0.75"), fx("-2"))]);
	}

	#[test]
	fn normalised_weights_sum_to_one() {
		let regrets: Vec<Fixed> = [-1.81, -1.62, -1.43, -2.39, -1.81, -0.19, -0.22, -0.16]
			.iter()
			.map(|v| f(*v))
			.collect();
		let w = regret_weights(&regrets, &params()).unwrap();
		let total = w.iter().fold(Fixed::ZERO, |a, b| a.saturating_add(*b));
		let normalised: Vec<Fixed> = w.iter().map(|x| x.saturating_div(total)).collect();
		let sum = normalised.iter().fold(Fixed::ZERO, |a, b| a.saturating_add(*b));
		assert!(sum.saturating_sub(Fixed::ONE).abs() <= fx("1e-15"), "{sum}");
	}

	#[test]
	fn one_out_weights_equal_direct_recomputation() {
		let shape = WeightShape::new(&params()).unwrap();
		let regrets: Vec<Fixed> = [-1.0, -2.9, -1.4, -3.4, -1.9].iter().map(|v| f(*v)).collect();
		let moments = Moments::of(regrets.iter().copied());
		for skip in 0..regrets.len() {
			let derived = shape.weights(&regrets, &moments, Some(skip));
			let mut rest = regrets.clone();
			rest.remove(skip);
			let direct = shape.weights_of(&rest);
			let mut d = derived.clone();
			d.remove(skip);
			assert_eq!(derived[skip], Fixed::ZERO);
			for (a, b) in d.iter().zip(direct.iter()) {
				assert!(a.saturating_sub(*b).abs() <= Fixed::from_bits(10), "{a} vs {b}");
			}
		}
	}

	#[test]
	fn single_inference_is_the_network_inference() {
		let store = RegretStore::new(Fixed::ONE, 1, 0);
		let inf = [fx("0.42")];
		let input = SynthesisInput {
			inferences: &inf,
			forecasts: &[],
			previous_network_loss: Some(fx("-3")),
			regrets: &store,
		};
		let out = network_inferences(&input, &params()).unwrap();
		assert_eq!(out.combined, fx("0.42"));
		assert_eq!(out.naive, fx("0.42"));
		assert_eq!(out.one_out_inferer, vec![None]);
		let empty = SynthesisInput { inferences: &[], ..input };
		assert_eq!(network_inferences(&empty, &params()), Err(MathError::EmptyInput));
	}

	#[test]
	fn no_previous_loss_gives_median_and_zero_naive() {
		let store = RegretStore::new(Fixed::ONE, 4, 1);
		let inf = [fx("1"), fx("4"), fx("2"), fx("10")];
		let forecasts = vec![vec![Some(fx("-1")); 4]];
		let input = SynthesisInput {
			inferences: &inf,
			forecasts: &forecasts,
			previous_network_loss: None,
			regrets: &store,
		};
		let out = network_inferences(&input, &params()).unwrap();
		assert_eq!(out.combined, fx("3"));
		assert_eq!(out.naive, Fixed::ZERO);
		assert_eq!(out.forecast_implied, vec![None]);
		assert_eq!(confidence_interval(&inf, &out), None);
	}

	#[test]
	fn all_inferers_new_mode_uses_means_and_medians() {
		let store = RegretStore::new(Fixed::ZERO, 3, 2);
		let inf = [fx("1"), fx("2"), fx("6")];
		let forecasts = vec![
			vec![Some(fx("-1")), Some(fx("-2")), None],
			vec![None, Some(fx("-1")), Some(fx("-3"))],
		];
		let input = SynthesisInput {
			inferences: &inf,
			forecasts: &forecasts,
			previous_network_loss: Some(fx("-2")),
			regrets: &store,
		};
		let out = network_inferences(&input, &params()).unwrap();
		assert_eq!(out.forecast_implied, vec![Some(fx("1.5")), Some(fx("4"))]);
		assert_eq!(out.combined, fx("3"));
		assert_eq!(out.naive, fx("3"));
		assert_eq!(out.one_out_inferer, vec![Some(fx("4")), Some(fx("3.5")), Some(fx("1.5"))]);
		assert_eq!(out.one_out_forecaster, vec![Some(fx("3")), Some(fx("3"))]);
		assert_eq!(out.one_in_forecaster, vec![Some(fx("3")), Some(fx("3"))]);
	}

	#[test]
	fn single_element_forecast_keeps_its_inferer_value_when_withheld() {
		let store = RegretStore::new(Fixed::ONE, 2, 1);
		let inf = [fx("1"), fx("2")];
		let forecasts = vec![vec![None, Some(fx("-3"))]];
		let input = SynthesisInput {
			inferences: &inf,
			forecasts: &forecasts,
			previous_network_loss: Some(fx("-2")),
			regrets: &store,
		};
		let out = network_inferences(&input, &params()).unwrap();
		assert_eq!(out.forecast_implied, vec![Some(fx("2"))]);
		assert_eq!(out.forecast_implied_one_out[0], vec![Some(fx("2")), Some(fx("2"))]);
		// a single participating forecaster: no one-out-forecaster / one-in values
		assert_eq!(out.one_out_forecaster, vec![None]);
		assert_eq!(out.one_in_forecaster, vec![None]);
	}

	#[test]
	fn weighted_percentiles_hand_example() {
		// equal weights on 1..4: nodes 0.125, 0.375, 0.625, 0.875
		let v = [fx("4"), fx("1"), fx("3"), fx("2")];
		let w = [Fixed::ONE; 4];
		let p = weighted_percentiles(&v, &w, &[fx("50"), fx("10"), fx("90"), fx("25")]).unwrap();
		assert_eq!(p, vec![fx("2.5"), fx("1"), fx("4"), fx("1.5")]);
		assert_eq!(weighted_percentiles(&v, &[Fixed::ZERO; 4], &[fx("50")]), None);
	}

	#[test]
	fn initial_regret_and_experience() {
		let p = params();
		// one value: σ = 0 ⇒ R0 = R + (0.75 − 2.75)·0.01
		assert_eq!(topic_initial_regret(&[fx("-1")], &p), Some(fx("-1.02")));
		assert_eq!(topic_initial_regret(&[], &p), None);
		assert!(is_experienced(true, 10, fx("0.1")));
		assert!(!is_experienced(true, 9, fx("0.1")));
		assert!(!is_experienced(false, 100, fx("0.1")));
	}

	/// Feeds each CSV row's inputs with the previous row's stored state and compares every
	/// synthesis column (spec §8.1).
	#[test]
	fn simulator_vectors_synthesis() {
		let csv = synthesis_csv();
		let p = params();
		for row in 1..csv.rows.len() {
			let regrets = csv.regrets(row - 1);
			let inferences = csv.series(row, "inference_", NI);
			let forecasts: Vec<Vec<Option<Fixed>>> = (0..NF)
				.map(|k| {
					(0..NI)
						.map(|j| Some(csv.fx(row, &format!("forecasted_loss_{k}_for_{j}"))))
						.collect()
				})
				.collect();
			let input = SynthesisInput {
				inferences: &inferences,
				forecasts: &forecasts,
				previous_network_loss: Some(csv.fx(row - 1, "network_loss")),
				regrets: &regrets,
			};
			let out = network_inferences(&input, &p).unwrap();
			let tol = 1e-6;
			for k in 0..NF {
				assert_close(
					out.forecast_implied[k].unwrap(),
					csv.fx(row, &format!("forecast_implied_inference_{k}")),
					tol,
					&format!("forecast_implied_inference_{k}@{row}"),
				);
				for j in 0..NI {
					assert_close(
						out.forecasted_regrets[k][j].unwrap(),
						csv.fx(row, &format!("forecasted_regret_{k}_inferer_{j}")),
						tol,
						"forecasted regret",
					);
					assert_close(
						out.forecast_implied_one_out[k][j].unwrap(),
						csv.fx(row, &format!("forecast_implied_inference_{k}_oneout_{j}")),
						tol,
						&format!("forecast_implied_inference_{k}_oneout_{j}@{row}"),
					);
				}
				assert_close(
					out.one_out_forecaster[k].unwrap(),
					csv.fx(row, &format!("network_inference_oneout_{}", 5 + k)),
					tol,
					"one-out forecaster",
				);
				assert_close(
					out.one_in_forecaster[k].unwrap(),
					csv.fx(row, &format!("network_naive_inference_onein_{k}")),
					tol,
					"one-in",
				);
			}
			assert_close(out.combined, csv.fx(row, "network_inference"), tol, "combined");
			assert_close(out.naive, csv.fx(row, "network_naive_inference"), tol, "naive");
			for j in 0..NI {
				assert_close(
					out.one_out_inferer[j].unwrap(),
					csv.fx(row, &format!("network_inference_oneout_{j}")),
					tol,
					&format!("network_inference_oneout_{j}@{row}"),
				);
			}
			let ci = confidence_interval(&inferences, &out).unwrap();
			for (i, v) in ci.iter().enumerate() {
				assert_close(
					*v,
					csv.fx(row, &format!("network_inference_errorbar_{i}")),
					tol,
					"errorbar",
				);
			}
		}
	}

	/// Regret EMA updates from the CSV's own network losses (spec §3.8, §8.1).
	#[test]
	fn simulator_vectors_regret_updates() {
		let csv = synthesis_csv();
		for row in 1..csv.rows.len() {
			let previous = csv.regrets(row - 1);
			let next = update_regrets(&previous, &csv.network_bundle(row), fx("0.1"));
			let want = csv.regrets(row);
			let pairs: Vec<(&Vec<Option<Fixed>>, &Vec<Option<Fixed>>)> = vec![
				(&next.inferer, &want.inferer),
				(&next.forecaster, &want.forecaster),
				(&next.naive_inferer, &want.naive_inferer),
				(&next.one_in_forecaster_self, &want.one_in_forecaster_self),
			];
			let mut nested: Vec<(&Vec<Option<Fixed>>, &Vec<Option<Fixed>>)> = Vec::new();
			for (a, b) in [
				(&next.one_out_inferer_inferer, &want.one_out_inferer_inferer),
				(&next.one_out_inferer_forecaster, &want.one_out_inferer_forecaster),
				(&next.one_out_forecaster_inferer, &want.one_out_forecaster_inferer),
				(&next.one_out_forecaster_forecaster, &want.one_out_forecaster_forecaster),
				(&next.one_in_forecaster_inferer, &want.one_in_forecaster_inferer),
			] {
				for (ra, rb) in a.iter().zip(b.iter()) {
					nested.push((ra, rb));
				}
			}
			let mut compared = 0;
			for (got, exp) in pairs.into_iter().chain(nested) {
				assert_eq!(got.len(), exp.len());
				for (g, e) in got.iter().zip(exp.iter()) {
					assert_close(g.unwrap(), e.unwrap(), 1e-9, "regret");
					compared += 1;
				}
			}
			assert_eq!(compared, 5 + 3 + 5 + 3 + 25 + 15 + 15 + 9 + 15);
		}
	}
}
