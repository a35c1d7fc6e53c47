//! `allora-synth replay-sortition`: the merit-sortition simulator format (spec sections 7.2
//! and 8.2).
//!
//! Inputs (copied): `epoch`, `n_participants`, `n_participants_max`, `n_participants_drawn`
//! (the number of places), `percentile`, `alpha_quality` and, per participant p,
//! `{p}_prev_participated` and `{p}_quality_metric` (the new instant score, given by the
//! simulator for the participants it made active). Everything else is derived; the EMA
//! scores are read from the first row's `{p}_quality_ema` and then carried by this replay.

use crate::csv::{self, digits, Cells, DataError, Table};
use crate::Replayed;
use allora_synthesis::sortition::{rank_by_score, sortition_epoch, top_n_by_score};
use allora_synthesis::Fixed;

/// `{p}_{rest}` → (p, rest).
fn participant_column(name: &str) -> Option<(usize, &str)> {
	let (index, rest) = name.split_once('_')?;
	Some((digits(index)?, rest))
}

/// `true` for the columns that are inputs of this format (copied to the output).
pub fn is_input(name: &str) -> bool {
	matches!(
		name,
		"epoch"
			| "n_participants"
			| "n_participants_max"
			| "n_participants_drawn"
			| "percentile"
			| "alpha_quality"
	) || matches!(participant_column(name), Some((_, "prev_participated" | "quality_metric")))
}

/// Replays the file (see the module documentation).
pub fn run(t: &Table) -> Result<Replayed, DataError> {
	if t.rows.is_empty() {
		return Err(DataError::general("the file has no data rows"));
	}
	let mut count = 0usize;
	for name in &t.header {
		if let Some((p, "quality_ema")) = participant_column(name) {
			count = count.max(p + 1);
		}
	}
	if count == 0 {
		return Err(DataError::column(
			"0_quality_ema",
			"missing column: the header names no participant",
		));
	}
	for name in ["n_participants_drawn", "percentile", "alpha_quality"] {
		t.require(name)?;
	}
	for p in 0..count {
		t.require(&format!("{p}_quality_metric"))?;
		t.require(&format!("{p}_quality_ema"))?;
	}
	for row in 0..t.rows.len() {
		t.req_count(row, "n_participants_drawn")?;
		t.req_fixed(row, "percentile")?;
		t.req_fixed(row, "alpha_quality")?;
		for p in 0..count {
			t.opt_fixed(row, &format!("{p}_quality_metric"))?;
		}
		if t.has("n_participants") {
			let n = t.req_count(row, "n_participants")?;
			if usize::try_from(n).ok() != Some(count) {
				return Err(DataError::at(
					row,
					"n_participants",
					format!("{n} participants, but the header has columns for {count}"),
				));
			}
		}
	}

	let mut emas: Vec<Fixed> = Vec::with_capacity(count);
	for p in 0..count {
		emas.push(t.opt_fixed(0, &format!("{p}_quality_ema"))?.unwrap_or(Fixed::ZERO));
	}
	let mut rows: Vec<Vec<String>> = vec![t.rows[0].clone()];
	for row in 1..t.rows.len() {
		let capacity =
			usize::try_from(t.req_count(row, "n_participants_drawn")?).unwrap_or(usize::MAX);
		let quantile = t.req_fixed(row, "percentile")?.saturating_div(Fixed::from_int(100));
		let alpha = t.req_fixed(row, "alpha_quality")?;
		let metrics: Vec<Option<Fixed>> = (0..count)
			.map(|p| t.opt_fixed(row, &format!("{p}_quality_metric")))
			.collect::<Result<Vec<Option<Fixed>>, DataError>>()?;
		for p in top_n_by_score(&emas, capacity) {
			if metrics[p].is_none() {
				return Err(DataError::at(
					row,
					&format!("{p}_quality_metric"),
					"empty, but this participant is in the replayed active set \
                     (the top by previous EMA score)",
				));
			}
		}
		let epoch = sortition_epoch(&emas, capacity, &metrics, alpha, quantile)
			.map_err(|e| DataError::row(row, format!("sortition failed: {e:?}")))?;
		let ranks = rank_by_score(&emas);
		let metric_of = |p: usize| metrics[p].unwrap_or(Fixed::MIN);
		let mut by_metric: Vec<usize> = epoch.active.clone();
		by_metric.sort_by(|a, b| metric_of(*b).cmp(&metric_of(*a)).then(a.cmp(b)));

		let mut out = Cells::default();
		out.fixed("quality_cutoff".to_string(), Some(epoch.cutoff));
		out.fixed("quality_percentile".to_string(), Some(epoch.quantile));
		for p in 0..count {
			out.fixed(format!("{p}_prev_quality_ema"), Some(emas[p]));
			if let Some(position) = ranks.iter().position(|x| *x == p) {
				out.text(format!("{p}_sort_position_previous_quality_ema"), position.to_string());
			}
			if epoch.active.contains(&p) {
				if let Some(position) = by_metric.iter().position(|x| *x == p) {
					out.text(format!("{p}_sort_position_quality_metrics"), position.to_string());
				}
				out.text(format!("{p}_active"), "true".to_string());
			}
			out.fixed(format!("{p}_quality_ema"), epoch.emas.get(p).copied());
		}
		rows.push(out.row(&t.header, &t.rows[row], is_input));
		emas = epoch.emas;
	}
	Ok(Replayed { csv: csv::write(&t.header, &rows), notes: Vec::new() })
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn column_classes() {
		assert!(is_input("3_quality_metric"));
		assert!(is_input("percentile"));
		assert!(!is_input("3_quality_ema"));
		assert!(!is_input("quality_percentile"));
		assert_eq!(participant_column("12_active"), Some((12, "active")));
		assert_eq!(participant_column("n_participants"), None);
	}
}
