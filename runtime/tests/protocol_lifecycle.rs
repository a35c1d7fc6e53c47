//! The prediction network's lifecycle through the real runtime, from the `development` preset:
//! a topic is created, staked, activated, worked on and reputed for four epochs; then its
//! reputer unstakes after the three-week delay and its delegator claims a reward.
//!
//! Blocks are driven by hand. Each block clears the events, sets the block number and runs the
//! `on_initialize` hooks of the protocol pallets in the runtime's order (Reputers, Topics,
//! Workers, Emissions, Synthesis). `AllPalletsWithSystem::on_initialize` is not used: the other pallets' hooks
//! (parachain system, aura, session, collator selection, message queue) expect the parachain
//! inherent, slot digests and an unbroken chain, none of which this story has (it even jumps
//! 302,400 blocks ahead), and the protocol pallets read none of their state.
//!
//! The synthesis pallet does its part in the same hooks: when a worker window closes it stores
//! the network inference and fulfils the worker nonce (which creates the reputer nonce); when a
//! reputer window closes it scores the epoch and fulfils the reputer nonce. The emission
//! schedule is switched off (a maximum monthly yield of 0) so that stakes and the treasury move
//! only by what this story does; the e2e suite and the synthesis pallet's simulation cover
//! paid rewards.
//!
//! The pallets' `do_try_state` is compiled only for `test` or `try-runtime`, and an integration
//! test of the runtime is neither: it runs only with `--features try-runtime`. The invariants
//! the story relies on are asserted directly as well.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

mod common;

use allora_runtime::{
	genesis::{PROTOCOL_TREASURY, REMOVE_STAKE_DELAY},
	AccountId, Balance, Balances, BlockNumber, Reputers, Runtime, RuntimeEvent, Synthesis, System,
	Topics, Workers, ALLO, DAYS, EXISTENTIAL_DEPOSIT,
};
use allora_synthesis::Fixed;
use common::{development_preset_chain, dispatch, free, held, start_block};
use pallet_reputers::{
	HoldReason, LossBundleSubmission, OneOutInfererForecasterSubmission, WorkerValue,
};
use pallet_workers::ForecastElement;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{traits::AccountIdConversion, DispatchResult},
};

type TopicsEvent = pallet_topics::Event<Runtime>;
type WorkersEvent = pallet_workers::Event<Runtime>;
type ReputersEvent = pallet_reputers::Event<Runtime>;
type WorkersError = pallet_workers::Error<Runtime>;
type ReputersError = pallet_reputers::Error<Runtime>;

/// E: blocks between epochs.
const EPOCH: BlockNumber = 12;
/// G: blocks until an epoch's ground truth is known.
const LAG: BlockNumber = 12;
/// W: blocks during which workers submit for an epoch.
const WINDOW: BlockNumber = 6;
/// The block of the setup, where the topic activates.
const ACTIVATION_BLOCK: BlockNumber = 1;
/// The first epoch ends one epoch length after activation: the first worker nonce.
const FIRST_NONCE: BlockNumber = ACTIVATION_BLOCK + EPOCH;
/// The last block the story runs block by block: worker nonces 13, 25, 37, 49 go through
/// their whole window, reputer nonces 13, 25, 37 through theirs.
const LAST_BLOCK: BlockNumber = FIRST_NONCE + 4 * EPOCH;

/// Charlie's own stake.
const STAKE: Balance = 1_000 * ALLO;
/// What Dave delegates to Charlie.
const DELEGATION: Balance = 100 * ALLO;
/// What Alice pays toward the topic.
const FUNDING: Balance = 100 * ALLO;
/// The part of his stake Charlie removes.
const REMOVED: Balance = 400 * ALLO;
/// The reward deposited for Charlie's delegators.
const DELEGATOR_REWARD: Balance = 10 * ALLO;

/// Bob's and Eve's inferences are these many hundredths, plus the nonce.
const BOB_CENTS: i128 = 254_125;
const EVE_CENTS: i128 = 253_950;

/// The development accounts of the story, each funded with 1,000,000 ALLO by the preset.
struct Accounts {
	/// Creates and funds the topic.
	alice: AccountId,
	/// A worker: an inference in the first block of every window.
	bob: AccountId,
	/// The reputer, with stake.
	charlie: AccountId,
	/// Delegates stake to Charlie.
	dave: AccountId,
	/// A worker: an inference and a forecast in the last block of every window.
	eve: AccountId,
	/// A reputer without stake.
	ferdie: AccountId,
}

impl Accounts {
	fn new() -> Self {
		Self {
			alice: Sr25519Keyring::Alice.to_account_id(),
			bob: Sr25519Keyring::Bob.to_account_id(),
			charlie: Sr25519Keyring::Charlie.to_account_id(),
			dave: Sr25519Keyring::Dave.to_account_id(),
			eve: Sr25519Keyring::Eve.to_account_id(),
			ferdie: Sr25519Keyring::Ferdie.to_account_id(),
		}
	}
}

// ----- the chain ---------------------------------------------------------------------------

