//! The scoring half of an epoch, end to end in the chain's order: what a reputer nonce's close
//! computes from the reputers' loss bundles (spec §4 consensus, §3.8 regrets, §5 scores,
//! fractions, entropies, task split and per-actor rewards). The other half, run when the
//! worker window closes, is [`crate::network_inferences`].
//!
//! Actors are positions: inferer j and forecaster k as in the loss bundles, reputer m as in
//! `bundles`/`stakes`. An actor without a score this epoch (no loss reported for it) gets no
//! fraction and no reward (`None`).

use crate::{
	consensus::{listening_coefficients, network_losses, LossMatrix, ReputerConsensus},
	rewards::{self, ForecasterUtility, TaskFractions, TaskRewards},
	scores,
	synthesis::{update_regrets, RegretStore},
	Fixed, MathError, Params, ValueBundle,
};
use alloc::{vec, vec::Vec};

/// Everything the scoring of one epoch reads.
#[derive(Clone, Copy, Debug)]
pub struct ScoringInput<'a> {
	/// Number of inferers (positions of the bundles' inferer values).
	pub inferers: usize,
	/// Number of forecasters.
	pub forecasters: usize,
	/// One loss bundle per reputer.
	pub bundles: &'a [ValueBundle],
	/// Authority stake of each reputer, base units.
	pub stakes: &'a [u128],
	/// Stored listening coefficient of each reputer (1 for a newcomer).
	pub coefficients: &'a [Fixed],
	/// The topic's regrets before this epoch.
	pub regrets: &'a RegretStore,
	/// Stored smoothed fractions f_prev of each role, by position (`None`: no prior).
	pub smooth_inferer: &'a [Option<Fixed>],
	pub smooth_forecaster: &'a [Option<Fixed>],
	pub smooth_reputer: &'a [Option<Fixed>],
	/// Stored forecaster score ratio (spec §5.5).
	pub previous_ratio: Fixed,
	/// Stored instant-score blocks of earlier epochs, newest first (spec §5.3 σ samples).
	pub inferer_history: &'a [Vec<Fixed>],
	pub forecaster_history: &'a [Vec<Fixed>],
	/// What the topic pays for this epoch, base units.
	pub topic_reward: u128,
}

/// Everything the scoring of one epoch produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scoring {
	/// Stake-weighted network losses (spec §4.4).
	pub losses: ValueBundle,
	/// The regrets to store (spec §3.8).
	pub regrets: RegretStore,
	/// Instant scores by position (spec §5.1).
	pub inferer_scores: Vec<Option<Fixed>>,
	pub forecaster_scores: Vec<Option<Fixed>>,
	/// Reputer scores and the listening coefficients to store (spec §4.3).
	pub consensus: ReputerConsensus,
	/// Instant reward fractions by position (spec §5.3).
	pub inferer_fractions: Vec<Option<Fixed>>,
	pub forecaster_fractions: Vec<Option<Fixed>>,
	pub reputer_fractions: Vec<Option<Fixed>>,
	/// Smoothed, normalised fractions to store as the next f_prev (spec §5.4).
	pub smooth_inferer: Vec<Option<Fixed>>,
	pub smooth_forecaster: Vec<Option<Fixed>>,
	pub smooth_reputer: Vec<Option<Fixed>>,
	/// Modified entropies F, G, H (spec §5.4).
	pub entropies: [Fixed; 3],
	/// Forecasting task score (spec §5.5).
	pub task_score: Fixed,
	/// χ and the forecaster score ratio to store (spec §5.5).
	pub utility: ForecasterUtility,
	/// U, V, W shares and their amounts (spec §5.5).
	pub task_fractions: TaskFractions,
	pub task_rewards: TaskRewards,
	/// Per-actor rewards by position (spec §5.6), each role summing to its task amount.
	pub inferer_rewards: Vec<Option<u128>>,
	pub forecaster_rewards: Vec<Option<u128>>,
	pub reputer_rewards: Vec<Option<u128>>,
}

