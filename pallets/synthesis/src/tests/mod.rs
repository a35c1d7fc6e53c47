//! Stories of topic-epochs closing: network inferences stored at the worker close, scores,
//! regrets and rewards at the reputer close, the bounded queue, merit sortition and the
//! parameters. Every test ends with the storage invariants of `do_try_state`.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

/// The simulator's CSV rows replayed through the pallet (test-only, so `f64` is allowed).
mod replay;

use crate::{mock::*, *};
use allora_primitives::{EpochEvents, LossReport, Role, Submissions, WorkerValues};
use allora_synthesis::{
	network_inferences, score_epoch,
	scores::{ema_score, topic_quantile_score},
	synthesis::confidence_interval,
	Fixed, RegretStore, ScoringInput, SynthesisInput, ValueBundle,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, BoundedVec},
	sp_runtime::traits::BadOrigin,
};
use std::collections::BTreeMap;

/// The worker nonce most tests close.
const NONCE: BlockNumber = 10;
const INFERERS: [AccountId; 3] = [1, 2, 3];
const FORECASTERS: [AccountId; 2] = [11, 12];
const REPUTERS: [AccountId; 3] = [21, 22, 23];

fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Synthesis::do_try_state().unwrap();
	});
}

fn close_worker_window(topic: TopicId, nonce: BlockNumber) {
	<Synthesis as EpochEvents<BlockNumber>>::worker_window_closed(topic, nonce);
}

fn close_reputer_window(topic: TopicId, nonce: BlockNumber) {
	<Synthesis as EpochEvents<BlockNumber>>::reputer_window_closed(topic, nonce);
}

