//! Property tests (proptest, 64 cases each): normalised weights and fractions sum to 1, every
//! reward split of a topic epoch sums exactly to its total, relabelling participants
//! relabels the outputs, a worker with lower losses never ranks below an otherwise identical
//! one, and extreme inputs never panic.
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

use allora_synthesis::consensus::{listening_coefficients, network_losses, LossMatrix};
use allora_synthesis::rewards;
use allora_synthesis::scores;
use allora_synthesis::synthesis::{
	network_inferences, regret_weights, update_regrets, NetworkInferences, RegretStore,
	SynthesisInput,
};
use allora_synthesis::{Fixed, Params, RewardParams, SynthesisParams};
use common::{fx, random_epoch, reward_split_error, run_epoch, Epoch, Knobs, Rng};
use proptest::collection::vec;
use proptest::prelude::*;

fn sum(v: &[Fixed]) -> Fixed {
	v.iter().fold(Fixed::ZERO, |a, b| a.saturating_add(*b))
}

/// |Σ − 1| within `ulps` units of 1e-18.
fn sums_to_one(v: &[Fixed], ulps: usize) -> bool {
	let slack = Fixed::from_bits(i128::try_from(ulps).unwrap_or(i128::MAX));
	sum(v).saturating_sub(Fixed::ONE).abs() <= slack
}

/// Equal up to accumulated rounding (values here are O(1)).
fn near(a: Fixed, b: Fixed) -> bool {
	a.saturating_sub(b).abs() <= Fixed::from_bits(1_000)
}

fn near_opt(a: Option<Fixed>, b: Option<Fixed>) -> bool {
	match (a, b) {
		(None, None) => true,
		(Some(x), Some(y)) => near(x, y),
		_ => false,
	}
}

/// A random permutation of 0..n (Fisher-Yates).
fn permutation(rng: &mut Rng, n: usize) -> Vec<usize> {
	let mut p: Vec<usize> = (0..n).collect();
	for i in (1..n).rev() {
		let j = rng.below((i + 1) as u64) as usize;
		p.swap(i, j);
	}
	p
}

fn knobs(n: usize, missing: f64) -> Knobs {
	Knobs { all_new: false, max_elements: n, missing }
}

fn synthesize(
	inferences: &[Fixed],
	forecasts: &[Vec<Option<Fixed>>],
	e: &Epoch,
	regrets: &RegretStore,
) -> NetworkInferences {
	let input = SynthesisInput {
		inferences,
		forecasts,
		previous_network_loss: Some(e.previous_loss),
		regrets,
	};
	network_inferences(&input, &SynthesisParams::default()).unwrap()
}

/// The regrets of `e` with inferer a' = pi[a] renamed a and forecaster k' = tau[k] renamed k.
fn permuted_regrets(reg: &RegretStore, pi: &[usize], tau: &[usize]) -> RegretStore {
	let (n, m) = (pi.len(), tau.len());
	let mut out = RegretStore::new(reg.initial_regret, n, m);
	for a in 0..n {
		out.inferer[a] = reg.inferer[pi[a]];
		out.naive_inferer[a] = reg.naive_inferer[pi[a]];
		for b in 0..n {
			out.one_out_inferer_inferer[a][b] = reg.one_out_inferer_inferer[pi[a]][pi[b]];
		}
		for k in 0..m {
			out.one_out_inferer_forecaster[a][k] = reg.one_out_inferer_forecaster[pi[a]][tau[k]];
		}
	}
	for k in 0..m {
		out.forecaster[k] = reg.forecaster[tau[k]];
		out.one_in_forecaster_self[k] = reg.one_in_forecaster_self[tau[k]];
		for a in 0..n {
			out.one_out_forecaster_inferer[k][a] = reg.one_out_forecaster_inferer[tau[k]][pi[a]];
			out.one_in_forecaster_inferer[k][a] = reg.one_in_forecaster_inferer[tau[k]][pi[a]];
		}
		for l in 0..m {
			out.one_out_forecaster_forecaster[k][l] =
				reg.one_out_forecaster_forecaster[tau[k]][tau[l]];
		}
	}
	out
}

