//! Stories of workers joining topics and submitting inferences and forecasts. Every test ends
//! with the pallet's storage invariants (`run_test`).

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec},
	sp_runtime::DispatchError,
};

const TOPIC: TopicId = 1;
const NONCE: BlockNumber = 1;
const WINDOW: BlockNumber = 3;

fn fx(s: &str) -> Fixed {
	Fixed::from_decimal_str(s).unwrap()
}

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn forecast(elements: &[(AccountId, &str)]) -> ForecastOf<Test> {
	let elements: Vec<ForecastElement<AccountId>> = elements
		.iter()
		.map(|(inferer, value)| ForecastElement { inferer: *inferer, value: fx(value) })
		.collect();
	BoundedVec::try_from(elements).unwrap()
}

fn workers_event(event: Event<Test>) -> RuntimeEvent {
	RuntimeEvent::Workers(event)
}

/// Topic `TOPIC` with `workers` registered and worker nonce `NONCE` open for `WINDOW` blocks.
fn setup(workers: &[AccountId]) {
	create_topic(TOPIC);
	for worker in workers {
		assert_ok!(Workers::register(signed(*worker), TOPIC, None));
	}
	open_worker_nonce(TOPIC, NONCE, WINDOW);
}

fn set_params(params: WorkerParamsOf<Test>) {
	assert_ok!(Workers::set_params(RuntimeOrigin::root(), params));
}

// ----- genesis and configuration ------------------------------------------------------------

#[test]
fn genesis_sets_the_spec_default_params() {
	run_test(|| {
		let params = Params::<Test>::get();
		assert_eq!(params.registration_fee, REGISTRATION_FEE);
		assert_eq!(params.data_sending_fee, DATA_SENDING_FEE);
		assert_eq!(params.max_elements_per_forecast, 12);
		assert_eq!(params.max_abs_value, MAX_ABS_VALUE_CEILING);
		assert_eq!(MAX_ABS_VALUE_CEILING, Fixed::from_u64(MAX_ABS_VALUE_UNITS));
		assert_eq!(MAX_ABS_VALUE_UNITS, 10u64.pow(15));
		assert_eq!(params, WorkerParams::default());
	});
}

#[test]
fn integrity_test_accepts_the_mock_bounds() {
	run_test(|| {
		<Workers as Hooks<BlockNumber>>::integrity_test();
	});
}

// ----- registration ---------------------------------------------------------------------------

#[test]
fn worker_registers_by_paying_the_registration_fee() {
	run_test(|| {
		create_topic(TOPIC);
		assert_ok!(Workers::register(signed(1), TOPIC, None));

		assert_eq!(
			TopicWorkers::<Test>::get(TOPIC, 1),
			Some(WorkerInfo { owner: 1, registered_at: 1 })
		);
		assert_eq!(TopicWorkerCount::<Test>::get(TOPIC), 1);
		assert!(Workers::is_registered(TOPIC, &1));
		assert_eq!(Balances::free_balance(1), INITIAL_BALANCE - REGISTRATION_FEE);
		assert_eq!(Balances::free_balance(ECOSYSTEM), 1 + REGISTRATION_FEE);
		assert_eq!(fee_revenue(TOPIC), REGISTRATION_FEE);
		System::assert_last_event(workers_event(Event::WorkerRegistered {
			topic: TOPIC,
			worker: 1,
			owner: 1,
			fee: REGISTRATION_FEE,
		}));
	});
}

#[test]
fn worker_registers_on_behalf_of_an_owner() {
	run_test(|| {
		create_topic(TOPIC);
		assert_ok!(Workers::register(signed(2), TOPIC, Some(7)));

		assert_eq!(Workers::owner_of(TOPIC, &2), Some(7));
		// The worker pays, not the owner.
		assert_eq!(Balances::free_balance(2), INITIAL_BALANCE - REGISTRATION_FEE);
		assert_eq!(Balances::free_balance(7), INITIAL_BALANCE);
		System::assert_last_event(workers_event(Event::WorkerRegistered {
			topic: TOPIC,
			worker: 2,
			owner: 7,
			fee: REGISTRATION_FEE,
		}));
	});
}