/// This pallet's events so far, oldest first.
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Synthesis(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The present values keyed by their accounts.
fn keyed(accounts: &[AccountId], values: &[Option<Fixed>]) -> Vec<(AccountId, Fixed)> {
	accounts.iter().zip(values.iter()).filter_map(|(a, v)| v.map(|v| (*a, v))).collect()
}

/// Three inferers and two forecasters; forecaster 12 also names an unknown inferer (99).
fn epoch_submissions() -> Submissions<AccountId> {
	Submissions {
		inferences: vec![(1, fx("1.0")), (2, fx("1.2")), (3, fx("0.9"))],
		forecasts: vec![
			(11, vec![(1, fx("-3.1")), (2, fx("-2.8")), (3, fx("-2.9"))]),
			(12, vec![(2, fx("-3.0")), (3, fx("-3.3")), (99, fx("-1"))]),
		],
	}
}

/// The inferences of [`epoch_submissions`] by position.
fn epoch_inferences() -> Vec<Fixed> {
	vec![fx("1.0"), fx("1.2"), fx("0.9")]
}

/// The forecasts of [`epoch_submissions`] by position: `[k][j]`.
fn epoch_forecasts() -> Vec<Vec<Option<Fixed>>> {
	vec![
		vec![Some(fx("-3.1")), Some(fx("-2.8")), Some(fx("-2.9"))],
		vec![None, Some(fx("-3.0")), Some(fx("-3.3"))],
	]
}

/// Regrets of the three inferers and two forecasters, some of each family missing.
fn some_regrets(initial_regret: Fixed) -> RegretStore {
	let mut store = RegretStore::new(initial_regret, 3, 2);
	store.inferer = vec![Some(fx("-0.2")), Some(fx("-0.5")), None];
	store.naive_inferer = vec![Some(fx("-0.3")), None, Some(fx("-0.1"))];
	store.forecaster = vec![Some(fx("-0.4")), Some(fx("-0.25"))];
	store.one_in_forecaster_self = vec![None, Some(fx("-0.6"))];
	store.one_out_inferer_inferer[0][1] = Some(fx("-0.35"));
	store.one_out_inferer_inferer[2][0] = Some(fx("-0.15"));
	store.one_out_inferer_forecaster[1][0] = Some(fx("-0.45"));
	store.one_out_forecaster_inferer[0][2] = Some(fx("-0.05"));
	store.one_out_forecaster_forecaster[1][1] = Some(fx("-0.55"));
	store.one_in_forecaster_inferer[1][0] = Some(fx("-0.65"));
	store
}

/// Reputers 21, 22, 23 (stakes 1000, 2000, 1500): the same losses shifted by 0, 0.05, −0.08.
fn epoch_reports() -> Vec<LossReport<AccountId, Balance>> {
	[(21, 1_000, "0"), (22, 2_000, "0.05"), (23, 1_500, "-0.08")]
		.into_iter()
		.map(|(reputer, stake, shift)| {
			let s = fx(shift);
			let v = |x: &str| fx(x).saturating_add(s);
			LossReport {
				reputer,
				stake,
				combined: v("-3.1"),
				naive: v("-2.9"),
				inferers: vec![(1, v("-3.0")), (2, v("-2.6")), (3, v("-2.8"))],
				forecasters: vec![(11, v("-3.2")), (12, v("-3.05"))],
				one_out_inferers: vec![(1, v("-2.85")), (2, v("-3.12")), (3, v("-3.0"))],
				one_out_forecasters: vec![(11, v("-2.95")), (12, v("-3.08"))],
				one_in_forecasters: vec![(11, v("-3.15")), (12, v("-2.98"))],
				one_out_inferer_forecasters: vec![
					(11, vec![(1, v("-3.1")), (2, v("-3.2")), (3, v("-3.15"))]),
					(12, vec![(2, v("-3.0")), (3, v("-3.04"))]),
				],
			}
		})
		.collect()
}

/// [`epoch_reports`] as the maths crate reads them.
fn epoch_bundles() -> Vec<ValueBundle> {
	["0", "0.05", "-0.08"]
		.into_iter()
		.map(|shift| {
			let s = fx(shift);
			let v = |x: &str| Some(fx(x).saturating_add(s));
			let mut b =
				ValueBundle::new(fx("-3.1").saturating_add(s), fx("-2.9").saturating_add(s));
			b.inferer = vec![v("-3.0"), v("-2.6"), v("-2.8")];
			b.forecaster = vec![v("-3.2"), v("-3.05")];
			b.one_out_inferer = vec![v("-2.85"), v("-3.12"), v("-3.0")];
			b.one_out_forecaster = vec![v("-2.95"), v("-3.08")];
			b.one_in_forecaster = vec![v("-3.15"), v("-2.98")];
			b.one_out_inferer_forecaster =
				vec![vec![v("-3.1"), v("-3.2"), v("-3.15")], vec![None, v("-3.0"), v("-3.04")]];
			b
		})
		.collect()
}

/// A topic with R₀ = −1, a previous network loss of −3 and [`some_regrets`] stored, whose
/// worker nonce [`NONCE`] has closed with [`epoch_submissions`].
fn worker_nonce_closed() -> Fixed {
	let initial_regret = fx("-1");
	MockTopics::set_settings(TOPIC, settings(initial_regret));
	LatestNetworkLoss::<Test>::insert(TOPIC, (0u64, fx("-3")));
	Synthesis::store_regrets(TOPIC, &INFERERS, &FORECASTERS, &some_regrets(initial_regret));
	MockWorkers::set(TOPIC, NONCE, epoch_submissions());
	close_worker_window(TOPIC, NONCE);
	next_block();
	initial_regret
}

// ----- worker close ----------------------------------------------------------------------------

#[test]
fn regrets_are_stored_by_account_and_read_back_by_position() {
	run_test(|| {
		let store = some_regrets(fx("-1"));
		Synthesis::store_regrets(TOPIC, &INFERERS, &FORECASTERS, &store);
		assert_eq!(Synthesis::load_regrets(TOPIC, &INFERERS, &FORECASTERS, fx("-1")), store);
		assert_eq!(
			Synthesis::actor_regrets(TOPIC, 1),
			RegretRecord {
				inferer: Some(fx("-0.2")),
				naive_inferer: Some(fx("-0.3")),
				forecaster: None,
				one_in_self: None,
			}
		);
		// another epoch's order: inferer 3 first, inferer 1 absent
		let other = Synthesis::load_regrets(TOPIC, &[3, 2], &[12], fx("-2"));
		assert_eq!(other.inferer, vec![None, Some(fx("-0.5"))]);
		assert_eq!(other.one_out_inferer_inferer, vec![vec![None, None], vec![None, None]]);
		assert_eq!(other.one_in_forecaster_inferer, vec![vec![None, None]]);
		assert_eq!(other.one_in_forecaster_self, vec![Some(fx("-0.6"))]);
		assert_eq!(other.initial_regret, fx("-2"));
	});
}

#[test]
fn worker_close_stores_the_network_inferences_of_a_direct_synthesis() {
	run_test(|| {
		let initial_regret = worker_nonce_closed();

		let inferences = epoch_inferences();
		let forecasts = epoch_forecasts();
		let regrets = some_regrets(initial_regret);
		let maths = Params::<Test>::get().maths_for(&settings(initial_regret));
		let input = SynthesisInput {
			inferences: &inferences,
			forecasts: &forecasts,
			previous_network_loss: Some(fx("-3")),
			regrets: &regrets,
		};
		let want = network_inferences(&input, &maths.synthesis).unwrap();

		let bundle = Synthesis::inference_bundle(TOPIC, NONCE).unwrap();
		assert_eq!(bundle.combined, want.combined);
		assert_eq!(bundle.naive, want.naive);
		assert_eq!(
			bundle.inferers.to_vec(),
			keyed(&INFERERS, &[Some(fx("1.0")), Some(fx("1.2")), Some(fx("0.9"))])
		);
		assert_eq!(bundle.forecast_implied.to_vec(), keyed(&FORECASTERS, &want.forecast_implied));
		assert_eq!(bundle.one_out_inferers.to_vec(), keyed(&INFERERS, &want.one_out_inferer));
		assert_eq!(
			bundle.one_out_forecasters.to_vec(),
			keyed(&FORECASTERS, &want.one_out_forecaster)
		);
		assert_eq!(
			bundle.one_in_forecasters.to_vec(),
			keyed(&FORECASTERS, &want.one_in_forecaster)
		);
		assert_eq!(
			bundle.confidence_interval.to_vec(),
			confidence_interval(&inferences, &want).unwrap()
		);
		// per forecaster, its implied inference without each inferer it names
		let groups = bundle.one_out_inferer_forecasters.to_vec();
		assert_eq!(groups.len(), 2);
		assert_eq!(groups[0].0, 11);
		assert_eq!(groups[0].1.to_vec(), keyed(&INFERERS, &want.forecast_implied_one_out[0]));
		assert_eq!(groups[1].0, 12);
		assert_eq!(
			groups[1].1.to_vec(),
			vec![
				(2, want.forecast_implied_one_out[1][1].unwrap()),
				(3, want.forecast_implied_one_out[1][2].unwrap())
			]
		);

		assert_eq!(Synthesis::latest_inference(TOPIC), Some((NONCE, want.combined)));
		assert_eq!(
			Synthesis::active_sets(TOPIC),
			(INFERERS.to_vec(), FORECASTERS.to_vec(), Vec::new())
		);
		let participants = EpochParticipants::<Test>::get(TOPIC, NONCE).unwrap();
		assert_eq!(participants.inferers.to_vec(), INFERERS.to_vec());
		assert_eq!(participants.forecasters.to_vec(), FORECASTERS.to_vec());
		assert_eq!(MockTopics::fulfilled_worker_nonces(), vec![(TOPIC, NONCE)]);
		assert!(events().contains(&Event::NetworkInferenceStored {
			topic: TOPIC,
			nonce: NONCE,
			combined: want.combined,
			naive: want.naive,
			inferers: 3,
			forecasters: 2,
		}));
	});
}

#[test]
fn history_keeps_the_newest_bundles_of_a_topic() {
	run_test(|| {
		for nonce in [10u64, 20, 30, 40, 50] {
			MockWorkers::set(TOPIC, nonce, epoch_submissions());
			close_worker_window(TOPIC, nonce);
		}
		next_block();
		next_block();
		next_block();

		assert_eq!(InferenceNonces::<Test>::get(TOPIC).to_vec(), vec![30, 40, 50]);
		assert!(Synthesis::inference_bundle(TOPIC, 10).is_none());
		assert!(Synthesis::inference_bundle(TOPIC, 20).is_none());
		assert!(Synthesis::inference_bundle(TOPIC, 30).is_some());
		// no network loss yet: the median of the inferences (spec §3.9)
		assert_eq!(Synthesis::latest_inference(TOPIC), Some((50, fx("1.0"))));
		// at most four nonces wait for scoring: the oldest's participants are dropped
		assert_eq!(UnscoredNonces::<Test>::get(TOPIC).to_vec(), vec![20, 30, 40, 50]);
		assert!(!EpochParticipants::<Test>::contains_key(TOPIC, 10u64));
	});
}

#[test]
fn worker_nonce_without_inferences_is_fulfilled_and_stores_nothing() {
	run_test(|| {
		close_worker_window(TOPIC, NONCE);
		next_block();

		assert!(Synthesis::inference_bundle(TOPIC, NONCE).is_none());
		assert!(Synthesis::latest_inference(TOPIC).is_none());
		assert!(!EpochParticipants::<Test>::contains_key(TOPIC, NONCE));
		assert_eq!(MockTopics::fulfilled_worker_nonces(), vec![(TOPIC, NONCE)]);
		assert!(events().contains(&Event::InferenceSkipped {
			topic: TOPIC,
			nonce: NONCE,
			reason: SkipReason::NoInferences,
		}));
	});
}

#[test]
fn worker_nonce_of_an_unknown_topic_is_still_fulfilled() {
	run_test(|| {
		MockWorkers::set(7, NONCE, epoch_submissions());
		close_worker_window(7, NONCE);
		next_block();

		assert!(Synthesis::inference_bundle(7, NONCE).is_none());
		assert_eq!(MockTopics::fulfilled_worker_nonces(), vec![(7, NONCE)]);
		assert!(events().contains(&Event::InferenceSkipped {
			topic: 7,
			nonce: NONCE,
			reason: SkipReason::UnknownTopic,
		}));
	});
}

// ----- the queue -------------------------------------------------------------------------------

#[test]
fn closes_are_processed_two_per_block_in_order_and_none_is_lost() {
	run_test(|| {
		for nonce in [10u64, 20, 30, 40, 50] {
			close_worker_window(TOPIC, nonce);
		}
		assert_eq!(Synthesis::queued(), 5);

		next_block();
		assert_eq!(MockTopics::fulfilled_worker_nonces(), vec![(TOPIC, 10), (TOPIC, 20)]);
		assert!(events().contains(&Event::WorkDeferred { remaining: 3 }));

		next_block();
		assert_eq!(
			MockTopics::fulfilled_worker_nonces(),
			vec![(TOPIC, 10), (TOPIC, 20), (TOPIC, 30), (TOPIC, 40)]
		);
		assert!(events().contains(&Event::WorkDeferred { remaining: 1 }));

		next_block();
		let all: Vec<(TopicId, BlockNumber)> =
			[10u64, 20, 30, 40, 50].into_iter().map(|nonce| (TOPIC, nonce)).collect();
		assert_eq!(MockTopics::fulfilled_worker_nonces(), all);
		assert_eq!(Synthesis::queued(), 0);
		assert_eq!((QueueHead::<Test>::get(), QueueTail::<Test>::get()), (5, 5));

		next_block();
		assert_eq!(MockTopics::fulfilled_worker_nonces(), all);
	});
}

#[test]
fn worker_and_reputer_closes_share_one_queue() {
	run_test(|| {
		close_reputer_window(TOPIC, 5);
		close_worker_window(TOPIC, 10);
		close_reputer_window(TOPIC, 6);

		next_block();
		assert_eq!(MockTopics::fulfilled_reputer_nonces(), vec![(TOPIC, 5)]);
		assert_eq!(MockTopics::fulfilled_worker_nonces(), vec![(TOPIC, 10)]);

		next_block();
		assert_eq!(MockTopics::fulfilled_reputer_nonces(), vec![(TOPIC, 5), (TOPIC, 6)]);
	});
}

// ----- reputer close ---------------------------------------------------------------------------

#[test]
fn loss_reports_are_laid_out_by_participant_positions() {
	let mut report = epoch_reports()[0].clone();
	// an inferer that did not take part, and a repeated one (the first value counts)
	report.inferers.push((99, fx("-1")));
	report.inferers.push((1, fx("-7")));
	report.one_out_inferer_forecasters.push((98, vec![(1, fx("-1"))]));
	assert_eq!(loss_bundle(&report, &INFERERS, &FORECASTERS), epoch_bundles()[0]);

	// fewer than two inferer losses: the one-out inferer losses are dropped (spec §2.7)
	report.inferers = vec![(2, fx("-2.6"))];
	assert_eq!(loss_bundle(&report, &INFERERS, &FORECASTERS).one_out_inferer, vec![None; 3]);
}

#[test]
fn reputer_close_stores_what_a_direct_scoring_computes() {
	run_test(|| {
		let initial_regret = fx("-1");
		MockTopics::set_settings(TOPIC, settings(initial_regret));
		ListeningCoefficient::<Test>::insert(TOPIC, 22u64, fx("0.8"));
		SmoothedFraction::<Test>::insert((TOPIC, Role::Inferer, 2u64), fx("0.3"));
		ForecasterScoreRatio::<Test>::insert(TOPIC, fx("0.2"));
		let history = vec![fx("0.01"), fx("-0.02"), fx("0.03")];
		let samples: BoundedVec<Fixed, MaxScoreSamples> =
			BoundedVec::truncate_from(history.clone());
		RecentScores::<Test>::insert(TOPIC, Role::Inferer, samples);
		worker_nonce_closed();
		MockReputers::set(TOPIC, NONCE, epoch_reports());

		// the maths crate on the same inputs
		let regrets = Synthesis::load_regrets(TOPIC, &INFERERS, &FORECASTERS, initial_regret);
		assert_eq!(regrets, some_regrets(initial_regret));
		let maths = Params::<Test>::get().maths_for(&settings(initial_regret));
		let bundles = epoch_bundles();
		let want = score_epoch(
			&ScoringInput {
				inferers: 3,
				forecasters: 2,
				bundles: &bundles,
				stakes: &[1_000, 2_000, 1_500],
				coefficients: &[Fixed::ONE, fx("0.8"), Fixed::ONE],
				regrets: &regrets,
				smooth_inferer: &[None, Some(fx("0.3")), None],
				smooth_forecaster: &[None, None],
				smooth_reputer: &[None, None, None],
				previous_ratio: fx("0.2"),
				inferer_history: core::slice::from_ref(&history),
				forecaster_history: &[Vec::new()],
				topic_reward: EPOCH_REWARD,
			},
			&maths,
		)
		.unwrap();

		close_reputer_window(TOPIC, NONCE);
		next_block();

		// regrets of every family, the network loss, coefficients, the score ratio
		assert_eq!(
			Synthesis::load_regrets(TOPIC, &INFERERS, &FORECASTERS, initial_regret),
			want.regrets
		);
		assert_eq!(Synthesis::actor_regrets(TOPIC, 1).inferer, want.regrets.inferer[0]);
		assert_eq!(LatestNetworkLoss::<Test>::get(TOPIC), Some((NONCE, want.losses.combined)));
		for (reputer, coefficient) in
			REPUTERS.iter().zip(want.consensus.listening_coefficients.iter())
		{
			assert_eq!(ListeningCoefficient::<Test>::get(TOPIC, reputer), *coefficient);
		}
		assert_eq!(ForecasterScoreRatio::<Test>::get(TOPIC), want.utility.score_ratio);

		// scores and EMAs (first scores: the EMA is the instant score)
		let alpha = fx("0.1");
		let reputer_scores: Vec<Option<Fixed>> =
			want.consensus.scores.iter().copied().map(Some).collect();
		for (role, accounts, scores) in [
			(Role::Inferer, INFERERS.to_vec(), want.inferer_scores.clone()),
			(Role::Forecaster, FORECASTERS.to_vec(), want.forecaster_scores.clone()),
			(Role::Reputer, REPUTERS.to_vec(), reputer_scores),
		] {
			for (account, score) in accounts.iter().zip(scores.iter()) {
				let instant = score.unwrap();
				let record = Scores::<Test>::get((TOPIC, role, account)).unwrap();
				assert_eq!(
					record,
					ScoreRecord { instant, ema: ema_score(alpha, instant, None), nonce: NONCE }
				);
			}
		}
		assert_eq!(
			Synthesis::actor_scores(TOPIC, 11)[1].map(|s| s.instant),
			want.forecaster_scores[0]
		);
		let inferer_scores: Vec<Fixed> = want.inferer_scores.iter().flatten().copied().collect();
		assert_eq!(
			ScoreQuantile::<Test>::get(TOPIC, Role::Inferer),
			topic_quantile_score(&inferer_scores, fx("0.25"))
		);
		// this epoch's scores come first in the recent samples
		let mut samples = inferer_scores.clone();
		samples.extend(history.iter().copied());
		assert_eq!(RecentScores::<Test>::get(TOPIC, Role::Inferer).to_vec(), samples);

		// smoothed fractions
		for (inferer, fraction) in INFERERS.iter().zip(want.smooth_inferer.iter()) {
			assert_eq!(SmoothedFraction::<Test>::get((TOPIC, Role::Inferer, inferer)), *fraction);
		}
		for (reputer, fraction) in REPUTERS.iter().zip(want.smooth_reputer.iter()) {
			assert_eq!(SmoothedFraction::<Test>::get((TOPIC, Role::Reputer, reputer)), *fraction);
		}

		// the payouts are the crate's per-actor rewards; each role sums to its task total
		let payments = MockRewards::payments();
		assert_eq!(payments.len(), 1);
		let (paid_topic, payouts) = &payments[0];
		assert_eq!(*paid_topic, TOPIC);
		let amount = |role: Role, account: AccountId| {
			payouts.iter().find(|p| p.role == role && p.account == account).map(|p| p.amount)
		};
		for (role, accounts, rewards) in [
			(Role::Inferer, INFERERS.to_vec(), &want.inferer_rewards),
			(Role::Forecaster, FORECASTERS.to_vec(), &want.forecaster_rewards),
			(Role::Reputer, REPUTERS.to_vec(), &want.reputer_rewards),
		] {
			for (account, reward) in accounts.iter().zip(rewards.iter()) {
				assert_eq!(amount(role, *account), reward.filter(|r| *r > 0));
			}
		}
		let total = |role: Role| {
			payouts.iter().filter(|p| p.role == role).map(|p| p.amount).sum::<Balance>()
		};
		assert_eq!(total(Role::Inferer), want.task_rewards.inferers);
		assert_eq!(total(Role::Forecaster), want.task_rewards.forecasters);
		assert_eq!(total(Role::Reputer), want.task_rewards.reputers);
		assert_eq!(payouts.iter().map(|p| p.amount).sum::<Balance>(), EPOCH_REWARD);

		assert_eq!(MockTopics::fulfilled_reputer_nonces(), vec![(TOPIC, NONCE)]);
		assert_eq!(Synthesis::active_sets(TOPIC).2, REPUTERS.to_vec());
		assert!(!EpochParticipants::<Test>::contains_key(TOPIC, NONCE));
		assert!(UnscoredNonces::<Test>::get(TOPIC).is_empty());
		assert!(events().contains(&Event::EpochScored {
			topic: TOPIC,
			nonce: NONCE,
			reward: EPOCH_REWARD,
			paid: EPOCH_REWARD,
			inferers: 3,
			forecasters: 2,
			reputers: 3,
		}));
	});
}

#[test]
fn reputer_nonce_without_reports_pays_nothing_but_is_fulfilled() {
	run_test(|| {
		MockWorkers::set(TOPIC, NONCE, epoch_submissions());
		close_worker_window(TOPIC, NONCE);
		close_reputer_window(TOPIC, NONCE);
		next_block();

		assert!(MockRewards::payments().is_empty());
		assert_eq!(MockTopics::fulfilled_reputer_nonces(), vec![(TOPIC, NONCE)]);
		assert!(!EpochParticipants::<Test>::contains_key(TOPIC, NONCE));
		assert!(Scores::<Test>::iter().next().is_none());
		assert!(events().contains(&Event::ScoringSkipped {
			topic: TOPIC,
			nonce: NONCE,
			reason: SkipReason::NoLossReports,
		}));
	});
}

#[test]
fn epoch_without_reward_is_scored_and_pays_nothing() {
	run_test(|| {
		MockRewards::set_reward(0);
		worker_nonce_closed();
		MockReputers::set(TOPIC, NONCE, epoch_reports());
		close_reputer_window(TOPIC, NONCE);
		next_block();

		// merit still counts: scores and regrets are stored
		assert!(Synthesis::actor_scores(TOPIC, 1)[0].is_some());
		assert_eq!(LatestNetworkLoss::<Test>::get(TOPIC).map(|(nonce, _)| nonce), Some(NONCE));
		let payments = MockRewards::payments();
		assert!(payments.iter().all(|(_, payouts)| payouts.is_empty()));
		assert!(events().contains(&Event::EpochScored {
			topic: TOPIC,
			nonce: NONCE,
			reward: 0,
			paid: 0,
			inferers: 3,
			forecasters: 2,
			reputers: 3,
		}));
	});
}

#[test]
fn reputer_nonce_without_a_worker_close_pays_nothing_but_is_fulfilled() {
	run_test(|| {
		MockReputers::set(TOPIC, NONCE, epoch_reports());
		close_reputer_window(TOPIC, NONCE);
		next_block();

		assert!(MockRewards::payments().is_empty());
		assert_eq!(MockTopics::fulfilled_reputer_nonces(), vec![(TOPIC, NONCE)]);
		assert!(events().contains(&Event::ScoringSkipped {
			topic: TOPIC,
			nonce: NONCE,
			reason: SkipReason::NoParticipants,
		}));
	});
}

// ----- merit sortition -------------------------------------------------------------------------

fn set_ema(role: Role, account: AccountId, ema: &str) {
	Scores::<Test>::insert(
		(TOPIC, role, account),
		ScoreRecord { instant: fx(ema), ema: fx(ema), nonce: 0u64 },
	);
}

#[test]
fn sortition_keeps_the_inferers_with_the_highest_ema_scores() {
	run_test(|| {
		let mut params = Params::<Test>::get();
		params.max_top_inferers = 2;
		assert_ok!(Synthesis::set_params(RuntimeOrigin::root(), Box::new(params)));
		set_ema(Role::Inferer, 1, "0.5");
		set_ema(Role::Inferer, 2, "0.1");
		set_ema(Role::Inferer, 3, "0.9");
		MockWorkers::set(TOPIC, NONCE, epoch_submissions());
		close_worker_window(TOPIC, NONCE);
		next_block();

		assert_eq!(ActiveInferers::<Test>::get(TOPIC).to_vec(), vec![1, 3]);
		let bundle = Synthesis::inference_bundle(TOPIC, NONCE).unwrap();
		let inferers: Vec<AccountId> = bundle.inferers.iter().map(|(a, _)| *a).collect();
		assert_eq!(inferers, vec![1, 3]);
		let participants = EpochParticipants::<Test>::get(TOPIC, NONCE).unwrap();
		assert_eq!(participants.inferers.to_vec(), vec![1, 3]);
		// both forecasts still name an active inferer
		assert_eq!(participants.forecasters.to_vec(), FORECASTERS.to_vec());
	});
}

#[test]
fn sortition_keeps_the_reputers_with_the_highest_ema_scores() {
	run_test(|| {
		let mut params = Params::<Test>::get();
		params.max_top_reputers = 2;
		assert_ok!(Synthesis::set_params(RuntimeOrigin::root(), Box::new(params)));
		set_ema(Role::Reputer, 21, "0.1");
		set_ema(Role::Reputer, 22, "0.5");
		set_ema(Role::Reputer, 23, "0.3");
		worker_nonce_closed();
		MockReputers::set(TOPIC, NONCE, epoch_reports());
		close_reputer_window(TOPIC, NONCE);
		next_block();

		assert_eq!(ActiveReputers::<Test>::get(TOPIC).to_vec(), vec![22, 23]);
		let (_, payouts) = MockRewards::payments().pop().unwrap();
		assert!(payouts.iter().filter(|p| p.role == Role::Reputer).all(|p| p.account != 21));
	});
}

// ----- a simulated topic -----------------------------------------------------------------------

/// A small deterministic generator for test data.
struct Lcg(u64);

impl Lcg {
	/// Uniform in [0, 1).
	fn unit(&mut self) -> f64 {
		self.0 =
			self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
		(self.0 >> 11) as f64 / (1u64 << 53) as f64
	}
	/// −1 or 1.
	fn sign(&mut self) -> f64 {
		if self.unit() < 0.5 {
			-1.0
		} else {
			1.0
		}
	}
}

fn f(v: f64) -> Fixed {
	Fixed::from_f64(v).unwrap()
}

/// 24 epochs of a topic whose three inferers miss a hidden truth by about 0.02, 0.2 and 0.6;
/// forecaster 11 knows their expected squared errors, forecaster 12 guesses; three reputers
/// report squared errors (raw losses, the `allow_negative` convention of spec §0.3).
#[test]
fn a_simulated_topic_learns_who_is_good_and_pays_them() {
	run_test(|| {
		let mut topic_settings = settings(Fixed::ZERO);
		topic_settings.allow_negative = true;
		MockTopics::set_settings(TOPIC, topic_settings);
		let inferers = [(1u64, 0.02f64), (2, 0.2), (3, 0.6)];
		let reputers = [(21u64, 1_000u128), (22, 2_000), (23, 1_500)];
		let mut rng = Lcg(7);
		let mut inferer_rewards: BTreeMap<AccountId, Balance> = BTreeMap::new();

		for epoch in 1..=24u64 {
			let nonce = epoch * 10;
			let truth = 10.0 * rng.unit() - 5.0;
			let mut inferences: WorkerValues<AccountId> = Vec::new();
			for (inferer, spread) in inferers {
				let error = rng.sign() * spread * (0.75 + 0.5 * rng.unit());
				inferences.push((inferer, f(truth + error)));
			}
			let knows: WorkerValues<AccountId> =
				inferers.iter().map(|(w, spread)| (*w, f(spread * spread * 0.6))).collect();
			let guesses: WorkerValues<AccountId> =
				inferers.iter().map(|(w, _)| (*w, f(0.1))).collect();
			let forecasts = vec![(11, knows), (12, guesses)];
			MockWorkers::set(TOPIC, nonce, Submissions { inferences, forecasts });
			close_worker_window(TOPIC, nonce);
			next_block();

			let bundle = Synthesis::inference_bundle(TOPIC, nonce).expect("stored every epoch");
			assert_eq!(Synthesis::latest_inference(TOPIC), Some((nonce, bundle.combined)));

			let reports: Vec<LossReport<AccountId, Balance>> = reputers
				.iter()
				.enumerate()
				.map(|(i, (reputer, stake))| {
					let scale = 1.0 + 0.02 * i as f64;
					let loss = |x: &Fixed| f((x.to_f64() - truth).powi(2) * scale);
					let values = |list: &[(AccountId, Fixed)]| -> WorkerValues<AccountId> {
						list.iter().map(|(a, v)| (*a, loss(v))).collect()
					};
					LossReport {
						reputer: *reputer,
						stake: *stake,
						combined: loss(&bundle.combined),
						naive: loss(&bundle.naive),
						inferers: values(bundle.inferers.as_slice()),
						forecasters: values(bundle.forecast_implied.as_slice()),
						one_out_inferers: values(bundle.one_out_inferers.as_slice()),
						one_out_forecasters: values(bundle.one_out_forecasters.as_slice()),
						one_in_forecasters: values(bundle.one_in_forecasters.as_slice()),
						one_out_inferer_forecasters: bundle
							.one_out_inferer_forecasters
							.iter()
							.map(|(k, list)| (*k, values(list.as_slice())))
							.collect(),
					}
				})
				.collect();
			MockReputers::set(TOPIC, nonce, reports);
			close_reputer_window(TOPIC, nonce);
			next_block();

			let payments = MockRewards::payments();
			assert_eq!(payments.len() as u64, epoch, "epoch {epoch} was not paid");
			let (_, payouts) = payments.last().unwrap();
			assert_eq!(payouts.iter().map(|p| p.amount).sum::<Balance>(), EPOCH_REWARD);
			for payout in payouts.iter().filter(|p| p.role == Role::Inferer) {
				*inferer_rewards.entry(payout.account).or_default() += payout.amount;
			}
		}

		let ema = |inferer: AccountId| Synthesis::actor_scores(TOPIC, inferer)[0].unwrap().ema;
		assert!(ema(1) > ema(2), "{:?} vs {:?}", ema(1), ema(2));
		assert!(ema(1) > ema(3), "{:?} vs {:?}", ema(1), ema(3));
		assert!(inferer_rewards[&1] > inferer_rewards[&2], "{inferer_rewards:?}");
		assert!(inferer_rewards[&1] > inferer_rewards[&3], "{inferer_rewards:?}");
		// after 1/α_regret paid epochs R₀ is learnt: the topic left all-inferers-new mode
		assert_ne!(MockTopics::initial_regret(TOPIC), Some(Fixed::ZERO));
		assert!(events().iter().any(|e| matches!(e, Event::InitialRegretUpdated { .. })));
	});
}

// ----- parameters ------------------------------------------------------------------------------

#[test]
fn default_active_sets_are_cut_to_the_storage_bounds() {
	let defaults = EpochParams::default();
	assert_eq!(
		(defaults.max_top_inferers, defaults.max_top_forecasters, defaults.max_top_reputers),
		(256, 64, 64)
	);
	run_test(|| {
		let params = Params::<Test>::get();
		assert_eq!(
			(params.max_top_inferers, params.max_top_forecasters, params.max_top_reputers),
			(MAX_INFERERS, MAX_FORECASTERS, MAX_REPUTERS)
		);
		assert_eq!(params.synthesis, allora_synthesis::SynthesisParams::default());
	});
}

#[test]
fn admin_sets_params() {
	run_test(|| {
		let mut params = Params::<Test>::get();
		params.max_top_forecasters = 1;
		params.rewards.task_reward_alpha = fx("0.2");
		assert_ok!(Synthesis::set_params(RuntimeOrigin::root(), Box::new(params)));
		assert_eq!(Params::<Test>::get(), params);
		System::assert_last_event(Event::<Test>::ParamsUpdated { params }.into());
	});
}

#[test]
fn only_the_admin_sets_params() {
	run_test(|| {
		assert_noop!(
			Synthesis::set_params(RuntimeOrigin::signed(1), Box::new(Params::<Test>::get())),
			BadOrigin
		);
	});
}

#[test]
fn params_out_of_bounds_are_refused_with_named_errors() {
	run_test(|| {
		let defaults = Params::<Test>::get();
		let refused = |change: fn(&mut EpochParams), error: Error<Test>| {
			let mut params = defaults;
			change(&mut params);
			assert_noop!(Synthesis::set_params(RuntimeOrigin::root(), Box::new(params)), error);
		};
		refused(|p| p.max_top_inferers = 0, Error::EmptyActiveSet);
		refused(|p| p.max_top_reputers = 0, Error::EmptyActiveSet);
		refused(|p| p.max_top_inferers = MAX_INFERERS + 1, Error::TooManyTopInferers);
		refused(|p| p.max_top_forecasters = MAX_FORECASTERS + 1, Error::TooManyTopForecasters);
		refused(|p| p.max_top_reputers = MAX_REPUTERS + 1, Error::TooManyTopReputers);
		refused(|p| p.synthesis.initial_regret_quantile = fx("1.5"), Error::InvalidQuantile);
		refused(|p| p.synthesis.epsilon_safe_div = Fixed::ZERO, Error::NonPositiveEpsilon);
		refused(|p| p.consensus.epsilon_reputer = fx("-0.01"), Error::NonPositiveEpsilon);
		refused(|p| p.consensus.learning_rate = Fixed::ZERO, Error::NonPositiveLearningRate);
		refused(|p| p.consensus.min_stake_fraction = fx("2"), Error::InvalidStakeFraction);
		refused(|p| p.rewards.p_reward_reputer = Fixed::ZERO, Error::NonPositiveRewardExponent);
		refused(|p| p.rewards.task_reward_alpha = fx("-0.1"), Error::InvalidSmoothingAlpha);
		refused(
			|p| p.rewards.max_samples_to_scale_scores = MAX_SCORE_SAMPLES + 1,
			Error::TooManyScoreSamples,
		);
		// zero forecasters is a valid choice
		let mut params = defaults;
		params.max_top_forecasters = 0;
		assert_ok!(Synthesis::set_params(RuntimeOrigin::root(), Box::new(params)));
	});
}
