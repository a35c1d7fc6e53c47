//! A test runtime: System, Balances and this pallet, with pallet-topics replaced by
//! [`MockTopics`], whose topics, worker nonces and fee revenue live in thread-local storage the
//! tests set directly.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{self as pallet_workers, *};
use allora_primitives::NonceStatus;
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{self, derive_impl, parameter_types, traits::ConstU32},
	frame_system::{self, EnsureRoot},
	pallet_balances,
	sp_io::TestExternalities,
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
		Workers: pallet_workers,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type Balance = Balance;
}

/// Receives every fee.
pub const ECOSYSTEM: AccountId = 1_000;
/// Can pay the registration fee but little else.
pub const POOR: AccountId = 500;
/// Balance of every ordinary test account.
pub const INITIAL_BALANCE: Balance = 1_000_000;
/// Spec default fees (base units).
pub const REGISTRATION_FEE: Balance = 200;
pub const DATA_SENDING_FEE: Balance = 10;
/// `MaxWorkersPerTopic` of the mock.
pub const MAX_WORKERS: u32 = 16;
/// `MaxForecastElements` of the mock (the spec default of `max_elements_per_forecast`).
pub const MAX_ELEMENTS: u32 = 12;

parameter_types! {
	pub const EcosystemAccount: AccountId = ECOSYSTEM;
}

impl pallet_workers::Config for Test {
	type Currency = Balances;
	type EcosystemAccount = EcosystemAccount;
	type Topics = MockTopics;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxWorkersPerTopic = ConstU32<MAX_WORKERS>;
	type MaxForecastElements = ConstU32<MAX_ELEMENTS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockTopics;
}

thread_local! {
	static TOPICS: RefCell<BTreeSet<TopicId>> = const { RefCell::new(BTreeSet::new()) };
	/// Open worker nonces: `(topic, nonce)` → submission window length in blocks.
	static WORKER_NONCES: RefCell<BTreeMap<(TopicId, BlockNumber), BlockNumber>> =
		const { RefCell::new(BTreeMap::new()) };
	static FEE_REVENUE: RefCell<BTreeMap<TopicId, Balance>> =
		const { RefCell::new(BTreeMap::new()) };
}

/// Stands in for pallet-topics.
pub struct MockTopics;

impl TopicsInterface<Balance, BlockNumber> for MockTopics {
	fn topic_exists(topic: TopicId) -> bool {
		TOPICS.with(|t| t.borrow().contains(&topic))
	}

	fn is_active(topic: TopicId) -> bool {
		Self::topic_exists(topic)
	}

	/// Open while `nonce <= now < nonce + window` (spec §2.3), closed after, unknown once
	/// fulfilled or if never opened.
	fn worker_nonce_status(topic: TopicId, nonce: BlockNumber, now: BlockNumber) -> NonceStatus {
		match WORKER_NONCES.with(|n| n.borrow().get(&(topic, nonce)).copied()) {
			None => NonceStatus::Unknown,
			Some(_) if now < nonce => NonceStatus::Unknown,
			Some(window) if now < nonce + window => NonceStatus::Open,
			Some(_) => NonceStatus::WindowClosed,
		}
	}

	fn reputer_nonce_status(
		_topic: TopicId,
		_nonce: BlockNumber,
		_now: BlockNumber,
	) -> NonceStatus {
		NonceStatus::Unknown
	}

	fn note_fee_revenue(topic: TopicId, amount: Balance) {
		FEE_REVENUE.with(|r| *r.borrow_mut().entry(topic).or_insert(0) += amount);
	}

	fn note_stake_added(_topic: TopicId) {}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<BlockNumber> for MockTopics {
	fn open_worker_nonce() -> (TopicId, BlockNumber) {
		let now = System::block_number();
		create_topic(1);
		open_worker_nonce(1, now, 10);
		(1, now)
	}
}

/// Create topic `topic` in the mock topics pallet.
pub fn create_topic(topic: TopicId) {
	TOPICS.with(|t| t.borrow_mut().insert(topic));
}

/// Open worker nonce `nonce` of `topic` with a submission window of `window` blocks.
pub fn open_worker_nonce(topic: TopicId, nonce: BlockNumber, window: BlockNumber) {
	WORKER_NONCES.with(|n| n.borrow_mut().insert((topic, nonce), window));
}

/// Fulfil (close and forget) worker nonce `nonce` of `topic`.
pub fn fulfil_worker_nonce(topic: TopicId, nonce: BlockNumber) {
	WORKER_NONCES.with(|n| n.borrow_mut().remove(&(topic, nonce)));
}

/// Fee revenue noted for `topic` so far.
pub fn fee_revenue(topic: TopicId) -> Balance {
	FEE_REVENUE.with(|r| r.borrow().get(&topic).copied().unwrap_or(0))
}

/// Ordinary accounts 1..=40 hold `INITIAL_BALANCE`; `POOR` holds the registration fee plus
/// the existential deposit plus 5; the ecosystem account holds the existential deposit. Block 1.
pub fn new_test_ext() -> TestExternalities {
	TOPICS.with(|t| t.borrow_mut().clear());
	WORKER_NONCES.with(|n| n.borrow_mut().clear());
	FEE_REVENUE.with(|r| r.borrow_mut().clear());

	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(AccountId, Balance)> =
		(1..=40).map(|who| (who, INITIAL_BALANCE)).collect();
	balances.push((POOR, REGISTRATION_FEE + 1 + 5));
	balances.push((ECOSYSTEM, 1));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_workers::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();

	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Run `test` in a fresh externality, then check the pallet's storage invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Workers::do_try_state().unwrap();
	});
}

/// Advance to block `n` (no hooks run; this pallet has none that act per block).
pub fn run_to_block(n: BlockNumber) {
	System::set_block_number(n);
}
