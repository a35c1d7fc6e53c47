//! Every parameter the maths reads, grouped by the module that reads it.
//!
//! `Default` is the set that generated the simulator vectors (spec §8.1: p_norm 3,
//! c_norm 0.75, ε 0.01, α_regret 0.1, worker p 3, **reputer p 1**, …) and, where §8 gives
//! nothing, the chain defaults of spec §1.1. Topic-level values (p_norm, α_regret, ε,
//! merit-sortition α and quantiles) are included so a caller can override them per topic.

use crate::fixed::Fixed;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Shorthand for a decimal constant given as `value × 10^18`.
const fn f(bits: i128) -> Fixed {
	Fixed::from_bits(bits)
}

/// Inference synthesis and regrets (spec §3).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct SynthesisParams {
	/// p of the regret → weight function φ'_p (topic `p_norm`, 2.5..4.5).
	pub p_norm: Fixed,
	/// c of φ'_p (module `c_norm`).
	pub c_norm: Fixed,
	/// ε_t: added to σ when normalising regrets (topic `epsilon`).
	pub epsilon_topic: Fixed,
	/// ε_d: floor of the sum of weights (`epsilon_safe_div`).
	pub epsilon_safe_div: Fixed,
	/// α of every regret EMA (topic `alpha_regret`).
	pub alpha_regret: Fixed,
	/// q of the topic initial regret (§3.8, `initial_regret_quantile`).
	pub initial_regret_quantile: Fixed,
	/// Offset constant of the topic initial regret (§3.8, `p_norm_safe_div`).
	pub p_norm_safe_div: Fixed,
}

impl SynthesisParams {
	/// The simulator's values (spec §8.1) with the §1.1 defaults for the rest.
	pub const DEFAULT: SynthesisParams = SynthesisParams {
		p_norm: f(3_000_000_000_000_000_000),
		c_norm: f(750_000_000_000_000_000),
		epsilon_topic: f(10_000_000_000_000_000),
		epsilon_safe_div: f(100_000_000_000),
		alpha_regret: f(100_000_000_000_000_000),
		initial_regret_quantile: f(250_000_000_000_000_000),
		p_norm_safe_div: f(8_250_000_000_000_000_000),
	};
}

impl Default for SynthesisParams {
	fn default() -> Self {
		Self::DEFAULT
	}
}

/// Reputer consensus and listening coefficients (spec §4).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct ConsensusParams {
	/// η of the gradient steps (`learning_rate`).
	pub learning_rate: Fixed,
	/// K, the maximum number of gradient iterations (`gradient_descent_max_iters`).
	pub gradient_descent_max_iters: u32,
	/// Stop when max |Δa|/η falls below this (`max_gradient_threshold`).
	pub max_gradient_threshold: Fixed,
	/// Minimum listened stake fraction (`min_stake_fraction`).
	pub min_stake_fraction: Fixed,
	/// ε_R in the consensus score denominator (`epsilon_reputer`).
	pub epsilon_reputer: Fixed,
	/// Replacement for a zero consensus norm (`epsilon_safe_div`).
	pub epsilon_safe_div: Fixed,
}

impl ConsensusParams {
	/// Spec §1.1 / §8.1 defaults.
	pub const DEFAULT: ConsensusParams = ConsensusParams {
		learning_rate: f(50_000_000_000_000_000),
		gradient_descent_max_iters: 10,
		max_gradient_threshold: f(1_000_000_000_000_000),
		min_stake_fraction: f(500_000_000_000_000_000),
		epsilon_reputer: f(10_000_000_000_000_000),
		epsilon_safe_div: f(100_000_000_000),
	};
}

impl Default for ConsensusParams {
	fn default() -> Self {
		Self::DEFAULT
	}
}

