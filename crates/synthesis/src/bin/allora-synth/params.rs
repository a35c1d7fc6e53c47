//! Replay parameters: the library's `Params` (defaulting to the values that generated the
//! simulator files) plus the few settings the simulators use that are not protocol
//! parameters, overridable from a JSON object of `name: number`.

use allora_synthesis::{Fixed, Params};
use serde_json::{Number, Value};

/// Everything a replay reads.
#[derive(Debug, Clone, Copy)]
pub struct ReplayParams {
	/// The protocol parameters.
	pub params: Params,
	/// R0, the replayed topic's initial regret (the CSVs do not carry it; any non-zero value
	/// keeps the simulator's mode, spec section 8.1).
	pub initial_regret: Fixed,
	/// Reputers' share of topic rewards assumed by the tokenomics simulator (1/3).
	pub reputer_share_of_rewards: Fixed,
	/// Share of newly vested tokens the tokenomics simulator stakes at once (0.75).
	pub vested_staked_fraction: Fixed,
}

/// Every name `--params` accepts, for the error message.
pub const NAMES: &[&str] = &[
	"p_norm",
	"c_norm",
	"epsilon_topic",
	"epsilon_safe_div",
	"alpha_regret",
	"initial_regret_quantile",
	"p_norm_safe_div",
	"initial_regret",
	"learning_rate",
	"gradient_descent_max_iters",
	"max_gradient_threshold",
	"min_stake_fraction",
	"epsilon_reputer",
	"p_reward_inference",
	"c_reward_inference",
	"p_reward_forecast",
	"c_reward_forecast",
	"p_reward_reputer",
	"task_reward_alpha",
	"beta_entropy",
	"max_samples_to_scale_scores",
	"max_top_inferers_to_reward",
	"max_top_forecasters_to_reward",
	"max_top_reputers_to_reward",
	"max_elements_per_forecast",
	"merit_sortition_alpha",
	"active_inferer_quantile",
	"active_forecaster_quantile",
	"active_reputer_quantile",
	"topic_reward_stake_importance",
	"topic_reward_fee_revenue_importance",
	"topic_reward_alpha",
	"min_topic_weight",
	"blocks_per_month",
	"max_supply",
	"f_emission",
	"one_month_smoothing_degree",
	"ecosystem_treasury_percent_of_total_supply",
	"foundation_treasury_percent_of_total_supply",
	"participants_percent_of_total_supply",
	"investors_percent_of_total_supply",
	"investors_preseed_percent_of_total_supply",
	"team_percent_of_total_supply",
	"maximum_monthly_percentage_yield",
	"validators_vs_allora_percent_reward",
	"reputer_share_of_rewards",
	"vested_staked_fraction",
];

/// Blocks per month of the tokenomics simulator's chain test (spec section 8.3).
const SIMULATOR_BLOCKS_PER_MONTH: u64 = 525_960;

impl ReplayParams {
	/// The values that generated the simulator files (spec sections 8.1 - 8.3).
	pub fn simulator() -> ReplayParams {
		let mut params = Params::default();
		params.emissions.blocks_per_month = SIMULATOR_BLOCKS_PER_MONTH;
		params.emissions.maximum_monthly_percentage_yield = simulator_max_monthly_yield();
		ReplayParams {
			params,
			initial_regret: Fixed::ONE,
			reputer_share_of_rewards: Fixed::ONE.saturating_div(Fixed::from_int(3)),
			vested_staked_fraction: Fixed::from_rational(3, 4).unwrap_or(Fixed::ZERO),
		}
	}

	/// Applies a JSON object of overrides; unknown names and non-numbers are errors.
	pub fn apply_json(&mut self, text: &str) -> Result<(), String> {
		let value: Value =
			serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
		let object = match value {
			Value::Object(map) => map,
			_ => return Err("expected a JSON object of parameter names and numbers".to_string()),
		};
		for (name, v) in object.iter() {
			let number = match v {
				Value::Number(n) => n,
				_ => return Err(format!("parameter \"{name}\": expected a number, found {v}")),
			};
			self.set(name, number).map_err(|e| format!("parameter \"{name}\": {e}"))?;
		}
		Ok(())
	}

