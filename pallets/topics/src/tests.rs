//! Stories of topics and their epochs. Every test ends with the storage invariants checked, and
//! `run_to_block` checks them after every block too.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{mock::*, *};
use alloc::vec::Vec;
use allora_primitives::{NonceStatus, TopicId, TopicsInterface};
use allora_synthesis::{
	emissions::{drip_fee_revenue, topic_weight},
	EmissionParams, Fixed,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok, assert_storage_noop,
		traits::{fungible::Inspect, Hooks},
		weights::Weight,
		BoundedVec,
	},
	sp_runtime::traits::BadOrigin,
};

/// Stake given to topics that should activate.
const STAKE: u128 = 1_000_000;
/// What `active_topic` funds on top of the creation fee.
const FUNDING: u128 = 25_000;
/// Default creation fee (spec §1.1).
const CREATE_FEE: u128 = 75_000;

fn fx(s: &str) -> Fixed {
	Fixed::from_decimal_str(s).unwrap()
}

fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		TopicsPallet::do_try_state().unwrap();
	});
}

/// Runs the blocks up to `n`, checking the invariants after each.
fn on_initialize(n: u64) -> Weight {
	<TopicsPallet as Hooks<u64>>::on_initialize(n)
}

fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		on_initialize(next);
		TopicsPallet::do_try_state().unwrap();
	}
}

fn topic_params(epoch: u64, window: u64, lag: u64) -> TopicParams<Test> {
	TopicParams {
		metadata: BoundedVec::truncate_from(b"ETH/USD 10 min".to_vec()),
		loss_method: BoundedVec::truncate_from(b"mse".to_vec()),
		epoch_length: epoch,
		ground_truth_lag: lag,
		worker_submission_window: window,
		p_norm: fx("3"),
		alpha_regret: fx("0.1"),
		allow_negative: false,
		epsilon: fx("0.01"),
		merit_sortition_alpha: fx("0.1"),
		active_inferer_quantile: fx("0.2"),
		active_forecaster_quantile: fx("0.2"),
		active_reputer_quantile: fx("0.2"),
	}
}

fn create(creator: u64, epoch: u64, window: u64, lag: u64) -> TopicId {
	let topic = NextTopicId::<Test>::get();
	assert_ok!(TopicsPallet::create_topic(
		RuntimeOrigin::signed(creator),
		topic_params(epoch, window, lag)
	));
	topic
}

/// A topic with stake, funded so it activates now: its first epoch ends at now + E.
fn active_topic(epoch: u64, window: u64, lag: u64) -> TopicId {
	let topic = create(ALICE, epoch, window, lag);
	set_topic_stake(topic, STAKE);
	assert_ok!(TopicsPallet::fund_topic(RuntimeOrigin::signed(BOB), topic, FUNDING));
	assert!(TopicsPallet::is_active(topic));
	topic
}