#[test]
fn worker_cannot_register_in_an_unknown_topic() {
	run_test(|| {
		assert_noop!(Workers::register(signed(1), 9, None), Error::<Test>::TopicNotFound);
	});
}

#[test]
fn worker_cannot_register_twice_in_a_topic() {
	run_test(|| {
		setup(&[1]);
		assert_noop!(Workers::register(signed(1), TOPIC, None), Error::<Test>::AlreadyRegistered);
	});
}

#[test]
fn worker_registers_separately_in_each_topic() {
	run_test(|| {
		create_topic(1);
		create_topic(2);
		assert_ok!(Workers::register(signed(1), 1, None));
		assert_ok!(Workers::register(signed(1), 2, None));
		assert_eq!(TopicWorkerCount::<Test>::get(1), 1);
		assert_eq!(TopicWorkerCount::<Test>::get(2), 1);
		assert_eq!(fee_revenue(2), REGISTRATION_FEE);
	});
}

#[test]
fn registration_fails_without_the_fee() {
	run_test(|| {
		create_topic(TOPIC);
		assert_noop!(Workers::register(signed(777), TOPIC, None), Error::<Test>::CannotPayFee);
	});
}

#[test]
fn registrations_are_bounded_per_topic_and_leaving_frees_a_slot() {
	run_test(|| {
		create_topic(TOPIC);
		for worker in 1..=u64::from(MAX_WORKERS) {
			assert_ok!(Workers::register(signed(worker), TOPIC, None));
		}
		let newcomer = u64::from(MAX_WORKERS) + 1;
		assert_noop!(
			Workers::register(signed(newcomer), TOPIC, None),
			Error::<Test>::TooManyWorkers
		);

		assert_ok!(Workers::unregister(signed(3), TOPIC));
		assert_ok!(Workers::register(signed(newcomer), TOPIC, None));
		assert_eq!(TopicWorkerCount::<Test>::get(TOPIC), MAX_WORKERS);
		// Leaving refunds nothing.
		assert_eq!(Balances::free_balance(3), INITIAL_BALANCE - REGISTRATION_FEE);
	});
}

#[test]
fn worker_unregisters_without_refund() {
	run_test(|| {
		setup(&[1, 2]);
		assert_ok!(Workers::unregister(signed(1), TOPIC));

		assert!(!Workers::is_registered(TOPIC, &1));
		assert_eq!(TopicWorkerCount::<Test>::get(TOPIC), 1);
		assert_eq!(Balances::free_balance(1), INITIAL_BALANCE - REGISTRATION_FEE);
		System::assert_last_event(workers_event(Event::WorkerUnregistered {
			topic: TOPIC,
			worker: 1,
		}));

		assert_ok!(Workers::unregister(signed(2), TOPIC));
		assert!(!TopicWorkerCount::<Test>::contains_key(TOPIC));
	});
}

#[test]
fn only_registered_workers_can_unregister() {
	run_test(|| {
		setup(&[1]);
		assert_noop!(Workers::unregister(signed(2), TOPIC), Error::<Test>::NotRegistered);
		assert_noop!(Workers::unregister(signed(1), 9), Error::<Test>::NotRegistered);
	});
}

// ----- submissions: success -------------------------------------------------------------------

#[test]
fn worker_submits_an_inference_while_the_window_is_open() {
	run_test(|| {
		setup(&[1, 2]);
		let ecosystem_before = Balances::free_balance(ECOSYSTEM);
		let revenue_before = fee_revenue(TOPIC);

		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, Some(fx("-3.25")), None));

		assert_eq!(Inferences::<Test>::get((TOPIC, NONCE), 1), Some(fx("-3.25")));
		assert_eq!(
			Workers::submission_count(TOPIC, NONCE),
			SubmissionCount { inferences: 1, forecasts: 0 }
		);
		assert_eq!(Balances::free_balance(ECOSYSTEM), ecosystem_before + DATA_SENDING_FEE);
		assert_eq!(
			Balances::free_balance(1),
			INITIAL_BALANCE - REGISTRATION_FEE - DATA_SENDING_FEE
		);
		assert_eq!(fee_revenue(TOPIC), revenue_before + DATA_SENDING_FEE);
		System::assert_last_event(workers_event(Event::InferenceSubmitted {
			topic: TOPIC,
			nonce: NONCE,
			worker: 1,
			value: fx("-3.25"),
		}));
	});
}

