//! The off-chain workers against expected HTTP requests and a recording transaction pool.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{
	config::{Identity, OcwConfig, ReputerEntry, WorkerEntry},
	loss::LossMethod,
	mock::*,
	submit::IN_FLIGHT_BLOCKS,
	NetworkValues,
};
use allora_synthesis::Fixed;
use polkadot_sdk::sp_core::offchain::HttpRequestStatus;

const TOPIC: u64 = 1;
const INFERER: &str = "//Inferer1";
const FORECASTER: &str = "//Forecaster1";
const REPUTER: &str = "//Reputer1";
const INFERENCE_URL: &str = "http://models/inference/{Token}?height={BlockHeight}&topic={TopicId}";
const FORECAST_URL: &str = "http://models/forecast/{Token}?height={BlockHeight}";
const TRUTH_URL: &str = "http://truth/{Token}/{BlockHeight}";

fn fixed(s: &str) -> Fixed {
	Fixed::from_decimal_str(s).unwrap()
}

fn identity(suri: Option<&str>) -> Identity {
	Identity { account: suri.map(|s| account_of(s).into()), register: true, retry_millis: 5_000 }
}

fn inferer_entry() -> WorkerEntry {
	WorkerEntry {
		topic: TOPIC,
		identity: identity(Some(INFERER)),
		inference_endpoint: Some(INFERENCE_URL.into()),
		forecast_endpoint: None,
		response_field: None,
		parameters: vec![(b"Token".to_vec(), b"AAPL".to_vec())],
	}
}

fn forecaster_entry() -> WorkerEntry {
	WorkerEntry {
		identity: identity(Some(FORECASTER)),
		inference_endpoint: None,
		forecast_endpoint: Some(FORECAST_URL.into()),
		..inferer_entry()
	}
}

fn reputer_entry() -> ReputerEntry {
	ReputerEntry {
		topic: TOPIC,
		identity: identity(Some(REPUTER)),
		min_stake: 1_000,
		ground_truth_endpoint: TRUTH_URL.into(),
		response_field: None,
		parameters: vec![(b"Token".to_vec(), b"AAPL".to_vec())],
		loss_service: None,
		loss_options: vec![],
	}
}

fn workers(entries: Vec<WorkerEntry>) -> OcwConfig {
	OcwConfig { workers: entries, reputers: vec![] }
}

/// Topic 1 (mse) with worker nonce 10 open and the given accounts registered as workers.
fn open_window(registered: &[&str]) {
	arrange(|p| {
		p.topics.insert(TOPIC, b"mse".to_vec());
		p.open_worker_nonces.insert(TOPIC, vec![10]);
		for suri in registered {
			p.workers.insert((TOPIC, account_of(suri)));
		}
	});
}

#[test]
fn inferer_submits_one_inference_per_window() {
	let mut t = OcwTest::new(workers(vec![inferer_entry()]), &[INFERER]);
	open_window(&[INFERER]);
	t.expect_get("http://models/inference/AAPL?height=10&topic=1", "123.456\n");
	t.run_block(11);
	let inferer = account_of(INFERER);
	assert_eq!(
		t.take_sent(),
		vec![(
			inferer.clone(),
			0,
			Sent::Submit {
				topic: TOPIC,
				nonce: 10,
				inference: Some(fixed("123.456")),
				forecast: vec![]
			}
		)]
	);

	// Not yet included: the account waits, and nothing is fetched again.
	t.run_block(12);
	assert_eq!(t.take_sent(), vec![]);

	// Included: the chain holds the inference, so the window is done.
	t.include(&inferer, 0);
	arrange(|p| {
		p.inferences.insert((TOPIC, 10, inferer.clone()));
	});
	t.advance_millis(60_000);
	t.run_block(13);
	assert_eq!(t.take_sent(), vec![]);
}