fn topic_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::TopicsPallet(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn emission_params() -> EmissionParams {
	TopicsPallet::emission_params(&Params::<Test>::get())
}

fn params_with(change: impl FnOnce(&mut ModuleParamsOf<Test>)) -> ModuleParamsOf<Test> {
	let mut params = Params::<Test>::get();
	change(&mut params);
	params
}

fn set_params(change: impl FnOnce(&mut ModuleParamsOf<Test>)) {
	assert_ok!(TopicsPallet::set_params(RuntimeOrigin::root(), params_with(change)));
}

fn balance(who: u64) -> u128 {
	<Balances as Inspect<u64>>::balance(&who)
}

fn worker_status(topic: TopicId, nonce: u64, now: u64) -> NonceStatus {
	TopicsPallet::worker_nonce_status(topic, nonce, now)
}

fn reputer_status(topic: TopicId, nonce: u64, now: u64) -> NonceStatus {
	TopicsPallet::reputer_nonce_status(topic, nonce, now)
}

// ----- genesis and parameters -----------------------------------------------------------------

#[test]
fn genesis_sets_the_spec_defaults_within_the_storage_bounds() {
	run_test(|| {
		let mut expected = ModuleParamsOf::<Test>::spec_defaults();
		// The mock's bounds are below the spec's 100 nonces and 255 bytes.
		expected.max_unfulfilled_worker_requests = 8;
		expected.max_unfulfilled_reputer_requests = 8;
		expected.max_string_length = 64;
		assert_eq!(Params::<Test>::get(), expected);
		assert_eq!(expected.min_topic_weight, 100);
		assert_eq!(expected.min_epoch_length, 12);
		assert_eq!(expected.create_topic_fee, CREATE_FEE);
		assert_eq!(expected.blocks_per_month, 864_000);
		assert_eq!(expected.topic_reward_alpha, fx("0.5"));
		assert_eq!(NextTopicId::<Test>::get(), 1);
	});
}

#[test]
fn genesis_config_round_trips_the_parameters() {
	run_test(|| {
		let params = params_with(|p| {
			p.topic_reward_stake_importance = fx("0.25");
			p.topic_reward_alpha = fx("0.123456789012345678");
			p.min_topic_weight = 10u128.pow(24);
		});
		let genesis = GenesisConfig::<Test>::from_params(&params);
		assert_eq!(genesis.to_params(), params);
	});
}

#[test]
fn admin_sets_params() {
	run_test(|| {
		let params = params_with(|p| {
			p.min_topic_weight = 5;
			p.create_topic_fee = 1;
			p.topic_reward_stake_importance = Fixed::ZERO;
			p.topic_reward_fee_revenue_importance = Fixed::ONE;
		});
		assert_ok!(TopicsPallet::set_params(RuntimeOrigin::root(), params));
		assert_eq!(Params::<Test>::get(), params);
		System::assert_last_event(Event::<Test>::ParamsUpdated { params }.into());
	});
}

#[test]
fn only_the_admin_sets_params() {
	run_test(|| {
		let params = Params::<Test>::get();
		assert_noop!(TopicsPallet::set_params(RuntimeOrigin::signed(ALICE), params), BadOrigin);
	});
}

fn params_rejected(change: impl FnOnce(&mut ModuleParamsOf<Test>), error: Error<Test>) {
	let params = params_with(change);
	assert_noop!(TopicsPallet::set_params(RuntimeOrigin::root(), params), error);
}

#[test]
fn set_params_rejects_each_invalid_value() {
	run_test(|| {
		params_rejected(|p| p.min_epoch_length = 0, Error::<Test>::InvalidMinEpochLength);
		params_rejected(
			|p| p.max_unfulfilled_worker_requests = 0,
			Error::<Test>::InvalidMaxUnfulfilledWorkerRequests,
		);
		params_rejected(
			|p| p.max_unfulfilled_worker_requests = 9,
			Error::<Test>::InvalidMaxUnfulfilledWorkerRequests,
		);
		params_rejected(
			|p| p.max_unfulfilled_reputer_requests = 0,
			Error::<Test>::InvalidMaxUnfulfilledReputerRequests,
		);
		params_rejected(
			|p| p.max_unfulfilled_reputer_requests = 9,
			Error::<Test>::InvalidMaxUnfulfilledReputerRequests,
		);
		params_rejected(
			|p| p.topic_reward_stake_importance = fx("1.000000000000000001"),
			Error::<Test>::InvalidTopicRewardStakeImportance,
		);
		params_rejected(
			|p| p.topic_reward_stake_importance = fx("-0.1"),
			Error::<Test>::InvalidTopicRewardStakeImportance,
		);
		params_rejected(
			|p| p.topic_reward_fee_revenue_importance = fx("1.5"),
			Error::<Test>::InvalidTopicRewardFeeRevenueImportance,
		);
		params_rejected(
			|p| p.topic_reward_fee_revenue_importance = fx("-1"),
			Error::<Test>::InvalidTopicRewardFeeRevenueImportance,
		);
		params_rejected(
			|p| p.topic_reward_alpha = Fixed::ZERO,
			Error::<Test>::InvalidTopicRewardAlpha,
		);
		params_rejected(
			|p| p.topic_reward_alpha = Fixed::ONE,
			Error::<Test>::InvalidTopicRewardAlpha,
		);
		params_rejected(|p| p.max_string_length = 0, Error::<Test>::InvalidMaxStringLength);
		params_rejected(|p| p.max_string_length = 65, Error::<Test>::InvalidMaxStringLength);
		params_rejected(|p| p.blocks_per_month = 0, Error::<Test>::InvalidBlocksPerMonth);
	});
}

// ----- creating topics ------------------------------------------------------------------------

#[test]
fn create_topic_charges_the_fee_and_counts_it_as_revenue() {
	run_test(|| {
		let topic = create(ALICE, 12, 6, 12);
		assert_eq!(topic, 1);
		assert_eq!(balance(ALICE), INITIAL_BALANCE - CREATE_FEE);
		assert_eq!(balance(ECOSYSTEM), 1 + CREATE_FEE);
		assert_eq!(TopicFeeRevenue::<Test>::get(topic), CREATE_FEE);
		System::assert_last_event(
			Event::<Test>::TopicCreated { topic, creator: ALICE, fee: CREATE_FEE }.into(),
		);

		let stored = Topics::<Test>::get(topic).unwrap();
		assert_eq!(stored.creator, ALICE);
		assert_eq!(stored.loss_method.to_vec(), b"mse".to_vec());
		assert_eq!(stored.epoch_length, 12);
		assert_eq!(stored.worker_submission_window, 6);
		assert_eq!(stored.ground_truth_lag, 12);
		assert_eq!(stored.epoch_last_ended, 0);
		assert_eq!(stored.initial_regret, Fixed::ZERO);
		assert_eq!(stored.p_norm, fx("3"));
	});
}

#[test]
fn topic_ids_start_at_one_and_count_up() {
	run_test(|| {
		assert_eq!(create(ALICE, 12, 6, 12), 1);
		assert_eq!(create(BOB, 24, 24, 48), 2);
		assert_eq!(create(ALICE, 12, 1, 96), 3);
		assert_eq!(NextTopicId::<Test>::get(), 4);
		assert!(TopicsPallet::topic_exists(3));
		assert!(!TopicsPallet::topic_exists(0));
		assert!(!TopicsPallet::topic_exists(4));
	});
}

#[test]
fn creating_a_topic_never_activates_it() {
	run_test(|| {
		// Stake that would qualify the next topic, set before it exists.
		set_topic_stake(1, STAKE);
		let topic = create(ALICE, 12, 6, 12);
		assert!(TopicsPallet::current_topic_weight(topic).unwrap() >= 100);
		assert!(!TopicsPallet::is_active(topic));
		assert!(!topic_events().iter().any(|e| matches!(e, Event::<Test>::TopicActivated { .. })));
	});
}

#[test]
fn create_topic_accepts_the_bounds_of_every_range() {
	run_test(|| {
		let mut p = topic_params(12, 12, 96);
		p.p_norm = fx("2.5");
		p.alpha_regret = Fixed::ONE;
		p.epsilon = Fixed::EPSILON;
		p.merit_sortition_alpha = Fixed::ZERO;
		p.active_inferer_quantile = Fixed::ZERO;
		p.active_forecaster_quantile = fx("0.999999999999999999");
		p.active_reputer_quantile = Fixed::ZERO;
		p.metadata = BoundedVec::new();
		assert_ok!(TopicsPallet::create_topic(RuntimeOrigin::signed(ALICE), p.clone()));
		p.p_norm = fx("4.5");
		p.worker_submission_window = 1;
		p.ground_truth_lag = 12;
		assert_ok!(TopicsPallet::create_topic(RuntimeOrigin::signed(ALICE), p));
	});
}

fn rejected(change: impl FnOnce(&mut TopicParams<Test>), error: Error<Test>) {
	let mut p = topic_params(12, 6, 12);
	change(&mut p);
	assert_noop!(TopicsPallet::create_topic(RuntimeOrigin::signed(ALICE), p), error);
}

#[test]
fn create_topic_rejects_each_invalid_field() {
	run_test(|| {
		rejected(|p| p.loss_method = BoundedVec::new(), Error::<Test>::LossMethodEmpty);
		rejected(|p| p.epoch_length = 11, Error::<Test>::EpochLengthTooShort);
		rejected(|p| p.ground_truth_lag = 11, Error::<Test>::GroundTruthLagTooShort);
		// At most max_unfulfilled_reputer_requests (8 here) epochs.
		rejected(|p| p.ground_truth_lag = 97, Error::<Test>::GroundTruthLagTooLong);
		rejected(|p| p.worker_submission_window = 0, Error::<Test>::InvalidWorkerSubmissionWindow);
		rejected(|p| p.worker_submission_window = 13, Error::<Test>::InvalidWorkerSubmissionWindow);
		rejected(|p| p.p_norm = fx("2.49"), Error::<Test>::InvalidPNorm);
		rejected(|p| p.p_norm = fx("4.51"), Error::<Test>::InvalidPNorm);
		rejected(|p| p.alpha_regret = Fixed::ZERO, Error::<Test>::InvalidAlphaRegret);
		rejected(|p| p.alpha_regret = fx("1.01"), Error::<Test>::InvalidAlphaRegret);
		rejected(|p| p.epsilon = Fixed::ZERO, Error::<Test>::InvalidEpsilon);
		rejected(|p| p.epsilon = fx("-0.01"), Error::<Test>::InvalidEpsilon);
		rejected(
			|p| p.merit_sortition_alpha = Fixed::ONE,
			Error::<Test>::InvalidMeritSortitionAlpha,
		);
		rejected(
			|p| p.merit_sortition_alpha = fx("-0.1"),
			Error::<Test>::InvalidMeritSortitionAlpha,
		);
		rejected(
			|p| p.active_inferer_quantile = Fixed::ONE,
			Error::<Test>::InvalidActiveInfererQuantile,
		);
		rejected(
			|p| p.active_forecaster_quantile = fx("-0.5"),
			Error::<Test>::InvalidActiveForecasterQuantile,
		);
		rejected(
			|p| p.active_reputer_quantile = fx("2"),
			Error::<Test>::InvalidActiveReputerQuantile,
		);
	});
}

#[test]
fn create_topic_rejects_strings_longer_than_the_parameter() {
	run_test(|| {
		set_params(|p| p.max_string_length = 3);
		rejected(
			|p| p.loss_method = BoundedVec::truncate_from(b"mse2".to_vec()),
			Error::<Test>::LossMethodTooLong,
		);
		rejected(
			|p| p.metadata = BoundedVec::truncate_from(b"four".to_vec()),
			Error::<Test>::MetadataTooLong,
		);
		rejected(|_| {}, Error::<Test>::MetadataTooLong);
		let mut fits = topic_params(12, 6, 12);
		fits.metadata = BoundedVec::truncate_from(b"abc".to_vec());
		assert_ok!(TopicsPallet::create_topic(RuntimeOrigin::signed(ALICE), fits));
	});
}

#[test]
fn create_topic_needs_the_fee() {
	run_test(|| {
		assert_noop!(
			TopicsPallet::create_topic(RuntimeOrigin::signed(PAUPER), topic_params(12, 6, 12)),
			Error::<Test>::InsufficientBalance
		);
		// A free creation needs no balance.
		set_params(|p| p.create_topic_fee = 0);
		assert_ok!(TopicsPallet::create_topic(
			RuntimeOrigin::signed(PAUPER),
			topic_params(12, 6, 12)
		));
		assert_eq!(TopicFeeRevenue::<Test>::get(1), 0);
	});
}

// ----- funding and activation -------------------------------------------------------------------

#[test]
fn funding_a_staked_topic_activates_it() {
	run_test(|| {
		let topic = create(ALICE, 12, 6, 12);
		set_topic_stake(topic, STAKE);
		let eco_before = balance(ECOSYSTEM);
		assert_ok!(TopicsPallet::fund_topic(RuntimeOrigin::signed(BOB), topic, FUNDING));

		assert_eq!(balance(ECOSYSTEM), eco_before + FUNDING);
		assert_eq!(balance(BOB), INITIAL_BALANCE - FUNDING);
		assert_eq!(TopicFeeRevenue::<Test>::get(topic), CREATE_FEE + FUNDING);
		let weight = topic_weight(STAKE, CREATE_FEE + FUNDING, 12, None, &emission_params());
		assert!(weight >= 100);
		System::assert_has_event(
			Event::<Test>::TopicFunded { topic, funder: BOB, amount: FUNDING }.into(),
		);
		System::assert_last_event(
			Event::<Test>::TopicActivated { topic, weight, next_epoch_end: 13 }.into(),
		);
		assert_eq!(ActiveTopics::<Test>::get(topic), Some(13));
		assert!(Agenda::<Test>::get(13, topic).unwrap().epoch_end);
		// No weight is stored before the first epoch end.
		assert_eq!(TotalActiveTopicWeight::<Test>::get(), 0);
	});
}

#[test]
fn funding_an_unstaked_topic_leaves_it_inactive() {
	run_test(|| {
		let topic = create(ALICE, 12, 6, 12);
		assert_ok!(TopicsPallet::fund_topic(RuntimeOrigin::signed(BOB), topic, 1_000_000));
		System::assert_last_event(
			Event::<Test>::TopicFunded { topic, funder: BOB, amount: 1_000_000 }.into(),
		);
		assert!(!TopicsPallet::is_active(topic));
		assert_eq!(TopicFeeRevenue::<Test>::get(topic), CREATE_FEE + 1_000_000);
	});
}

#[test]
fn funding_an_active_topic_only_adds_revenue() {
	run_test(|| {
		let topic = active_topic(12, 6, 12);
		assert_ok!(TopicsPallet::fund_topic(RuntimeOrigin::signed(CHARLIE), topic, 5));
		System::assert_last_event(
			Event::<Test>::TopicFunded { topic, funder: CHARLIE, amount: 5 }.into(),
		);
		assert_eq!(ActiveTopics::<Test>::get(topic), Some(13));
		assert_eq!(TopicFeeRevenue::<Test>::get(topic), CREATE_FEE + FUNDING + 5);
	});
}

#[test]
fn fund_topic_rejects_zero_unknown_topics_and_unpayable_amounts() {
	run_test(|| {
		let topic = create(ALICE, 12, 6, 12);
		assert_noop!(
			TopicsPallet::fund_topic(RuntimeOrigin::signed(BOB), topic, 0),
			Error::<Test>::ZeroFunding
		);
		assert_noop!(
			TopicsPallet::fund_topic(RuntimeOrigin::signed(BOB), 42, 10),
			Error::<Test>::TopicNotFound
		);
		assert_noop!(
			TopicsPallet::fund_topic(RuntimeOrigin::signed(PAUPER), topic, 10),
			Error::<Test>::InsufficientBalance
		);
		// Keeping the account alive: the whole balance cannot be paid.
		assert_noop!(
			TopicsPallet::fund_topic(RuntimeOrigin::signed(CHARLIE), topic, INITIAL_BALANCE),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn noting_fee_revenue_credits_the_topic_and_activates_it() {
	run_test(|| {
		let topic = create(ALICE, 12, 6, 12);
		TopicsPallet::note_fee_revenue(topic, 10);
		assert_eq!(TopicFeeRevenue::<Test>::get(topic), CREATE_FEE + 10);
		assert!(!TopicsPallet::is_active(topic));
		// A zero amount re-checks activation, e.g. after a stake change.
		set_topic_stake(topic, STAKE);
		TopicsPallet::note_fee_revenue(topic, 0);
		assert!(TopicsPallet::is_active(topic));
		assert_eq!(TopicFeeRevenue::<Test>::get(topic), CREATE_FEE + 10);
		assert_storage_noop!(TopicsPallet::note_fee_revenue(99, 10));
	});
}

// ----- the epoch schedule -----------------------------------------------------------------------

#[test]
fn epoch_end_updates_weight_drips_fees_and_opens_a_worker_nonce() {
	run_test(|| {
		let topic = active_topic(12, 6, 12);
		run_to_block(12);
		assert!(TopicsPallet::unfulfilled_worker_nonces(topic).is_empty());
		run_to_block(13);

		let weight = topic_weight(STAKE, CREATE_FEE + FUNDING, 12, None, &emission_params());
		let fee_revenue = drip_fee_revenue(CREATE_FEE + FUNDING, 12, 864_000);
		assert!(fee_revenue < CREATE_FEE + FUNDING);
		System::assert_has_event(
			Event::<Test>::TopicWeightUpdated { topic, weight, fee_revenue }.into(),
		);
		System::assert_has_event(
			Event::<Test>::WorkerNonceOpened { topic, nonce: 13, window_closes_at: 19 }.into(),
		);
		assert_eq!(TopicFeeRevenue::<Test>::get(topic), fee_revenue);
		assert_eq!(PreviousTopicWeight::<Test>::get(topic), Some(weight));
		assert_eq!(TopicsPallet::active_topic_weight(topic), Some(weight));
		assert_eq!(TopicsPallet::total_active_topic_weight(), weight);
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [13]);
		assert_eq!(ActiveTopics::<Test>::get(topic), Some(25));
		assert_eq!(Topics::<Test>::get(topic).unwrap().epoch_last_ended, 13);

		// The next epoch's weight is an EMA with the stored one.
		run_to_block(25);
		let next = topic_weight(STAKE, fee_revenue, 12, Some(weight), &emission_params());
		assert_eq!(PreviousTopicWeight::<Test>::get(topic), Some(next));
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [13, 25]);
	});
}

#[test]
fn worker_cannot_submit_after_window_closes() {
	run_test(|| {
		let topic = active_topic(12, 6, 12);
		run_to_block(13);
		assert_eq!(worker_status(topic, 13, 12), NonceStatus::Unknown);
		for now in 13..19 {
			assert_eq!(worker_status(topic, 13, now), NonceStatus::Open);
		}
		assert_eq!(worker_status(topic, 13, 19), NonceStatus::WindowClosed);
		assert_eq!(worker_status(topic, 14, 15), NonceStatus::Unknown);
		assert_eq!(worker_status(99, 13, 15), NonceStatus::Unknown);

		run_to_block(18);
		assert!(!topic_events()
			.iter()
			.any(|e| matches!(e, Event::<Test>::WorkerWindowClosed { .. })));
		run_to_block(19);
		System::assert_has_event(Event::<Test>::WorkerWindowClosed { topic, nonce: 13 }.into());
		// Closed but unfulfilled: still listed until the synthesis fulfils it.
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [13]);
	});
}

#[test]
fn window_equal_to_epoch_loses_no_epoch() {
	run_test(|| {
		// W = E: in the reference the window of nonce N was force-closed without data in the
		// block nonce N + E opened (spec §2.3, §9.1).
		let topic = active_topic(12, 12, 12);
		run_to_block(13);
		assert_eq!(worker_status(topic, 13, 24), NonceStatus::Open);
		run_to_block(25);
		assert_eq!(worker_status(topic, 13, 25), NonceStatus::WindowClosed);
		assert_eq!(worker_status(topic, 25, 25), NonceStatus::Open);
		System::assert_has_event(Event::<Test>::WorkerWindowClosed { topic, nonce: 13 }.into());
		System::assert_has_event(
			Event::<Test>::WorkerNonceOpened { topic, nonce: 25, window_closes_at: 37 }.into(),
		);
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [13, 25]);
		// The closed epoch can still be collected.
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 13));
		assert_eq!(TopicsPallet::unfulfilled_reputer_nonces(topic), [13]);
	});
}