/// The `development` preset with the emission schedule switched off (see the module docs).
fn development_chain() -> TestExternalities {
	let mut chain = development_preset_chain();
	chain.execute_with(|| {
		pallet_emissions::Params::<Runtime>::mutate(|p| {
			p.maximum_monthly_percentage_yield = Fixed::ZERO;
		});
	});
	chain
}

/// Starts block `n` after a jump of the block number: only the stake-removal queue runs (the
/// topic's agenda is not driven across the jump; its story has ended).
fn start_block_after_the_jump(n: BlockNumber) {
	System::reset_events();
	System::set_block_number(n);
	<Reputers as Hooks<BlockNumber>>::on_initialize(n);
}

/// Where every protocol fee goes.
fn ecosystem() -> AccountId {
	<Runtime as pallet_topics::Config>::EcosystemAccount::get()
}

fn is_active(topic: u64) -> bool {
	pallet_topics::ActiveTopics::<Runtime>::contains_key(topic)
}

fn topic_events() -> Vec<TopicsEvent> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Topics(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn reputer_events() -> Vec<ReputersEvent> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Reputers(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The events of the block that open and close nonces and their windows, in emission order.
fn schedule_events() -> Vec<TopicsEvent> {
	topic_events()
		.into_iter()
		.filter(|event| {
			matches!(
				event,
				TopicsEvent::WorkerNonceOpened { .. }
					| TopicsEvent::WorkerWindowClosed { .. }
					| TopicsEvent::ReputerNonceOpened { .. }
					| TopicsEvent::ReputerWindowClosed { .. }
					| TopicsEvent::NonceDropped { .. }
			)
		})
		.collect()
}

// ----- the expected schedule ---------------------------------------------------------------

/// Whether an epoch of the topic ends at `block`, opening worker nonce `block`.
fn is_nonce(block: BlockNumber) -> bool {
	block.checked_sub(FIRST_NONCE).is_some_and(|since| since.is_multiple_of(EPOCH))
}

/// The worker nonce `blocks` before `block`, if there is one.
fn nonce_before(block: BlockNumber, blocks: BlockNumber) -> Option<BlockNumber> {
	block.checked_sub(blocks).filter(|nonce| is_nonce(*nonce))
}

/// Every worker nonce opened up to `block`.
fn nonces_up_to(block: BlockNumber) -> impl Iterator<Item = BlockNumber> {
	(FIRST_NONCE..=block).step_by(usize::try_from(EPOCH).unwrap())
}

/// The unfulfilled worker nonces at the end of `block`: the test fulfils each nonce as soon
/// as its window closes, so only a nonce whose window is open is listed.
fn expected_worker_nonces(block: BlockNumber) -> Vec<BlockNumber> {
	nonces_up_to(block).filter(|nonce| block < nonce + WINDOW).collect()
}

/// The unfulfilled reputer nonces at the end of `block`: each exists from its worker nonce's
/// fulfilment (N + W) until the test fulfils it when its window closes (N + G + E).
fn expected_reputer_nonces(block: BlockNumber) -> Vec<BlockNumber> {
	nonces_up_to(block)
		.filter(|nonce| (nonce + WINDOW..nonce + LAG + EPOCH).contains(&block))
		.collect()
}

/// The schedule events `block` must emit, in the order the agenda processes them.
fn expected_schedule(topic: u64, block: BlockNumber) -> Vec<TopicsEvent> {
	let mut expected = Vec::new();
	if let Some(nonce) = nonce_before(block, WINDOW) {
		expected.push(TopicsEvent::WorkerWindowClosed { topic, nonce });
	}
	if let Some(nonce) = nonce_before(block, LAG + EPOCH) {
		expected.push(TopicsEvent::ReputerWindowClosed { topic, nonce });
	}
	if let Some(nonce) = nonce_before(block, LAG) {
		let window_closes_at = nonce + LAG + EPOCH;
		expected.push(TopicsEvent::ReputerNonceOpened { topic, nonce, window_closes_at });
	}
	if is_nonce(block) {
		let window_closes_at = block + WINDOW;
		expected.push(TopicsEvent::WorkerNonceOpened { topic, nonce: block, window_closes_at });
	}
	expected
}

// ----- what the actors send ----------------------------------------------------------------

fn fx(numerator: i128, denominator: i128) -> Fixed {
	Fixed::from_rational(numerator, denominator).unwrap()
}

fn bob_inference(nonce: BlockNumber) -> Fixed {
	fx(BOB_CENTS + i128::from(nonce), 100)
}

fn eve_inference(nonce: BlockNumber) -> Fixed {
	fx(EVE_CENTS + i128::from(nonce), 100)
}

/// Eve's forecast of the loss of Bob's inference.
fn eve_forecast_of_bob() -> Fixed {
	fx(-32, 10)
}

/// The combined loss in Charlie's bundles.
fn combined_loss() -> Fixed {
	fx(-31, 10)
}

/// ETH/USD in 10 minutes: epochs of 12 blocks, ground truth 12 blocks later, workers submit
/// during the first 6 blocks of an epoch.
fn eth_usd_topic() -> pallet_topics::TopicParams<Runtime> {
	common::mse_topic("ETH/USD in 10 minutes", EPOCH, LAG, WINDOW)
}

fn submit(
	worker: &AccountId,
	topic: u64,
	nonce: BlockNumber,
	inference: Fixed,
	forecast: Option<pallet_workers::ForecastOf<Runtime>>,
) -> DispatchResult {
	let inference = Some(inference);
	dispatch(worker, pallet_workers::Call::<Runtime>::submit { topic, nonce, inference, forecast })
}

/// Charlie's losses: Bob and Eve as inferers, Eve as forecaster.
fn loss_bundle(a: &Accounts) -> LossBundleSubmission<AccountId> {
	let value = |worker: &AccountId, tenths: i128| WorkerValue {
		worker: worker.clone(),
		value: fx(tenths, 10),
	};
	LossBundleSubmission {
		combined_value: combined_loss(),
		naive_value: fx(-29, 10),
		inferer_values: vec![value(&a.bob, -30), value(&a.eve, -25)],
		forecaster_values: vec![value(&a.eve, -32)],
		one_out_inferer_values: vec![value(&a.bob, -28), value(&a.eve, -31)],
		one_out_forecaster_values: vec![value(&a.eve, -30)],
		one_in_forecaster_values: vec![value(&a.eve, -31)],
		one_out_inferer_forecaster_values: vec![OneOutInfererForecasterSubmission {
			forecaster: a.eve.clone(),
			one_out_inferer_values: vec![value(&a.bob, -31)],
		}],
	}
}

fn submit_losses(
	a: &Accounts,
	reputer: &AccountId,
	topic: u64,
	nonce: BlockNumber,
) -> DispatchResult {
	let bundle = Box::new(loss_bundle(a));
	dispatch(reputer, pallet_reputers::Call::<Runtime>::submit_losses { topic, nonce, bundle })
}

/// `(account, value)` pairs ascending by account, the order the pallets hand lists out in.
fn by_account<V>(mut list: Vec<(AccountId, V)>) -> Vec<(AccountId, V)> {
	list.sort_by(|(x, _), (y, _)| x.cmp(y));
	list
}

// ----- the story ---------------------------------------------------------------------------

/// Steps 1–3, all in block 1: Alice creates the topic, Charlie registers and stakes, Dave
/// delegates to Charlie (his stake activates the topic), Bob and Eve register as workers, Alice
/// funds it, and Ferdie registers as a reputer without stake. Returns the topic
/// and the protocol fees paid.
fn create_stake_and_activate_a_topic(a: &Accounts) -> (u64, Balance) {
	let module = Topics::params();
	let worker_params = pallet_workers::Params::<Runtime>::get();
	let reputer_params = pallet_reputers::Params::<Runtime>::get();
	assert!(reputer_params.required_minimum_stake > 0, "Ferdie's rejection needs a minimum");
	assert!(reputer_params.required_minimum_stake <= STAKE);
	// One ecosystem account collects every protocol fee.
	let ecosystem_account: AccountId = PROTOCOL_TREASURY.into_account_truncating();
	assert_eq!(ecosystem(), ecosystem_account);
	assert_eq!(<Runtime as pallet_workers::Config>::EcosystemAccount::get(), ecosystem_account);
	assert_eq!(<Runtime as pallet_reputers::Config>::EcosystemAccount::get(), ecosystem_account);
	let ecosystem_before = free(&ecosystem());
	let alice_before = free(&a.alice);

	// 1. Alice creates the topic; the creation fee goes to the ecosystem account and is the
	// topic's first fee revenue, but creation never activates a topic.
	let topic = pallet_topics::NextTopicId::<Runtime>::get();
	assert_eq!(topic, 1);
	let create_fee = module.create_topic_fee;
	assert!(create_fee > 0);
	assert_ok!(dispatch(
		&a.alice,
		pallet_topics::Call::<Runtime>::create_topic { params: eth_usd_topic() }
	));
	System::assert_has_event(
		TopicsEvent::TopicCreated { topic, creator: a.alice.clone(), fee: create_fee }.into(),
	);
	assert_eq!(free(&ecosystem()), ecosystem_before + create_fee);
	assert_eq!(free(&a.alice), alice_before - create_fee);
	let stored = Topics::topic(topic).unwrap();
	assert_eq!(stored.creator, a.alice);
	assert_eq!(stored.epoch_length, EPOCH);
	assert_eq!(stored.ground_truth_lag, LAG);
	assert_eq!(stored.worker_submission_window, WINDOW);
	assert_eq!(stored.p_norm, Fixed::from_int(3));
	assert_eq!(stored.alpha_regret, fx(1, 10));
	assert_eq!(stored.epsilon, fx(1, 100));
	assert_eq!(pallet_topics::TopicFeeRevenue::<Runtime>::get(topic), create_fee);
	assert!(!is_active(topic));

	// 2. Charlie registers as a reputer and stakes 1,000 ALLO, held on his own account.
	let charlie_before = free(&a.charlie);
	assert_ok!(dispatch(&a.charlie, pallet_reputers::Call::<Runtime>::register { topic }));
	System::assert_has_event(
		ReputersEvent::ReputerRegistered {
			topic,
			reputer: a.charlie.clone(),
			fee: reputer_params.registration_fee,
		}
		.into(),
	);
	assert_ok!(dispatch(
		&a.charlie,
		pallet_reputers::Call::<Runtime>::add_stake { topic, amount: STAKE }
	));
	System::assert_has_event(
		ReputersEvent::StakeAdded { topic, reputer: a.charlie.clone(), amount: STAKE }.into(),
	);
	assert_eq!(held(HoldReason::ReputerStake, &a.charlie), STAKE);
	assert_eq!(Balances::reserved_balance(&a.charlie), STAKE);
	assert_eq!(free(&a.charlie), charlie_before - reputer_params.registration_fee - STAKE);
	assert_eq!(pallet_reputers::ReputerStake::<Runtime>::get(topic, &a.charlie), STAKE);
	assert_eq!(pallet_reputers::TopicStake::<Runtime>::get(topic), STAKE);
	// Stake re-checks the topic's weight (spec §1.4): with the creation and registration
	// fees as revenue and Charlie's stake behind it, the topic is active; its first epoch ends
	// one epoch length from now.
	assert!(is_active(topic));

	// Dave delegates 100 ALLO to Charlie: held on Dave's account, counted in Charlie's
	// authority and in the topic's stake.
	let dave_before = free(&a.dave);
	assert_ok!(dispatch(
		&a.dave,
		pallet_reputers::Call::<Runtime>::delegate_stake {
			topic,
			reputer: a.charlie.clone(),
			amount: DELEGATION,
		}
	));
	System::assert_has_event(
		ReputersEvent::StakeDelegated {
			topic,
			delegator: a.dave.clone(),
			reputer: a.charlie.clone(),
			amount: DELEGATION,
		}
		.into(),
	);
	assert_eq!(held(HoldReason::DelegatorStake, &a.dave), DELEGATION);
	assert_eq!(free(&a.dave), dave_before - DELEGATION);
	assert_eq!(Reputers::authority(topic, &a.charlie), STAKE + DELEGATION);
	assert_eq!(pallet_reputers::TopicStake::<Runtime>::get(topic), STAKE + DELEGATION);
	assert!(is_active(topic));

	// 3. Bob registers as a worker (his fee is more fee revenue of the already active topic).
	assert_ok!(dispatch(&a.bob, pallet_workers::Call::<Runtime>::register { topic, owner: None }));
	System::assert_has_event(
		WorkersEvent::WorkerRegistered {
			topic,
			worker: a.bob.clone(),
			owner: a.bob.clone(),
			fee: worker_params.registration_fee,
		}
		.into(),
	);
	assert_eq!(pallet_topics::ActiveTopics::<Runtime>::get(topic), Some(FIRST_NONCE));
	assert!(topic_events().iter().any(|event| matches!(
		event,
		TopicsEvent::TopicActivated { topic: t, next_epoch_end, .. }
			if *t == topic && *next_epoch_end == FIRST_NONCE
	)));

	// Eve registers as a worker.
	assert_ok!(dispatch(&a.eve, pallet_workers::Call::<Runtime>::register { topic, owner: None }));
	assert!(Workers::is_registered(topic, &a.eve));

	// Alice pays what she wants toward the already active topic.
	assert_ok!(dispatch(
		&a.alice,
		pallet_topics::Call::<Runtime>::fund_topic { topic, amount: FUNDING }
	));
	System::assert_has_event(
		TopicsEvent::TopicFunded { topic, funder: a.alice.clone(), amount: FUNDING }.into(),
	);

	// Ferdie registers as a reputer but stakes nothing.
	assert_ok!(dispatch(&a.ferdie, pallet_reputers::Call::<Runtime>::register { topic }));
	assert_eq!(Reputers::authority(topic, &a.ferdie), 0);

	// Activated exactly once, and every fee so far is the topic's fee revenue (nothing has
	// dripped: no epoch has ended).
	let activations = topic_events()
		.iter()
		.filter(|event| matches!(event, TopicsEvent::TopicActivated { .. }))
		.count();
	assert_eq!(activations, 1);
	assert!(is_active(topic));
	let fees = create_fee
		+ 2 * reputer_params.registration_fee
		+ 2 * worker_params.registration_fee
		+ FUNDING;
	assert_eq!(free(&ecosystem()), ecosystem_before + fees);
	assert_eq!(free(&a.alice), alice_before - create_fee - FUNDING);
	assert_eq!(pallet_topics::TopicFeeRevenue::<Runtime>::get(topic), fees);
	(topic, fees)
}

/// A worker nonce opened at `nonce`: Bob submits in the first block of its window. The next
/// epoch's nonce does not exist yet. Returns the fee paid.
fn first_block_of_a_worker_window(a: &Accounts, topic: u64, nonce: BlockNumber) -> Balance {
	assert_ok!(submit(&a.bob, topic, nonce, bob_inference(nonce), None));
	System::assert_has_event(
		WorkersEvent::InferenceSubmitted {
			topic,
			nonce,
			worker: a.bob.clone(),
			value: bob_inference(nonce),
		}
		.into(),
	);
	assert_eq!(
		pallet_workers::Inferences::<Runtime>::get((topic, nonce), &a.bob),
		Some(bob_inference(nonce))
	);
	assert_noop!(
		submit(&a.eve, topic, nonce + EPOCH, eve_inference(nonce), None),
		WorkersError::UnknownNonce
	);
	pallet_workers::Params::<Runtime>::get().data_sending_fee
}

/// One inference per worker and nonce: Bob's second one is refused.
fn second_block_of_a_worker_window(a: &Accounts, topic: u64, nonce: BlockNumber) {
	assert_noop!(
		submit(&a.bob, topic, nonce, bob_inference(nonce), None),
		WorkersError::InferenceAlreadySubmitted
	);
}

/// Eve submits an inference and a forecast of Bob's loss in the last block of the window.
/// Returns the fee paid (one per payload).
fn last_block_of_a_worker_window(a: &Accounts, topic: u64, nonce: BlockNumber) -> Balance {
	let forecast = BoundedVec::truncate_from(vec![ForecastElement {
		inferer: a.bob.clone(),
		value: eve_forecast_of_bob(),
	}]);
	assert_ok!(submit(&a.eve, topic, nonce, eve_inference(nonce), Some(forecast)));
	System::assert_has_event(
		WorkersEvent::InferenceSubmitted {
			topic,
			nonce,
			worker: a.eve.clone(),
			value: eve_inference(nonce),
		}
		.into(),
	);
	System::assert_has_event(
		WorkersEvent::ForecastSubmitted { topic, nonce, worker: a.eve.clone(), elements: 1 }.into(),
	);
	pallet_workers::Params::<Runtime>::get().data_sending_fee
}

/// The window of worker nonce `nonce` has closed in this block: the synthesis has taken the
/// submissions, stored the network inference and fulfilled the nonce, which creates reputer
/// nonce `nonce`; a late submission is refused, and so are losses before the ground truth.
fn worker_window_closed(a: &Accounts, topic: u64, nonce: BlockNumber) {
	assert!(!Topics::unfulfilled_worker_nonces(topic).contains(&nonce));
	System::assert_has_event(TopicsEvent::WorkerNonceFulfilled { topic, nonce }.into());
	assert!(submit(&a.bob, topic, nonce, bob_inference(nonce), None).is_err());
	assert_eq!(Workers::submission_count(topic, nonce), pallet_workers::SubmissionCount::default());

	let (stored_at, combined) = Synthesis::latest_inference(topic).expect("a stored inference");
	assert_eq!(stored_at, nonce);
	let bundle = Synthesis::inference_bundle(topic, nonce).expect("the bundle of the nonce");
	assert_eq!(bundle.combined, combined);
	assert_eq!(
		bundle.inferers.into_inner(),
		by_account(vec![
			(a.bob.clone(), bob_inference(nonce)),
			(a.eve.clone(), eve_inference(nonce)),
		])
	);
	// Eve's forecast implies an inference once a network loss is known (spec §2.5): from the
	// first epoch whose reputer nonce closed before this window did.
	if pallet_synthesis::LatestNetworkLoss::<Runtime>::contains_key(topic) {
		assert_eq!(bundle.forecast_implied.len(), 1);
		assert_eq!(bundle.forecast_implied[0].0, a.eve);
	} else {
		assert!(bundle.forecast_implied.is_empty());
	}

	assert!(Topics::unfulfilled_reputer_nonces(topic).contains(&nonce));
	assert_noop!(submit_losses(a, &a.charlie, topic, nonce), ReputersError::UnknownNonce);
}

/// The ground truth of `nonce` is known: Ferdie, registered without stake, is refused; Charlie
/// submits his losses, once. Returns the fee paid.
fn reputer_window_opened(a: &Accounts, topic: u64, nonce: BlockNumber) -> Balance {
	assert_noop!(submit_losses(a, &a.ferdie, topic, nonce), ReputersError::StakeBelowMinimum);
	assert_ok!(submit_losses(a, &a.charlie, topic, nonce));
	System::assert_has_event(
		ReputersEvent::LossesSubmitted { topic, nonce, reputer: a.charlie.clone() }.into(),
	);
	assert_noop!(submit_losses(a, &a.charlie, topic, nonce), ReputersError::AlreadySubmitted);
	assert_eq!(Reputers::loss_bundle_count(topic, nonce), 1);
	pallet_reputers::Params::<Runtime>::get().data_sending_fee
}

/// The reputer window of `nonce` has closed in this block: the synthesis has taken Charlie's
/// bundle, scored the epoch (with no emission, nothing to pay) and fulfilled the nonce.
fn reputer_window_closed(a: &Accounts, topic: u64, nonce: BlockNumber) {
	assert!(!Topics::unfulfilled_reputer_nonces(topic).contains(&nonce));
	System::assert_has_event(TopicsEvent::ReputerNonceFulfilled { topic, nonce }.into());
	assert!(submit_losses(a, &a.charlie, topic, nonce).is_err());
	assert_eq!(Reputers::loss_bundle_count(topic, nonce), 0);
	assert!(
		System::events().iter().any(|record| matches!(
			&record.event,
			RuntimeEvent::Synthesis(pallet_synthesis::Event::EpochScored { topic: t, nonce: n, .. })
				if *t == topic && *n == nonce
		)),
		"the epoch of {nonce} is scored"
	);
	let (inferers, _, reputers) = Synthesis::active_sets(topic);
	let mut workers = vec![a.bob.clone(), a.eve.clone()];
	workers.sort();
	assert_eq!(inferers, workers);
	assert_eq!(reputers, core::slice::from_ref(&a.charlie));
	assert!(Synthesis::actor_scores(topic, a.bob.clone())[0].is_some(), "Bob has an inferer score");
}

/// Steps 4–5: blocks 2 to `LAST_BLOCK`, one by one. Every block emits exactly the schedule
/// events it should, the topic stays active, and the nonce lists match the schedule. Returns
/// the protocol fees paid.
fn run_the_epochs(a: &Accounts, topic: u64) -> Balance {
	let mut fees: Balance = 0;
	let mut next_epoch_end = FIRST_NONCE;
	let (mut worker_nonces, mut fulfilled, mut bundles, mut reputed) = (0u32, 0u32, 0u32, 0u32);

	for n in ACTIVATION_BLOCK + 1..=LAST_BLOCK {
		start_block(n);
		assert_eq!(schedule_events(), expected_schedule(topic, n), "schedule of block {n}");
		if is_nonce(n) {
			next_epoch_end = n + EPOCH;
			assert!(
				topic_events().iter().any(|event| matches!(
					event,
					TopicsEvent::TopicWeightUpdated { topic: t, .. } if *t == topic
				)),
				"the epoch ending at {n} updates the topic's weight"
			);
		}
		assert_eq!(
			pallet_topics::ActiveTopics::<Runtime>::get(topic),
			Some(next_epoch_end),
			"block {n}"
		);

		// Workers.
		if is_nonce(n) {
			fees += first_block_of_a_worker_window(a, topic, n);
			worker_nonces += 1;
		}
		if let Some(nonce) = nonce_before(n, 1) {
			second_block_of_a_worker_window(a, topic, nonce);
		}
		if let Some(nonce) = nonce_before(n, WINDOW - 1) {
			fees += last_block_of_a_worker_window(a, topic, nonce);
		}
		if let Some(nonce) = nonce_before(n, WINDOW) {
			worker_window_closed(a, topic, nonce);
			fulfilled += 1;
		}

		// Reputers.
		if let Some(nonce) = nonce_before(n, LAG + EPOCH) {
			reputer_window_closed(a, topic, nonce);
			reputed += 1;
		}
		if let Some(nonce) = nonce_before(n, LAG) {
			fees += reputer_window_opened(a, topic, nonce);
			bundles += 1;
		}

		assert_eq!(
			Topics::unfulfilled_worker_nonces(topic),
			expected_worker_nonces(n),
			"block {n}"
		);
		assert_eq!(
			Topics::unfulfilled_reputer_nonces(topic),
			expected_reputer_nonces(n),
			"block {n}"
		);
	}

	// Nonces 13, 25, 37, 49 and 61 opened; the first four were worked on and fulfilled, the
	// first three reputed and fulfilled; 49 has its losses, 61 Bob's inference.
	assert_eq!((worker_nonces, fulfilled, bundles, reputed), (5, 4, 4, 3));
	assert_eq!(Topics::unfulfilled_worker_nonces(topic), [LAST_BLOCK]);
	assert_eq!(Topics::unfulfilled_reputer_nonces(topic), [LAST_BLOCK - EPOCH]);
	assert_eq!(Workers::submission_count(topic, LAST_BLOCK).inferences, 1);
	assert_eq!(Reputers::loss_bundle_count(topic, LAST_BLOCK - EPOCH), 1);
	let worker_fee = pallet_workers::Params::<Runtime>::get().data_sending_fee;
	let reputer_fee = pallet_reputers::Params::<Runtime>::get().data_sending_fee;
	assert_eq!(fees, 9 * worker_fee + 4 * reputer_fee);
	fees
}

/// Step 6, first half: Charlie queues the removal of 400 ALLO of his stake. It waits the
/// runtime's 21 days (302,400 blocks): the stake stays held and counted until the due block,
/// and is released there.
fn charlie_unstakes_after_the_delay(a: &Accounts, topic: u64) {
	let delay = pallet_reputers::Params::<Runtime>::get().remove_stake_delay_window;
	assert_eq!(delay, REMOVE_STAKE_DELAY);
	assert_eq!(delay, 21 * DAYS);
	assert_eq!(delay, 302_400);

	let requested_at = System::block_number();
	let due = requested_at + delay;
	assert_ok!(dispatch(
		&a.charlie,
		pallet_reputers::Call::<Runtime>::remove_stake { topic, amount: REMOVED }
	));
	System::assert_has_event(
		ReputersEvent::StakeRemovalQueued {
			topic,
			reputer: a.charlie.clone(),
			amount: REMOVED,
			completion: due,
		}
		.into(),
	);
	assert_eq!(
		pallet_reputers::PendingStakeRemovals::<Runtime>::get(topic, &a.charlie),
		Some(pallet_reputers::PendingRemoval {
			amount: REMOVED,
			queued_at: requested_at,
			completion: due,
		})
	);
	// The queue holds this one removal, in the bucket of the due block, and nothing else.
	assert_eq!(pallet_reputers::QueuedRemovals::<Runtime>::get(), 1);
	assert_eq!(
		pallet_reputers::RemovalQueue::<Runtime>::get(due).into_inner(),
		[pallet_reputers::RemovalKey::Reputer { topic, reputer: a.charlie.clone() }]
	);
	assert_eq!(pallet_reputers::NextRemovalBlock::<Runtime>::get(), Some(requested_at + 1));
	// Queued stake keeps counting.
	assert_eq!(Reputers::authority(topic, &a.charlie), STAKE + DELEGATION);
	assert_eq!(held(HoldReason::ReputerStake, &a.charlie), STAKE);

	// Jump to the block before the due block. A real chain runs the hook in each skipped block:
	// with nothing due, each moves the queue's cursor past one empty bucket. (One call visits
	// at most `MaxRemovalsPerBlock` = 64 buckets, so a single call after the jump would catch
	// up only 64 blocks.) The cursor is put where those blocks would have left it; the
	// assertions above show every bucket it skips is empty.
	pallet_reputers::NextRemovalBlock::<Runtime>::put(due - 1);
	start_block_after_the_jump(due - 1);
	assert!(!reputer_events()
		.iter()
		.any(|event| matches!(event, ReputersEvent::StakeRemoved { .. })));
	assert!(pallet_reputers::PendingStakeRemovals::<Runtime>::contains_key(topic, &a.charlie));
	assert_eq!(held(HoldReason::ReputerStake, &a.charlie), STAKE);
	assert_eq!(pallet_reputers::ReputerStake::<Runtime>::get(topic, &a.charlie), STAKE);
	assert_eq!(pallet_reputers::NextRemovalBlock::<Runtime>::get(), Some(due));

	// The due block releases the stake.
	let charlie_before = free(&a.charlie);
	start_block_after_the_jump(due);
	System::assert_has_event(
		ReputersEvent::StakeRemoved { topic, reputer: a.charlie.clone(), amount: REMOVED }.into(),
	);
	assert_eq!(held(HoldReason::ReputerStake, &a.charlie), STAKE - REMOVED);
	assert_eq!(Balances::reserved_balance(&a.charlie), STAKE - REMOVED);
	assert_eq!(free(&a.charlie), charlie_before + REMOVED);
	assert_eq!(pallet_reputers::ReputerStake::<Runtime>::get(topic, &a.charlie), STAKE - REMOVED);
	assert!(!pallet_reputers::PendingStakeRemovals::<Runtime>::contains_key(topic, &a.charlie));
	assert_eq!(pallet_reputers::QueuedRemovals::<Runtime>::get(), 0);
	assert_eq!(Reputers::authority(topic, &a.charlie), STAKE - REMOVED + DELEGATION);
	assert_eq!(pallet_reputers::TopicStake::<Runtime>::get(topic), STAKE - REMOVED + DELEGATION);
	// Dave's delegation is untouched.
	assert_eq!(held(HoldReason::DelegatorStake, &a.dave), DELEGATION);
}

/// Step 6, second half: a reward for Charlie's delegators (deposited by Alice, as the
/// emissions pallet deposits the delegators' part of a reputer reward) is claimed by Dave,
/// Charlie's only delegator. Returns what Dave received.
fn dave_claims_his_delegator_reward(a: &Accounts, topic: u64) -> Balance {
	let source = a.alice.clone();
	assert!(free(&source) > DELEGATOR_REWARD + EXISTENTIAL_DEPOSIT);
	let rewards_account = Reputers::rewards_account();
	assert_eq!(free(&rewards_account), 0);

	assert_ok!(Reputers::deposit_delegator_reward(&source, topic, &a.charlie, DELEGATOR_REWARD));
	System::assert_has_event(
		ReputersEvent::DelegatorRewardDeposited {
			topic,
			reputer: a.charlie.clone(),
			amount: DELEGATOR_REWARD,
		}
		.into(),
	);
	// The first deposit also brings the existential deposit of the rewards account.
	assert_eq!(free(&rewards_account), DELEGATOR_REWARD + EXISTENTIAL_DEPOSIT);

	// Dave is owed the whole reward less the rounding the pallet documents: the reward per
	// share is rounded down to 1e-18 (at most DELEGATION·1e-18 base units lost) and the claim
	// is rounded down (at most one more). Never more than was deposited.
	let owed = Reputers::pending_delegator_reward(topic, &a.dave, &a.charlie);
	assert!(owed <= DELEGATOR_REWARD);
	assert!(DELEGATOR_REWARD - owed <= DELEGATION / ALLO + 1, "owed {owed}");

	let dave_before = free(&a.dave);
	let claim = pallet_reputers::Call::<Runtime>::claim_delegate_rewards {
		topic,
		reputer: a.charlie.clone(),
	};
	assert_ok!(dispatch(&a.dave, claim.clone()));
	System::assert_has_event(
		ReputersEvent::DelegatorRewardClaimed {
			topic,
			delegator: a.dave.clone(),
			reputer: a.charlie.clone(),
			amount: owed,
		}
		.into(),
	);
	assert_eq!(free(&a.dave), dave_before + owed);
	assert_eq!(Reputers::pending_delegator_reward(topic, &a.dave, &a.charlie), 0);
	assert_noop!(dispatch(&a.dave, claim), ReputersError::NoRewardToClaim);
	assert_eq!(free(&rewards_account), EXISTENTIAL_DEPOSIT + DELEGATOR_REWARD - owed);
	assert_eq!(
		pallet_reputers::DelegatorRewardPool::<Runtime>::get(topic, &a.charlie),
		DELEGATOR_REWARD - owed
	);
	// Claiming moves no stake.
	assert_eq!(held(HoldReason::DelegatorStake, &a.dave), DELEGATION);
	owed
}

/// Step 7: the stake books balance. Held funds equal the recorded stake, a topic's stake is
/// its reputers' own plus delegated stake, total stake is the sum over topics, the removal
/// queue is empty, and the registration counts match the registrations.
fn the_stake_books_balance(a: &Accounts, topic: u64, topic_stake: Balance) {
	let own = pallet_reputers::ReputerStake::<Runtime>::get(topic, &a.charlie);
	assert_eq!(held(HoldReason::ReputerStake, &a.charlie), own);
	assert_eq!(held(HoldReason::ReputerStake, &a.ferdie), 0);
	assert_eq!(pallet_reputers::ReputerStake::<Runtime>::get(topic, &a.ferdie), 0);
	assert_eq!(
		held(HoldReason::DelegatorStake, &a.dave),
		pallet_reputers::DelegatorTopicStake::<Runtime>::get(topic, &a.dave)
	);
	assert_eq!(
		pallet_reputers::Delegations::<Runtime>::get((topic, &a.dave, &a.charlie))
			.map(|delegation| delegation.amount),
		Some(DELEGATION)
	);
	assert_eq!(pallet_reputers::DelegatedStakeUpon::<Runtime>::get(topic, &a.charlie), DELEGATION);

	let own_stake: Balance =
		pallet_reputers::ReputerStake::<Runtime>::iter_prefix_values(topic).sum();
	let delegated: Balance =
		pallet_reputers::DelegatedStakeUpon::<Runtime>::iter_prefix_values(topic).sum();
	assert_eq!(pallet_reputers::TopicStake::<Runtime>::get(topic), own_stake + delegated);
	assert_eq!(pallet_reputers::TopicStake::<Runtime>::get(topic), topic_stake);
	let over_topics: Balance = pallet_reputers::TopicStake::<Runtime>::iter_values().sum();
	assert_eq!(pallet_reputers::TotalStake::<Runtime>::get(), over_topics);
	assert_eq!(over_topics, topic_stake);

	assert_eq!(pallet_reputers::QueuedRemovals::<Runtime>::get(), 0);
	assert_eq!(pallet_reputers::RemovalQueue::<Runtime>::iter().count(), 0);
	assert_eq!(pallet_reputers::PendingStakeRemovals::<Runtime>::iter().count(), 0);

	assert_eq!(pallet_reputers::ReputerCount::<Runtime>::get(topic), 2);
	assert_eq!(pallet_reputers::RegisteredReputers::<Runtime>::iter_prefix(topic).count(), 2);
	assert_eq!(pallet_workers::TopicWorkerCount::<Runtime>::get(topic), 2);
	assert_eq!(pallet_workers::TopicWorkers::<Runtime>::iter_prefix(topic).count(), 2);
}

/// The pallets' own `do_try_state`. `with_topics` is false after the block-number jump, which
/// leaves the topic's agenda behind on purpose.
#[cfg(feature = "try-runtime")]
fn try_state(with_topics: bool) {
	if with_topics {
		pallet_topics::Pallet::<Runtime>::do_try_state().unwrap();
	}
	pallet_workers::Pallet::<Runtime>::do_try_state().unwrap();
	pallet_reputers::Pallet::<Runtime>::do_try_state().unwrap();
}

/// Without `try-runtime` the pallets do not compile `do_try_state` for this test.
#[cfg(not(feature = "try-runtime"))]
fn try_state(_with_topics: bool) {}

#[test]
fn a_topic_runs_four_epochs_with_two_workers_and_a_reputer_who_then_unstakes() {
	development_chain().execute_with(|| {
		let a = Accounts::new();
		start_block(ACTIVATION_BLOCK);
		let ecosystem_at_genesis = free(&ecosystem());

		let (topic, setup_fees) = create_stake_and_activate_a_topic(&a);
		let epoch_fees = run_the_epochs(&a, topic);
		// Every protocol fee of the story, and nothing else, reached the ecosystem account.
		assert_eq!(free(&ecosystem()), ecosystem_at_genesis + setup_fees + epoch_fees);
		the_stake_books_balance(&a, topic, STAKE + DELEGATION);
		try_state(true);

		charlie_unstakes_after_the_delay(&a, topic);
		let claimed = dave_claims_his_delegator_reward(&a, topic);
		assert!(claimed > 0);
		the_stake_books_balance(&a, topic, STAKE - REMOVED + DELEGATION);
		try_state(false);
	});
}
