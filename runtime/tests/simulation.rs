//! A simulated topic through the real runtime, with the emission schedule on: 24 scored epochs
//! of three inferers of different skill, two forecasters and two staked reputers, one of them
//! carrying a delegation.
//!
//! The story. Alice, the consumer, creates and funds an "ETH/USD in 10 minutes" topic (epochs
//! of 12 blocks, ground truth 12 blocks later, a 6-block worker window, log10 losses) and
//! delegates stake to Charlie. Every epoch has a hidden truth around 2000; Bob, Dave and Eve
//! all miss it on the same side (they lag the same market move), Bob by about 1, Dave by
//! about 3 and Eve by about 30, each with its own jitter. Ferdie forecasts each inferer's loss
//! from its typical error; Alice's stash forecasts the same loss for everyone. Charlie and
//! his stash report the log10 squared error of every value of the stored network inference
//! bundle (spec §0.3: `allow_negative` is false), the stash with a small bias.
//!
//! The claims. The network inference is stored once per epoch; Bob ends with the highest
//! inferer EMA score and the most inferer rewards, Eve with the lowest; both forecasters and
//! both reputers are paid, the reputers' rewards compound into their stake and Alice can claim
//! her part of Charlie's; and nothing is minted or lost: the total issuance never moves, the
//! emission reserve's balance plus its releases is its genesis balance, and every topic-epoch
//! pays exactly the sum of its `RewardPaid` events, never more than it was given.
//!
//! The "noise" is deterministic (a few xorshift64 rounds of the nonce), so the run is the same
//! every time. Blocks are driven by hand as in `protocol_lifecycle.rs`: each block clears the
//! events, sets the block number and runs the protocol pallets' `on_initialize` hooks in the
//! runtime's order (Reputers, Topics, Workers, Emissions, Synthesis). There is no block author
//! (no Aura digest), so the validators' share of each block's emission stays in the treasury.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

mod common;

use allora_runtime::{
	genesis::NETWORK_EMISSIONS, AccountId, Balance, Balances, BlockNumber, Reputers, Runtime,
	RuntimeEvent, Synthesis, System, Topics, ALLO,
};
use allora_synthesis::Fixed;
use common::{development_preset_chain, dispatch, free, held, start_block};
use pallet_reputers::{
	HoldReason, LossBundleSubmission, OneOutInfererForecasterSubmission, WorkerValue,
};
use pallet_synthesis::InferenceBundleOf;
use pallet_workers::{ForecastElement, ForecastOf};
use polkadot_sdk::{
	frame_support::{assert_ok, BoundedVec},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{traits::AccountIdConversion, DispatchResult},
};
use std::collections::BTreeMap;

type TopicsEvent = pallet_topics::Event<Runtime>;
type SynthesisEvent = pallet_synthesis::Event<Runtime>;
type EmissionsEvent = pallet_emissions::Event<Runtime>;
type ReputersEvent = pallet_reputers::Event<Runtime>;

/// E: blocks per epoch, the smallest `min_epoch_length` allows.
const EPOCH: BlockNumber = 12;
/// G: blocks until an epoch's ground truth is known.
const LAG: BlockNumber = 12;
/// W: blocks during which workers submit for an epoch.
const WINDOW: BlockNumber = 6;
/// Reputer nonces scored before the story ends.
const SCORED_EPOCHS: usize = 24;
/// A block the story never reaches (it ends near block 13 + 23·12 + 24 = 313).
const MAX_BLOCK: BlockNumber = 400;

/// Charlie's own stake.
const CHARLIE_STAKE: Balance = 10_000 * ALLO;
/// Charlie's stash's own stake.
const STASH_STAKE: Balance = 8_000 * ALLO;
/// What Alice delegates to Charlie.
const DELEGATION: Balance = 2_000 * ALLO;
/// What Alice pays toward the topic.
const FUNDING: Balance = 100 * ALLO;

/// The inferers' typical distance from the truth.
const BOB_NOISE: f64 = 1.0;
const DAVE_NOISE: f64 = 3.0;
const EVE_NOISE: f64 = 30.0;
/// The log10 loss Alice's stash forecasts for every inferer.
const FLAT_FORECAST: f64 = 1.0;
/// What Charlie's stash adds to every log10 loss it reports.
const STASH_BIAS: f64 = 0.05;
/// Seed of the deterministic noise.
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

