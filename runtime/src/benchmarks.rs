//! Which pallets `allora-node benchmark pallet` measures, and what their benchmarks need from
//! the rest of the runtime. Compiled only with `runtime-benchmarks`.
//!
//! `define_benchmarks!` names the pallets as `apis.rs` sees them (its macros expand there).

use crate::{
	AccountId, Balance, Balances, BlockNumber, ParachainSystem, Reputers, Runtime, RuntimeOrigin,
	System, Topics, ALLO,
};
use alloc::vec::Vec;
use allora_primitives::TopicId;
use allora_primitives::{LossReport, Submissions, WorkerValues};
use codec::Encode;
use frame_support::traits::fungible::Mutate;
use frame_support::BoundedVec;
use polkadot_sdk::*;

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_topics, Topics]
	[pallet_workers, Workers]
	[pallet_reputers, Reputers]
	[pallet_emissions, Emissions]
	[pallet_synthesis, Synthesis]
);

/// Topics and nonces for the workers' and reputers' benchmarks, made through pallet-topics.
pub struct ProtocolBenchmarkHelper;

fn benchmark_creator() -> AccountId {
	frame_benchmarking::account("topic-creator", 0, 0)
}

impl pallet_workers::BenchmarkHelper<BlockNumber> for ProtocolBenchmarkHelper {
	fn open_worker_nonce() -> (TopicId, BlockNumber) {
		let topic = Topics::benchmark_topic(benchmark_creator());
		(topic, Topics::benchmark_open_worker_nonce(topic))
	}
}

impl pallet_reputers::BenchmarkHelper<BlockNumber> for ProtocolBenchmarkHelper {
	fn topic() -> TopicId {
		Topics::benchmark_topic(benchmark_creator())
	}

	fn open_reputer_nonce(topic: TopicId, nonce: BlockNumber) {
		Topics::benchmark_open_reputer_nonce(topic, nonce);
	}
}

impl pallet_emissions::BenchmarkHelper<AccountId> for ProtocolBenchmarkHelper {
	fn topic() -> TopicId {
		Topics::benchmark_topic(benchmark_creator())
	}

	/// A reputer with 1,000 ALLO of its own and 1,000 ALLO delegated, through the real calls.
	fn reputer_with_delegator(topic: TopicId, index: u32) -> AccountId {
		let reputer: AccountId = frame_benchmarking::account("reputer", index, 0);
		let delegator: AccountId = frame_benchmarking::account("delegator", index, 0);
		let stake = 1_000 * ALLO;
		for who in [&reputer, &delegator] {
			Balances::set_balance(who, 10 * stake);
		}
		let registered = Reputers::register(RuntimeOrigin::signed(reputer.clone()), topic)
			.and_then(|_| Reputers::add_stake(RuntimeOrigin::signed(reputer.clone()), topic, stake))
			.and_then(|_| {
				Reputers::delegate_stake(
					RuntimeOrigin::signed(delegator),
					topic,
					reputer.clone(),
					stake,
				)
			});
		if let Err(e) = registered {
			log::error!("benchmark reputer {index} not set up: {e:?}");
		}
		reputer
	}

	/// Names the genesis collator as author through an Aura pre-runtime digest of slot 0.
	fn block_author() -> AccountId {
		let slot = sp_consensus_aura::Slot::from(0u64);
		System::deposit_log(sp_runtime::DigestItem::PreRuntime(
			sp_consensus_aura::AURA_ENGINE_ID,
			slot.encode(),
		));
		pallet_authorship::Pallet::<Runtime>::author().unwrap_or_else(benchmark_creator)
	}
}