#[test]
fn reputer_window_opens_after_the_ground_truth_lag() {
	run_test(|| {
		let topic = active_topic(12, 6, 12);
		run_to_block(19);
		assert_eq!(reputer_status(topic, 13, 25), NonceStatus::Unknown);
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 13));
		System::assert_last_event(Event::<Test>::WorkerNonceFulfilled { topic, nonce: 13 }.into());
		assert!(TopicsPallet::unfulfilled_worker_nonces(topic).is_empty());
		assert_eq!(TopicsPallet::unfulfilled_reputer_nonces(topic), [13]);
		assert_eq!(worker_status(topic, 13, 19), NonceStatus::Unknown);

		assert_eq!(reputer_status(topic, 13, 24), NonceStatus::Unknown);
		for now in 25..37 {
			assert_eq!(reputer_status(topic, 13, now), NonceStatus::Open);
		}
		assert_eq!(reputer_status(topic, 13, 37), NonceStatus::WindowClosed);

		run_to_block(25);
		System::assert_has_event(
			Event::<Test>::ReputerNonceOpened { topic, nonce: 13, window_closes_at: 37 }.into(),
		);
		run_to_block(36);
		assert_noop!(
			TopicsPallet::fulfil_reputer_nonce(topic, 13),
			Error::<Test>::ReputerWindowStillOpen
		);
		run_to_block(37);
		System::assert_has_event(Event::<Test>::ReputerWindowClosed { topic, nonce: 13 }.into());
		assert_ok!(TopicsPallet::fulfil_reputer_nonce(topic, 13));
		System::assert_last_event(Event::<Test>::ReputerNonceFulfilled { topic, nonce: 13 }.into());
		assert!(TopicsPallet::unfulfilled_reputer_nonces(topic).is_empty());
		assert_eq!(reputer_status(topic, 13, 37), NonceStatus::Unknown);
	});
}