#[test]
fn worker_submits_on_the_last_block_of_the_window() {
	run_test(|| {
		setup(&[1]);
		run_to_block(NONCE + WINDOW - 1);
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, Some(fx("1")), None));
	});
}

#[test]
fn forecast_is_stored_sorted_by_inferer() {
	run_test(|| {
		setup(&[1, 2, 3, 4]);
		let submitted = forecast(&[(3, "-1.5"), (1, "-2"), (2, "-0.5")]);
		assert_ok!(Workers::submit(signed(4), TOPIC, NONCE, None, Some(submitted)));

		let stored = Forecasts::<Test>::get((TOPIC, NONCE), 4).unwrap();
		assert_eq!(stored, forecast(&[(1, "-2"), (2, "-0.5"), (3, "-1.5")]));
		assert_eq!(
			Workers::submission_count(TOPIC, NONCE),
			SubmissionCount { inferences: 0, forecasts: 1 }
		);
		System::assert_last_event(workers_event(Event::ForecastSubmitted {
			topic: TOPIC,
			nonce: NONCE,
			worker: 4,
			elements: 3,
		}));
	});
}

#[test]
fn one_payload_carries_an_inference_and_a_forecast_for_one_fee() {
	run_test(|| {
		setup(&[1, 2]);
		let ecosystem_before = Balances::free_balance(ECOSYSTEM);

		assert_ok!(Workers::submit(
			signed(2),
			TOPIC,
			NONCE,
			Some(fx("0.75")),
			Some(forecast(&[(1, "-4")]))
		));

		assert_eq!(Balances::free_balance(ECOSYSTEM), ecosystem_before + DATA_SENDING_FEE);
		assert_eq!(
			Workers::submission_count(TOPIC, NONCE),
			SubmissionCount { inferences: 1, forecasts: 1 }
		);
		System::assert_has_event(workers_event(Event::InferenceSubmitted {
			topic: TOPIC,
			nonce: NONCE,
			worker: 2,
			value: fx("0.75"),
		}));
		System::assert_last_event(workers_event(Event::ForecastSubmitted {
			topic: TOPIC,
			nonce: NONCE,
			worker: 2,
			elements: 1,
		}));
	});
}

#[test]
fn worker_may_send_its_inference_and_its_forecast_separately() {
	run_test(|| {
		setup(&[1, 2]);
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, Some(fx("2")), None));
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, None, Some(forecast(&[(2, "-1")]))));
		assert_eq!(
			Workers::submission_count(TOPIC, NONCE),
			SubmissionCount { inferences: 1, forecasts: 1 }
		);
		assert_eq!(fee_revenue(TOPIC), 2 * REGISTRATION_FEE + 2 * DATA_SENDING_FEE);
	});
}

#[test]
fn values_at_the_bound_are_accepted() {
	run_test(|| {
		setup(&[1, 2]);
		let ceiling = MAX_ABS_VALUE_CEILING;
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, Some(ceiling.saturating_neg()), None));
		let element = ForecastElement { inferer: 1, value: ceiling };
		let at_bound: ForecastOf<Test> = BoundedVec::try_from(vec![element]).unwrap();
		assert_ok!(Workers::submit(signed(2), TOPIC, NONCE, Some(ceiling), Some(at_bound)));
	});
}

#[test]
fn no_fee_is_taken_when_fees_are_zero() {
	run_test(|| {
		set_params(WorkerParams {
			registration_fee: 0,
			data_sending_fee: 0,
			..WorkerParams::default()
		});
		setup(&[1]);
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, Some(fx("1")), None));
		assert_eq!(Balances::free_balance(1), INITIAL_BALANCE);
		assert_eq!(Balances::free_balance(ECOSYSTEM), 1);
		assert_eq!(fee_revenue(TOPIC), 0);
	});
}

