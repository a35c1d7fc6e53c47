//! A test runtime: System, Balances (with this pallet's hold reasons) and Reputers, with a
//! mock of the topics pallet whose topics and reputer nonces tests set directly.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{self as pallet_reputers, *};
use allora_primitives::NonceStatus;
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU32, Hooks},
		PalletId,
	},
	frame_system, pallet_balances, sp_io,
	sp_runtime::BuildStorage,
};
use std::collections::{BTreeMap, BTreeSet};

pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Reputers: pallet_reputers,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
}

/// Receives every fee.
pub const ECOSYSTEM: AccountId = 999;
/// An account with a balance too small for any fee or stake.
pub const PAUPER: AccountId = 500;
/// Balance of every test account 1..=20.
pub const ENDOWMENT: Balance = 1_000_000;
/// Test parameters: small numbers that are easy to follow.
pub const REGISTRATION_FEE: Balance = 10;
pub const DATA_SENDING_FEE: Balance = 2;
pub const MINIMUM_STAKE: Balance = 100;
pub const REMOVAL_DELAY: BlockNumber = 5;
/// Topics that exist in every test.
pub const TOPIC: TopicId = 1;
pub const OTHER_TOPIC: TopicId = 2;
/// A topic that does not exist.
pub const NO_TOPIC: TopicId = 77;

parameter_types! {
	pub const Ecosystem: AccountId = ECOSYSTEM;
	pub const ReputersPalletId: PalletId = PalletId(*b"allo/dlg");
}

impl pallet_reputers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Topics = MockTopics;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type EcosystemAccount = Ecosystem;
	type PalletId = ReputersPalletId;
	type MaxReputersPerTopic = ConstU32<4>;
	type MaxRemovalsPerBlock = ConstU32<3>;
	type MaxQueuedRemovalsPerBlock = ConstU32<8>;
	type MaxInfererValues = ConstU32<4>;
	type MaxForecasterValues = ConstU32<3>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockTopics;
}

thread_local! {
	static TOPICS: RefCell<BTreeSet<TopicId>> = const { RefCell::new(BTreeSet::new()) };
	static REPUTER_NONCES: RefCell<BTreeMap<(TopicId, BlockNumber), NonceStatus>> =
		const { RefCell::new(BTreeMap::new()) };
	static FEE_REVENUE: RefCell<BTreeMap<TopicId, Balance>> =
		const { RefCell::new(BTreeMap::new()) };
	static STAKE_NOTES: RefCell<BTreeMap<TopicId, u32>> = const { RefCell::new(BTreeMap::new()) };
}

/// The topics pallet as tests need it: topics exist when created, a reputer nonce has the
/// status a test sets (Unknown otherwise), fee revenue is summed per topic.
pub struct MockTopics;

impl MockTopics {
	pub fn reset() {
		TOPICS.with(|t| t.borrow_mut().clear());
		REPUTER_NONCES.with(|n| n.borrow_mut().clear());
		FEE_REVENUE.with(|f| f.borrow_mut().clear());
		STAKE_NOTES.with(|n| n.borrow_mut().clear());
	}
	/// How often the topic was told that its stake grew.
	pub fn stake_notes(topic: TopicId) -> u32 {
		STAKE_NOTES.with(|n| n.borrow().get(&topic).copied().unwrap_or(0))
	}
	pub fn create_topic(topic: TopicId) {
		TOPICS.with(|t| t.borrow_mut().insert(topic));
	}
	pub fn set_reputer_nonce(topic: TopicId, nonce: BlockNumber, status: NonceStatus) {
		REPUTER_NONCES.with(|n| n.borrow_mut().insert((topic, nonce), status));
	}
	pub fn fee_revenue(topic: TopicId) -> Balance {
		FEE_REVENUE.with(|f| f.borrow().get(&topic).copied().unwrap_or(0))
	}
}

impl TopicsInterface<Balance, BlockNumber> for MockTopics {
	fn topic_exists(topic: TopicId) -> bool {
		TOPICS.with(|t| t.borrow().contains(&topic))
	}
	fn is_active(topic: TopicId) -> bool {
		Self::topic_exists(topic)
	}
	fn worker_nonce_status(_topic: TopicId, _nonce: BlockNumber, _now: BlockNumber) -> NonceStatus {
		NonceStatus::Unknown
	}
	fn reputer_nonce_status(topic: TopicId, nonce: BlockNumber, _now: BlockNumber) -> NonceStatus {
		REPUTER_NONCES
			.with(|n| n.borrow().get(&(topic, nonce)).copied().unwrap_or(NonceStatus::Unknown))
	}
	fn note_fee_revenue(topic: TopicId, amount: Balance) {
		FEE_REVENUE.with(|f| *f.borrow_mut().entry(topic).or_insert(0) += amount);
	}
	fn note_stake_added(topic: TopicId) {
		STAKE_NOTES.with(|n| *n.borrow_mut().entry(topic).or_insert(0) += 1);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<BlockNumber> for MockTopics {
	fn topic() -> TopicId {
		MockTopics::create_topic(TOPIC);
		TOPIC
	}
	fn open_reputer_nonce(topic: TopicId, nonce: BlockNumber) {
		MockTopics::set_reputer_nonce(topic, nonce, NonceStatus::Open);
	}
}

/// Accounts 1..=20 hold `ENDOWMENT`, the ecosystem account the existential deposit, the pauper
/// 5; topics 1 and 2 exist; block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	MockTopics::reset();
	MockTopics::create_topic(TOPIC);
	MockTopics::create_topic(OTHER_TOPIC);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(AccountId, Balance)> = (1..=20).map(|a| (a, ENDOWMENT)).collect();
	balances.push((ECOSYSTEM, 1));
	balances.push((PAUPER, 5));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_reputers::GenesisConfig::<Test> {
		registration_fee: REGISTRATION_FEE,
		data_sending_fee: DATA_SENDING_FEE,
		required_minimum_stake: MINIMUM_STAKE,
		remove_stake_delay_window: REMOVAL_DELAY,
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs the blocks up to `n`, each with this pallet's `on_initialize`.
pub fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		<Reputers as Hooks<BlockNumber>>::on_initialize(next);
	}
}