#[test]
fn fulfilling_a_worker_nonce_needs_a_closed_window_of_a_listed_nonce() {
	run_test(|| {
		let topic = active_topic(12, 6, 12);
		run_to_block(13);
		assert_noop!(
			TopicsPallet::fulfil_worker_nonce(topic, 13),
			Error::<Test>::WorkerWindowStillOpen
		);
		assert_noop!(
			TopicsPallet::fulfil_worker_nonce(topic, 14),
			Error::<Test>::WorkerNonceNotFound
		);
		assert_noop!(TopicsPallet::fulfil_worker_nonce(77, 13), Error::<Test>::TopicNotFound);
		run_to_block(19);
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 13));
		assert_noop!(
			TopicsPallet::fulfil_worker_nonce(topic, 13),
			Error::<Test>::WorkerNonceNotFound
		);
		assert_noop!(
			TopicsPallet::fulfil_reputer_nonce(topic, 25),
			Error::<Test>::ReputerNonceNotFound
		);
		assert_noop!(TopicsPallet::fulfil_reputer_nonce(77, 13), Error::<Test>::TopicNotFound);
	});
}

#[test]
fn late_worker_fulfilment_reports_the_reputer_window_at_once() {
	run_test(|| {
		let topic = active_topic(12, 6, 12);
		run_to_block(30);
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 13));
		System::assert_last_event(
			Event::<Test>::ReputerNonceOpened { topic, nonce: 13, window_closes_at: 37 }.into(),
		);
		assert_eq!(reputer_status(topic, 13, 30), NonceStatus::Open);
		run_to_block(37);
		System::assert_has_event(Event::<Test>::ReputerWindowClosed { topic, nonce: 13 }.into());
	});
}

