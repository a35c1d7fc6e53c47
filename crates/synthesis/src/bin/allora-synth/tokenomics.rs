//! `allora-synth replay-tokenomics`: the tokenomics simulator format (spec sections 6.4 and
//! 8.3), amounts in whole ALLO.
//!
//! Computed per month t from month t - 1 (the simulator's timing, spec section 8.3): the
//! investor and team unlocks of month t (1-year cliff, 36-month schedule), ê_target, ê_max,
//! ê, e (EMA), the monthly emission `ecosystem_tokens_emission` = ⌊e · staked⌋ with staked =
//! previous staked + 75 % of the unlock, its validator and topic shares, each sample topic's
//! reward w_i / Σw · topics share, and the bookkeeping `ecosystem_tokens_total`,
//! `network_tokens_emission` and `network_tokens_circulating` that carry to the next month.
//! `validator_rewards_{i}` is derived by the simulator with a rule the spec does not give, so
//! it is left empty. Every other column is an input of the simulator's own dynamics (stakes,
//! topics, fee revenue, other buckets) and is copied.

use crate::csv::{self, index_after, to_base_units, Cells, DataError, Table};
use crate::params::ReplayParams;
use crate::Replayed;
use allora_synthesis::emissions::{
	emission_per_unit_staked, locked_vesting_fraction, max_emission_per_unit_staked,
	monthly_emission, split_block_emission, target_emission_per_unit_staked, topic_reward,
};
use allora_synthesis::MathError;

