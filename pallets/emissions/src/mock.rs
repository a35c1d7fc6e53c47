//! A test runtime: System, Balances and Emissions, with mocks of what the topics and reputers
//! pallets provide (topic weights and epoch lengths, total stake, reputer stake and the two
//! reputer-reward deposits) and of the block author, all set by the tests.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{self as pallet_emissions, *};
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{fungible::Mutate, tokens::Preservation, ConstU128, ConstU32, Get, Hooks},
		weights::Weight,
		PalletId,
	},
	frame_system, pallet_balances, sp_io,
	sp_runtime::{BuildStorage, DispatchError, DispatchResult},
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
		Emissions: pallet_emissions,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

/// The existential deposit: above 1, so that keep-alive rules show in the tests.
pub const ED: Balance = 5;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<ED>;
}

/// One token, in base units.
pub const UNIT: Balance = 1_000_000_000_000;
/// The protocol treasury, where fees land and emissions are paid from.
pub const ECOSYSTEM: AccountId = 999;
/// The network-emissions reserve.
pub const RESERVE: AccountId = 998;
/// Where the mock reputers pallet keeps delegator rewards.
pub const DELEGATOR_POOL: AccountId = 997;
/// The block author (without a balance at genesis).
pub const AUTHOR: AccountId = 100;
/// Balance of every test account 1..=20.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;
/// The reserve at genesis.
pub const RESERVE_ENDOWMENT: Balance = 10_000_000 * UNIT;
/// Reputer stake the mock reports in every test unless changed.
pub const STAKED: Balance = 10_000_000 * UNIT;
/// A short month.
pub const BLOCKS_PER_MONTH: BlockNumber = 10;
/// Most payouts of a topic-epoch.
pub const MAX_PAYOUTS: u32 = 8;
/// Topics of the tests.
pub const TOPIC: TopicId = 1;
pub const OTHER_TOPIC: TopicId = 2;

parameter_types! {
	pub const Ecosystem: AccountId = ECOSYSTEM;
	pub const Reserve: AccountId = RESERVE;
	pub const EmissionsPalletId: PalletId = PalletId(*b"allo/rwd");
}

impl pallet_emissions::Config for Test {
	type Currency = Balances;
	type Topics = MockTopics;
	type Stake = MockStake;
	type Reputers = MockReputers;
	type ValidatorStake = MockValidatorStake;
	type BlockAuthor = MockAuthor;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type EcosystemAccount = Ecosystem;
	type ReserveAccount = Reserve;
	type PalletId = EmissionsPalletId;
	type MaxPayoutsPerEpoch = ConstU32<MAX_PAYOUTS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockReputers;
}

thread_local! {
	static WEIGHTS: RefCell<BTreeMap<TopicId, u128>> = const { RefCell::new(BTreeMap::new()) };
	static EPOCH_LENGTHS: RefCell<BTreeMap<TopicId, BlockNumber>> =
		const { RefCell::new(BTreeMap::new()) };
	static TOTAL_STAKE: RefCell<Balance> = const { RefCell::new(0) };
	static VALIDATOR_STAKE: RefCell<Balance> = const { RefCell::new(0) };
	/// (own, delegated) stake per (topic, reputer).
	static REPUTER_STAKES: RefCell<BTreeMap<(TopicId, AccountId), (Balance, Balance)>> =
		const { RefCell::new(BTreeMap::new()) };
	static DELEGATOR_DEPOSITS: RefCell<Vec<(TopicId, AccountId, Balance)>> =
		const { RefCell::new(Vec::new()) };
	static STAKED_REWARDS: RefCell<Vec<(TopicId, AccountId, Balance)>> =
		const { RefCell::new(Vec::new()) };
	static FAILING_REPUTERS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static FAILING_STAKE: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static BLOCK_AUTHOR: RefCell<Option<AccountId>> = const { RefCell::new(None) };
}

/// The topics pallet as the emissions need it: an active topic has the weight a test sets.
pub struct MockTopics;

impl MockTopics {
	/// Makes `topic` active with `weight` and `epoch_length`.
	pub fn set_topic(topic: TopicId, weight: u128, epoch_length: BlockNumber) {
		WEIGHTS.with(|w| w.borrow_mut().insert(topic, weight));
		EPOCH_LENGTHS.with(|e| e.borrow_mut().insert(topic, epoch_length));
	}
	/// Makes `topic` inactive (it keeps its epoch length).
	pub fn deactivate(topic: TopicId) {
		WEIGHTS.with(|w| w.borrow_mut().remove(&topic));
	}
}