/// Values for the no-panic property: the ends of the range, the smallest step, ±1e18,
/// 1e-18, zero, and ordinary values.
fn extreme_value() -> impl Strategy<Value = Fixed> {
	prop_oneof![
		Just(Fixed::MAX),
		Just(Fixed::MIN),
		Just(Fixed::ZERO),
		Just(Fixed::EPSILON),
		Just(Fixed::EPSILON.saturating_neg()),
		Just(fx(1e18)),
		Just(fx(-1e18)),
		Just(fx(1e-18)),
		(-10.0f64..10.0).prop_map(fx),
	]
}

/// Cycles through the generated extreme values (or repeats the first one).
struct Source {
	values: Vec<Fixed>,
	next: usize,
	all_equal: bool,
}

impl Source {
	fn take(&mut self) -> Fixed {
		if self.all_equal {
			return self.values[0];
		}
		let v = self.values[self.next % self.values.len()];
		self.next += 1;
		v
	}

	fn replace(&mut self, v: &mut [Option<Fixed>]) {
		for x in v.iter_mut() {
			if x.is_some() {
				*x = Some(self.take());
			}
		}
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	/// §3.2: the regret weights of any set are non-negative, at most p, not all zero, and
	/// once normalised sum to 1 (within one rounding step per weight).
	#[test]
	fn regret_weights_normalise_to_one(values in vec(-20.0f64..20.0, 1..16)) {
		let regrets: Vec<Fixed> = values.iter().map(|v| fx(*v)).collect();
		let params = SynthesisParams::default();
		let w = regret_weights(&regrets, &params).unwrap();
		prop_assert_eq!(w.len(), regrets.len());
		for x in &w {
			prop_assert!(!x.is_negative() && *x <= params.p_norm, "weight {}", x);
		}
		let total = sum(&w);
		prop_assert!(total.is_positive());
		let normalised: Vec<Fixed> = w.iter().map(|x| x.saturating_div(total)).collect();
		prop_assert!(sums_to_one(&normalised, w.len()), "Σ = {}", sum(&normalised));
	}

	/// §5.3: worker reward fractions are non-negative and sum to 1.
	#[test]
	fn worker_fractions_sum_to_one(
		scores_f in vec(-2.0f64..2.0, 1..12),
		samples_f in vec(-2.0f64..2.0, 0..20),
	) {
		let rp = RewardParams::default();
		let s: Vec<Fixed> = scores_f.iter().map(|v| fx(*v)).collect();
		let samples: Vec<Fixed> = samples_f.iter().map(|v| fx(*v)).collect();
		let u = scores::worker_reward_fractions(&s, &samples, rp.p_reward_inference, rp.c_reward_inference, rp.epsilon_topic);
		prop_assert_eq!(u.len(), s.len());
		prop_assert!(u.iter().all(|x| !x.is_negative()));
		prop_assert!(sums_to_one(&u, 2 * u.len()), "Σ = {}", sum(&u));
	}

	/// §5.3: reputer reward fractions sum to 1 whenever some stake·score is positive.
	#[test]
	fn reputer_fractions_sum_to_one(
		pairs in vec((1u128..1_000_000_000_000_000_000_000_000u128, 0.01f64..100.0), 1..10),
		cubic in any::<bool>(),
	) {
		let stakes: Vec<u128> = pairs.iter().map(|p| p.0).collect();
		let scores_v: Vec<Fixed> = pairs.iter().map(|p| fx(p.1)).collect();
		let p = if cubic { Fixed::from_int(3) } else { Fixed::ONE };
		let w = scores::reputer_reward_fractions(&stakes, &scores_v, p).unwrap();
		prop_assert_eq!(w.len(), stakes.len());
		prop_assert!(w.iter().all(|x| !x.is_negative()));
		prop_assert!(sums_to_one(&w, 2 * w.len()), "Σ = {}", sum(&w));
	}

	/// §5.4: the normalised smoothed fractions sum to 1.
	#[test]
	fn smoothed_fractions_sum_to_one(
		pairs in vec((0.001f64..1.0, proptest::option::of(0.0f64..1.0)), 1..10),
	) {
		let instant: Vec<Fixed> = pairs.iter().map(|p| fx(p.0)).collect();
		let previous: Vec<Option<Fixed>> = pairs.iter().map(|p| p.1.map(fx)).collect();
		let s = rewards::smooth_fractions(&instant, &previous, RewardParams::default().task_reward_alpha);
		prop_assert!(sums_to_one(&s.normalised, 2 * instant.len()), "Σ = {}", sum(&s.normalised));
	}

	/// §5.5 - §5.6: the task totals sum exactly to the topic reward, each role's per-actor
	/// rewards to its task total, and the delegator split to the reputer's reward.
	#[test]
	fn reward_splits_sum_exactly(
		total in any::<u128>(),
		f in 0.0f64..3.0,
		g in 0.0f64..3.0,
		h in 0.01f64..3.0,
		chi in 0.1f64..0.5,
		weights in vec(0.0f64..1.0, 1..12),
		authority in any::<u128>(),
		delegated in any::<u128>(),
	) {
		let fractions = rewards::task_reward_fractions(fx(f), fx(g), fx(h), fx(chi)).unwrap();
		let split = rewards::task_rewards(total, &fractions).unwrap();
		let tasks = split.inferers.checked_add(split.forecasters).and_then(|x| x.checked_add(split.reputers));
		prop_assert_eq!(tasks, Some(total));
		let w: Vec<Fixed> = weights.iter().map(|x| fx(*x)).collect();
		for part in [split.inferers, split.forecasters, split.reputers] {
			match rewards::actor_rewards(part, &w) {
				Ok(parts) => {
					let s = parts.iter().try_fold(0u128, |a, b| a.checked_add(*b));
					prop_assert_eq!(s, Some(part));
				},
				Err(_) => {
					// only an amount over all-zero weights cannot be split
					prop_assert!(part > 0 && w.iter().all(|x| x.is_zero()));
				},
			}
		}
		let d = rewards::delegator_split(split.reputers, authority, delegated);
		prop_assert_eq!(d.reputer.checked_add(d.delegators), Some(split.reputers));
	}

	/// A whole random epoch pays out its topic reward exactly.
	#[test]
	fn a_topic_epoch_pays_out_exactly_its_reward(seed in any::<u64>(), n in 1usize..7, m in 0usize..4, r in 1usize..5) {
		let e = random_epoch(seed, n, m, r, &knobs(n, if r > 1 { 0.1 } else { 0.0 }));
		let out = run_epoch(&e, &Params::default()).unwrap();
		prop_assert_eq!(reward_split_error(&e, &out), None);
	}

	/// Renaming inferers and forecasters renames every network inference the same way.
	#[test]
	fn relabelling_workers_relabels_the_synthesis(seed in any::<u64>(), n in 2usize..7, m in 0usize..4) {
		let e = random_epoch(seed, n, m, 2, &knobs(n, 0.1));
		let mut rng = Rng::new(seed ^ 0x5EED_5EED);
		let pi = permutation(&mut rng, n);
		let tau = permutation(&mut rng, m);
		let inferences: Vec<Fixed> = (0..n).map(|a| e.inferences[pi[a]]).collect();
		let forecasts: Vec<Vec<Option<Fixed>>> = (0..m)
			.map(|k| (0..n).map(|a| e.forecasts[tau[k]][pi[a]]).collect())
			.collect();
		let regrets = permuted_regrets(&e.regrets, &pi, &tau);
		let base = synthesize(&e.inferences, &e.forecasts, &e, &e.regrets);
		let renamed = synthesize(&inferences, &forecasts, &e, &regrets);
		prop_assert!(near(base.combined, renamed.combined), "{} vs {}", base.combined, renamed.combined);
		prop_assert!(near(base.naive, renamed.naive));
		for a in 0..n {
			prop_assert!(near_opt(renamed.one_out_inferer[a], base.one_out_inferer[pi[a]]), "one-out inferer {}", a);
		}
		for k in 0..m {
			prop_assert!(near_opt(renamed.forecast_implied[k], base.forecast_implied[tau[k]]));
			prop_assert!(near_opt(renamed.one_out_forecaster[k], base.one_out_forecaster[tau[k]]));
			prop_assert!(near_opt(renamed.one_in_forecaster[k], base.one_in_forecaster[tau[k]]));
			for a in 0..n {
				prop_assert!(near_opt(
					renamed.forecast_implied_one_out[k][a],
					base.forecast_implied_one_out[tau[k]][pi[a]]
				));
			}
		}
	}

	/// Renaming reputers renames their scores, coefficients and adjusted stakes, and leaves
	/// the network losses unchanged.
	#[test]
	fn relabelling_reputers_relabels_the_consensus(seed in any::<u64>(), n in 1usize..5, m in 0usize..3, r in 1usize..6) {
		let e = random_epoch(seed, n, m, r, &knobs(n, if r > 1 { 0.1 } else { 0.0 }));
		let mut rng = Rng::new(seed ^ 0xA11C_E5ED);
		let pi = permutation(&mut rng, r);
		let bundles: Vec<_> = pi.iter().map(|i| e.bundles[*i].clone()).collect();
		let stakes: Vec<u128> = pi.iter().map(|i| e.stakes[*i]).collect();
		let coefficients: Vec<Fixed> = pi.iter().map(|i| e.coefficients[*i]).collect();
		let cp = Params::default().consensus;
		let base = listening_coefficients(&LossMatrix::from_bundles(&e.bundles, n, m), &e.stakes, &e.coefficients, &cp).unwrap();
		let renamed = listening_coefficients(&LossMatrix::from_bundles(&bundles, n, m), &stakes, &coefficients, &cp).unwrap();
		for x in 0..r {
			prop_assert!(near(renamed.scores[x], base.scores[pi[x]]), "score {}", x);
			prop_assert!(near(renamed.listening_coefficients[x], base.listening_coefficients[pi[x]]));
			prop_assert!(near(renamed.adjusted_stakes[x], base.adjusted_stakes[pi[x]]));
		}
		let la = network_losses(&e.bundles, &e.stakes).unwrap();
		let lb = network_losses(&bundles, &stakes).unwrap();
		prop_assert!(near(la.combined, lb.combined));
		prop_assert!(near(la.naive, lb.naive));
		for j in 0..n {
			prop_assert!(near_opt(common::get(&la.inferer, j), common::get(&lb.inferer, j)));
		}
	}

	/// Two inferers with identical stored regrets, where a's loss is strictly lower than b's:
	/// a ends with strictly higher regrets in every family it is the actor of, so a never
	/// weighs less next epoch; an inferer whose removal costs the network more scores
	/// higher, and a higher score never gets a smaller reward fraction.
	#[test]
	fn a_worker_with_lower_losses_never_ranks_below(seed in any::<u64>(), n in 2usize..7, m in 0usize..3, gap in 0.001f64..1.0) {
		let e = random_epoch(seed, n, m, 2, &knobs(n, 0.0));
		let mut rng = Rng::new(seed.wrapping_add(17));
		let a = rng.below(n as u64) as usize;
		let b = (a + 1 + rng.below((n - 1) as u64) as usize) % n;
		let mut regrets = e.regrets.clone();
		regrets.inferer[b] = regrets.inferer[a];
		regrets.naive_inferer[b] = regrets.naive_inferer[a];
		for w in 0..n {
			regrets.one_out_inferer_inferer[w][b] = regrets.one_out_inferer_inferer[w][a];
		}
		for k in 0..m {
			regrets.one_out_forecaster_inferer[k][b] = regrets.one_out_forecaster_inferer[k][a];
			regrets.one_in_forecaster_inferer[k][b] = regrets.one_in_forecaster_inferer[k][a];
		}
		let mut losses = network_losses(&e.bundles, &e.stakes).unwrap();
		let loss_b = losses.inferer[b].unwrap();
		losses.inferer[a] = Some(loss_b.saturating_sub(fx(gap)));
		let params = SynthesisParams::default();
		let next = update_regrets(&regrets, &losses, params.alpha_regret);
		prop_assert!(next.inferer[a].unwrap() > next.inferer[b].unwrap());
		prop_assert!(next.naive_inferer[a].unwrap() > next.naive_inferer[b].unwrap());
		for w in 0..n {
			prop_assert!(next.one_out_inferer_inferer[w][a].unwrap() > next.one_out_inferer_inferer[w][b].unwrap());
		}
		for k in 0..m {
			prop_assert!(next.one_out_forecaster_inferer[k][a].unwrap() > next.one_out_forecaster_inferer[k][b].unwrap());
			prop_assert!(next.one_in_forecaster_inferer[k][a].unwrap() > next.one_in_forecaster_inferer[k][b].unwrap());
		}
		let set: Vec<Fixed> = (0..n).map(|j| next.inferer_regret(j)).collect();
		let w = regret_weights(&set, &params).unwrap();
		prop_assert!(w[a] >= w[b], "weights {} < {}", w[a], w[b]);

		let mut scored_losses = losses.clone();
		let out_b = scored_losses.one_out_inferer[b].unwrap();
		scored_losses.one_out_inferer[a] = Some(out_b.saturating_add(fx(gap)));
		let s: Vec<Fixed> = scores::inferer_scores(&scored_losses).iter().map(|x| x.unwrap()).collect();
		prop_assert!(s[a] > s[b]);
		let rp = RewardParams::default();
		let u = scores::worker_reward_fractions(&s, &s, rp.p_reward_inference, rp.c_reward_inference, rp.epsilon_topic);
		prop_assert!(u[a] >= u[b], "fractions {} < {}", u[a], u[b]);
	}

	/// Values at ±1e18, 1e-18, the ends of the range, all equal, one participant, zero and
	/// huge stakes, missing reported losses: nothing panics, and a successful epoch still
	/// pays out exactly its reward.
	#[test]
	fn extreme_inputs_never_panic(
		seed in any::<u64>(),
		n in 1usize..5,
		m in 0usize..3,
		r in 1usize..4,
		values in vec(extreme_value(), 64),
		stakes in vec(prop_oneof![Just(0u128), Just(1u128), Just(u128::MAX), any::<u128>()], 1..6),
		all_equal in any::<bool>(),
		missing in any::<bool>(),
		reward in prop_oneof![Just(0u128), Just(u128::MAX), any::<u128>()],
	) {
		let k = Knobs { all_new: (seed & 7) == 0, max_elements: n, missing: if missing { 0.5 } else { 0.0 } };
		let mut e = random_epoch(seed, n, m, r, &k);
		let mut src = Source { values, next: 0, all_equal };
		for x in e.inferences.iter_mut() {
			*x = src.take();
		}
		for f in e.forecasts.iter_mut() {
			src.replace(f);
		}
		e.previous_loss = src.take();
		src.replace(&mut e.regrets.inferer);
		src.replace(&mut e.regrets.forecaster);
		src.replace(&mut e.regrets.naive_inferer);
		for row in e.regrets.one_out_inferer_inferer.iter_mut() {
			src.replace(row);
		}
		for b in e.bundles.iter_mut() {
			b.combined = src.take();
			b.naive = src.take();
			src.replace(&mut b.inferer);
			src.replace(&mut b.forecaster);
			src.replace(&mut b.one_out_inferer);
			src.replace(&mut b.one_out_forecaster);
			src.replace(&mut b.one_in_forecaster);
			for g in b.one_out_inferer_forecaster.iter_mut() {
				src.replace(g);
			}
		}
		for (i, s) in e.stakes.iter_mut().enumerate() {
			*s = stakes[i % stakes.len()];
		}
		for c in e.coefficients.iter_mut() {
			*c = src.take();
		}
		e.previous_ratio = src.take();
		e.topic_reward = reward;
		if let Ok(out) = run_epoch(&e, &Params::default()) {
			prop_assert_eq!(reward_split_error(&e, &out), None);
		}
	}
}