/// Puts a nonce's submissions and loss reports in the workers' and reputers' storage exactly
/// as their calls leave them (registration and fees are not what these benchmarks measure),
/// and moves the chain past the windows.
impl pallet_synthesis::BenchmarkHelper<AccountId, Balance, BlockNumber>
	for ProtocolBenchmarkHelper
{
	fn topic() -> TopicId {
		Topics::benchmark_topic(benchmark_creator())
	}

	fn worker_nonce_closed(topic: TopicId, submissions: Submissions<AccountId>) -> BlockNumber {
		let nonce = Topics::benchmark_open_worker_nonce(topic);
		let key = (topic, nonce);
		let count = pallet_workers::SubmissionCount {
			inferences: submissions.inferences.len() as u32,
			forecasts: submissions.forecasts.len() as u32,
		};
		for (inferer, value) in submissions.inferences {
			pallet_workers::Inferences::<Runtime>::insert(key, inferer, value);
		}
		for (forecaster, elements) in submissions.forecasts {
			let elements: Vec<_> = elements
				.into_iter()
				.map(|(inferer, value)| pallet_workers::ForecastElement { inferer, value })
				.collect();
			pallet_workers::Forecasts::<Runtime>::insert(
				key,
				forecaster,
				BoundedVec::truncate_from(elements),
			);
		}
		pallet_workers::SubmissionCounts::<Runtime>::insert(topic, nonce, count);
		if let Some(topic_data) = pallet_topics::Topics::<Runtime>::get(topic) {
			System::set_block_number(topic_data.worker_window_closes_at(nonce));
		}
		nonce
	}

	fn reputer_nonce_closed(
		topic: TopicId,
		nonce: BlockNumber,
		reports: Vec<LossReport<AccountId, Balance>>,
	) {
		Topics::benchmark_open_reputer_nonce(topic, nonce);
		let key = (topic, nonce);
		let count = reports.len() as u32;
		for report in reports {
			let minimum = pallet_reputers::Params::<Runtime>::get().required_minimum_stake;
			let stake = report.stake.max(minimum);
			// The stake, plus room for the registration fee and the existential deposit.
			Balances::set_balance(&report.reputer, stake.saturating_add(1_000 * ALLO));
			let staked = Reputers::register(RuntimeOrigin::signed(report.reputer.clone()), topic)
				.and_then(|_| {
					Reputers::add_stake(RuntimeOrigin::signed(report.reputer.clone()), topic, stake)
				});
			if let Err(e) = staked {
				log::error!("benchmark reputer not staked: {e:?}");
			}
			pallet_reputers::LossBundles::<Runtime>::insert(
				key,
				&report.reputer,
				loss_bundle(&report),
			);
		}
		pallet_reputers::LossBundleCount::<Runtime>::insert(key, count);
		if let Some(topic_data) = pallet_topics::Topics::<Runtime>::get(topic) {
			System::set_block_number(topic_data.reputer_window_closes_at(nonce));
		}
	}
}

fn worker_values(values: &WorkerValues<AccountId>) -> Vec<pallet_reputers::WorkerValue<AccountId>> {
	values
		.iter()
		.map(|(worker, value)| pallet_reputers::WorkerValue {
			worker: worker.clone(),
			value: *value,
		})
		.collect()
}

/// A report in the reputers pallet's stored form.
fn loss_bundle(report: &LossReport<AccountId, Balance>) -> pallet_reputers::LossBundleOf<Runtime> {
	let groups: Vec<_> = report
		.one_out_inferer_forecasters
		.iter()
		.map(|(forecaster, values)| pallet_reputers::OneOutInfererForecasterLosses {
			forecaster: forecaster.clone(),
			one_out_inferer_values: BoundedVec::truncate_from(worker_values(values)),
		})
		.collect();
	pallet_reputers::LossBundle {
		combined_value: report.combined,
		naive_value: report.naive,
		inferer_values: BoundedVec::truncate_from(worker_values(&report.inferers)),
		forecaster_values: BoundedVec::truncate_from(worker_values(&report.forecasters)),
		one_out_inferer_values: BoundedVec::truncate_from(worker_values(&report.one_out_inferers)),
		one_out_forecaster_values: BoundedVec::truncate_from(worker_values(
			&report.one_out_forecasters,
		)),
		one_in_forecaster_values: BoundedVec::truncate_from(worker_values(
			&report.one_in_forecasters,
		)),
		one_out_inferer_forecaster_values: BoundedVec::truncate_from(groups),
	}
}

impl frame_system_benchmarking::Config for Runtime {
	fn setup_set_code_requirements(
		code: &alloc::vec::Vec<u8>,
	) -> Result<(), frame_benchmarking::BenchmarkError> {
		ParachainSystem::initialize_for_set_code_benchmark(code.len() as u32);
		Ok(())
	}

	fn verify_set_code() {
		System::assert_last_event(
			cumulus_pallet_parachain_system::Event::<Runtime>::ValidationFunctionStored.into(),
		);
	}
}
