//! One full epoch (inference synthesis, network losses, regret updates, scores, reputer
//! consensus with its listening-coefficient gradient steps, reward fractions, entropies, the
//! task split and per-actor rewards) at (inferers, forecasters, reputers) = (32, 6, 6),
//! (256, 32, 16) and (1024, 64, 32), on deterministic random inputs (`tests/common`).
//! Forecasts name at most 12 inferers, as `max_elements_per_forecast` allows on chain.
//!
//! Run (release profile; the largest size takes tens of seconds per iteration):
//!
//!     cargo bench -p allora-synthesis --bench epoch
//!     cargo bench -p allora-synthesis --bench epoch -- 32x6x6     # one size only
//!
//! Float-oracle ratio: the Python float64 reference model on the same (32, 6, 6) epoch
//! (needs python3 with numpy; prints seconds per epoch):
//!
//!     python3 crates/synthesis/benches/oracle_epoch.py            # --size 256,32,16 etc.
//!
//! ratio = (time of `epoch/32x6x6` here) / (seconds per epoch printed by the script).
#![allow(
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::unwrap_used,
	clippy::needless_range_loop,
	clippy::type_complexity,
	clippy::uninlined_format_args
)]

#[path = "../tests/common/mod.rs"]
mod common;

use allora_synthesis::Params;
use common::{random_epoch, run_epoch, Knobs};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;

/// The seed `benches/oracle_epoch.py` uses by default.
const SEED: u64 = 42;

fn epoch(c: &mut Criterion) {
	let params = Params::default();
	let mut group = c.benchmark_group("epoch");
	group.sample_size(10);
	group.warm_up_time(Duration::from_secs(1));
	group.measurement_time(Duration::from_secs(10));
	for (n, m, r) in [(32usize, 6usize, 6usize), (256, 32, 16), (1024, 64, 32)] {
		let knobs = Knobs { all_new: false, max_elements: n.min(12), missing: 0.04 };
		let e = random_epoch(SEED, n, m, r, &knobs);
		// fail loudly rather than time an error path
		run_epoch(&e, &params).unwrap();
		group.bench_with_input(BenchmarkId::from_parameter(format!("{n}x{m}x{r}")), &e, |b, e| {
			b.iter(|| run_epoch(black_box(e), &params))
		});
	}
	group.finish();
}

criterion_group!(benches, epoch);
criterion_main!(benches);
