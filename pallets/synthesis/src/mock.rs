//! A test runtime: System and this pallet, with the pallets behind its traits replaced by
//! thread-local mocks the tests set directly: topics (settings, fulfilled nonces, R₀),
//! workers (submissions per nonce; a worker is its own payee), reputers (loss reports per
//! nonce) and rewards (a fixed reward per epoch; payments recorded).

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{self as pallet_synthesis, *};
use allora_primitives::{
	EpochControl, LossReport, LossSource, Payout, SubmissionSource, Submissions, TopicRewards,
	TopicSettings,
};
use allora_synthesis::Fixed;
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl,
		pallet_prelude::DispatchResult,
		traits::{ConstU32, Hooks},
	},
	frame_system::{self, EnsureRoot},
	sp_io::TestExternalities,
	sp_runtime::{BuildStorage, DispatchError},
};
use std::collections::BTreeMap;

pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Synthesis: pallet_synthesis,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// `MaxInferers` of the mock.
pub const MAX_INFERERS: u32 = 8;
/// `MaxForecasters` of the mock.
pub const MAX_FORECASTERS: u32 = 4;
/// `MaxReputers` of the mock.
pub const MAX_REPUTERS: u32 = 4;
/// `HistoryDepth` of the mock.
pub const HISTORY_DEPTH: u32 = 3;
/// `MaxTopicEpochsPerBlock` of the mock.
pub const PER_BLOCK: u32 = 2;
/// The reward of every epoch unless a test sets another.
pub const EPOCH_REWARD: Balance = 1_000_000_000_000;
/// The topic every test has.
pub const TOPIC: TopicId = 1;

impl pallet_synthesis::Config for Test {
	type Balance = Balance;
	type Topics = MockTopics;
	type Workers = MockWorkers;
	type Reputers = MockReputers;
	type Rewards = MockRewards;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxTopicEpochsPerBlock = ConstU32<PER_BLOCK>;
	type MaxInferers = ConstU32<MAX_INFERERS>;
	type MaxForecasters = ConstU32<MAX_FORECASTERS>;
	type MaxReputers = ConstU32<MAX_REPUTERS>;
	type HistoryDepth = ConstU32<HISTORY_DEPTH>;
	type MaxUnscoredEpochs = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockTopics;
}

/// Loss reports per (topic, nonce).
pub type Reports = BTreeMap<(TopicId, BlockNumber), Vec<LossReport<AccountId, Balance>>>;
/// Every `pay` call: (topic, payouts).
pub type Payments = Vec<(TopicId, Vec<Payout<AccountId, Balance>>)>;

thread_local! {
	static SETTINGS: RefCell<BTreeMap<TopicId, TopicSettings<BlockNumber>>> =
		const { RefCell::new(BTreeMap::new()) };
	static FULFILLED_WORKER: RefCell<Vec<(TopicId, BlockNumber)>> =
		const { RefCell::new(Vec::new()) };
	static FULFILLED_REPUTER: RefCell<Vec<(TopicId, BlockNumber)>> =
		const { RefCell::new(Vec::new()) };
	static SUBMISSIONS: RefCell<BTreeMap<(TopicId, BlockNumber), Submissions<AccountId>>> =
		const { RefCell::new(BTreeMap::new()) };
	static LOSSES: RefCell<Reports> = const { RefCell::new(BTreeMap::new()) };
	static REWARD: RefCell<Balance> = const { RefCell::new(EPOCH_REWARD) };
	static PAYMENTS: RefCell<Payments> = const { RefCell::new(Vec::new()) };
}

/// A decimal as `Fixed`.
pub fn fx(s: &str) -> Fixed {
	Fixed::from_decimal_str(s).unwrap()
}

/// Test topic settings: p 3, α_regret 0.1, ε 0.01, merit α 0.1, quantiles 0.25, log-space
/// losses, and the given R₀.
pub fn settings(initial_regret: Fixed) -> TopicSettings<BlockNumber> {
	TopicSettings {
		epoch_length: 10,
		ground_truth_lag: 10,
		p_norm: fx("3"),
		alpha_regret: fx("0.1"),
		allow_negative: false,
		epsilon: fx("0.01"),
		initial_regret,
		merit_sortition_alpha: fx("0.1"),
		active_inferer_quantile: fx("0.25"),
		active_forecaster_quantile: fx("0.25"),
		active_reputer_quantile: fx("0.25"),
	}
}

/// pallet-topics as the tests need it.
pub struct MockTopics;

impl MockTopics {
	pub fn reset() {
		SETTINGS.with(|s| s.borrow_mut().clear());
		FULFILLED_WORKER.with(|f| f.borrow_mut().clear());
		FULFILLED_REPUTER.with(|f| f.borrow_mut().clear());
	}
	pub fn set_settings(topic: TopicId, settings: TopicSettings<BlockNumber>) {
		SETTINGS.with(|s| s.borrow_mut().insert(topic, settings));
	}
	pub fn initial_regret(topic: TopicId) -> Option<Fixed> {
		SETTINGS.with(|s| s.borrow().get(&topic).map(|s| s.initial_regret))
	}
	/// Worker nonces fulfilled, in order.
	pub fn fulfilled_worker_nonces() -> Vec<(TopicId, BlockNumber)> {
		FULFILLED_WORKER.with(|f| f.borrow().clone())
	}
	/// Reputer nonces fulfilled, in order.
	pub fn fulfilled_reputer_nonces() -> Vec<(TopicId, BlockNumber)> {
		FULFILLED_REPUTER.with(|f| f.borrow().clone())
	}
}