/// Scores one epoch and splits its reward (spec §4, §3.8, §5), in the chain's order.
pub fn score_epoch(input: &ScoringInput<'_>, params: &Params) -> Result<Scoring, MathError> {
	let (n, m) = (input.inferers, input.forecasters);
	let losses = network_losses(input.bundles, input.stakes)?;
	let regrets = update_regrets(input.regrets, &losses, params.synthesis.alpha_regret);
	let inferer_scores = resized(scores::inferer_scores(&losses), n);
	let forecaster_scores = resized(scores::forecaster_scores(&losses), m);

	let matrix = LossMatrix::from_bundles(input.bundles, n, m);
	let consensus =
		listening_coefficients(&matrix, input.stakes, input.coefficients, &params.consensus)?;
	let rw = &params.rewards;
	let reputer_fractions: Vec<Option<Fixed>> =
		scores::reputer_reward_fractions(input.stakes, &consensus.scores, rw.p_reward_reputer)?
			.into_iter()
			.map(Some)
			.collect();
	let cap = rw.max_samples_to_scale_scores;
	let inferer_fractions = worker_fractions(
		&inferer_scores,
		input.inferer_history,
		cap,
		[rw.p_reward_inference, rw.c_reward_inference, rw.epsilon_topic],
	);
	let forecaster_fractions = worker_fractions(
		&forecaster_scores,
		input.forecaster_history,
		cap,
		[rw.p_reward_forecast, rw.c_reward_forecast, rw.epsilon_topic],
	);

	let alpha = rw.task_reward_alpha;
	let (ema_inferer, smooth_inferer) = smooth(&inferer_fractions, input.smooth_inferer, alpha);
	let (ema_forecaster, smooth_forecaster) =
		smooth(&forecaster_fractions, input.smooth_forecaster, alpha);
	let (ema_reputer, smooth_reputer) = smooth(&reputer_fractions, input.smooth_reputer, alpha);
	let entropies = [
		rewards::modified_entropy(&ema_inferer, rw.beta_entropy),
		rewards::forecaster_entropy(&ema_forecaster, n, rw.beta_entropy),
		rewards::modified_entropy(&ema_reputer, rw.beta_entropy),
	];
	let task_score = rewards::forecasting_task_score(losses.naive, losses.combined);
	let scored: Vec<Fixed> = inferer_scores.iter().flatten().copied().collect();
	let utility = rewards::forecaster_utility(task_score, &scored, input.previous_ratio, alpha);
	let [f, g, h] = entropies;
	let task_fractions = rewards::task_reward_fractions(f, g, h, utility.chi)?;
	let task_rewards = rewards::task_rewards(input.topic_reward, &task_fractions)?;
	let inferer_rewards = split_role(task_rewards.inferers, &inferer_fractions)?;
	let forecaster_rewards = split_role(task_rewards.forecasters, &forecaster_fractions)?;
	let reputer_rewards = split_role(task_rewards.reputers, &reputer_fractions)?;

	Ok(Scoring {
		losses,
		regrets,
		inferer_scores,
		forecaster_scores,
		consensus,
		inferer_fractions,
		forecaster_fractions,
		reputer_fractions,
		smooth_inferer,
		smooth_forecaster,
		smooth_reputer,
		entropies,
		task_score,
		utility,
		task_fractions,
		task_rewards,
		inferer_rewards,
		forecaster_rewards,
		reputer_rewards,
	})
}

/// The σ samples of a role (spec §5.3): this epoch's scores (the newest `cap`), then the
/// stored blocks newest first, `cap` in all.
pub fn samples_with_history(current: &[Fixed], history: &[Vec<Fixed>], cap: u32) -> Vec<Fixed> {
	let keep = usize::try_from(cap).unwrap_or(usize::MAX);
	let newest = current.iter().skip(current.len().saturating_sub(keep)).copied().collect();
	let mut blocks: Vec<Vec<Fixed>> = vec![newest];
	blocks.extend(history.iter().cloned());
	scores::score_samples(&blocks, cap)
}

/// `values` padded with `None` (or cut) to `len` positions.
fn resized(mut values: Vec<Option<Fixed>>, len: usize) -> Vec<Option<Fixed>> {
	values.resize(len, None);
	values
}

/// Positions of the present entries.
fn present<V>(values: &[Option<V>]) -> Vec<usize> {
	values.iter().enumerate().filter(|(_, x)| x.is_some()).map(|(i, _)| i).collect()
}

/// Scatters `dense` (one value per present position) back onto `len` positions.
fn scatter<V: Copy>(positions: &[usize], dense: &[V], len: usize) -> Vec<Option<V>> {
	let mut out = vec![None; len];
	for (i, v) in positions.iter().zip(dense.iter()) {
		if let Some(slot) = out.get_mut(*i) {
			*slot = Some(*v);
		}
	}
	out
}

/// Instant fractions of the actors that have a score; `[p, c, ε]` of the role's mapping.
fn worker_fractions(
	scores_by_actor: &[Option<Fixed>],
	history: &[Vec<Fixed>],
	cap: u32,
	[p, c, epsilon]: [Fixed; 3],
) -> Vec<Option<Fixed>> {
	let positions = present(scores_by_actor);
	let values: Vec<Fixed> = scores_by_actor.iter().flatten().copied().collect();
	let samples = samples_with_history(&values, history, cap);
	let fractions = scores::worker_reward_fractions(&values, &samples, p, c, epsilon);
	scatter(&positions, &fractions, scores_by_actor.len())
}

/// Smoothed fractions of the actors that have an instant fraction: (EMA, normalised).
fn smooth(
	instant: &[Option<Fixed>],
	previous: &[Option<Fixed>],
	alpha: Fixed,
) -> (Vec<Fixed>, Vec<Option<Fixed>>) {
	let positions = present(instant);
	let values: Vec<Fixed> = instant.iter().flatten().copied().collect();
	let prev: Vec<Option<Fixed>> =
		positions.iter().map(|i| previous.get(*i).copied().flatten()).collect();
	let s = rewards::smooth_fractions(&values, &prev, alpha);
	let normalised = scatter(&positions, &s.normalised, instant.len());
	(s.ema, normalised)
}

/// A task total split by the present fractions; the parts sum to `total` exactly.
fn split_role(total: u128, fractions: &[Option<Fixed>]) -> Result<Vec<Option<u128>>, MathError> {
	let positions = present(fractions);
	let values: Vec<Fixed> = fractions.iter().flatten().copied().collect();
	let parts = rewards::actor_rewards(total, &values)?;
	Ok(scatter(&positions, &parts, fractions.len()))
}