#[test]
fn oldest_worker_nonce_is_dropped_at_capacity() {
	run_test(|| {
		set_params(|p| p.max_unfulfilled_worker_requests = 2);
		let topic = active_topic(12, 6, 12);
		run_to_block(25);
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [13, 25]);
		run_to_block(37);
		System::assert_has_event(
			Event::<Test>::NonceDropped {
				topic,
				nonce: 13,
				kind: NonceKind::Worker,
				reason: DropReason::Capacity,
			}
			.into(),
		);
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [25, 37]);
		assert_eq!(worker_status(topic, 13, 37), NonceStatus::Unknown);
	});
}

#[test]
fn oldest_reputer_nonce_is_dropped_at_capacity() {
	run_test(|| {
		set_params(|p| p.max_unfulfilled_reputer_requests = 1);
		let topic = active_topic(12, 6, 12);
		run_to_block(31);
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 13));
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 25));
		System::assert_has_event(
			Event::<Test>::NonceDropped {
				topic,
				nonce: 13,
				kind: NonceKind::Reputer,
				reason: DropReason::Capacity,
			}
			.into(),
		);
		assert_eq!(TopicsPallet::unfulfilled_reputer_nonces(topic), [25]);
	});
}

#[test]
fn stale_nonces_are_pruned() {
	run_test(|| {
		// Reputer nonces below now − ((1 + 1)·12 + 12) = now − 36, worker nonces 12 below that.
		set_params(|p| p.max_unfulfilled_reputer_requests = 1);
		let topic = active_topic(12, 6, 12);
		run_to_block(19);
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 13));
		run_to_block(60);
		assert_eq!(TopicsPallet::unfulfilled_reputer_nonces(topic), [13]);
		run_to_block(61);
		System::assert_has_event(
			Event::<Test>::NonceDropped {
				topic,
				nonce: 13,
				kind: NonceKind::Reputer,
				reason: DropReason::Stale,
			}
			.into(),
		);
		assert!(TopicsPallet::unfulfilled_reputer_nonces(topic).is_empty());
		run_to_block(84);
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [25, 37, 49, 61, 73]);
		run_to_block(85);
		System::assert_has_event(
			Event::<Test>::NonceDropped {
				topic,
				nonce: 25,
				kind: NonceKind::Worker,
				reason: DropReason::Stale,
			}
			.into(),
		);
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [37, 49, 61, 73, 85]);
	});
}

