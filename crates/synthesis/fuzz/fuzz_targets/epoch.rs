//! Arbitrary bytes → a bounded epoch (up to 64 inferers, 16 forecasters, 16 reputers) with
//! arbitrary i128 bit patterns for every value and arbitrary u128 stakes and reward, run
//! through synthesis, network losses, regret updates, scores, consensus, fractions and
//! rewards (`tests/common/mod.rs` `run_epoch`). Nothing may panic; when the epoch succeeds,
//! the task totals must sum to the topic reward and each role's rewards to its total.
#![no_main]

#[path = "../../tests/common/mod.rs"]
mod common;

use allora_synthesis::synthesis::RegretStore;
use allora_synthesis::{Fixed, Params, ValueBundle};
use common::{reward_split_error, run_epoch, Epoch};
use libfuzzer_sys::fuzz_target;

/// Reads the input front to back; past its end every byte is 0.
struct Bytes<'a> {
	data: &'a [u8],
	at: usize,
}

impl Bytes<'_> {
	fn byte(&mut self) -> u8 {
		let b = self.data.get(self.at).copied().unwrap_or(0);
		self.at = self.at.saturating_add(1);
		b
	}

	fn u128(&mut self) -> u128 {
		let mut buf = [0u8; 16];
		for b in buf.iter_mut() {
			*b = self.byte();
		}
		u128::from_le_bytes(buf)
	}

	/// Any i128 bit pattern (`i128::MIN` is clamped to `Fixed::MIN` by `from_bits`).
	fn fixed(&mut self) -> Fixed {
		Fixed::from_bits(i128::from_le_bytes(self.u128().to_le_bytes()))
	}

	/// A value, or missing when the low 3 bits of the next byte are 0.
	fn optional(&mut self) -> Option<Fixed> {
		if (self.byte() & 7) == 0 {
			None
		} else {
			Some(self.fixed())
		}
	}

	fn list(&mut self, len: usize) -> Vec<Option<Fixed>> {
		(0..len).map(|_| self.optional()).collect()
	}

	fn grid(&mut self, rows: usize, cols: usize) -> Vec<Vec<Option<Fixed>>> {
		(0..rows).map(|_| self.list(cols)).collect()
	}
}

fn decode(input: &mut Bytes<'_>) -> Epoch {
	let n = 1 + usize::from(input.byte() % 64);
	let m = usize::from(input.byte() % 17);
	let r = 1 + usize::from(input.byte() % 16);
	let inferences: Vec<Fixed> = (0..n).map(|_| input.fixed()).collect();
	let forecasts = input.grid(m, n);
	let previous_loss = input.fixed();
	let initial = if (input.byte() & 3) == 0 { Fixed::ZERO } else { input.fixed() };
	let mut regrets = RegretStore::new(initial, n, m);
	regrets.inferer = input.list(n);
	regrets.forecaster = input.list(m);
	regrets.naive_inferer = input.list(n);
	regrets.one_out_inferer_inferer = input.grid(n, n);
	regrets.one_out_inferer_forecaster = input.grid(n, m);
	regrets.one_out_forecaster_inferer = input.grid(m, n);
	regrets.one_out_forecaster_forecaster = input.grid(m, m);
	regrets.one_in_forecaster_inferer = input.grid(m, n);
	regrets.one_in_forecaster_self = input.list(m);
	let mut bundles = Vec::with_capacity(r);
	for _ in 0..r {
		let mut b = ValueBundle::new(input.fixed(), input.fixed());
		b.inferer = input.list(n);
		b.forecaster = input.list(m);
		b.one_out_inferer = input.list(n);
		b.one_out_forecaster = input.list(m);
		b.one_in_forecaster = input.list(m);
		b.one_out_inferer_forecaster = input.grid(m, n);
		bundles.push(b);
	}
	let stakes: Vec<u128> = (0..r).map(|_| input.u128()).collect();
	let coefficients: Vec<Fixed> = (0..r).map(|_| input.fixed()).collect();
	let smooth_inferer = input.list(n);
	let smooth_forecaster = input.list(m);
	let smooth_reputer = input.list(r);
	let previous_ratio = input.fixed();
	let inferer_history = vec![(0..n.min(10)).map(|_| input.fixed()).collect()];
	let forecaster_history = vec![(0..m.min(10)).map(|_| input.fixed()).collect()];
	let topic_reward = input.u128();
	Epoch {
		n,
		m,
		r,
		all_new: initial.is_zero(),
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

fuzz_target!(|data: &[u8]| {
	let mut input = Bytes { data, at: 0 };
	let epoch = decode(&mut input);
	if let Ok(out) = run_epoch(&epoch, &Params::default()) {
		if let Some(problem) = reward_split_error(&epoch, &out) {
			panic!("{problem}");
		}
	}
});