	fn set(&mut self, name: &str, v: &Number) -> Result<(), String> {
		let p = &mut self.params;
		match name {
			"p_norm" => p.synthesis.p_norm = fixed(v)?,
			"c_norm" => p.synthesis.c_norm = fixed(v)?,
			"epsilon_topic" => {
				let x = fixed(v)?;
				p.synthesis.epsilon_topic = x;
				p.rewards.epsilon_topic = x;
			}
			"epsilon_safe_div" => {
				let x = fixed(v)?;
				p.synthesis.epsilon_safe_div = x;
				p.consensus.epsilon_safe_div = x;
			}
			"alpha_regret" => p.synthesis.alpha_regret = fixed(v)?,
			"initial_regret_quantile" => p.synthesis.initial_regret_quantile = fixed(v)?,
			"p_norm_safe_div" => p.synthesis.p_norm_safe_div = fixed(v)?,
			"initial_regret" => self.initial_regret = fixed(v)?,
			"learning_rate" => p.consensus.learning_rate = fixed(v)?,
			"gradient_descent_max_iters" => p.consensus.gradient_descent_max_iters = int_u32(v)?,
			"max_gradient_threshold" => p.consensus.max_gradient_threshold = fixed(v)?,
			"min_stake_fraction" => p.consensus.min_stake_fraction = fixed(v)?,
			"epsilon_reputer" => p.consensus.epsilon_reputer = fixed(v)?,
			"p_reward_inference" => p.rewards.p_reward_inference = fixed(v)?,
			"c_reward_inference" => p.rewards.c_reward_inference = fixed(v)?,
			"p_reward_forecast" => p.rewards.p_reward_forecast = fixed(v)?,
			"c_reward_forecast" => p.rewards.c_reward_forecast = fixed(v)?,
			"p_reward_reputer" => p.rewards.p_reward_reputer = fixed(v)?,
			"task_reward_alpha" => p.rewards.task_reward_alpha = fixed(v)?,
			"beta_entropy" => p.rewards.beta_entropy = fixed(v)?,
			"max_samples_to_scale_scores" => p.rewards.max_samples_to_scale_scores = int_u32(v)?,
			"max_top_inferers_to_reward" => p.sortition.max_top_inferers_to_reward = int_u32(v)?,
			"max_top_forecasters_to_reward" => {
				p.sortition.max_top_forecasters_to_reward = int_u32(v)?
			}
			"max_top_reputers_to_reward" => p.sortition.max_top_reputers_to_reward = int_u32(v)?,
			"max_elements_per_forecast" => p.sortition.max_elements_per_forecast = int_u32(v)?,
			"merit_sortition_alpha" => p.sortition.merit_sortition_alpha = fixed(v)?,
			"active_inferer_quantile" => p.sortition.active_inferer_quantile = fixed(v)?,
			"active_forecaster_quantile" => p.sortition.active_forecaster_quantile = fixed(v)?,
			"active_reputer_quantile" => p.sortition.active_reputer_quantile = fixed(v)?,
			"topic_reward_stake_importance" => {
				p.emissions.topic_reward_stake_importance = fixed(v)?
			}
			"topic_reward_fee_revenue_importance" => {
				p.emissions.topic_reward_fee_revenue_importance = fixed(v)?
			}
			"topic_reward_alpha" => p.emissions.topic_reward_alpha = fixed(v)?,
			"min_topic_weight" => p.emissions.min_topic_weight = int_u128(v)?,
			"blocks_per_month" => p.emissions.blocks_per_month = int_u64(v)?,
			"max_supply" => p.emissions.max_supply = int_u128(v)?,
			"f_emission" => p.emissions.f_emission = fixed(v)?,
			"one_month_smoothing_degree" => p.emissions.one_month_smoothing_degree = fixed(v)?,
			"ecosystem_treasury_percent_of_total_supply" => {
				p.emissions.ecosystem_treasury_percent_of_total_supply = fixed(v)?
			}
			"foundation_treasury_percent_of_total_supply" => {
				p.emissions.foundation_treasury_percent_of_total_supply = fixed(v)?
			}
			"participants_percent_of_total_supply" => {
				p.emissions.participants_percent_of_total_supply = fixed(v)?
			}
			"investors_percent_of_total_supply" => {
				p.emissions.investors_percent_of_total_supply = fixed(v)?
			}
			"investors_preseed_percent_of_total_supply" => {
				p.emissions.investors_preseed_percent_of_total_supply = fixed(v)?
			}
			"team_percent_of_total_supply" => p.emissions.team_percent_of_total_supply = fixed(v)?,
			"maximum_monthly_percentage_yield" => {
				p.emissions.maximum_monthly_percentage_yield = fixed(v)?
			}
			"validators_vs_allora_percent_reward" => {
				p.emissions.validators_vs_allora_percent_reward = fixed(v)?
			}
			"reputer_share_of_rewards" => self.reputer_share_of_rewards = fixed(v)?,
			"vested_staked_fraction" => self.vested_staked_fraction = fixed(v)?,
			_ => return Err(format!("unknown parameter (known: {})", NAMES.join(", "))),
		}
		Ok(())
	}
}