impl TopicWeights<BlockNumber> for MockTopics {
	fn active_weight(topic: TopicId) -> Option<u128> {
		WEIGHTS.with(|w| w.borrow().get(&topic).copied())
	}
	fn total_active_weight() -> u128 {
		WEIGHTS.with(|w| w.borrow().values().sum())
	}
	fn epoch_length(topic: TopicId) -> Option<BlockNumber> {
		EPOCH_LENGTHS.with(|e| e.borrow().get(&topic).copied())
	}
}

/// Total reputer stake, as a test sets it.
pub struct MockStake;

impl MockStake {
	pub fn set_total(stake: Balance) {
		TOTAL_STAKE.with(|s| *s.borrow_mut() = stake);
	}
}

impl StakeInterface<AccountId, Balance> for MockStake {
	fn reputer_authority(topic: TopicId, reputer: &AccountId) -> Balance {
		MockReputers::authority(topic, reputer)
	}
	fn topic_stake(topic: TopicId) -> Balance {
		REPUTER_STAKES.with(|s| {
			s.borrow().iter().filter(|((t, _), _)| *t == topic).map(|(_, (o, d))| o + d).sum()
		})
	}
	fn total_stake() -> Balance {
		TOTAL_STAKE.with(|s| *s.borrow())
	}
}

/// Validator stake, as a test sets it.
pub struct MockValidatorStake;

impl MockValidatorStake {
	pub fn set(stake: Balance) {
		VALIDATOR_STAKE.with(|s| *s.borrow_mut() = stake);
	}
}

impl Get<Balance> for MockValidatorStake {
	fn get() -> Balance {
		VALIDATOR_STAKE.with(|s| *s.borrow())
	}
}

/// The block author, as a test sets it.
pub struct MockAuthor;

impl MockAuthor {
	pub fn set(author: Option<AccountId>) {
		BLOCK_AUTHOR.with(|a| *a.borrow_mut() = author);
	}
}

impl Get<Option<AccountId>> for MockAuthor {
	fn get() -> Option<AccountId> {
		BLOCK_AUTHOR.with(|a| *a.borrow())
	}
}

/// The reputers pallet as the payouts need it. Funds really move with `Balances`: delegator
/// rewards to [`DELEGATOR_POOL`], a reputer's own part to the reputer; both are recorded. A
/// deposit for a reputer without delegated stake fails, as in pallet-reputers.
pub struct MockReputers;

impl MockReputers {
	/// Sets a reputer's own and delegated stake in a topic.
	pub fn set_stake(topic: TopicId, reputer: AccountId, own: Balance, delegated: Balance) {
		REPUTER_STAKES.with(|s| s.borrow_mut().insert((topic, reputer), (own, delegated)));
	}
	/// Every payment to `reputer` fails.
	pub fn fail_for(reputer: AccountId) {
		FAILING_REPUTERS.with(|f| f.borrow_mut().insert(reputer));
	}
	/// Only adding to `reputer`'s stake fails (its delegators' deposit works).
	pub fn fail_stake_for(reputer: AccountId) {
		FAILING_STAKE.with(|f| f.borrow_mut().insert(reputer));
	}
	/// Delegator deposits made (and not rolled back in the thread-local record).
	pub fn delegator_deposits() -> Vec<(TopicId, AccountId, Balance)> {
		DELEGATOR_DEPOSITS.with(|d| d.borrow().clone())
	}
	/// Reputer rewards added to stake.
	pub fn staked_rewards() -> Vec<(TopicId, AccountId, Balance)> {
		STAKED_REWARDS.with(|d| d.borrow().clone())
	}
	fn stakes(topic: TopicId, reputer: &AccountId) -> (Balance, Balance) {
		REPUTER_STAKES.with(|s| s.borrow().get(&(topic, *reputer)).copied().unwrap_or((0, 0)))
	}
	fn failing(reputer: &AccountId) -> bool {
		FAILING_REPUTERS.with(|f| f.borrow().contains(reputer))
	}
}