#[test]
fn json_answers_are_read_like_allora_off_chain_nodes_read_them() {
	let cases = [
		("42", None, "42"),
		("\"-7.25\"", None, "-7.25"),
		(r#"{"value": "3.5", "other": 1}"#, Some("value"), "3.5"),
		(r#"{"prediction": 1e2}"#, Some("prediction"), "100"),
	];
	for (body, field, expected) in cases {
		let mut entry = inferer_entry();
		entry.response_field = field.map(|f| f.as_bytes().to_vec());
		let mut t = OcwTest::new(workers(vec![entry]), &[INFERER]);
		open_window(&[INFERER]);
		t.expect_get("http://models/inference/AAPL?height=10&topic=1", body);
		t.run_block(11);
		let sent = t.take_sent();
		assert!(
			matches!(&sent[..], [(_, _, Sent::Submit { inference: Some(v), .. })] if *v == fixed(expected)),
			"{body}: {sent:?}"
		);
	}
}

#[test]
fn bad_model_answers_submit_nothing_and_are_retried_after_loop_seconds() {
	let bodies = [
		"not a number",
		"NaN",
		"inf",
		"-Infinity",
		"",
		"1e400",
		"2000000",
		r#"{"value": 1}"#,
		"[1]",
	];
	for body in bodies {
		let mut t = OcwTest::new(workers(vec![inferer_entry()]), &[INFERER]);
		open_window(&[INFERER]);
		t.expect_get("http://models/inference/AAPL?height=10&topic=1", body);
		t.run_block(11);
		assert_eq!(t.take_sent(), vec![], "{body:?}");

		// Within loopSeconds nothing is asked; after it, the server is asked again.
		t.advance_millis(4_000);
		t.run_block(12);
		t.advance_millis(1_000);
		t.expect_get("http://models/inference/AAPL?height=10&topic=1", "101");
		t.run_block(13);
		assert_eq!(t.take_sent().len(), 1, "{body:?}");
	}
}

#[test]
fn server_errors_timeouts_and_refused_connections_submit_nothing() {
	for status in [
		HttpRequestStatus::Finished(500),
		HttpRequestStatus::DeadlineReached,
		HttpRequestStatus::IoError,
	] {
		let mut t = OcwTest::new(workers(vec![inferer_entry()]), &[INFERER]);
		open_window(&[INFERER]);
		t.faults.fail("http://models/inference/AAPL?height=10&topic=1", status);
		t.run_block(11);
		assert_eq!(t.take_sent(), vec![], "{status:?}");
	}
}

#[test]
fn an_unregistered_worker_registers_then_submits() {
	let mut t = OcwTest::new(workers(vec![inferer_entry()]), &[INFERER]);
	open_window(&[]);
	let inferer = account_of(INFERER);
	t.run_block(11);
	assert_eq!(t.take_sent(), vec![(inferer.clone(), 0, Sent::RegisterWorker(TOPIC))]);

	t.include(&inferer, 0);
	arrange(|p| {
		p.workers.insert((TOPIC, inferer.clone()));
	});
	t.expect_get("http://models/inference/AAPL?height=10&topic=1", "5");
	t.run_block(12);
	let sent = t.take_sent();
	assert!(matches!(&sent[..], [(_, 1, Sent::Submit { nonce: 10, .. })]), "{sent:?}");
}

#[test]
fn forecasts_keep_only_registered_other_inferers_in_range() {
	let mut t = OcwTest::new(workers(vec![forecaster_entry()]), &[FORECASTER]);
	let (a, b, stranger) = (account_of("//A"), account_of("//B"), account_of("//Stranger"));
	open_window(&[FORECASTER, "//A", "//B"]);
	let body = format!(
		r#"{{"{}": "-2.5", "{}": -1.25, "{}": "-3", "{}": "-1", "not-an-address": "1", "0x{}": "9999999"}}"#,
		ss58(&a),
		ss58(&b),
		ss58(&stranger),
		ss58(&account_of(FORECASTER)),
		hex(&b),
	);
	t.expect_get("http://models/forecast/AAPL?height=10", &body);
	t.run_block(11);
	let mut expected = vec![(a, fixed("-2.5")), (b, fixed("-1.25"))];
	expected.sort();
	assert_eq!(
		t.take_sent(),
		vec![(
			account_of(FORECASTER),
			0,
			Sent::Submit { topic: TOPIC, nonce: 10, inference: None, forecast: expected }
		)]
	);
}

fn ss58(who: &AccountId) -> String {
	polkadot_sdk::sp_core::crypto::Ss58Codec::to_ss58check(who)
}

fn hex(who: &AccountId) -> String {
	AsRef::<[u8]>::as_ref(who).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_forecast_that_is_not_an_object_submits_nothing() {
	let mut t = OcwTest::new(workers(vec![forecaster_entry()]), &[FORECASTER]);
	open_window(&[FORECASTER]);
	t.expect_get("http://models/forecast/AAPL?height=10", "[1, 2]");
	t.run_block(11);
	assert_eq!(t.take_sent(), vec![]);
}

#[test]
fn one_account_serving_two_topics_never_has_two_transactions_in_flight() {
	let second = WorkerEntry { topic: 2, ..inferer_entry() };
	let mut t = OcwTest::new(workers(vec![inferer_entry(), second]), &[INFERER]);
	open_window(&[INFERER]);
	arrange(|p| {
		p.topics.insert(2, b"mse".to_vec());
		p.open_worker_nonces.insert(2, vec![10]);
		p.workers.insert((2, account_of(INFERER)));
	});
	let inferer = account_of(INFERER);
	t.expect_get("http://models/inference/AAPL?height=10&topic=1", "1");
	t.run_block(11);
	let sent = t.take_sent();
	assert!(matches!(&sent[..], [(_, 0, Sent::Submit { topic: 1, .. })]), "{sent:?}");

	t.include(&inferer, 0);
	arrange(|p| {
		p.inferences.insert((1, 10, inferer.clone()));
	});
	t.expect_get("http://models/inference/AAPL?height=10&topic=2", "2");
	t.run_block(12);
	let sent = t.take_sent();
	assert!(matches!(&sent[..], [(_, 1, Sent::Submit { topic: 2, .. })]), "{sent:?}");
}

#[test]
fn a_dropped_transaction_is_sent_again_with_the_same_nonce() {
	let mut t = OcwTest::new(workers(vec![inferer_entry()]), &[INFERER]);
	open_window(&[INFERER]);
	t.expect_get("http://models/inference/AAPL?height=10&topic=1", "1");
	t.run_block(11);
	assert_eq!(t.take_sent().len(), 1);

	// The pool dropped it: the chain's nonce never moves; after IN_FLIGHT_BLOCKS it is redone.
	t.advance_millis(60_000);
	t.run_block(11 + u64::from(IN_FLIGHT_BLOCKS) - 1);
	assert_eq!(t.take_sent(), vec![]);
	t.expect_get("http://models/inference/AAPL?height=10&topic=1", "1");
	t.run_block(11 + u64::from(IN_FLIGHT_BLOCKS));
	let sent = t.take_sent();
	assert!(matches!(&sent[..], [(_, 0, Sent::Submit { .. })]), "{sent:?}");
}

#[test]
fn keys_select_the_signer() {
	// No key for the configured account: nothing happens.
	let mut t = OcwTest::new(workers(vec![inferer_entry()]), &["//Someone"]);
	open_window(&[INFERER]);
	t.run_block(11);
	assert_eq!(t.take_sent(), vec![]);

	// No account configured: the only key signs; with two keys, nothing is guessed.
	let anonymous = WorkerEntry { identity: identity(None), ..inferer_entry() };
	let mut t = OcwTest::new(workers(vec![anonymous.clone()]), &[INFERER]);
	open_window(&[INFERER]);
	t.expect_get("http://models/inference/AAPL?height=10&topic=1", "1");
	t.run_block(11);
	assert_eq!(t.take_sent()[0].0, account_of(INFERER));

	let mut t = OcwTest::new(workers(vec![anonymous]), &[INFERER, FORECASTER]);
	open_window(&[INFERER, FORECASTER]);
	t.run_block(11);
	assert_eq!(t.take_sent(), vec![]);
}

#[test]
fn nothing_runs_without_a_config_or_a_topic() {
	let mut t = OcwTest::new(OcwConfig::default(), &[INFERER]);
	open_window(&[INFERER]);
	t.run_block(11);
	assert_eq!(t.take_sent(), vec![]);

	let mut t = OcwTest::new(workers(vec![inferer_entry()]), &[INFERER]);
	t.run_block(11);
	assert_eq!(t.take_sent(), vec![]);
}

// ----- reputers --------------------------------------------------------------------------

fn bundle() -> NetworkValues<AccountId> {
	let (a, b, k) = (account_of("//A"), account_of("//B"), account_of("//K"));
	NetworkValues {
		combined: fixed("101"),
		naive: fixed("102"),
		inferers: vec![(a.clone(), fixed("99")), (b.clone(), fixed("110"))],
		forecast_implied: vec![(k.clone(), fixed("100.5"))],
		one_out_inferers: vec![(a.clone(), fixed("104")), (b.clone(), fixed("100"))],
		one_out_forecasters: vec![(k.clone(), fixed("102"))],
		one_in_forecasters: vec![(k.clone(), fixed("101.5"))],
		one_out_inferer_forecasters: vec![(k, vec![(a, fixed("100.25")), (b, fixed("100.75"))])],
	}
}

fn scoring_nonce() {
	arrange(|p| {
		p.topics.insert(TOPIC, b"mse".to_vec());
		p.open_reputer_nonces.insert(TOPIC, vec![10]);
		p.reputers.insert((TOPIC, account_of(REPUTER)));
		p.stakes.insert((TOPIC, account_of(REPUTER)), 1_000);
		p.network_values.insert((TOPIC, 10), bundle());
	});
}

#[test]
fn reputer_scores_every_network_value_against_the_ground_truth() {
	let config = OcwConfig { workers: vec![], reputers: vec![reputer_entry()] };
	let mut t = OcwTest::new(config, &[REPUTER]);
	scoring_nonce();
	t.expect_get("http://truth/AAPL/10", "100");
	t.run_block(30);
	let expected =
		bundle().try_map(|v| LossMethod::SquaredError.chain_loss(fixed("100"), v)).unwrap();
	// (100 - 101)² = 1 -> 0; (100 - 110)² = 100 -> 2.
	assert_eq!(expected.combined, Fixed::ZERO);
	assert_eq!(expected.inferers[1].1, Fixed::TWO);
	assert_eq!(
		t.take_sent(),
		vec![(
			account_of(REPUTER),
			0,
			Sent::SubmitLosses { topic: TOPIC, nonce: 10, losses: expected }
		)]
	);
}

#[test]
fn reputer_registers_and_stakes_before_scoring() {
	let config = OcwConfig { workers: vec![], reputers: vec![reputer_entry()] };
	let mut t = OcwTest::new(config, &[REPUTER]);
	let reputer = account_of(REPUTER);
	arrange(|p| {
		p.topics.insert(TOPIC, b"mse".to_vec());
	});
	t.run_block(5);
	assert_eq!(t.take_sent(), vec![(reputer.clone(), 0, Sent::RegisterReputer(TOPIC))]);

	t.include(&reputer, 0);
	arrange(|p| {
		p.reputers.insert((TOPIC, reputer.clone()));
		p.stakes.insert((TOPIC, reputer.clone()), 400);
	});
	t.run_block(6);
	assert_eq!(t.take_sent(), vec![(reputer, 1, Sent::AddStake(TOPIC, 600))]);
}

#[test]
fn reputer_without_ground_truth_or_network_inference_submits_nothing() {
	let config = OcwConfig { workers: vec![], reputers: vec![reputer_entry()] };
	let mut t = OcwTest::new(config.clone(), &[REPUTER]);
	scoring_nonce();
	t.faults.fail("http://truth/AAPL/10", HttpRequestStatus::IoError);
	t.run_block(30);
	assert_eq!(t.take_sent(), vec![]);

	let mut t = OcwTest::new(config.clone(), &[REPUTER]);
	scoring_nonce();
	t.expect_get("http://truth/AAPL/10", "garbage");
	t.run_block(30);
	assert_eq!(t.take_sent(), vec![]);

	let mut t = OcwTest::new(config, &[REPUTER]);
	scoring_nonce();
	arrange(|p| {
		p.network_values.clear();
	});
	t.run_block(30);
	assert_eq!(t.take_sent(), vec![]);
}

#[test]
fn reputer_of_an_unknown_loss_method_submits_nothing() {
	let config = OcwConfig { workers: vec![], reputers: vec![reputer_entry()] };
	let mut t = OcwTest::new(config, &[REPUTER]);
	scoring_nonce();
	arrange(|p| {
		p.topics.insert(TOPIC, b"crps".to_vec());
	});
	t.expect_get("http://truth/AAPL/10", "100");
	t.run_block(30);
	assert_eq!(t.take_sent(), vec![]);
}

#[test]
fn reputer_asks_the_loss_function_service_when_one_is_configured() {
	let entry = ReputerEntry {
		loss_service: Some(b"http://loss/".to_vec()),
		loss_options: vec![(b"loss_method".to_vec(), b"sqe".to_vec())],
		..reputer_entry()
	};
	let mut t = OcwTest::new(OcwConfig { workers: vec![], reputers: vec![entry] }, &[REPUTER]);
	scoring_nonce();
	arrange(|p| {
		p.network_values.insert(
			(TOPIC, 10),
			NetworkValues { combined: fixed("101"), naive: fixed("90"), ..Default::default() },
		);
	});
	t.expect_get("http://truth/AAPL/10", "100");
	let options = r#"{"loss_method":"sqe"}"#;
	t.expect_post(
		"http://loss/is_never_negative",
		&format!(r#"{{"options":{options}}}"#),
		r#"{"is_never_negative": true}"#,
	);
	for (prediction, loss) in [("101", "1"), ("90", "100")] {
		t.expect_post(
			"http://loss/calculate",
			&format!(r#"{{"y_true":"100","y_pred":"{prediction}","options":{options}}}"#),
			&format!(r#"{{"loss": "{loss}"}}"#),
		);
	}
	t.run_block(30);
	let sent = t.take_sent();
	let [(_, _, Sent::SubmitLosses { losses, .. })] = &sent[..] else { panic!("{sent:?}") };
	assert_eq!((losses.combined, losses.naive), (Fixed::ZERO, Fixed::TWO));
}