// ----- submissions: every rejection -----------------------------------------------------------

#[test]
fn empty_payload_is_rejected() {
	run_test(|| {
		setup(&[1]);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, None, None),
			Error::<Test>::EmptyPayload
		);
	});
}

#[test]
fn worker_cannot_submit_to_an_unknown_topic() {
	run_test(|| {
		setup(&[1]);
		assert_noop!(
			Workers::submit(signed(1), 9, NONCE, Some(fx("1")), None),
			Error::<Test>::TopicNotFound
		);
	});
}

#[test]
fn worker_cannot_submit_for_a_nonce_that_never_opened() {
	run_test(|| {
		setup(&[1]);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE + 5, Some(fx("1")), None),
			Error::<Test>::UnknownNonce
		);
	});
}

#[test]
fn worker_cannot_submit_after_window_closes() {
	run_test(|| {
		setup(&[1]);
		run_to_block(NONCE + WINDOW);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, Some(fx("1")), None),
			Error::<Test>::WindowClosed
		);
	});
}

#[test]
fn worker_cannot_submit_once_the_nonce_is_fulfilled() {
	run_test(|| {
		setup(&[1]);
		fulfil_worker_nonce(TOPIC, NONCE);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, Some(fx("1")), None),
			Error::<Test>::UnknownNonce
		);
	});
}

#[test]
fn unregistered_worker_cannot_submit() {
	run_test(|| {
		setup(&[1]);
		assert_noop!(
			Workers::submit(signed(2), TOPIC, NONCE, Some(fx("1")), None),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn worker_cannot_submit_two_inferences_for_one_nonce() {
	run_test(|| {
		setup(&[1]);
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, Some(fx("1")), None));
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, Some(fx("2")), None),
			Error::<Test>::InferenceAlreadySubmitted
		);
	});
}

#[test]
fn worker_cannot_submit_two_forecasts_for_one_nonce() {
	run_test(|| {
		setup(&[1, 2]);
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, None, Some(forecast(&[(2, "-1")]))));
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, None, Some(forecast(&[(2, "-2")]))),
			Error::<Test>::ForecastAlreadySubmitted
		);
		// A payload repeating the forecast is refused whole, its new inference included.
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, Some(fx("3")), Some(forecast(&[(2, "-2")]))),
			Error::<Test>::ForecastAlreadySubmitted
		);
	});
}

#[test]
fn empty_forecast_is_rejected() {
	run_test(|| {
		setup(&[1]);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, None, Some(forecast(&[]))),
			Error::<Test>::EmptyForecast
		);
	});
}

#[test]
fn forecast_cannot_exceed_max_elements_per_forecast() {
	run_test(|| {
		set_params(WorkerParams { max_elements_per_forecast: 2, ..WorkerParams::default() });
		setup(&[1, 2, 3, 4]);
		assert_noop!(
			Workers::submit(
				signed(4),
				TOPIC,
				NONCE,
				None,
				Some(forecast(&[(1, "1"), (2, "1"), (3, "1")]))
			),
			Error::<Test>::TooManyForecastElements
		);
		assert_ok!(Workers::submit(
			signed(4),
			TOPIC,
			NONCE,
			None,
			Some(forecast(&[(1, "1"), (2, "1")]))
		));
	});
}

#[test]
fn forecast_must_name_registered_inferers() {
	run_test(|| {
		setup(&[1, 2]);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, None, Some(forecast(&[(2, "1"), (9, "1")]))),
			Error::<Test>::InfererNotRegistered
		);
	});
}

#[test]
fn forecaster_cannot_forecast_itself() {
	run_test(|| {
		setup(&[1, 2]);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, None, Some(forecast(&[(2, "1"), (1, "1")]))),
			Error::<Test>::SelfForecast
		);
	});
}

#[test]
fn forecast_cannot_name_an_inferer_twice() {
	run_test(|| {
		setup(&[1, 2, 3]);
		assert_noop!(
			Workers::submit(
				signed(1),
				TOPIC,
				NONCE,
				None,
				Some(forecast(&[(2, "1"), (3, "1"), (2, "5")]))
			),
			Error::<Test>::DuplicateForecastElement
		);
	});
}