impl EpochControl<BlockNumber> for MockTopics {
	fn settings(topic: TopicId) -> Option<TopicSettings<BlockNumber>> {
		SETTINGS.with(|s| s.borrow().get(&topic).copied())
	}
	fn fulfil_worker_nonce(topic: TopicId, nonce: BlockNumber) -> DispatchResult {
		FULFILLED_WORKER.with(|f| f.borrow_mut().push((topic, nonce)));
		Ok(())
	}
	fn fulfil_reputer_nonce(topic: TopicId, nonce: BlockNumber) -> DispatchResult {
		FULFILLED_REPUTER.with(|f| f.borrow_mut().push((topic, nonce)));
		Ok(())
	}
	fn set_initial_regret(topic: TopicId, initial_regret: Fixed) -> DispatchResult {
		SETTINGS.with(|s| match s.borrow_mut().get_mut(&topic) {
			Some(settings) => {
				settings.initial_regret = initial_regret;
				Ok(())
			}
			None => Err(DispatchError::Other("no such topic")),
		})
	}
}

/// pallet-workers as the tests need it.
pub struct MockWorkers;

impl MockWorkers {
	pub fn reset() {
		SUBMISSIONS.with(|s| s.borrow_mut().clear());
	}
	pub fn set(topic: TopicId, nonce: BlockNumber, submissions: Submissions<AccountId>) {
		SUBMISSIONS.with(|s| s.borrow_mut().insert((topic, nonce), submissions));
	}
}

impl SubmissionSource<AccountId, BlockNumber> for MockWorkers {
	fn take_submissions(topic: TopicId, nonce: BlockNumber) -> Submissions<AccountId> {
		SUBMISSIONS.with(|s| s.borrow_mut().remove(&(topic, nonce)).unwrap_or_default())
	}
	fn payee(_topic: TopicId, worker: &AccountId) -> AccountId {
		*worker
	}
	fn max_workers() -> u32 {
		64
	}
}

/// pallet-reputers as the tests need it.
pub struct MockReputers;

impl MockReputers {
	pub fn reset() {
		LOSSES.with(|l| l.borrow_mut().clear());
	}
	pub fn set(topic: TopicId, nonce: BlockNumber, reports: Vec<LossReport<AccountId, Balance>>) {
		LOSSES.with(|l| l.borrow_mut().insert((topic, nonce), reports));
	}
}

impl LossSource<AccountId, Balance, BlockNumber> for MockReputers {
	fn take_losses(topic: TopicId, nonce: BlockNumber) -> Vec<LossReport<AccountId, Balance>> {
		LOSSES.with(|l| l.borrow_mut().remove(&(topic, nonce)).unwrap_or_default())
	}
	fn max_reputers() -> u32 {
		64
	}
}

/// pallet-emissions as the tests need it.
pub struct MockRewards;

impl MockRewards {
	pub fn reset() {
		REWARD.with(|r| *r.borrow_mut() = EPOCH_REWARD);
		PAYMENTS.with(|p| p.borrow_mut().clear());
	}
	pub fn set_reward(reward: Balance) {
		REWARD.with(|r| *r.borrow_mut() = reward);
	}
	/// Every `pay` call: (topic, payouts).
	pub fn payments() -> Payments {
		PAYMENTS.with(|p| p.borrow().clone())
	}
}

impl TopicRewards<AccountId, Balance> for MockRewards {
	fn epoch_reward(_topic: TopicId) -> Balance {
		REWARD.with(|r| *r.borrow())
	}
	fn pay(topic: TopicId, payouts: &[Payout<AccountId, Balance>]) -> Balance {
		PAYMENTS.with(|p| p.borrow_mut().push((topic, payouts.to_vec())));
		payouts.iter().map(|p| p.amount).sum()
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, Balance, BlockNumber> for MockTopics {
	fn topic() -> TopicId {
		MockTopics::set_settings(TOPIC, settings(fx("-0.5")));
		TOPIC
	}
	fn worker_nonce_closed(topic: TopicId, submissions: Submissions<AccountId>) -> BlockNumber {
		let nonce = 10;
		MockWorkers::set(topic, nonce, submissions);
		nonce
	}
	fn reputer_nonce_closed(
		topic: TopicId,
		nonce: BlockNumber,
		reports: Vec<LossReport<AccountId, Balance>>,
	) {
		MockReputers::set(topic, nonce, reports);
	}
}

/// Topic 1 exists with R₀ = 0 (a new topic), every mock is empty, the epoch reward is
/// [`EPOCH_REWARD`]; block 1.
pub fn new_test_ext() -> TestExternalities {
	MockTopics::reset();
	MockWorkers::reset();
	MockReputers::reset();
	MockRewards::reset();
	MockTopics::set_settings(TOPIC, settings(Fixed::ZERO));
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The next block, with this pallet's `on_initialize`.
pub fn next_block() {
	let next = System::block_number() + 1;
	System::set_block_number(next);
	<Synthesis as Hooks<BlockNumber>>::on_initialize(next);
}