/// Scores, reward fractions, entropies and the task split (spec §5).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct RewardParams {
	/// p of φ for inferer reward fractions (simulator 3; chain v0.6 default 1).
	pub p_reward_inference: Fixed,
	/// c of φ for inferer reward fractions.
	pub c_reward_inference: Fixed,
	/// p of φ for forecaster reward fractions.
	pub p_reward_forecast: Fixed,
	/// c of φ for forecaster reward fractions.
	pub c_reward_forecast: Fixed,
	/// Exponent of the reputer reward fraction (simulator 1; chain v0.6 default 3).
	pub p_reward_reputer: Fixed,
	/// ε_t: σ floor of the score → fraction mapping (topic `epsilon`).
	pub epsilon_topic: Fixed,
	/// α of the smoothed fractions and of the forecaster score ratio (`task_reward_alpha`).
	pub task_reward_alpha: Fixed,
	/// β of the modified entropy (`beta_entropy`).
	pub beta_entropy: Fixed,
	/// Number of newest stored scores whose σ scales the score mapping
	/// (`max_samples_to_scale_scores`).
	pub max_samples_to_scale_scores: u32,
}

impl RewardParams {
	/// The simulator's values (spec §8.1).
	pub const DEFAULT: RewardParams = RewardParams {
		p_reward_inference: f(3_000_000_000_000_000_000),
		c_reward_inference: f(750_000_000_000_000_000),
		p_reward_forecast: f(3_000_000_000_000_000_000),
		c_reward_forecast: f(750_000_000_000_000_000),
		p_reward_reputer: f(1_000_000_000_000_000_000),
		epsilon_topic: f(10_000_000_000_000_000),
		task_reward_alpha: f(100_000_000_000_000_000),
		beta_entropy: f(250_000_000_000_000_000),
		max_samples_to_scale_scores: 10,
	};
}

impl Default for RewardParams {
	fn default() -> Self {
		Self::DEFAULT
	}
}

/// Merit sortition of the active sets (spec §7).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct SortitionParams {
	/// Capacity of the active inferer set (`max_top_inferers_to_reward`).
	pub max_top_inferers_to_reward: u32,
	/// Capacity of the active forecaster set (`max_top_forecasters_to_reward`).
	pub max_top_forecasters_to_reward: u32,
	/// Capacity of the active reputer set (`max_top_reputers_to_reward`).
	pub max_top_reputers_to_reward: u32,
	/// Elements kept per forecast (`max_elements_per_forecast`).
	pub max_elements_per_forecast: u32,
	/// α_M of the actor EMA scores (topic `merit_sortition_alpha`; simulator 0.1).
	pub merit_sortition_alpha: Fixed,
	/// Quantile of instant scores passive inferers are pulled toward (simulator 0.2).
	pub active_inferer_quantile: Fixed,
	/// Same for forecasters.
	pub active_forecaster_quantile: Fixed,
	/// Same for reputers.
	pub active_reputer_quantile: Fixed,
}

impl SortitionParams {
	/// Spec §1.1 capacities with the sortition simulator's α and quantile (§7.2).
	pub const DEFAULT: SortitionParams = SortitionParams {
		max_top_inferers_to_reward: 32,
		max_top_forecasters_to_reward: 6,
		max_top_reputers_to_reward: 6,
		max_elements_per_forecast: 12,
		merit_sortition_alpha: f(100_000_000_000_000_000),
		active_inferer_quantile: f(200_000_000_000_000_000),
		active_forecaster_quantile: f(200_000_000_000_000_000),
		active_reputer_quantile: f(200_000_000_000_000_000),
	};
}

impl Default for SortitionParams {
	fn default() -> Self {
		Self::DEFAULT
	}
}

/// Topic weights, fee drip, topic rewards and the mint schedule (spec §6).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EmissionParams {
	/// μ: exponent of the topic stake in the target weight.
	pub topic_reward_stake_importance: Fixed,
	/// ν: exponent of the topic fee revenue per block in the target weight.
	pub topic_reward_fee_revenue_importance: Fixed,
	/// α_w of the topic-weight EMA.
	pub topic_reward_alpha: Fixed,
	/// A topic is active iff its weight is at least this (weights are integers, §6.1).
	pub min_topic_weight: u128,
	/// Blocks per month: emission cadence, vesting months and the fee-drip rate.
	pub blocks_per_month: u64,
	/// N_total in base units (1e27 uallo = 1e9 ALLO).
	pub max_supply: u128,
	/// f_e, target monthly emission factor.
	pub f_emission: Fixed,
	/// α_e of the emission-per-staked-token EMA (`one_month_smoothing_degree`).
	pub one_month_smoothing_degree: Fixed,
	/// Share of the supply reserved for the ecosystem treasury (mint cap).
	pub ecosystem_treasury_percent_of_total_supply: Fixed,
	/// Share of the supply of the foundation (liquid at genesis).
	pub foundation_treasury_percent_of_total_supply: Fixed,
	/// Share of the supply of early participants (liquid at genesis).
	pub participants_percent_of_total_supply: Fixed,
	/// Share of the supply of (seed) investors (vested).
	pub investors_percent_of_total_supply: Fixed,
	/// Share of the supply of pre-seed investors (vested).
	pub investors_preseed_percent_of_total_supply: Fixed,
	/// Share of the supply of the team (vested).
	pub team_percent_of_total_supply: Fixed,
	/// Ξ_max, maximum monthly yield of stakers.
	pub maximum_monthly_percentage_yield: Fixed,
	/// v, share of each block emission paid to validators.
	pub validators_vs_allora_percent_reward: Fixed,
}

