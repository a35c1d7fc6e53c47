//! Stories of the emission schedule and of topic rewards. Every test ends with the storage
//! invariants of `do_try_state`, and `run_to_block` checks them after every block.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{mock::*, *};
use allora_primitives::{Payout, Role, TopicRewards};
use allora_synthesis::{
	emissions::{
		recalculate_emission, split_block_emission, topic_reward, EmissionSplit, MintInputs,
		MonthlyEmission,
	},
	rewards::delegator_split,
	EmissionParams, Fixed, MathError,
};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{
			fungible::{Inspect, Mutate},
			Get,
		},
	},
	sp_runtime::{traits::BadOrigin, Perquintill},
};

fn run_test(test: impl FnOnce()) {
	run_test_with(ExtBuilder::default(), test);
}

fn run_test_with(builder: ExtBuilder, test: impl FnOnce()) {
	builder.build().execute_with(|| {
		test();
		Emissions::do_try_state().unwrap();
	});
}

fn fx(s: &str) -> Fixed {
	Fixed::from_decimal_str(s).unwrap()
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

fn rewards_account() -> AccountId {
	Emissions::rewards_account()
}

fn total_issuance() -> Balance {
	<Balances as Inspect<AccountId>>::total_issuance()
}

/// What the pallet hands `recalculate_emission` at `block`, read from the chain now.
fn mint_inputs(block: BlockNumber) -> MintInputs {
	MintInputs {
		block,
		staked: MockStake::total_stake() + MockValidatorStake::get(),
		ecosystem_balance: free(ECOSYSTEM) + free(RESERVE),
		ecosystem_minted: 0,
		previous_emission_per_unit_staked: EmissionPerUnitStaked::<Test>::get(),
		reputer_share_of_rewards: ReputerShareOfRewards::<Test>::get(),
	}
}

/// The crate's recalculation for these inputs under the stored parameters.
fn expected_emission(inputs: &MintInputs) -> MonthlyEmission {
	recalculate_emission(inputs, &Params::<Test>::get().emission_params()).unwrap()
}

/// The split of the stored block emission.
fn block_split() -> EmissionSplit {
	split_block_emission(
		BlockEmission::<Test>::get(),
		Params::<Test>::get().validators_vs_allora_percent_reward,
	)
}

fn emission_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Emissions(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn recalculations() -> usize {
	emission_events().iter().filter(|e| matches!(e, Event::EmissionRecalculated { .. })).count()
}

fn payout(role: Role, account: AccountId, amount: Balance) -> Payout<AccountId, Balance> {
	Payout { role, account, amount }
}

fn inferer(account: AccountId, amount: Balance) -> Payout<AccountId, Balance> {
	payout(Role::Inferer, account, amount)
}

fn forecaster(account: AccountId, amount: Balance) -> Payout<AccountId, Balance> {
	payout(Role::Forecaster, account, amount)
}

fn reputer(account: AccountId, amount: Balance) -> Payout<AccountId, Balance> {
	payout(Role::Reputer, account, amount)
}

/// A fee of `amount` paid by account 1 into the ecosystem account.
fn pay_fee(amount: Balance) {
	assert_ok!(Balances::transfer_keep_alive(RuntimeOrigin::signed(1), ECOSYSTEM, amount));
}

// ----- parameters and genesis ------------------------------------------------------------------

#[test]
fn defaults_follow_the_spec() {
	let params = EmissionScheduleParams::<BlockNumber>::default();
	assert_eq!(params.f_emission, fx("0.025"));
	assert_eq!(params.one_month_smoothing_degree, fx("0.1"));
	assert_eq!(params.maximum_monthly_percentage_yield, fx("0.0095"));
	assert_eq!(params.validators_vs_allora_percent_reward, fx("0.25"));
	assert_eq!(params.blocks_per_month, 864_000);
	assert_eq!(params.max_supply, 10u128.pow(27));
	assert_eq!(u64::from(DEFAULT_BLOCKS_PER_MONTH), EmissionParams::DEFAULT.blocks_per_month);
	assert_eq!(DEFAULT_REPUTER_SHARE_OF_REWARDS, fx("0.3"));

	let genesis = crate::GenesisConfig::<Test>::default();
	assert_eq!(genesis.to_params(), params);
	assert_eq!(genesis.reputer_share_of_rewards, Perquintill::from_percent(30));
	assert_eq!(genesis.f_emission, Perquintill::from_parts(25_000_000_000_000_000));
}

#[test]
fn the_crate_sees_no_mint_allowance() {
	let params =
		EmissionScheduleParams::<BlockNumber> { blocks_per_month: 10, ..Default::default() };
	let crate_params = params.emission_params();
	assert_eq!(crate_params.ecosystem_treasury_percent_of_total_supply, Fixed::ZERO);
	assert_eq!(crate_params.blocks_per_month, 10);
	assert_eq!(crate_params.f_emission, params.f_emission);
	assert_eq!(crate_params.max_supply, params.max_supply);
	// the vesting shares keep their spec values
	assert_eq!(
		crate_params.team_percent_of_total_supply,
		EmissionParams::DEFAULT.team_percent_of_total_supply
	);
}

#[test]
fn genesis_records_the_starting_balances() {
	run_test(|| {
		assert_eq!(Params::<Test>::get().blocks_per_month, BLOCKS_PER_MONTH);
		assert_eq!(ReputerShareOfRewards::<Test>::get(), fx("0.3"));
		assert_eq!(GenesisIssuance::<Test>::get(), total_issuance());
		assert_eq!(ReserveAtGenesis::<Test>::get(), RESERVE_ENDOWMENT);
		assert_eq!(Minted::<Test>::get(), 0);
		assert_eq!(EmissionPerUnitStaked::<Test>::get(), None);
		assert_eq!(BlockEmission::<Test>::get(), 0);
	});
}

#[test]
fn admin_sets_params() {
	run_test(|| {
		let params = EmissionScheduleParams {
			f_emission: fx("0.05"),
			one_month_smoothing_degree: fx("0.2"),
			maximum_monthly_percentage_yield: fx("0.01"),
			validators_vs_allora_percent_reward: fx("0.5"),
			blocks_per_month: 20,
			max_supply: 10u128.pow(24),
		};
		assert_ok!(Emissions::set_params(RuntimeOrigin::root(), params));
		assert_eq!(Params::<Test>::get(), params);
		System::assert_last_event(Event::<Test>::ParamsUpdated { params }.into());
	});
}

#[test]
fn only_the_admin_sets_params() {
	run_test(|| {
		let params = Params::<Test>::get();
		assert_noop!(Emissions::set_params(RuntimeOrigin::signed(1), params), BadOrigin);
	});
}

#[test]
fn invalid_params_are_refused_by_name() {
	run_test(|| {
		let valid = Params::<Test>::get();
		let cases: Vec<(EmissionScheduleParams<BlockNumber>, Error<Test>)> = vec![
			(
				EmissionScheduleParams { f_emission: fx("1.000000000000000001"), ..valid },
				Error::<Test>::InvalidFEmission,
			),
			(
				EmissionScheduleParams { f_emission: fx("-0.1"), ..valid },
				Error::<Test>::InvalidFEmission,
			),
			(
				EmissionScheduleParams { one_month_smoothing_degree: fx("2"), ..valid },
				Error::<Test>::InvalidSmoothingDegree,
			),
			(
				EmissionScheduleParams { maximum_monthly_percentage_yield: fx("-1"), ..valid },
				Error::<Test>::InvalidMaximumMonthlyYield,
			),
			(
				EmissionScheduleParams { validators_vs_allora_percent_reward: fx("1.5"), ..valid },
				Error::<Test>::InvalidValidatorsShare,
			),
			(
				EmissionScheduleParams { blocks_per_month: 0, ..valid },
				Error::<Test>::InvalidBlocksPerMonth,
			),
			(EmissionScheduleParams { max_supply: 0, ..valid }, Error::<Test>::InvalidMaxSupply),
		];
		for (params, error) in cases {
			assert_noop!(Emissions::set_params(RuntimeOrigin::root(), params), error);
		}
		// the bounds themselves are valid
		let edges = EmissionScheduleParams {
			f_emission: Fixed::ONE,
			one_month_smoothing_degree: Fixed::ZERO,
			maximum_monthly_percentage_yield: Fixed::ONE,
			validators_vs_allora_percent_reward: Fixed::ZERO,
			blocks_per_month: 1,
			max_supply: 1,
		};
		assert_ok!(Emissions::set_params(RuntimeOrigin::root(), edges));
	});
}

// ----- the monthly recalculation ---------------------------------------------------------------

#[test]
fn emission_is_calculated_in_the_first_block() {
	run_test(|| {
		let expected = expected_emission(&mint_inputs(1));
		assert!(expected.per_block > 0);
		initialize_block(1);
		assert_eq!(EmissionPerUnitStaked::<Test>::get(), Some(expected.emission_per_unit_staked));
		assert_eq!(BlockEmission::<Test>::get(), expected.per_block);
		System::assert_has_event(
			Event::<Test>::EmissionRecalculated {
				block: 1,
				emission_per_unit_staked: expected.emission_per_unit_staked,
				monthly: expected.monthly,
				per_block: expected.per_block,
			}
			.into(),
		);
	});
}

#[test]
fn emission_is_recalculated_only_when_a_month_begins() {
	run_test(|| {
		initialize_block(1);
		let first = BlockEmission::<Test>::get();
		run_to_block(BLOCKS_PER_MONTH);
		assert_eq!(recalculations(), 1);
		assert_eq!(BlockEmission::<Test>::get(), first);

		// h mod blocks_per_month = 1: the crate's result with last month's e as previous
		let inputs = mint_inputs(BLOCKS_PER_MONTH + 1);
		assert!(inputs.previous_emission_per_unit_staked.is_some());
		let expected = expected_emission(&inputs);
		run_to_block(BLOCKS_PER_MONTH + 1);
		assert_eq!(recalculations(), 2);
		assert_eq!(EmissionPerUnitStaked::<Test>::get(), Some(expected.emission_per_unit_staked));
		assert_eq!(BlockEmission::<Test>::get(), expected.per_block);

		run_to_block(2 * BLOCKS_PER_MONTH);
		assert_eq!(recalculations(), 2);
		let expected = expected_emission(&mint_inputs(2 * BLOCKS_PER_MONTH + 1));
		run_to_block(2 * BLOCKS_PER_MONTH + 1);
		assert_eq!(recalculations(), 3);
		assert_eq!(BlockEmission::<Test>::get(), expected.per_block);
	});
}

#[test]
fn the_hook_weight_follows_its_work() {
	run_test(|| {
		let recalculate = <() as WeightInfo>::on_initialize_recalculate();
		let emit = <() as WeightInfo>::on_initialize_emit();
		assert_eq!(initialize_block(1), recalculate);
		assert_eq!(initialize_block(2), emit);
		assert_eq!(initialize_block(BLOCKS_PER_MONTH + 1), recalculate);
	});
}

#[test]
fn validator_stake_counts_as_staked() {
	run_test(|| {
		MockValidatorStake::set(STAKED);
		let inputs = mint_inputs(1);
		assert_eq!(inputs.staked, 2 * STAKED);
		let expected = expected_emission(&inputs);
		initialize_block(1);
		assert_eq!(BlockEmission::<Test>::get(), expected.per_block);
	});
}

#[test]
fn a_failed_recalculation_is_retried_and_keeps_the_emission() {
	run_test(|| {
		// nothing staked: the target has no denominator
		MockStake::set_total(0);
		initialize_block(1);
		System::assert_has_event(
			Event::<Test>::EmissionRecalculationFailed {
				block: 1,
				error: MathError::ZeroDenominator,
			}
			.into(),
		);
		assert_eq!(EmissionPerUnitStaked::<Test>::get(), None);
		assert_eq!(BlockEmission::<Test>::get(), 0);
		assert_eq!(free(RESERVE), RESERVE_ENDOWMENT);
		assert_eq!(RewardCurrentBlockEmission::<Test>::get(), 0);

		// retried in the next block, before a month boundary
		MockStake::set_total(STAKED);
		let expected = expected_emission(&mint_inputs(2));
		initialize_block(2);
		assert_eq!(EmissionPerUnitStaked::<Test>::get(), Some(expected.emission_per_unit_staked));
		let per_block = BlockEmission::<Test>::get();
		assert_eq!(per_block, expected.per_block);

		// a failure at the next boundary keeps last month's emission
		run_to_block(BLOCKS_PER_MONTH);
		MockStake::set_total(0);
		run_to_block(BLOCKS_PER_MONTH + 1);
		System::assert_has_event(
			Event::<Test>::EmissionRecalculationFailed {
				block: BLOCKS_PER_MONTH + 1,
				error: MathError::ZeroDenominator,
			}
			.into(),
		);
		assert_eq!(BlockEmission::<Test>::get(), per_block);
		assert_eq!(EmissionPerUnitStaked::<Test>::get(), Some(expected.emission_per_unit_staked));
		// and keeps paying it
		assert_eq!(RewardCurrentBlockEmission::<Test>::get(), block_split().rewards);
	});
}

#[test]
fn blocks_per_month_moves_the_month_boundary() {
	run_test(|| {
		initialize_block(1);
		let params = EmissionScheduleParams { blocks_per_month: 4, ..Params::<Test>::get() };
		assert_ok!(Emissions::set_params(RuntimeOrigin::root(), params));
		run_to_block(4);
		assert_eq!(recalculations(), 1);
		run_to_block(5);
		assert_eq!(recalculations(), 2);
		run_to_block(BLOCKS_PER_MONTH + 1);
		assert_eq!(recalculations(), 3, "block 9 is a boundary, block 11 is not");
	});
}

// ----- paying each block's emission ------------------------------------------------------------

#[test]
fn validators_share_goes_to_the_author_and_the_rest_to_the_rewards_account() {
	run_test(|| {
		initialize_block(1);
		let b = BlockEmission::<Test>::get();
		let split = block_split();
		assert_eq!(split.validators, fx("0.25").mul_u128_floor(b));
		assert_eq!(split.validators + split.rewards, b);
		assert_eq!(free(AUTHOR), split.validators);
		assert_eq!(free(rewards_account()), ED + split.rewards);
		assert_eq!(RewardCurrentBlockEmission::<Test>::get(), split.rewards);
		assert_eq!(TotalEmitted::<Test>::get(), b);
		// the ecosystem account held nothing spendable: the reserve paid all of it
		assert_eq!(RESERVE_ENDOWMENT - free(RESERVE), b);
		assert_eq!(free(ECOSYSTEM), ED);
		System::assert_has_event(
			Event::<Test>::BlockEmitted {
				validators: split.validators,
				rewards: split.rewards,
				released: b,
			}
			.into(),
		);

		run_to_block(3);
		assert_eq!(free(AUTHOR), 3 * split.validators);
		assert_eq!(free(rewards_account()), ED + 3 * split.rewards);
		assert_eq!(TotalEmitted::<Test>::get(), 3 * b);
	});
}

#[test]
fn fees_are_spent_before_the_reserve_is_touched() {
	run_test(|| {
		initialize_block(1);
		let b = BlockEmission::<Test>::get();
		assert_eq!(ReleasedFromReserve::<Test>::get(), b);
		let reserve = free(RESERVE);

		// fees worth three blocks land in the ecosystem account
		pay_fee(3 * b);
		run_to_block(4);
		assert_eq!(free(RESERVE), reserve);
		assert_eq!(ReleasedFromReserve::<Test>::get(), b);
		assert_eq!(free(ECOSYSTEM), ED);

		// then the reserve pays again
		run_to_block(5);
		assert_eq!(free(RESERVE), reserve - b);
		assert_eq!(ReleasedFromReserve::<Test>::get(), 2 * b);
	});
}

#[test]
fn only_the_shortfall_is_released_from_the_reserve() {
	run_test(|| {
		initialize_block(1);
		let b = BlockEmission::<Test>::get();
		let fee = b / 3;
		pay_fee(fee);
		let released = ReleasedFromReserve::<Test>::get();
		let reserve = free(RESERVE);
		initialize_block(2);
		assert_eq!(ReleasedFromReserve::<Test>::get(), released + (b - fee));
		assert_eq!(free(RESERVE), reserve - (b - fee));
		let split = block_split();
		System::assert_has_event(
			Event::<Test>::BlockEmitted {
				validators: split.validators,
				rewards: split.rewards,
				released: b - fee,
			}
			.into(),
		);
	});
}

#[test]
fn a_rich_ecosystem_account_pays_without_the_reserve() {
	run_test_with(ExtBuilder::default().ecosystem(1_000_000 * UNIT), || {
		run_to_block(5);
		assert_eq!(free(RESERVE), RESERVE_ENDOWMENT);
		assert_eq!(ReleasedFromReserve::<Test>::get(), 0);
		assert_eq!(TotalEmitted::<Test>::get(), 4 * BlockEmission::<Test>::get());
	});
}

#[test]
fn without_a_reserve_only_fees_are_emitted() {
	run_test_with(ExtBuilder::default().reserve(0).ecosystem(1_000 * UNIT), || {
		run_to_block(3);
		let b = BlockEmission::<Test>::get();
		assert!(b > 0);
		assert_eq!(ReserveAtGenesis::<Test>::get(), 0);
		assert_eq!(ReleasedFromReserve::<Test>::get(), 0);
		assert_eq!(free(ECOSYSTEM), 1_000 * UNIT - 2 * b);
		assert_eq!(TotalEmitted::<Test>::get(), 2 * b);
	});
}

#[test]
fn without_an_author_the_validators_share_stays_in_the_ecosystem_account() {
	run_test(|| {
		MockAuthor::set(None);
		initialize_block(1);
		let split = block_split();
		assert!(split.validators > 0);
		assert_eq!(free(AUTHOR), 0);
		assert_eq!(free(rewards_account()), ED + split.rewards);
		// only the rewards' part was released and moved
		assert_eq!(RESERVE_ENDOWMENT - free(RESERVE), split.rewards);
		assert_eq!(free(ECOSYSTEM), ED);
		assert_eq!(TotalEmitted::<Test>::get(), split.rewards);
		System::assert_has_event(Event::<Test>::NoBlockAuthor { unpaid: split.validators }.into());
		System::assert_has_event(
			Event::<Test>::BlockEmitted {
				validators: 0,
				rewards: split.rewards,
				released: split.rewards,
			}
			.into(),
		);
	});
}

#[test]
fn an_exhausted_reserve_ends_the_emission_gracefully() {
	run_test(|| {
		initialize_block(1);
		// a huge emission drains the reserve in a few blocks
		let per_block = 4_000_000 * UNIT;
		BlockEmission::<Test>::put(per_block);
		run_to_block(4);
		// block 4 could pay only what was left
		assert!(emission_events().iter().any(|e| matches!(
			e,
			Event::EmissionShortfall { due, available } if *due == per_block && *available < per_block
		)));
		assert_eq!(free(RESERVE), ED);
		assert_eq!(ReleasedFromReserve::<Test>::get(), RESERVE_ENDOWMENT - ED);

		// block 5: nothing is left, nothing moves, the block goes on
		let author = free(AUTHOR);
		let rewards = free(rewards_account());
		run_to_block(5);
		System::assert_has_event(
			Event::<Test>::EmissionShortfall { due: per_block, available: 0 }.into(),
		);
		System::assert_has_event(
			Event::<Test>::BlockEmitted { validators: 0, rewards: 0, released: 0 }.into(),
		);
		assert_eq!(free(AUTHOR), author);
		assert_eq!(free(rewards_account()), rewards);
		assert_eq!(RewardCurrentBlockEmission::<Test>::get(), 0);
		assert_eq!(free(ECOSYSTEM), ED);
		// everything the reserve could spend was emitted, nothing more
		assert_eq!(TotalEmitted::<Test>::get(), RESERVE_ENDOWMENT - ED);
	});
}

#[test]
fn an_author_who_cannot_receive_keeps_nothing_and_the_block_goes_on() {
	run_test(|| {
		initialize_block(1);
		// a block emission so small that the author's share is below the existential deposit
		// of its (empty) account
		MockAuthor::set(Some(555));
		BlockEmission::<Test>::put(8);
		let split = block_split();
		assert!(split.validators > 0 && split.validators < ED);
		initialize_block(2);
		assert_eq!(free(555), 0);
		assert!(emission_events()
			.iter()
			.any(|e| matches!(e, Event::EmissionTransferFailed { to: 555, .. })));
		assert_eq!(RewardCurrentBlockEmission::<Test>::get(), split.rewards);
	});
}

#[test]
fn total_issuance_never_changes() {
	run_test(|| {
		let issuance = total_issuance();
		MockTopics::set_topic(TOPIC, 100, 2);
		MockReputers::set_stake(TOPIC, 3, 600 * UNIT, 400 * UNIT);
		for block in 1..=(3 * BLOCKS_PER_MONTH) {
			initialize_block(block);
			let reward = Emissions::epoch_reward(TOPIC);
			let quarter = reward / 4;
			Emissions::pay(
				TOPIC,
				&[inferer(1, quarter), forecaster(2, quarter), reputer(3, reward - 2 * quarter)],
			);
			assert_eq!(total_issuance(), issuance);
			Emissions::do_try_state().unwrap();
		}
		assert!(TotalEmitted::<Test>::get() > 0);
	});
}

#[test]
fn try_state_catches_a_stray_mint_and_a_leaking_reserve() {
	new_test_ext().execute_with(|| {
		assert_ok!(Emissions::do_try_state());
		assert_ok!(<Balances as Mutate<AccountId>>::mint_into(&1, 1));
		assert!(Emissions::do_try_state().is_err());
	});
	new_test_ext().execute_with(|| {
		assert_ok!(Balances::transfer_keep_alive(RuntimeOrigin::signed(RESERVE), 1, UNIT));
		assert!(Emissions::do_try_state().is_err());
	});
}

// ----- the reward of a topic-epoch -------------------------------------------------------------

#[test]
fn epoch_reward_follows_the_formula() {
	run_test(|| {
		initialize_block(1);
		let r = RewardCurrentBlockEmission::<Test>::get();
		MockTopics::set_topic(TOPIC, 100, 2);
		MockTopics::set_topic(OTHER_TOPIC, 700, 5);
		// E_t = w_t · e_blk · E / W_sum = 100 · r · 2 / 800
		let expected = topic_reward(100, 800, r, 2).unwrap();
		assert_eq!(expected, r / 4);
		assert_eq!(Emissions::uncapped_epoch_reward(TOPIC), expected);
		assert_eq!(Emissions::epoch_reward(TOPIC), expected);
		assert_eq!(Emissions::promised_rewards(), expected);
	});
}

#[test]
fn epoch_reward_is_capped_by_the_rewards_account() {
	run_test(|| {
		initialize_block(1);
		let r = RewardCurrentBlockEmission::<Test>::get();
		MockTopics::set_topic(TOPIC, 300, 2);
		MockTopics::set_topic(OTHER_TOPIC, 100, 2);
		// 300 · r · 2 / 400 = 1.5 r, but the rewards account can spend only r
		assert_eq!(Emissions::uncapped_epoch_reward(TOPIC), topic_reward(300, 400, r, 2).unwrap());
		assert_eq!(Emissions::epoch_reward(TOPIC), r);
		// what is promised to one topic is not promised to another in the same block
		assert_eq!(Emissions::epoch_reward(OTHER_TOPIC), 0);
		assert_eq!(Emissions::promised_rewards(), r);

		// a new block forgets unpaid promises
		initialize_block(2);
		assert_eq!(Emissions::promised_rewards(), 0);
		assert_eq!(Emissions::epoch_reward(OTHER_TOPIC), topic_reward(100, 400, r, 2).unwrap());
	});
}

#[test]
fn epoch_reward_is_zero_without_an_active_weight() {
	run_test(|| {
		// no emission yet
		MockTopics::set_topic(TOPIC, 100, 2);
		assert_eq!(Emissions::epoch_reward(TOPIC), 0);

		initialize_block(1);
		assert!(Emissions::epoch_reward(TOPIC) > 0);
		// an unknown topic
		assert_eq!(Emissions::epoch_reward(OTHER_TOPIC), 0);
		// an inactive one
		MockTopics::deactivate(TOPIC);
		assert_eq!(Emissions::epoch_reward(TOPIC), 0);
		// W_sum = 0
		MockTopics::set_topic(TOPIC, 0, 2);
		assert_eq!(Emissions::epoch_reward(TOPIC), 0);
	});
}

// ----- payouts ---------------------------------------------------------------------------------

#[test]
fn workers_are_paid_from_the_rewards_account() {
	run_test(|| {
		initialize_block(1);
		let before = free(rewards_account());
		let paid = Emissions::pay(TOPIC, &[inferer(1, 300 * UNIT), forecaster(2, 200 * UNIT)]);
		assert_eq!(paid, 500 * UNIT);
		assert_eq!(free(1), ENDOWMENT + 300 * UNIT);
		assert_eq!(free(2), ENDOWMENT + 200 * UNIT);
		assert_eq!(free(rewards_account()), before - 500 * UNIT);
		assert_eq!(
			LastPayout::<Test>::get(TOPIC),
			Some(PayoutRecord { block: 1, given: 500 * UNIT, paid: 500 * UNIT, failed: 0 })
		);
		System::assert_has_event(
			Event::<Test>::RewardPaid {
				topic: TOPIC,
				role: Role::Inferer,
				account: 1,
				amount: 300 * UNIT,
			}
			.into(),
		);
		System::assert_has_event(
			Event::<Test>::RewardPaid {
				topic: TOPIC,
				role: Role::Forecaster,
				account: 2,
				amount: 200 * UNIT,
			}
			.into(),
		);
		System::assert_last_event(
			Event::<Test>::TopicRewarded {
				topic: TOPIC,
				given: 500 * UNIT,
				paid: 500 * UNIT,
				failed_payouts: 0,
			}
			.into(),
		);
	});
}

#[test]
fn a_reputers_reward_is_split_with_its_delegators() {
	run_test(|| {
		initialize_block(1);
		MockReputers::set_stake(TOPIC, 3, 600 * UNIT, 400 * UNIT);
		let amount = 1_000 * UNIT + 1;
		let split = delegator_split(amount, 1_000 * UNIT, 400 * UNIT);
		assert_eq!(split.delegators, 400 * UNIT);
		assert_eq!(split.reputer, 600 * UNIT + 1);
		let pool = free(DELEGATOR_POOL);

		assert_eq!(Emissions::pay(TOPIC, &[reputer(3, amount)]), amount);
		assert_eq!(free(DELEGATOR_POOL), pool + split.delegators);
		assert_eq!(free(3), ENDOWMENT + split.reputer);
		assert_eq!(MockReputers::delegator_deposits(), vec![(TOPIC, 3, split.delegators)]);
		assert_eq!(MockReputers::staked_rewards(), vec![(TOPIC, 3, split.reputer)]);
		System::assert_has_event(
			Event::<Test>::RewardPaid { topic: TOPIC, role: Role::Reputer, account: 3, amount }
				.into(),
		);
	});
}

#[test]
fn a_reputer_without_delegators_keeps_its_whole_reward() {
	run_test(|| {
		initialize_block(1);
		MockReputers::set_stake(TOPIC, 4, 500 * UNIT, 0);
		assert_eq!(Emissions::pay(TOPIC, &[reputer(4, 100 * UNIT)]), 100 * UNIT);
		assert!(MockReputers::delegator_deposits().is_empty());
		assert_eq!(MockReputers::staked_rewards(), vec![(TOPIC, 4, 100 * UNIT)]);
		assert_eq!(free(4), ENDOWMENT + 100 * UNIT);
	});
}

#[test]
fn a_failing_payout_is_skipped_and_the_rest_are_paid() {
	run_test(|| {
		initialize_block(1);
		MockReputers::set_stake(TOPIC, 3, 600 * UNIT, 400 * UNIT);
		MockReputers::fail_for(3);
		let before = free(rewards_account());
		let payouts = [
			inferer(1, 100 * UNIT),
			reputer(3, 200 * UNIT),
			forecaster(2, 300 * UNIT),
			// below the existential deposit of an empty account
			inferer(777, ED - 1),
		];
		let paid = Emissions::pay(TOPIC, &payouts);
		assert_eq!(paid, 400 * UNIT);
		assert_eq!(free(1), ENDOWMENT + 100 * UNIT);
		assert_eq!(free(2), ENDOWMENT + 300 * UNIT);
		assert_eq!(free(3), ENDOWMENT);
		assert_eq!(free(777), 0);

		let record = LastPayout::<Test>::get(TOPIC).unwrap();
		let unpaid = 200 * UNIT + ED - 1;
		assert_eq!(record.given, 600 * UNIT + ED - 1);
		assert_eq!(record.paid, paid);
		assert_eq!(record.failed, 2);
		assert_eq!(record.paid + unpaid, record.given);
		// the unpaid amounts stayed in the rewards account
		assert_eq!(before - free(rewards_account()), paid);
		System::assert_last_event(
			Event::<Test>::TopicRewarded {
				topic: TOPIC,
				given: record.given,
				paid,
				failed_payouts: 2,
			}
			.into(),
		);
	});
}

#[test]
fn a_reputer_payout_is_all_or_nothing() {
	run_test(|| {
		initialize_block(1);
		MockReputers::set_stake(TOPIC, 3, 600 * UNIT, 400 * UNIT);
		// the delegators' deposit works, adding to the reputer's stake does not
		MockReputers::fail_stake_for(3);
		let pool = free(DELEGATOR_POOL);
		let before = free(rewards_account());
		assert_eq!(Emissions::pay(TOPIC, &[reputer(3, 1_000 * UNIT)]), 0);
		assert_eq!(free(DELEGATOR_POOL), pool);
		assert_eq!(free(rewards_account()), before);
		assert_eq!(LastPayout::<Test>::get(TOPIC).unwrap().failed, 1);
	});
}

#[test]
fn zero_payouts_are_skipped() {
	run_test(|| {
		initialize_block(1);
		assert_eq!(Emissions::pay(TOPIC, &[inferer(1, 0), reputer(3, 0)]), 0);
		assert_eq!(
			LastPayout::<Test>::get(TOPIC),
			Some(PayoutRecord { block: 1, given: 0, paid: 0, failed: 0 })
		);
		assert!(!emission_events().iter().any(|e| matches!(e, Event::RewardPaid { .. })));
	});
}

#[test]
fn payouts_beyond_the_bound_are_not_paid() {
	run_test(|| {
		initialize_block(1);
		let count = AccountId::from(MAX_PAYOUTS) + 1;
		let payouts: Vec<_> = (1..=count).map(|who| inferer(who, UNIT)).collect();
		let paid = Emissions::pay(TOPIC, &payouts);
		assert_eq!(paid, Balance::from(MAX_PAYOUTS) * UNIT);
		assert_eq!(free(count), ENDOWMENT);
		assert_eq!(LastPayout::<Test>::get(TOPIC).unwrap().failed, 1);
	});
}

#[test]
fn a_payout_releases_its_promise() {
	run_test(|| {
		initialize_block(1);
		let r = RewardCurrentBlockEmission::<Test>::get();
		MockTopics::set_topic(TOPIC, 1, 1);
		let reward = Emissions::epoch_reward(TOPIC);
		assert_eq!(reward, r);
		assert_eq!(Emissions::promised_rewards(), r);
		let paid =
			Emissions::pay(TOPIC, &[inferer(1, reward / 2), forecaster(2, reward - reward / 2)]);
		assert_eq!(paid, reward);
		assert_eq!(Emissions::promised_rewards(), 0);
		assert_eq!(PromisedRewards::<Test>::get(), None);
		// the rewards account is back to its existential deposit
		assert_eq!(free(rewards_account()), ED);
	});
}

#[test]
fn rewards_of_a_topic_epoch_sum_to_what_it_was_given() {
	run_test(|| {
		initialize_block(1);
		MockTopics::set_topic(TOPIC, 100, 3);
		MockTopics::set_topic(OTHER_TOPIC, 100, 3);
		MockReputers::set_stake(TOPIC, 3, 700 * UNIT, 300 * UNIT);
		let given = Emissions::epoch_reward(TOPIC);
		assert!(given > 0);
		let third = given / 3;
		let payouts = [inferer(1, third), forecaster(2, third), reputer(3, given - 2 * third)];
		let before = free(rewards_account());
		let paid = Emissions::pay(TOPIC, &payouts);
		assert_eq!(paid, given);
		assert_eq!(before - free(rewards_account()), given);
		let received = (free(1) - ENDOWMENT)
			+ (free(2) - ENDOWMENT)
			+ (free(3) - ENDOWMENT)
			+ (free(DELEGATOR_POOL) - ED);
		assert_eq!(received, given);
	});
}

// ----- ρ_rep -----------------------------------------------------------------------------------

#[test]
fn reputer_share_is_set_at_the_month_boundary() {
	run_test(|| {
		// a low yield cap, so that ρ_rep matters to the emission
		let params = EmissionScheduleParams {
			maximum_monthly_percentage_yield: fx("0.001"),
			..Params::<Test>::get()
		};
		assert_ok!(Emissions::set_params(RuntimeOrigin::root(), params));
		initialize_block(1);
		MockReputers::set_stake(TOPIC, 3, 600 * UNIT, 400 * UNIT);
		Emissions::pay(TOPIC, &[inferer(1, 300 * UNIT), reputer(3, 100 * UNIT)]);
		assert_eq!(
			MonthlyRewards::<Test>::get(),
			RewardTally { reputers: 100 * UNIT, total: 400 * UNIT }
		);
		run_to_block(BLOCKS_PER_MONTH);
		assert_eq!(ReputerShareOfRewards::<Test>::get(), fx("0.3"));

		let mut inputs = mint_inputs(BLOCKS_PER_MONTH + 1);
		let with_old_share = expected_emission(&inputs);
		inputs.reputer_share_of_rewards = fx("0.25");
		let expected = expected_emission(&inputs);
		assert_ne!(expected.emission_per_unit_staked, with_old_share.emission_per_unit_staked);

		run_to_block(BLOCKS_PER_MONTH + 1);
		assert_eq!(ReputerShareOfRewards::<Test>::get(), fx("0.25"));
		assert_eq!(MonthlyRewards::<Test>::get(), RewardTally::default());
		System::assert_has_event(Event::<Test>::ReputerShareUpdated { share: fx("0.25") }.into());
		assert_eq!(EmissionPerUnitStaked::<Test>::get(), Some(expected.emission_per_unit_staked));
	});
}

#[test]
fn reputer_share_is_kept_when_nothing_was_paid() {
	run_test(|| {
		run_to_block(BLOCKS_PER_MONTH + 1);
		assert_eq!(ReputerShareOfRewards::<Test>::get(), fx("0.3"));
		assert!(!emission_events().iter().any(|e| matches!(e, Event::ReputerShareUpdated { .. })));
	});
}