// ----- the hidden world --------------------------------------------------------------------

/// A number in [0, 1) fixed by `nonce` and `salt`: three xorshift64 rounds.
fn unit(nonce: BlockNumber, salt: u64) -> f64 {
	let mut x = ((u64::from(nonce) << 8) | salt) ^ SEED;
	for _ in 0..3 {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	(x >> 11) as f64 / (1u64 << 53) as f64
}

/// The ground truth of `nonce`: 2000 ± 10.
fn truth(nonce: BlockNumber) -> f64 {
	2000.0 + 20.0 * unit(nonce, 0) - 10.0
}

/// The side of the truth every inferer misses on at `nonce`.
fn side(nonce: BlockNumber) -> f64 {
	if unit(nonce, 1) < 0.5 {
		-1.0
	} else {
		1.0
	}
}

fn fixed(value: f64) -> Fixed {
	Fixed::from_f64(value).unwrap()
}

/// An inferer of the story.
struct Inferer {
	account: AccountId,
	/// Its typical distance from the truth.
	noise: f64,
	/// Salt of its jitter.
	salt: u64,
}

impl Inferer {
	/// Its inference for `nonce`: off by `noise` times a jitter in [0.75, 1.25).
	fn inference(&self, nonce: BlockNumber) -> Fixed {
		let jitter = 0.75 + 0.5 * unit(nonce, self.salt);
		fixed(truth(nonce) + side(nonce) * self.noise * jitter)
	}
}

/// The development accounts of the story, each funded with 1,000,000 ALLO by the preset.
struct Actors {
	/// The consumer: creates and funds the topic, delegates to Charlie.
	alice: AccountId,
	/// Bob, Dave and Eve, best first.
	inferers: [Inferer; 3],
	/// Forecasts each inferer's loss from its typical error.
	ferdie: AccountId,
	/// Forecasts the same loss for every inferer.
	alice_stash: AccountId,
	/// A reputer, with Alice's delegation.
	charlie: AccountId,
	/// A reputer whose losses carry a small bias.
	charlie_stash: AccountId,
}

impl Actors {
	fn new() -> Self {
		let inferer = |key: Sr25519Keyring, noise: f64, salt: u64| Inferer {
			account: key.to_account_id(),
			noise,
			salt,
		};
		Self {
			alice: Sr25519Keyring::Alice.to_account_id(),
			inferers: [
				inferer(Sr25519Keyring::Bob, BOB_NOISE, 2),
				inferer(Sr25519Keyring::Dave, DAVE_NOISE, 3),
				inferer(Sr25519Keyring::Eve, EVE_NOISE, 4),
			],
			ferdie: Sr25519Keyring::Ferdie.to_account_id(),
			alice_stash: Sr25519Keyring::AliceStash.to_account_id(),
			charlie: Sr25519Keyring::Charlie.to_account_id(),
			charlie_stash: Sr25519Keyring::CharlieStash.to_account_id(),
		}
	}

	/// Every worker: the inferers and the forecasters.
	fn workers(&self) -> Vec<&AccountId> {
		let mut workers: Vec<&AccountId> = self.inferers.iter().map(|i| &i.account).collect();
		workers.extend([&self.ferdie, &self.alice_stash]);
		workers
	}

	/// Each reputer with its own stake and the bias of its losses.
	fn reputers(&self) -> [(&AccountId, Balance, f64); 2] {
		[(&self.charlie, CHARLIE_STAKE, 0.0), (&self.charlie_stash, STASH_STAKE, STASH_BIAS)]
	}
}

// ----- the chain ---------------------------------------------------------------------------

/// The `development` preset; the emission schedule keeps its genesis parameters.
fn development_chain() -> TestExternalities {
	development_preset_chain()
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

/// Conservation: nothing is minted or burnt, and the emission reserve has lost exactly what
/// it released.
fn assert_conserved(issuance: Balance) {
	assert_eq!(Balances::total_issuance(), issuance, "the total issuance moved");
	assert_eq!(pallet_emissions::Minted::<Runtime>::get(), 0);
	let reserve: AccountId = NETWORK_EMISSIONS.into_account_truncating();
	assert_eq!(
		free(&reserve) + pallet_emissions::ReleasedFromReserve::<Runtime>::get(),
		pallet_emissions::ReserveAtGenesis::<Runtime>::get(),
		"the reserve's balance plus its releases differs from its genesis balance"
	);
}

/// The pallets' own invariants; `do_try_state` is compiled only with `try-runtime`.
#[cfg(feature = "try-runtime")]
fn try_state() {
	pallet_topics::Pallet::<Runtime>::do_try_state().unwrap();
	pallet_workers::Pallet::<Runtime>::do_try_state().unwrap();
	pallet_reputers::Pallet::<Runtime>::do_try_state().unwrap();
	pallet_synthesis::Pallet::<Runtime>::do_try_state().unwrap();
	pallet_emissions::Pallet::<Runtime>::do_try_state().unwrap();
}

#[cfg(not(feature = "try-runtime"))]
fn try_state() {}

// ----- what the actors do ------------------------------------------------------------------

fn topic_params() -> pallet_topics::TopicParams<Runtime> {
	pallet_topics::TopicParams {
		metadata: BoundedVec::truncate_from(b"ETH/USD in 10 minutes".to_vec()),
		loss_method: BoundedVec::truncate_from(b"mse".to_vec()),
		epoch_length: EPOCH,
		ground_truth_lag: LAG,
		worker_submission_window: WINDOW,
		p_norm: Fixed::from_int(3),
		alpha_regret: Fixed::from_rational(1, 10).unwrap(),
		allow_negative: false,
		epsilon: Fixed::from_rational(1, 100).unwrap(),
		merit_sortition_alpha: Fixed::from_rational(1, 10).unwrap(),
		active_inferer_quantile: Fixed::from_rational(1, 4).unwrap(),
		active_forecaster_quantile: Fixed::from_rational(1, 4).unwrap(),
		active_reputer_quantile: Fixed::from_rational(1, 4).unwrap(),
	}
}

/// Alice creates the topic; the reputers register and stake, Alice delegates to Charlie, the
/// workers register and Alice funds the topic, which is then active. Returns the topic.
fn open_the_topic(a: &Actors) -> u64 {
	assert_eq!(Topics::params().min_epoch_length, EPOCH);
	let topic = pallet_topics::NextTopicId::<Runtime>::get();
	let create = pallet_topics::Call::<Runtime>::create_topic { params: topic_params() };
	assert_ok!(dispatch(&a.alice, create));
	for (reputer, amount, _) in a.reputers() {
		assert_ok!(dispatch(reputer, pallet_reputers::Call::<Runtime>::register { topic }));
		let stake = pallet_reputers::Call::<Runtime>::add_stake { topic, amount };
		assert_ok!(dispatch(reputer, stake));
	}
	let reputer = a.charlie.clone();
	let delegate =
		pallet_reputers::Call::<Runtime>::delegate_stake { topic, reputer, amount: DELEGATION };
	assert_ok!(dispatch(&a.alice, delegate));
	for worker in a.workers() {
		let register = pallet_workers::Call::<Runtime>::register { topic, owner: None };
		assert_ok!(dispatch(worker, register));
	}
	let fund = pallet_topics::Call::<Runtime>::fund_topic { topic, amount: FUNDING };
	assert_ok!(dispatch(&a.alice, fund));
	assert!(pallet_topics::ActiveTopics::<Runtime>::contains_key(topic));
	topic
}

fn submit(
	worker: &AccountId,
	topic: u64,
	nonce: BlockNumber,
	inference: Option<Fixed>,
	forecast: Option<ForecastOf<Runtime>>,
) -> DispatchResult {
	dispatch(worker, pallet_workers::Call::<Runtime>::submit { topic, nonce, inference, forecast })
}

/// A forecast of every inferer's loss.
fn forecast(a: &Actors, loss: impl Fn(&Inferer) -> f64) -> ForecastOf<Runtime> {
	BoundedVec::truncate_from(
		a.inferers
			.iter()
			.map(|i| ForecastElement { inferer: i.account.clone(), value: fixed(loss(i)) })
			.collect(),
	)
}

/// Worker nonce `nonce` opened: the inferers infer, the forecasters forecast.
fn workers_submit(a: &Actors, topic: u64, nonce: BlockNumber) {
	for inferer in &a.inferers {
		assert_ok!(submit(&inferer.account, topic, nonce, Some(inferer.inference(nonce)), None));
	}
	// log10 of the squared typical error.
	let typical = forecast(a, |inferer| 2.0 * inferer.noise.log10());
	assert_ok!(submit(&a.ferdie, topic, nonce, None, Some(typical)));
	let flat = forecast(a, |_| FLAT_FORECAST);
	assert_ok!(submit(&a.alice_stash, topic, nonce, None, Some(flat)));
}

/// A reputer's losses of every value of `bundle`: log10 of the squared error against `truth`,
/// plus `bias`.
fn loss_bundle(
	bundle: &InferenceBundleOf<Runtime>,
	truth: f64,
	bias: f64,
) -> LossBundleSubmission<AccountId> {
	let loss = |value: &Fixed| fixed((value.to_f64() - truth).powi(2).log10() + bias);
	let values = |list: &[(AccountId, Fixed)]| -> Vec<WorkerValue<AccountId>> {
		list.iter()
			.map(|(worker, value)| WorkerValue { worker: worker.clone(), value: loss(value) })
			.collect()
	};
	LossBundleSubmission {
		combined_value: loss(&bundle.combined),
		naive_value: loss(&bundle.naive),
		inferer_values: values(bundle.inferers.as_slice()),
		forecaster_values: values(bundle.forecast_implied.as_slice()),
		one_out_inferer_values: values(bundle.one_out_inferers.as_slice()),
		one_out_forecaster_values: values(bundle.one_out_forecasters.as_slice()),
		one_in_forecaster_values: values(bundle.one_in_forecasters.as_slice()),
		one_out_inferer_forecaster_values: bundle
			.one_out_inferer_forecasters
			.iter()
			.map(|(forecaster, list)| OneOutInfererForecasterSubmission {
				forecaster: forecaster.clone(),
				one_out_inferer_values: values(list.as_slice()),
			})
			.collect(),
	}
}

/// Reputer nonce `nonce` opened: its truth is known, both reputers report their losses of the
/// stored network inference bundle.
fn reputers_report(a: &Actors, topic: u64, nonce: BlockNumber) {
	let bundle = Synthesis::inference_bundle(topic, nonce).expect("the bundle of the nonce");
	for (reputer, _, bias) in a.reputers() {
		let losses = Box::new(loss_bundle(&bundle, truth(nonce), bias));
		let call = pallet_reputers::Call::<Runtime>::submit_losses { topic, nonce, bundle: losses };
		assert_ok!(dispatch(reputer, call));
	}
}

// ----- what the chain did ------------------------------------------------------------------

/// What the story reads from the events of each block, checked as it goes.
#[derive(Default)]
struct Ledger {
	/// Worker nonces the workers submitted to.
	submitted: Vec<BlockNumber>,
	/// Worker nonces whose network inference was stored.
	stored: Vec<BlockNumber>,
	/// Reputer nonces scored.
	scored: Vec<BlockNumber>,
	/// Every `RewardPaid` amount, summed by account.
	rewards: BTreeMap<AccountId, Balance>,
	/// The delegators' part of each reputer's rewards, summed.
	to_delegators: BTreeMap<AccountId, Balance>,
	/// Number of delegator reward deposits.
	deposits: u128,
	/// `RewardPaid` amounts since the last `TopicRewarded`.
	unsettled: Balance,
	/// `paid` of the last `TopicRewarded`, which its `EpochScored` repeats.
	last_paid: Option<Balance>,
}

impl Ledger {
	fn rewards_of(&self, who: &AccountId) -> Balance {
		self.rewards.get(who).copied().unwrap_or_default()
	}

	fn delegated_part_of(&self, reputer: &AccountId) -> Balance {
		self.to_delegators.get(reputer).copied().unwrap_or_default()
	}

	/// Reads the events of the current block.
	fn record_block(&mut self, topic: u64) {
		for record in System::events() {
			match record.event {
				RuntimeEvent::Synthesis(SynthesisEvent::NetworkInferenceStored {
					topic: t,
					nonce,
					combined,
					inferers,
					forecasters,
					..
				}) if t == topic => {
					assert_eq!((inferers, forecasters), (3, 2), "participants of {nonce}");
					assert_eq!(Synthesis::latest_inference(topic), Some((nonce, combined)));
					if let Some(previous) = self.stored.last() {
						assert_eq!(nonce, *previous + EPOCH, "one network inference per epoch");
					}
					self.stored.push(nonce);
				}
				RuntimeEvent::Synthesis(SynthesisEvent::EpochScored {
					topic: t,
					nonce,
					reward,
					paid,
					reputers,
					..
				}) if t == topic => {
					assert_eq!(self.last_paid.take(), Some(paid), "the payout of {nonce}");
					assert!(paid <= reward, "{nonce} paid {paid} of {reward}");
					assert_eq!(reputers, 2);
					self.scored.push(nonce);
				}
				RuntimeEvent::Synthesis(
					event @ (SynthesisEvent::InferenceSkipped { .. }
					| SynthesisEvent::ScoringSkipped { .. }),
				) => panic!("{event:?}"),
				RuntimeEvent::Emissions(EmissionsEvent::RewardPaid {
					topic: t,
					account,
					amount,
					..
				}) if t == topic => {
					self.unsettled += amount;
					*self.rewards.entry(account).or_default() += amount;
				}
				RuntimeEvent::Emissions(EmissionsEvent::TopicRewarded {
					topic: t,
					given,
					paid,
					failed_payouts,
				}) if t == topic => {
					assert!(paid <= given, "paid {paid} of {given}");
					assert_eq!(failed_payouts, 0);
					assert_eq!(core::mem::take(&mut self.unsettled), paid, "sum of RewardPaid");
					self.last_paid = Some(paid);
				}
				RuntimeEvent::Emissions(
					event @ (EmissionsEvent::EmissionShortfall { .. }
					| EmissionsEvent::EmissionTransferFailed { .. }),
				) => panic!("{event:?}"),
				RuntimeEvent::Reputers(ReputersEvent::DelegatorRewardDeposited {
					topic: t,
					reputer,
					amount,
				}) if t == topic => {
					*self.to_delegators.entry(reputer).or_default() += amount;
					self.deposits += 1;
				}
				_ => {}
			}
		}
		assert_eq!(self.unsettled, 0, "RewardPaid without TopicRewarded");
		assert!(self.last_paid.is_none(), "TopicRewarded without EpochScored");
	}
}

/// Blocks after the setup, one by one, until `SCORED_EPOCHS` reputer nonces are scored:
/// workers submit when a worker nonce opens, reputers report when a reputer nonce opens, and
/// every block is recorded and checked for conservation. Returns the last block.
fn run_the_epochs(a: &Actors, topic: u64, ledger: &mut Ledger, issuance: Balance) -> BlockNumber {
	let mut n = System::block_number();
	while ledger.scored.len() < SCORED_EPOCHS {
		n += 1;
		assert!(n < MAX_BLOCK, "only {} epochs scored by block {n}", ledger.scored.len());
		start_block(n);
		for event in topic_events() {
			match event {
				TopicsEvent::WorkerNonceOpened { topic: t, nonce, .. } if t == topic => {
					workers_submit(a, topic, nonce);
					ledger.submitted.push(nonce);
				}
				TopicsEvent::ReputerNonceOpened { topic: t, nonce, .. } if t == topic => {
					reputers_report(a, topic, nonce);
				}
				_ => {}
			}
		}
		ledger.record_block(topic);
		assert_conserved(issuance);
		try_state();
	}
	n
}

/// Every worker nonce whose window closed has its network inference, and the scored epochs
/// are the oldest of them, in order.
fn every_epoch_was_stored_and_scored(ledger: &Ledger, last_block: BlockNumber) {
	let closed: Vec<BlockNumber> =
		ledger.submitted.iter().copied().filter(|nonce| *nonce + WINDOW <= last_block).collect();
	assert_eq!(ledger.stored, closed);
	assert_eq!(ledger.scored.as_slice(), &ledger.stored[..SCORED_EPOCHS]);
}

/// Bob scores and earns more than Dave, Dave more than Eve; the forecasters are paid.
fn better_inferers_score_and_earn_more(a: &Actors, topic: u64, ledger: &Ledger) {
	let ema = |who: &AccountId| {
		Synthesis::actor_scores(topic, who.clone())[0].expect("an inferer score").ema
	};
	let [bob, dave, eve] = &a.inferers;
	let emas = [ema(&bob.account), ema(&dave.account), ema(&eve.account)];
	assert!(emas[0] > emas[1] && emas[1] > emas[2], "EMA scores of Bob, Dave, Eve: {emas:?}");
	let rewards = [
		ledger.rewards_of(&bob.account),
		ledger.rewards_of(&dave.account),
		ledger.rewards_of(&eve.account),
	];
	assert!(
		rewards[0] > rewards[1] && rewards[1] > rewards[2],
		"rewards of Bob, Dave, Eve: {rewards:?}"
	);
	println!("inferer EMA scores of Bob, Dave, Eve: {emas:?}; their rewards: {rewards:?}");
	assert!(ledger.rewards_of(&a.ferdie) > 0, "Ferdie was paid");
	assert!(ledger.rewards_of(&a.alice_stash) > 0, "Alice's stash was paid");
}

/// Each reputer's stake grew by its rewards less its delegators' part, and stays held.
fn reputer_rewards_compounded(a: &Actors, topic: u64, ledger: &Ledger) {
	for (reputer, own, _) in a.reputers() {
		let paid = ledger.rewards_of(reputer);
		assert!(paid > 0);
		let stake = pallet_reputers::ReputerStake::<Runtime>::get(topic, reputer);
		assert_eq!(stake, own + paid - ledger.delegated_part_of(reputer));
		assert!(stake > own);
		assert_eq!(held(HoldReason::ReputerStake, reputer), stake);
	}
	assert_eq!(ledger.delegated_part_of(&a.charlie_stash), 0, "nothing is delegated to it");
}

/// Alice, Charlie's only delegator, is owed about what was deposited for his delegators and
/// claims it.
fn alice_claims_her_delegator_reward(a: &Actors, topic: u64, ledger: &Ledger) {
	let deposited = ledger.delegated_part_of(&a.charlie);
	let owed = Reputers::pending_delegator_reward(topic, &a.alice, &a.charlie);
	assert!(owed > 0 && owed <= deposited, "owed {owed} of {deposited}");
	// Rounding: each deposit's reward per share is rounded down to 1e-18 (at most
	// DELEGATION·1e-18 base units), the claim once more.
	assert!(deposited - owed <= ledger.deposits * (DELEGATION / ALLO) + 1, "owed {owed}");

	let before = free(&a.alice);
	let reputer = a.charlie.clone();
	let claim = pallet_reputers::Call::<Runtime>::claim_delegate_rewards { topic, reputer };
	assert_ok!(dispatch(&a.alice, claim));
	assert_eq!(free(&a.alice), before + owed);
	assert_eq!(Reputers::pending_delegator_reward(topic, &a.alice, &a.charlie), 0);
	assert_eq!(held(HoldReason::DelegatorStake, &a.alice), DELEGATION);
}

#[test]
fn a_simulated_topic_rewards_better_workers_and_conserves_the_supply() {
	development_chain().execute_with(|| {
		let a = Actors::new();
		let issuance = Balances::total_issuance();
		assert_eq!(pallet_emissions::GenesisIssuance::<Runtime>::get(), issuance);
		assert_conserved(issuance);

		start_block(1);
		let topic = open_the_topic(&a);
		let mut ledger = Ledger::default();
		ledger.record_block(topic);
		assert_conserved(issuance);

		let last_block = run_the_epochs(&a, topic, &mut ledger, issuance);
		// The emission schedule was on.
		assert!(pallet_emissions::BlockEmission::<Runtime>::get() > 0);
		assert!(pallet_emissions::TotalEmitted::<Runtime>::get() > 0);

		every_epoch_was_stored_and_scored(&ledger, last_block);
		better_inferers_score_and_earn_more(&a, topic, &ledger);
		reputer_rewards_compounded(&a, topic, &ledger);
		alice_claims_her_delegator_reward(&a, topic, &ledger);
		assert_conserved(issuance);
		try_state();
	});
}