impl EmissionParams {
	/// Spec §1.1 defaults (the tokenomics simulator of §8.3 used Ξ_max = 1.12^(1/12) − 1 and
	/// 525 960 blocks per month instead; its tests pass those explicitly).
	pub const DEFAULT: EmissionParams = EmissionParams {
		topic_reward_stake_importance: f(500_000_000_000_000_000),
		topic_reward_fee_revenue_importance: f(500_000_000_000_000_000),
		topic_reward_alpha: f(500_000_000_000_000_000),
		min_topic_weight: 100,
		blocks_per_month: 864_000,
		max_supply: 1_000_000_000_000_000_000_000_000_000,
		f_emission: f(25_000_000_000_000_000),
		one_month_smoothing_degree: f(100_000_000_000_000_000),
		ecosystem_treasury_percent_of_total_supply: f(359_500_000_000_000_000),
		foundation_treasury_percent_of_total_supply: f(100_000_000_000_000_000),
		participants_percent_of_total_supply: f(55_000_000_000_000_000),
		investors_percent_of_total_supply: f(260_500_000_000_000_000),
		investors_preseed_percent_of_total_supply: f(50_000_000_000_000_000),
		team_percent_of_total_supply: f(175_000_000_000_000_000),
		maximum_monthly_percentage_yield: f(9_500_000_000_000_000),
		validators_vs_allora_percent_reward: f(250_000_000_000_000_000),
	};
}

impl Default for EmissionParams {
	fn default() -> Self {
		Self::DEFAULT
	}
}

/// All parameters of the protocol maths.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Params {
	/// Spec §3.
	pub synthesis: SynthesisParams,
	/// Spec §4.
	pub consensus: ConsensusParams,
	/// Spec §5.
	pub rewards: RewardParams,
	/// Spec §7.
	pub sortition: SortitionParams,
	/// Spec §6.
	pub emissions: EmissionParams,
}

#[cfg(all(test, feature = "std"))]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
	use super::*;
	use alloc::string::ToString;

	#[test]
	fn defaults_are_the_documented_decimals() {
		let p = Params::default();
		assert_eq!(p.synthesis.p_norm.to_string(), "3");
		assert_eq!(p.synthesis.epsilon_safe_div.to_string(), "0.0000001");
		assert_eq!(p.synthesis.p_norm_safe_div.to_string(), "8.25");
		assert_eq!(p.consensus.learning_rate.to_string(), "0.05");
		assert_eq!(p.consensus.max_gradient_threshold.to_string(), "0.001");
		assert_eq!(p.rewards.p_reward_reputer, Fixed::ONE);
		assert_eq!(p.emissions.maximum_monthly_percentage_yield.to_string(), "0.0095");
		assert_eq!(p.emissions.max_supply, 10u128.pow(27));
		// the six allocation shares sum to exactly 1
		let e = p.emissions;
		let sum = e
			.ecosystem_treasury_percent_of_total_supply
			.saturating_add(e.foundation_treasury_percent_of_total_supply)
			.saturating_add(e.participants_percent_of_total_supply)
			.saturating_add(e.investors_percent_of_total_supply)
			.saturating_add(e.investors_preseed_percent_of_total_supply)
			.saturating_add(e.team_percent_of_total_supply);
		assert_eq!(sum, Fixed::ONE);
	}
}