#[test]
fn topic_below_min_weight_is_inactivated_at_its_epoch_end() {
	run_test(|| {
		let topic = active_topic(12, 6, 12);
		set_topic_stake(topic, 0);
		run_to_block(13);
		System::assert_has_event(Event::<Test>::TopicInactivated { topic, weight: 0 }.into());
		assert!(!TopicsPallet::is_active(topic));
		assert!(TopicsPallet::unfulfilled_worker_nonces(topic).is_empty());
		assert_eq!(Agenda::<Test>::get(25, topic), None);
		assert_eq!(PreviousTopicWeight::<Test>::get(topic), Some(0));
		assert_eq!(TotalActiveTopicWeight::<Test>::get(), 0);
		run_to_block(30);
		assert!(TopicsPallet::unfulfilled_worker_nonces(topic).is_empty());

		// Stake returns; the next payment re-activates it one epoch from now.
		set_topic_stake(topic, STAKE);
		TopicsPallet::note_fee_revenue(topic, 0);
		assert_eq!(ActiveTopics::<Test>::get(topic), Some(42));
		run_to_block(42);
		System::assert_has_event(
			Event::<Test>::WorkerNonceOpened { topic, nonce: 42, window_closes_at: 48 }.into(),
		);
	});
}

#[test]
fn total_weight_is_the_sum_over_active_topics() {
	run_test(|| {
		let first = active_topic(12, 6, 12);
		let second = active_topic(24, 6, 24);
		let third = active_topic(12, 6, 12);
		// The third loses its stake before its first epoch end: weight 0, inactivated.
		set_topic_stake(third, 0);
		run_to_block(25);
		assert!(!TopicsPallet::is_active(third));
		let w1 = PreviousTopicWeight::<Test>::get(first).unwrap();
		let w2 = PreviousTopicWeight::<Test>::get(second).unwrap();
		assert_eq!(TotalActiveTopicWeight::<Test>::get(), w1 + w2);
		run_to_block(49);
		let w1 = PreviousTopicWeight::<Test>::get(first).unwrap();
		let w2 = PreviousTopicWeight::<Test>::get(second).unwrap();
		assert_eq!(TotalActiveTopicWeight::<Test>::get(), w1 + w2);
	});
}