/// Xi_max = 1.12^(1/12) - 1, the tokenomics simulator's maximum monthly yield.
fn simulator_max_monthly_yield() -> Fixed {
	let base = Fixed::from_rational(112, 100).unwrap_or(Fixed::ONE);
	let twelfth = Fixed::ONE.saturating_div(Fixed::from_int(12));
	base.pow(twelfth).unwrap_or(Fixed::ONE).saturating_sub(Fixed::ONE)
}

fn fixed(v: &Number) -> Result<Fixed, String> {
	let text = v.to_string();
	Fixed::from_decimal_str(&text)
		.ok_or_else(|| format!("{text} is not representable as an 18-decimal fixed-point number"))
}

fn int_u64(v: &Number) -> Result<u64, String> {
	v.as_u64().ok_or_else(|| format!("{v} is not a non-negative integer"))
}

fn int_u32(v: &Number) -> Result<u32, String> {
	let x = int_u64(v)?;
	u32::try_from(x).map_err(|_| format!("{x} is too large"))
}

fn int_u128(v: &Number) -> Result<u128, String> {
	if let Some(x) = v.as_u64() {
		return Ok(u128::from(x));
	}
	let text = v.to_string();
	parse_u128_text(&text).ok_or_else(|| format!("{text} is not a non-negative integer"))
}

/// An exact non-negative integer written in decimal, possibly with a fraction of zeros or an
/// exponent (`1e27`, `2.5e3`); `None` if it is not an integer or does not fit.
fn parse_u128_text(text: &str) -> Option<u128> {
	let (mantissa, exponent) = match text.find(['e', 'E']) {
		Some(pos) => (&text[..pos], text[pos + 1..].parse::<i32>().ok()?),
		None => (text, 0),
	};
	let (int_part, frac_part) = match mantissa.split_once('.') {
		Some((a, b)) => (a, b),
		None => (mantissa, ""),
	};
	let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
	if (int_part.is_empty() && frac_part.is_empty())
		|| !all_digits(int_part)
		|| !all_digits(frac_part)
	{
		return None;
	}
	let joined = format!("{int_part}{frac_part}");
	let mut value: u128 = joined.parse().ok()?;
	let frac_len = i32::try_from(frac_part.len()).ok()?;
	let scale = exponent.checked_sub(frac_len)?;
	if scale >= 0 {
		let factor = 10u128.checked_pow(u32::try_from(scale).ok()?)?;
		value = value.checked_mul(factor)?;
	} else {
		let divisor = 10u128.checked_pow(scale.unsigned_abs())?;
		if value.checked_rem(divisor)? != 0 {
			return None;
		}
		value = value.checked_div(divisor)?;
	}
	Some(value)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn overrides_and_unknown_names() {
		let mut p = ReplayParams::simulator();
		p.apply_json(
			"{\"alpha_regret\": 0.2, \"gradient_descent_max_iters\": 5, \"max_supply\": 1e27}",
		)
		.unwrap();
		assert_eq!(p.params.synthesis.alpha_regret, Fixed::from_rational(1, 5).unwrap());
		assert_eq!(p.params.consensus.gradient_descent_max_iters, 5);
		assert_eq!(p.params.emissions.max_supply, 10u128.pow(27));
		assert!(p.apply_json("{\"no_such_thing\": 1}").is_err());
		assert!(p.apply_json("{\"alpha_regret\": \"x\"}").is_err());
		assert!(p.apply_json("[1]").is_err());
		assert_eq!(parse_u128_text("2.5e3"), Some(2500));
		assert_eq!(parse_u128_text("2.5"), None);
		assert_eq!(parse_u128_text("-1"), None);
	}

	#[test]
	fn simulator_yield() {
		let xi = simulator_max_monthly_yield().to_f64();
		let want = 1.12f64.powf(1.0 / 12.0) - 1.0;
		assert!((xi - want).abs() < 1e-12, "{xi}");
	}

	#[test]
	fn every_listed_name_is_accepted() {
		for name in NAMES {
			let mut p = ReplayParams::simulator();
			let json = format!("{{\"{name}\": 1}}");
			assert!(p.apply_json(&json).is_ok(), "{name}");
		}
	}
}