impl ReputerRewards<AccountId, Balance> for MockReputers {
	fn authority(topic: TopicId, reputer: &AccountId) -> Balance {
		let (own, delegated) = Self::stakes(topic, reputer);
		own + delegated
	}
	fn delegated(topic: TopicId, reputer: &AccountId) -> Balance {
		Self::stakes(topic, reputer).1
	}
	fn deposit_delegator_reward(
		source: &AccountId,
		topic: TopicId,
		reputer: &AccountId,
		amount: Balance,
	) -> DispatchResult {
		if Self::failing(reputer) {
			return Err(DispatchError::Other("mock: payment fails"));
		}
		if Self::delegated(topic, reputer) == 0 {
			return Err(DispatchError::Other("mock: nothing delegated"));
		}
		<Balances as Mutate<AccountId>>::transfer(
			source,
			&DELEGATOR_POOL,
			amount,
			Preservation::Preserve,
		)?;
		DELEGATOR_DEPOSITS.with(|d| d.borrow_mut().push((topic, *reputer, amount)));
		Ok(())
	}
	fn stake_reputer_reward(
		source: &AccountId,
		topic: TopicId,
		reputer: &AccountId,
		amount: Balance,
	) -> DispatchResult {
		if Self::failing(reputer) || FAILING_STAKE.with(|f| f.borrow().contains(reputer)) {
			return Err(DispatchError::Other("mock: staking fails"));
		}
		<Balances as Mutate<AccountId>>::transfer(source, reputer, amount, Preservation::Preserve)?;
		STAKED_REWARDS.with(|d| d.borrow_mut().push((topic, *reputer, amount)));
		Ok(())
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockReputers {
	fn topic() -> TopicId {
		MockTopics::set_topic(TOPIC, 1_000, 10);
		TOPIC
	}
	fn reputer_with_delegator(topic: TopicId, index: u32) -> AccountId {
		let reputer = 10_000 + AccountId::from(index);
		MockReputers::set_stake(topic, reputer, 1_000 * UNIT, 1_000 * UNIT);
		TOTAL_STAKE.with(|s| *s.borrow_mut() += 2_000 * UNIT);
		reputer
	}
	fn block_author() -> AccountId {
		MockAuthor::set(Some(AUTHOR));
		AUTHOR
	}
}

fn reset_mocks() {
	WEIGHTS.with(|w| w.borrow_mut().clear());
	EPOCH_LENGTHS.with(|e| e.borrow_mut().clear());
	REPUTER_STAKES.with(|s| s.borrow_mut().clear());
	DELEGATOR_DEPOSITS.with(|d| d.borrow_mut().clear());
	STAKED_REWARDS.with(|d| d.borrow_mut().clear());
	FAILING_REPUTERS.with(|f| f.borrow_mut().clear());
	FAILING_STAKE.with(|f| f.borrow_mut().clear());
	MockStake::set_total(STAKED);
	MockValidatorStake::set(0);
	MockAuthor::set(Some(AUTHOR));
}

/// Genesis balances of the ecosystem account and the reserve; everything else is fixed.
pub struct ExtBuilder {
	ecosystem: Balance,
	reserve: Balance,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { ecosystem: ED, reserve: RESERVE_ENDOWMENT }
	}
}

impl ExtBuilder {
	pub fn ecosystem(mut self, balance: Balance) -> Self {
		self.ecosystem = balance;
		self
	}
	pub fn reserve(mut self, balance: Balance) -> Self {
		self.reserve = balance;
		self
	}
	/// Accounts 1..=20 hold `ENDOWMENT`, the rewards account and the delegator pool the
	/// existential deposit; the author, [`STAKED`] reputer stake; a month of
	/// [`BLOCKS_PER_MONTH`] blocks; block 1, whose hook has not run.
	pub fn build(self) -> sp_io::TestExternalities {
		reset_mocks();
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut balances: Vec<(AccountId, Balance)> = (1..=20).map(|a| (a, ENDOWMENT)).collect();
		balances.push((Emissions::rewards_account(), ED));
		balances.push((DELEGATOR_POOL, ED));
		for (account, balance) in [(ECOSYSTEM, self.ecosystem), (RESERVE, self.reserve)] {
			if balance > 0 {
				balances.push((account, balance));
			}
		}
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_emissions::GenesisConfig::<Test> {
			blocks_per_month: BLOCKS_PER_MONTH,
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}
}

/// The default test chain.
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Moves to block `n` and runs this pallet's hook there.
pub fn initialize_block(n: BlockNumber) -> Weight {
	System::set_block_number(n);
	<Emissions as Hooks<BlockNumber>>::on_initialize(n)
}

/// Runs the blocks after the current one up to `n`, each with this pallet's hook and the
/// storage invariants checked after it.
pub fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		initialize_block(System::block_number() + 1);
		Emissions::do_try_state().unwrap();
	}
}