#[test]
fn excess_topics_defer_to_the_next_block() {
	run_test(|| {
		// Five topics end an epoch at block 13; the mock processes three entries per block.
		let topics: Vec<TopicId> = (0..5).map(|_| active_topic(12, 6, 12)).collect();
		run_to_block(13);
		let opened_at = |nonce: u64| {
			topic_events()
				.iter()
				.filter(
					|e| matches!(e, Event::<Test>::WorkerNonceOpened { nonce: n, .. } if *n == nonce),
				)
				.count()
		};
		assert_eq!(opened_at(13), 3);
		System::assert_has_event(Event::<Test>::EpochsDeferred { due: 13 }.into());
		assert_eq!(AgendaCursor::<Test>::get(), Some(13));

		run_to_block(14);
		assert_eq!(opened_at(14), 2);
		assert_eq!(AgendaCursor::<Test>::get(), None);
		let mut next_ends: Vec<u64> =
			topics.iter().map(|t| ActiveTopics::<Test>::get(t).unwrap()).collect();
		next_ends.sort();
		assert_eq!(next_ends, [25, 25, 25, 26, 26]);
		for topic in topics {
			assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic).len(), 1);
		}
	});
}

#[test]
fn agenda_weight_counts_processed_entries_and_scanned_blocks() {
	run_test(|| {
		for _ in 0..5 {
			active_topic(12, 6, 12);
		}
		run_to_block(12);
		System::set_block_number(13);
		assert_eq!(on_initialize(13), <() as WeightInfo>::advance_agenda(3, 1));
		System::set_block_number(14);
		// Block 13's last two entries, then block 14 (empty).
		assert_eq!(on_initialize(14), <() as WeightInfo>::advance_agenda(2, 2));
		System::set_block_number(15);
		assert_eq!(on_initialize(15), <() as WeightInfo>::advance_agenda(0, 1));
	});
}