#[test]
fn values_beyond_max_abs_value_are_rejected() {
	run_test(|| {
		setup(&[1, 2]);
		let too_big = MAX_ABS_VALUE_CEILING.saturating_add(Fixed::EPSILON);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, Some(too_big), None),
			Error::<Test>::ValueOutOfRange
		);
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, Some(too_big.saturating_neg()), None),
			Error::<Test>::ValueOutOfRange
		);
		let element = ForecastElement { inferer: 2, value: too_big };
		let out_of_range: ForecastOf<Test> = BoundedVec::try_from(vec![element]).unwrap();
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, None, Some(out_of_range)),
			Error::<Test>::ValueOutOfRange
		);

		// A tighter bound set by the admin applies at once.
		set_params(WorkerParams { max_abs_value: fx("100"), ..WorkerParams::default() });
		assert_noop!(
			Workers::submit(signed(1), TOPIC, NONCE, Some(fx("100.5")), None),
			Error::<Test>::ValueOutOfRange
		);
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, Some(fx("-100")), None));
	});
}

#[test]
fn submission_fails_without_the_data_sending_fee() {
	run_test(|| {
		setup(&[1]);
		// POOR holds the registration fee plus the existential deposit plus 5.
		assert_ok!(Workers::register(signed(POOR), TOPIC, None));
		assert_noop!(
			Workers::submit(signed(POOR), TOPIC, NONCE, Some(fx("1")), None),
			Error::<Test>::CannotPayFee
		);
	});
}

#[test]
fn submissions_per_nonce_are_bounded_even_when_workers_rotate() {
	run_test(|| {
		let workers: Vec<AccountId> = (1..=u64::from(MAX_WORKERS)).collect();
		setup(&workers);
		for worker in &workers {
			assert_ok!(Workers::submit(signed(*worker), TOPIC, NONCE, Some(fx("1")), None));
		}
		// A worker leaves and a newcomer takes its slot: the nonce is still full.
		let newcomer = u64::from(MAX_WORKERS) + 1;
		assert_ok!(Workers::unregister(signed(1), TOPIC));
		assert_ok!(Workers::register(signed(newcomer), TOPIC, None));
		assert_noop!(
			Workers::submit(signed(newcomer), TOPIC, NONCE, Some(fx("1")), None),
			Error::<Test>::SubmissionsFull
		);
		// Forecasts are counted separately.
		assert_ok!(Workers::submit(
			signed(newcomer),
			TOPIC,
			NONCE,
			None,
			Some(forecast(&[(2, "1")]))
		));
	});
}

// ----- handing submissions to the epoch driver --------------------------------------------------

#[test]
fn take_submissions_returns_them_sorted_by_account_and_prunes_them() {
	run_test(|| {
		setup(&[1, 2, 3, 4, 5]);
		for (worker, value) in [(5, "5"), (3, "3"), (1, "1")] {
			assert_ok!(Workers::submit(signed(worker), TOPIC, NONCE, Some(fx(value)), None));
		}
		assert_ok!(Workers::submit(
			signed(4),
			TOPIC,
			NONCE,
			None,
			Some(forecast(&[(5, "-5"), (1, "-1")]))
		));
		assert_ok!(Workers::submit(signed(2), TOPIC, NONCE, None, Some(forecast(&[(3, "-3")]))));

		let (inferences, forecasts) = Workers::take_submissions(TOPIC, NONCE);

		assert_eq!(inferences, vec![(1, fx("1")), (3, fx("3")), (5, fx("5"))]);
		assert_eq!(
			forecasts,
			vec![(2, vec![(3, fx("-3"))]), (4, vec![(1, fx("-1")), (5, fx("-5"))])]
		);
		System::assert_last_event(workers_event(Event::SubmissionsPruned {
			topic: TOPIC,
			nonce: NONCE,
			inferences: 3,
			forecasts: 2,
		}));
		assert_eq!(Inferences::<Test>::iter_prefix((TOPIC, NONCE)).count(), 0);
		assert_eq!(Forecasts::<Test>::iter_prefix((TOPIC, NONCE)).count(), 0);
		assert!(!SubmissionCounts::<Test>::contains_key(TOPIC, NONCE));

		// Nothing left: empty lists and no second event.
		let events = System::events().len();
		let (inferences, forecasts) = Workers::take_submissions(TOPIC, NONCE);
		assert!(inferences.is_empty() && forecasts.is_empty());
		assert_eq!(System::events().len(), events);
	});
}

