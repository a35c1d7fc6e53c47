//! A test runtime: System, Balances and this pallet, with topic stake kept in a thread-local
//! map the tests set.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate as pallet_topics;
use alloc::collections::BTreeMap;
use allora_primitives::{StakeInterface, TopicId};
use polkadot_sdk::{
	frame_support::{self, derive_impl, parameter_types, traits::ConstU32},
	frame_system::{self, EnsureRoot},
	pallet_balances, sp_io,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		TopicsPallet: pallet_topics,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type Balance = u128;
}

/// Topic creators, funders and the ecosystem account.
pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CHARLIE: u64 = 3;
/// An account without funds.
pub const PAUPER: u64 = 7;
pub const ECOSYSTEM: u64 = 999;
/// Genesis balance of ALICE, BOB and CHARLIE.
pub const INITIAL_BALANCE: u128 = 1_000_000_000_000;

parameter_types! {
	pub const EcosystemAccount: u64 = ECOSYSTEM;
}

parameter_types! {
	/// Topic stake the mock `StakeInterface` reports.
	pub static TopicStakes: BTreeMap<TopicId, u128> = BTreeMap::new();
}

/// `StakeInterface` backed by [`TopicStakes`].
pub struct MockStake;
impl StakeInterface<u64, u128> for MockStake {
	fn reputer_authority(_topic: TopicId, _reputer: &u64) -> u128 {
		0
	}
	fn topic_stake(topic: TopicId) -> u128 {
		TopicStakes::get().get(&topic).copied().unwrap_or(0)
	}
	fn total_stake() -> u128 {
		TopicStakes::get().values().sum()
	}
}

/// Sets the stake the mock reports for a topic.
pub fn set_topic_stake(topic: TopicId, stake: u128) {
	TopicStakes::mutate(|stakes| {
		stakes.insert(topic, stake);
	});
}

impl pallet_topics::Config for Test {
	type Currency = Balances;
	type EcosystemAccount = EcosystemAccount;
	type Stake = MockStake;
	type AdminOrigin = EnsureRoot<u64>;
	/// Small, so the tests can fill a block.
	type MaxTopicsPerBlock = ConstU32<3>;
	type MaxUnfulfilledNonces = ConstU32<8>;
	type MaxStringLength = ConstU32<64>;
	type EpochEvents = ();
	type WeightInfo = ();
}

/// Genesis: funded accounts, an existing ecosystem account, default parameters, block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: alloc::vec![
			(ALICE, INITIAL_BALANCE),
			(BOB, INITIAL_BALANCE),
			(CHARLIE, INITIAL_BALANCE),
			(ECOSYSTEM, 1),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_topics::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		TopicStakes::reset();
	});
	ext
}