/// Derived columns other than the per-topic and per-validator ones.
const DERIVED: &[&str] = &[
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

/// `true` for the columns that are inputs of this format (copied to the output).
pub fn is_input(name: &str) -> bool {
	!(DERIVED.contains(&name)
		|| index_after(name, "topic_rewards_").is_some()
		|| index_after(name, "validator_rewards_").is_some())
}

fn math_error(row: usize, e: MathError) -> DataError {
	DataError::row(row, format!("emission schedule failed: {e:?}"))
}

/// Replays the file (see the module documentation).
pub fn run(t: &Table, rp: &ReplayParams) -> Result<Replayed, DataError> {
	if t.rows.is_empty() {
		return Err(DataError::general("the file has no data rows"));
	}
	let mut topics = 0usize;
	for name in &t.header {
		if let Some(i) = index_after(name, "topic_weights_") {
			topics = topics.max(i + 1);
		}
	}
	let mut required: Vec<String> = [
		"epoch",
		"network_tokens_staked",
		"network_tokens_total",
		"foundation_tokens_emission",
		"participants_tokens_emission",
		"ecosystem_tokens_total",
		"network_tokens_circulating",
		"e_i",
	]
	.iter()
	.map(|s| s.to_string())
	.collect();
	if topics > 0 {
		required.push("all_topic_weight_sum".to_string());
	}
	for i in 0..topics {
		required.push(format!("topic_weights_{i}"));
	}
	for name in &required {
		t.require(name)?;
	}
	for row in 0..t.rows.len() {
		t.req_count(row, "epoch")?;
		for name in [
			"network_tokens_staked",
			"network_tokens_total",
			"foundation_tokens_emission",
			"participants_tokens_emission",
		] {
			t.req_amount(row, name)?;
		}
		if topics > 0 {
			t.req_amount(row, "all_topic_weight_sum")?;
		}
		for i in 0..topics {
			t.opt_fixed(row, &format!("topic_weights_{i}"))?;
		}
	}

	let e = &rp.params.emissions;
	let vesting = [
		("investors_preseed", e.investors_preseed_percent_of_total_supply),
		("investors_seed", e.investors_percent_of_total_supply),
		("team", e.team_percent_of_total_supply),
	];
	let bpm = e.blocks_per_month;
	// The state month 0 leaves (a stored e of 0 means "no emission yet": the first
	// computed month then uses the capped target itself, as the chain's first month does).
	let mut ecosystem = t.req_amount(0, "ecosystem_tokens_total")?;
	let mut circulating = t.req_amount(0, "network_tokens_circulating")?;
	let mut previous_e = t.opt_fixed(0, "e_i")?.filter(|v| !v.is_zero());

	let mut rows: Vec<Vec<String>> = vec![t.rows[0].clone()];
	for row in 1..t.rows.len() {
		let mut out = Cells::default();
		let month = t.req_count(row, "epoch")?;
		let previous_month = t.req_count(row - 1, "epoch")?;
		let staked_before = t.req_amount(row - 1, "network_tokens_staked")?;
		let supply = t.req_amount(row - 1, "network_tokens_total")?;

		// Investor and team tokens unlocked this month (spec section 6.4).
		let mut unlocked: u128 = 0;
		for (name, share) in vesting.iter() {
			let allocation = share.mul_u128_floor(e.max_supply);
			let locked_before = locked_vesting_fraction(previous_month.saturating_mul(bpm), bpm)
				.mul_u128_floor(allocation);
			let locked_now =
				locked_vesting_fraction(month.saturating_mul(bpm), bpm).mul_u128_floor(allocation);
			let unlock = locked_before.saturating_sub(locked_now);
			out.amount(format!("{name}_tokens_emission"), Some(unlock));
			unlocked = unlocked.saturating_add(unlock);
		}

		// Emission per staked token and the monthly emission.
		let staked =
			staked_before.saturating_add(rp.vested_staked_fraction.mul_u128_floor(unlocked));
		let circulating_now = circulating.saturating_add(unlocked);
		let target = target_emission_per_unit_staked(
			e.f_emission,
			ecosystem,
			staked,
			circulating_now,
			supply,
		)
		.map_err(|x| math_error(row, x))?;
		let cap = max_emission_per_unit_staked(
			e.maximum_monthly_percentage_yield,
			e.validators_vs_allora_percent_reward,
			rp.reputer_share_of_rewards,
		)
		.map_err(|x| math_error(row, x))?;
		let per_unit =
			emission_per_unit_staked(target, cap, previous_e, e.one_month_smoothing_degree);
		let monthly = monthly_emission(per_unit, staked);
		let split = split_block_emission(monthly, e.validators_vs_allora_percent_reward);
		out.fixed("ehat_target_i".to_string(), Some(target));
		out.fixed("ehat_max_i".to_string(), Some(cap));
		out.fixed("ehat_i".to_string(), Some(target.min(cap)));
		out.fixed("e_i".to_string(), Some(per_unit));
		out.amount("ecosystem_tokens_emission".to_string(), Some(monthly));
		out.amount("validator_rewards".to_string(), Some(split.validators));
		out.amount("topics_rewards".to_string(), Some(split.rewards));

		// Sample topics: w_i / Σw of the topics' share.
		if topics > 0 {
			let weight_sum = t.req_amount(row, "all_topic_weight_sum")?;
			for i in 0..topics {
				let column = format!("topic_weights_{i}");
				let weight = match t.opt_fixed(row, &column)? {
					Some(w) => to_base_units(w).ok_or_else(|| {
						DataError::at(row, &column, "a weight must not be negative")
					})?,
					None => continue,
				};
				let reward = if weight_sum == 0 {
					0
				} else {
					topic_reward(weight, weight_sum, split.rewards, 1)
						.map_err(|x| math_error(row, x))?
				};
				out.amount(format!("topic_rewards_{i}"), Some(reward));
			}
		}

		// Bookkeeping carried to the next month.
		let ecosystem_now = ecosystem.checked_sub(monthly).ok_or_else(|| {
			DataError::row(row, "the ecosystem allocation cannot pay this month's emission")
		})?;
		let network_emission = unlocked
			.saturating_add(monthly)
			.saturating_add(t.req_amount(row, "foundation_tokens_emission")?)
			.saturating_add(t.req_amount(row, "participants_tokens_emission")?);
		let circulating_after = circulating.saturating_add(network_emission);
		out.amount("ecosystem_tokens_total".to_string(), Some(ecosystem_now));
		out.amount("network_tokens_emission".to_string(), Some(network_emission));
		out.amount("network_tokens_circulating".to_string(), Some(circulating_after));

		rows.push(out.row(&t.header, &t.rows[row], is_input));
		ecosystem = ecosystem_now;
		circulating = circulating_after;
		previous_e = Some(per_unit);
	}
	Ok(Replayed { csv: csv::write(&t.header, &rows), notes: Vec::new() })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn column_classes() {
		assert!(is_input("network_tokens_staked"));
		assert!(is_input("topic_weights_2"));
		assert!(is_input("time"));
		assert!(!is_input("topic_rewards_2"));
		assert!(!is_input("validator_rewards_0"));
		assert!(!is_input("e_i"));
		assert!(is_input("validator_stake_0"));
	}
}