#[test]
fn prune_nonce_discards_the_submissions_of_one_nonce_only() {
	run_test(|| {
		setup(&[1, 2]);
		open_worker_nonce(TOPIC, NONCE + 1, WINDOW);
		run_to_block(NONCE + 1);
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE, Some(fx("1")), None));
		assert_ok!(Workers::submit(signed(1), TOPIC, NONCE + 1, Some(fx("2")), None));

		Workers::prune_nonce(TOPIC, NONCE);

		assert_eq!(Workers::submission_count(TOPIC, NONCE), SubmissionCount::default());
		assert_eq!(
			Workers::submission_count(TOPIC, NONCE + 1),
			SubmissionCount { inferences: 1, forecasts: 0 }
		);
		System::assert_last_event(workers_event(Event::SubmissionsPruned {
			topic: TOPIC,
			nonce: NONCE,
			inferences: 1,
			forecasts: 0,
		}));
	});
}

#[test]
fn worker_who_leaves_keeps_its_accepted_submissions() {
	run_test(|| {
		setup(&[1, 2]);
		assert_ok!(Workers::register(signed(3), TOPIC, Some(30)));
		assert_ok!(Workers::submit(signed(3), TOPIC, NONCE, Some(fx("1")), None));
		assert_eq!(Workers::owner_of(TOPIC, &3), Some(30));
		assert_ok!(Workers::unregister(signed(3), TOPIC));

		assert_eq!(Workers::owner_of(TOPIC, &3), None);
		let (inferences, _) = Workers::take_submissions(TOPIC, NONCE);
		assert_eq!(inferences, vec![(3, fx("1"))]);
	});
}

// ----- parameters -----------------------------------------------------------------------------

#[test]
fn admin_sets_params() {
	run_test(|| {
		let params = WorkerParams {
			registration_fee: 1_000,
			data_sending_fee: 1,
			max_elements_per_forecast: MAX_ELEMENTS,
			max_abs_value: fx("1e6"),
		};
		assert_ok!(Workers::set_params(RuntimeOrigin::root(), params.clone()));
		assert_eq!(Params::<Test>::get(), params);
		System::assert_last_event(workers_event(Event::ParamsUpdated { params }));

		create_topic(TOPIC);
		assert_ok!(Workers::register(signed(1), TOPIC, None));
		assert_eq!(fee_revenue(TOPIC), 1_000);
	});
}