#[test]
fn synthesis_sets_the_initial_regret() {
	run_test(|| {
		let topic = create(ALICE, 12, 6, 12);
		assert_ok!(TopicsPallet::set_initial_regret(topic, fx("-0.75")));
		assert_eq!(Topics::<Test>::get(topic).unwrap().initial_regret, fx("-0.75"));
		System::assert_last_event(
			Event::<Test>::InitialRegretUpdated { topic, initial_regret: fx("-0.75") }.into(),
		);
		assert_noop!(TopicsPallet::set_initial_regret(9, Fixed::ONE), Error::<Test>::TopicNotFound);
	});
}

/// The timeline of spec §2.9 (E = 12, W = 6, G = 12), nonce 100, with the synthesis closing
/// each nonce as soon as its window allows.
#[test]
fn multi_block_lifecycle_follows_the_spec_timeline() {
	run_test(|| {
		run_to_block(88);
		let topic = active_topic(12, 6, 12);
		assert_eq!(ActiveTopics::<Test>::get(topic), Some(100));

		run_to_block(100);
		System::assert_has_event(
			Event::<Test>::WorkerNonceOpened { topic, nonce: 100, window_closes_at: 106 }.into(),
		);
		for now in 100..106 {
			assert_eq!(worker_status(topic, 100, now), NonceStatus::Open);
		}

		run_to_block(106);
		System::assert_has_event(Event::<Test>::WorkerWindowClosed { topic, nonce: 100 }.into());
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 100));
		assert_eq!(reputer_status(topic, 100, 111), NonceStatus::Unknown);

		run_to_block(112);
		System::assert_has_event(
			Event::<Test>::WorkerNonceOpened { topic, nonce: 112, window_closes_at: 118 }.into(),
		);
		System::assert_has_event(
			Event::<Test>::ReputerNonceOpened { topic, nonce: 100, window_closes_at: 124 }.into(),
		);
		for now in 112..124 {
			assert_eq!(reputer_status(topic, 100, now), NonceStatus::Open);
		}

		run_to_block(118);
		assert_ok!(TopicsPallet::fulfil_worker_nonce(topic, 112));

		run_to_block(124);
		System::assert_has_event(Event::<Test>::ReputerWindowClosed { topic, nonce: 100 }.into());
		System::assert_has_event(
			Event::<Test>::WorkerNonceOpened { topic, nonce: 124, window_closes_at: 130 }.into(),
		);
		System::assert_has_event(
			Event::<Test>::ReputerNonceOpened { topic, nonce: 112, window_closes_at: 136 }.into(),
		);
		assert_ok!(TopicsPallet::fulfil_reputer_nonce(topic, 100));
		assert_eq!(TopicsPallet::unfulfilled_worker_nonces(topic), [124]);
		assert_eq!(TopicsPallet::unfulfilled_reputer_nonces(topic), [112]);

		// Three epochs ended; each dripped the fee revenue once.
		let mut revenue = CREATE_FEE + FUNDING;
		for _ in 0..3 {
			revenue = drip_fee_revenue(revenue, 12, 864_000);
		}
		assert_eq!(TopicFeeRevenue::<Test>::get(topic), revenue);
		assert_eq!(Topics::<Test>::get(topic).unwrap().epoch_last_ended, 124);
	});
}