#[test]
fn only_the_admin_sets_params() {
	run_test(|| {
		assert_noop!(
			Workers::set_params(signed(1), WorkerParams::default()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn max_elements_per_forecast_must_be_within_its_bound() {
	run_test(|| {
		for max_elements_per_forecast in [0, MAX_ELEMENTS + 1] {
			assert_noop!(
				Workers::set_params(
					RuntimeOrigin::root(),
					WorkerParams { max_elements_per_forecast, ..WorkerParams::default() }
				),
				Error::<Test>::InvalidMaxElementsPerForecast
			);
		}
		set_params(WorkerParams { max_elements_per_forecast: 1, ..WorkerParams::default() });
	});
}

#[test]
fn max_abs_value_must_be_positive_and_within_the_ceiling() {
	run_test(|| {
		let too_big = MAX_ABS_VALUE_CEILING.saturating_add(Fixed::EPSILON);
		for max_abs_value in [Fixed::ZERO, fx("-1"), too_big] {
			assert_noop!(
				Workers::set_params(
					RuntimeOrigin::root(),
					WorkerParams { max_abs_value, ..WorkerParams::default() }
				),
				Error::<Test>::InvalidMaxAbsValue
			);
		}
		set_params(WorkerParams { max_abs_value: Fixed::EPSILON, ..WorkerParams::default() });
	});
}

// ----- a whole epoch, block by block ------------------------------------------------------------

#[test]
fn epochs_collect_their_own_submissions_over_several_blocks() {
	run_test(|| {
		// Block 1: the topic exists and three workers join.
		create_topic(TOPIC);
		for worker in [1, 2, 3] {
			assert_ok!(Workers::register(signed(worker), TOPIC, None));
		}

		// Block 10: the epoch ends and worker nonce 10 opens for 3 blocks.
		run_to_block(10);
		open_worker_nonce(TOPIC, 10, 3);
		assert_ok!(Workers::submit(signed(1), TOPIC, 10, Some(fx("0.5")), None));

		// Block 11: worker 2 infers and forecasts worker 1's loss.
		run_to_block(11);
		assert_ok!(Workers::submit(
			signed(2),
			TOPIC,
			10,
			Some(fx("0.7")),
			Some(forecast(&[(1, "-2.5")]))
		));

		// Block 12 (last of the window): worker 3 only forecasts.
		run_to_block(12);
		assert_ok!(Workers::submit(
			signed(3),
			TOPIC,
			10,
			None,
			Some(forecast(&[(2, "-1"), (1, "-3")]))
		));

		// Block 13: the window has closed; the next epoch's nonce opens.
		run_to_block(13);
		assert_noop!(
			Workers::submit(signed(3), TOPIC, 10, Some(fx("1")), None),
			Error::<Test>::WindowClosed
		);
		open_worker_nonce(TOPIC, 13, 3);
		assert_ok!(Workers::submit(signed(3), TOPIC, 13, Some(fx("0.9")), None));

		// The epoch driver closes nonce 10 and takes its data.
		fulfil_worker_nonce(TOPIC, 10);
		let (inferences, forecasts) = Workers::take_submissions(TOPIC, 10);
		assert_eq!(inferences, vec![(1, fx("0.5")), (2, fx("0.7"))]);
		assert_eq!(
			forecasts,
			vec![(2, vec![(1, fx("-2.5"))]), (3, vec![(1, fx("-3")), (2, fx("-1"))])]
		);
		assert_noop!(
			Workers::submit(signed(3), TOPIC, 10, Some(fx("1")), None),
			Error::<Test>::UnknownNonce
		);

		// Nonce 13 is untouched.
		assert_eq!(
			Workers::submission_count(TOPIC, 13),
			SubmissionCount { inferences: 1, forecasts: 0 }
		);
		// Fees: three registrations and four payloads.
		assert_eq!(fee_revenue(TOPIC), 3 * REGISTRATION_FEE + 4 * DATA_SENDING_FEE);
	});
}

// ----- invariants -------------------------------------------------------------------------------

#[test]
fn try_state_catches_inconsistent_storage() {
	new_test_ext().execute_with(|| {
		setup(&[1, 2]);
		assert_ok!(Workers::do_try_state());

		// A submission nobody counted.
		Inferences::<Test>::insert((TOPIC, NONCE), 9, Fixed::ONE);
		assert!(Workers::do_try_state().is_err());
		Inferences::<Test>::remove((TOPIC, NONCE), 9);

		// A worker count that disagrees with the registrations.
		TopicWorkerCount::<Test>::insert(TOPIC, 5);
		assert!(Workers::do_try_state().is_err());
		TopicWorkerCount::<Test>::insert(TOPIC, 2);

		// A forecast that names its forecaster.
		let selfish = forecast(&[(1, "1")]);
		Forecasts::<Test>::insert((TOPIC, NONCE), 1, selfish);
		SubmissionCounts::<Test>::insert(
			TOPIC,
			NONCE,
			SubmissionCount { inferences: 0, forecasts: 1 },
		);
		assert!(Workers::do_try_state().is_err());
		Forecasts::<Test>::remove((TOPIC, NONCE), 1);
		SubmissionCounts::<Test>::remove(TOPIC, NONCE);

		assert_ok!(Workers::do_try_state());
	});
}
