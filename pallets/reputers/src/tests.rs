//! Stories of reputers, delegators and their stake. Every test ends with the storage
//! invariants of `do_try_state`.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{mock::*, *};
use allora_primitives::{NonceStatus, StakeInterface};
use allora_synthesis::Fixed;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec},
	sp_runtime::{traits::BadOrigin, DispatchResult},
};

/// The reputer nonce tests submit losses for.
const NONCE: BlockNumber = 10;

fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Reputers::do_try_state().unwrap();
	});
}

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn fx(s: &str) -> Fixed {
	Fixed::from_decimal_str(s).unwrap()
}

fn held(reason: HoldReason, who: AccountId) -> Balance {
	<Balances as InspectHold<AccountId>>::balance_on_hold(&reason.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

fn register_with_stake(who: AccountId, stake: Balance) {
	assert_ok!(Reputers::register(signed(who), TOPIC));
	assert_ok!(Reputers::add_stake(signed(who), TOPIC, stake));
}

fn delegate(delegator: AccountId, reputer: AccountId, amount: Balance) {
	assert_ok!(Reputers::delegate_stake(signed(delegator), TOPIC, reputer, amount));
}

fn open_nonce() {
	MockTopics::set_reputer_nonce(TOPIC, NONCE, NonceStatus::Open);
}

fn worker_value(worker: AccountId, value: &str) -> WorkerValue<AccountId> {
	WorkerValue { worker, value: fx(value) }
}

/// A complete bundle: two inferers (101, 102), one forecaster (201).
fn bundle() -> LossBundleSubmission<AccountId> {
	let mut bundle = LossBundleSubmission::new(fx("-3.1"), fx("-2.9"));
	bundle.inferer_values = vec![worker_value(101, "-3.0"), worker_value(102, "-2.5")];
	bundle.forecaster_values = vec![worker_value(201, "-3.2")];
	bundle.one_out_inferer_values = vec![worker_value(101, "-2.8"), worker_value(102, "-3.05")];
	bundle.one_out_forecaster_values = vec![worker_value(201, "-2.95")];
	bundle.one_in_forecaster_values = vec![worker_value(201, "-3.15")];
	bundle.one_out_inferer_forecaster_values = vec![OneOutInfererForecasterSubmission {
		forecaster: 201,
		one_out_inferer_values: vec![worker_value(101, "-3.1"), worker_value(102, "-3.0")],
	}];
	bundle
}

fn submit(who: AccountId, bundle: LossBundleSubmission<AccountId>) -> DispatchResult {
	Reputers::submit_losses(signed(who), TOPIC, NONCE, Box::new(bundle))
}

fn removed_delegators() -> Vec<AccountId> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Reputers(Event::DelegateStakeRemoved { delegator, .. }) => {
				Some(delegator)
			}
			_ => None,
		})
		.collect()
}

// ----- parameters and genesis ------------------------------------------------------------------

#[test]
fn genesis_defaults_follow_the_spec() {
	let defaults = ReputerParams::<Balance, BlockNumber>::default();
	assert_eq!(defaults.registration_fee, 200);
	assert_eq!(defaults.data_sending_fee, 10);
	assert_eq!(defaults.required_minimum_stake, 10_000);
	assert_eq!(defaults.remove_stake_delay_window, 604_800);
	let genesis = crate::GenesisConfig::<Test>::default();
	assert_eq!(genesis.registration_fee, 200);
	assert_eq!(genesis.remove_stake_delay_window, 604_800);
	assert_eq!(u128::try_from(Fixed::ONE.to_bits()).unwrap(), crate::stake::SHARE_SCALE);
	run_test(|| {
		assert_eq!(
			Params::<Test>::get(),
			ReputerParams {
				registration_fee: REGISTRATION_FEE,
				data_sending_fee: DATA_SENDING_FEE,
				required_minimum_stake: MINIMUM_STAKE,
				remove_stake_delay_window: REMOVAL_DELAY,
			}
		);
	});
}

#[test]
fn admin_updates_some_params_and_keeps_the_others() {
	run_test(|| {
		let update = ReputerParamsUpdate {
			registration_fee: Some(20),
			remove_stake_delay_window: Some(2),
			..Default::default()
		};
		assert_ok!(Reputers::set_params(RuntimeOrigin::root(), update));
		let params = ReputerParams {
			registration_fee: 20,
			data_sending_fee: DATA_SENDING_FEE,
			required_minimum_stake: MINIMUM_STAKE,
			remove_stake_delay_window: 2,
		};
		assert_eq!(Params::<Test>::get(), params);
		System::assert_last_event(Event::<Test>::ParamsUpdated { params }.into());

		// the new delay applies to the next request
		register_with_stake(1, 500);
		assert_ok!(Reputers::remove_stake(signed(1), TOPIC, 100));
		assert_eq!(PendingStakeRemovals::<Test>::get(TOPIC, 1).unwrap().completion, 3);
	});
}

#[test]
fn only_the_admin_updates_params() {
	run_test(|| {
		let update = ReputerParamsUpdate { registration_fee: Some(20), ..Default::default() };
		assert_noop!(Reputers::set_params(signed(1), update), BadOrigin);
	});
}

#[test]
fn remove_stake_delay_cannot_be_zero() {
	run_test(|| {
		let update =
			ReputerParamsUpdate { remove_stake_delay_window: Some(0), ..Default::default() };
		assert_noop!(
			Reputers::set_params(RuntimeOrigin::root(), update),
			Error::<Test>::ZeroRemoveStakeDelay
		);
	});
}

// ----- registration ----------------------------------------------------------------------------

#[test]
fn reputer_registers_by_paying_the_registration_fee() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		System::assert_last_event(
			Event::<Test>::ReputerRegistered { topic: TOPIC, reputer: 1, fee: REGISTRATION_FEE }
				.into(),
		);
		assert!(Reputers::is_registered(TOPIC, &1));
		assert!(!Reputers::is_registered(OTHER_TOPIC, &1));
		assert_eq!(ReputerCount::<Test>::get(TOPIC), 1);
		assert_eq!(free(1), ENDOWMENT - REGISTRATION_FEE);
		assert_eq!(free(ECOSYSTEM), 1 + REGISTRATION_FEE);
		assert_eq!(MockTopics::fee_revenue(TOPIC), REGISTRATION_FEE);
	});
}

#[test]
fn cannot_register_in_a_topic_that_does_not_exist() {
	run_test(|| {
		assert_noop!(Reputers::register(signed(1), NO_TOPIC), Error::<Test>::TopicNotFound);
	});
}

#[test]
fn cannot_register_twice_in_a_topic() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		assert_noop!(Reputers::register(signed(1), TOPIC), Error::<Test>::AlreadyRegistered);
		// another topic is another registration
		assert_ok!(Reputers::register(signed(1), OTHER_TOPIC));
	});
}

#[test]
fn a_topic_holds_at_most_max_reputers() {
	run_test(|| {
		for who in 1..=4 {
			assert_ok!(Reputers::register(signed(who), TOPIC));
		}
		assert_noop!(Reputers::register(signed(5), TOPIC), Error::<Test>::TooManyReputers);
		assert_ok!(Reputers::register(signed(5), OTHER_TOPIC));
		// leaving makes room
		assert_ok!(Reputers::unregister(signed(4), TOPIC));
		assert_ok!(Reputers::register(signed(5), TOPIC));
	});
}

#[test]
fn registration_needs_the_fee() {
	run_test(|| {
		assert_noop!(Reputers::register(signed(PAUPER), TOPIC), Error::<Test>::InsufficientBalance);
	});
}

#[test]
fn reputer_unregisters_and_keeps_its_stake_until_removed() {
	run_test(|| {
		register_with_stake(1, 500);
		assert_ok!(Reputers::unregister(signed(1), TOPIC));
		System::assert_last_event(
			Event::<Test>::ReputerUnregistered { topic: TOPIC, reputer: 1 }.into(),
		);
		assert!(!Reputers::is_registered(TOPIC, &1));
		assert_eq!(ReputerCount::<Test>::get(TOPIC), 0);
		assert_eq!(held(HoldReason::ReputerStake, 1), 500);
		assert_noop!(Reputers::add_stake(signed(1), TOPIC, 10), Error::<Test>::NotRegistered);
		assert_ok!(Reputers::remove_stake(signed(1), TOPIC, 500));
		run_to_block(1 + REMOVAL_DELAY);
		assert_eq!(held(HoldReason::ReputerStake, 1), 0);
	});
}

#[test]
fn only_a_registered_reputer_unregisters() {
	run_test(|| {
		assert_noop!(Reputers::unregister(signed(1), TOPIC), Error::<Test>::NotRegistered);
	});
}

// ----- own stake -------------------------------------------------------------------------------

#[test]
fn registered_reputer_stake_is_held_on_its_balance() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		assert_ok!(Reputers::add_stake(signed(1), TOPIC, 500));
		System::assert_last_event(
			Event::<Test>::StakeAdded { topic: TOPIC, reputer: 1, amount: 500 }.into(),
		);
		assert_eq!(held(HoldReason::ReputerStake, 1), 500);
		assert_eq!(free(1), ENDOWMENT - REGISTRATION_FEE - 500);
		assert_eq!(ReputerStake::<Test>::get(TOPIC, 1), 500);
		assert_eq!(TopicStake::<Test>::get(TOPIC), 500);
		assert_eq!(TotalStake::<Test>::get(), 500);
		assert_ok!(Reputers::add_stake(signed(1), TOPIC, 250));
		assert_eq!(held(HoldReason::ReputerStake, 1), 750);
		assert_eq!(Reputers::authority(TOPIC, &1), 750);
	});
}

#[test]
fn adding_or_delegating_stake_rechecks_the_topics_activation() {
	run_test(|| {
		register_with_stake(1, 500);
		assert_eq!(MockTopics::stake_notes(TOPIC), 1);
		delegate(2, 1, 100);
		assert_eq!(MockTopics::stake_notes(TOPIC), 2);
		// A rejected stake changes nothing, so it tells the topic nothing either.
		assert_noop!(Reputers::add_stake(signed(1), TOPIC, 0), Error::<Test>::ZeroAmount);
		assert_eq!(MockTopics::stake_notes(TOPIC), 2);
	});
}

#[test]
fn add_stake_rejections() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		assert_noop!(Reputers::add_stake(signed(1), TOPIC, 0), Error::<Test>::ZeroAmount);
		assert_noop!(Reputers::add_stake(signed(2), TOPIC, 10), Error::<Test>::NotRegistered);
		assert_noop!(
			Reputers::add_stake(signed(1), TOPIC, ENDOWMENT),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn stake_removal_executes_only_after_the_delay() {
	run_test(|| {
		register_with_stake(1, 500);
		assert_ok!(Reputers::remove_stake(signed(1), TOPIC, 200));
		let completion = 1 + REMOVAL_DELAY;
		System::assert_last_event(
			Event::<Test>::StakeRemovalQueued { topic: TOPIC, reputer: 1, amount: 200, completion }
				.into(),
		);
		assert_eq!(QueuedRemovals::<Test>::get(), 1);

		// the stake keeps counting until the removal executes
		run_to_block(completion - 1);
		assert_eq!(held(HoldReason::ReputerStake, 1), 500);
		assert_eq!(Reputers::authority(TOPIC, &1), 500);
		assert_eq!(TopicStake::<Test>::get(TOPIC), 500);

		run_to_block(completion);
		System::assert_last_event(
			Event::<Test>::StakeRemoved { topic: TOPIC, reputer: 1, amount: 200 }.into(),
		);
		assert_eq!(held(HoldReason::ReputerStake, 1), 300);
		assert_eq!(free(1), ENDOWMENT - REGISTRATION_FEE - 300);
		assert_eq!(ReputerStake::<Test>::get(TOPIC, 1), 300);
		assert_eq!(TopicStake::<Test>::get(TOPIC), 300);
		assert_eq!(TotalStake::<Test>::get(), 300);
		assert!(PendingStakeRemovals::<Test>::get(TOPIC, 1).is_none());
		assert_eq!(QueuedRemovals::<Test>::get(), 0);
	});
}

#[test]
fn remove_stake_rejections() {
	run_test(|| {
		register_with_stake(1, 500);
		delegate(2, 1, 300);
		assert_noop!(Reputers::remove_stake(signed(1), TOPIC, 0), Error::<Test>::ZeroAmount);
		// the reputer can only remove its own stake, not what is delegated to it
		assert_noop!(
			Reputers::remove_stake(signed(1), TOPIC, 501),
			Error::<Test>::InsufficientStake
		);
		assert_noop!(Reputers::remove_stake(signed(3), TOPIC, 1), Error::<Test>::InsufficientStake);
	});
}

#[test]
fn a_new_removal_request_replaces_the_queued_one() {
	run_test(|| {
		register_with_stake(1, 500);
		assert_ok!(Reputers::remove_stake(signed(1), TOPIC, 100));
		run_to_block(3);
		assert_ok!(Reputers::remove_stake(signed(1), TOPIC, 200));
		assert_eq!(QueuedRemovals::<Test>::get(), 1);
		let pending = PendingStakeRemovals::<Test>::get(TOPIC, 1).unwrap();
		assert_eq!(pending.completion, 3 + REMOVAL_DELAY);

		run_to_block(1 + REMOVAL_DELAY);
		assert_eq!(held(HoldReason::ReputerStake, 1), 500);
		run_to_block(3 + REMOVAL_DELAY);
		assert_eq!(held(HoldReason::ReputerStake, 1), 300);
	});
}

#[test]
fn a_cancelled_removal_never_executes() {
	run_test(|| {
		register_with_stake(1, 500);
		assert_ok!(Reputers::remove_stake(signed(1), TOPIC, 200));
		assert_ok!(Reputers::cancel_remove_stake(signed(1), TOPIC));
		System::assert_last_event(
			Event::<Test>::StakeRemovalCancelled { topic: TOPIC, reputer: 1 }.into(),
		);
		assert_eq!(QueuedRemovals::<Test>::get(), 0);
		assert_noop!(
			Reputers::cancel_remove_stake(signed(1), TOPIC),
			Error::<Test>::NoPendingRemoval
		);
		run_to_block(2 + REMOVAL_DELAY);
		assert_eq!(held(HoldReason::ReputerStake, 1), 500);
	});
}

#[test]
fn removals_completing_in_one_block_are_bounded() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		// MaxQueuedRemovalsPerBlock = 8
		for delegator in 3..=10 {
			delegate(delegator, 1, 100);
			assert_ok!(Reputers::remove_delegate_stake(signed(delegator), TOPIC, 1, 100));
		}
		delegate(11, 1, 100);
		assert_noop!(
			Reputers::remove_delegate_stake(signed(11), TOPIC, 1, 100),
			Error::<Test>::RemovalQueueFull
		);
		// replacing a request in the full bucket is fine
		assert_ok!(Reputers::remove_delegate_stake(signed(3), TOPIC, 1, 50));
		// a block later there is room again
		run_to_block(2);
		assert_ok!(Reputers::remove_delegate_stake(signed(11), TOPIC, 1, 100));
	});
}

#[test]
fn at_most_max_removals_execute_per_block_and_the_rest_wait() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		// five removals complete at block 6; MaxRemovalsPerBlock = 3
		for delegator in 2..=6 {
			delegate(delegator, 1, 100);
			assert_ok!(Reputers::remove_delegate_stake(signed(delegator), TOPIC, 1, 100));
		}
		// one more completes at block 7
		run_to_block(2);
		delegate(7, 1, 100);
		assert_ok!(Reputers::remove_delegate_stake(signed(7), TOPIC, 1, 100));

		run_to_block(6);
		assert_eq!(removed_delegators(), vec![2, 3, 4]);
		assert_eq!(QueuedRemovals::<Test>::get(), 3);
		assert_eq!(held(HoldReason::DelegatorStake, 5), 100);
		assert_eq!(DelegatedStakeUpon::<Test>::get(TOPIC, 1), 300);

		// the overdue ones go first, then the ones due now
		run_to_block(7);
		assert_eq!(removed_delegators(), vec![2, 3, 4, 5, 6, 7]);
		assert_eq!(QueuedRemovals::<Test>::get(), 0);
		assert_eq!(TotalStake::<Test>::get(), 0);
		for delegator in 2..=7 {
			assert_eq!(held(HoldReason::DelegatorStake, delegator), 0);
			assert_eq!(free(delegator), ENDOWMENT);
		}
	});
}

#[test]
fn a_removal_that_cannot_execute_is_dropped() {
	run_test(|| {
		// an entry without a record (cannot happen through the calls)
		let key = RemovalKey::Reputer { topic: TOPIC, reputer: 1 };
		let bucket =
			BoundedVec::<_, <Test as Config>::MaxQueuedRemovalsPerBlock>::truncate_from(vec![key]);
		RemovalQueue::<Test>::insert(2, bucket);
		QueuedRemovals::<Test>::put(1);
		run_to_block(2);
		assert_eq!(QueuedRemovals::<Test>::get(), 0);
		assert!(RemovalQueue::<Test>::iter().next().is_none());
	});
}

// ----- delegation ------------------------------------------------------------------------------

#[test]
fn delegator_delegates_to_a_registered_reputer() {
	run_test(|| {
		register_with_stake(1, 500);
		assert_ok!(Reputers::delegate_stake(signed(2), TOPIC, 1, 300));
		System::assert_last_event(
			Event::<Test>::StakeDelegated { topic: TOPIC, delegator: 2, reputer: 1, amount: 300 }
				.into(),
		);
		assert_eq!(held(HoldReason::DelegatorStake, 2), 300);
		assert_eq!(free(2), ENDOWMENT - 300);
		assert_eq!(Delegations::<Test>::get((TOPIC, 2, 1)).unwrap().amount, 300);
		assert_eq!(DelegatedStakeUpon::<Test>::get(TOPIC, 1), 300);
		assert_eq!(DelegatorTopicStake::<Test>::get(TOPIC, 2), 300);
		assert_eq!(Reputers::authority(TOPIC, &1), 800);
		assert_eq!(TopicStake::<Test>::get(TOPIC), 800);
		assert_eq!(TotalStake::<Test>::get(), 800);
	});
}

#[test]
fn delegate_stake_rejections() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		assert_noop!(Reputers::delegate_stake(signed(2), TOPIC, 1, 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Reputers::delegate_stake(signed(2), TOPIC, 3, 10),
			Error::<Test>::ReputerNotRegistered
		);
		assert_noop!(
			Reputers::delegate_stake(signed(2), TOPIC, 1, ENDOWMENT),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn delegated_stake_is_released_after_the_delay() {
	run_test(|| {
		register_with_stake(1, 500);
		delegate(2, 1, 300);
		assert_ok!(Reputers::remove_delegate_stake(signed(2), TOPIC, 1, 100));
		let completion = 1 + REMOVAL_DELAY;
		System::assert_last_event(
			Event::<Test>::DelegateStakeRemovalQueued {
				topic: TOPIC,
				delegator: 2,
				reputer: 1,
				amount: 100,
				completion,
			}
			.into(),
		);
		run_to_block(completion - 1);
		assert_eq!(Reputers::authority(TOPIC, &1), 800);
		run_to_block(completion);
		System::assert_last_event(
			Event::<Test>::DelegateStakeRemoved {
				topic: TOPIC,
				delegator: 2,
				reputer: 1,
				amount: 100,
			}
			.into(),
		);
		assert_eq!(held(HoldReason::DelegatorStake, 2), 200);
		assert_eq!(Reputers::authority(TOPIC, &1), 700);
		assert_eq!(DelegatorTopicStake::<Test>::get(TOPIC, 2), 200);
		assert_eq!(TotalStake::<Test>::get(), 700);
	});
}

#[test]
fn remove_delegate_stake_rejections() {
	run_test(|| {
		register_with_stake(1, 500);
		delegate(2, 1, 300);
		assert_noop!(
			Reputers::remove_delegate_stake(signed(2), TOPIC, 1, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Reputers::remove_delegate_stake(signed(3), TOPIC, 1, 10),
			Error::<Test>::NoDelegation
		);
		assert_noop!(
			Reputers::remove_delegate_stake(signed(2), TOPIC, 1, 301),
			Error::<Test>::InsufficientDelegatedStake
		);
	});
}

#[test]
fn delegator_cancels_its_queued_removal() {
	run_test(|| {
		register_with_stake(1, 500);
		delegate(2, 1, 300);
		assert_ok!(Reputers::remove_delegate_stake(signed(2), TOPIC, 1, 300));
		assert_ok!(Reputers::cancel_remove_delegate_stake(signed(2), TOPIC, 1));
		System::assert_last_event(
			Event::<Test>::DelegateRemovalCancelled { topic: TOPIC, delegator: 2, reputer: 1 }
				.into(),
		);
		assert_noop!(
			Reputers::cancel_remove_delegate_stake(signed(2), TOPIC, 1),
			Error::<Test>::NoPendingRemoval
		);
		run_to_block(2 + REMOVAL_DELAY);
		assert_eq!(held(HoldReason::DelegatorStake, 2), 300);
	});
}

// ----- delegator rewards -----------------------------------------------------------------------

#[test]
fn delegator_rewards_are_shared_by_stake_and_claimed_exactly() {
	run_test(|| {
		register_with_stake(1, 500);
		delegate(2, 1, 600);
		delegate(3, 1, 400);
		assert_ok!(Reputers::deposit_delegator_reward(&4, TOPIC, &1, 1_000));
		System::assert_last_event(
			Event::<Test>::DelegatorRewardDeposited { topic: TOPIC, reputer: 1, amount: 1_000 }
				.into(),
		);
		// the first deposit also pays the rewards account's existential deposit
		assert_eq!(free(4), ENDOWMENT - 1_001);
		assert_eq!(free(Reputers::rewards_account()), 1_001);
		assert_eq!(Reputers::pending_delegator_reward(TOPIC, &2, &1), 600);
		assert_eq!(Reputers::pending_delegator_reward(TOPIC, &3, &1), 400);

		assert_ok!(Reputers::claim_delegate_rewards(signed(2), TOPIC, 1));
		System::assert_last_event(
			Event::<Test>::DelegatorRewardClaimed {
				topic: TOPIC,
				delegator: 2,
				reputer: 1,
				amount: 600,
			}
			.into(),
		);
		// 600 held as stake, 600 received as reward
		assert_eq!(free(2), ENDOWMENT);
		assert_noop!(
			Reputers::claim_delegate_rewards(signed(2), TOPIC, 1),
			Error::<Test>::NoRewardToClaim
		);
		assert_ok!(Reputers::claim_delegate_rewards(signed(3), TOPIC, 1));
		assert_eq!(free(3), ENDOWMENT);
		assert_eq!(DelegatorRewardPool::<Test>::get(TOPIC, 1), 0);
		assert_eq!(free(Reputers::rewards_account()), 1);
	});
}

#[test]
fn delegator_claims_never_exceed_what_was_deposited() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		for delegator in 2..=4 {
			delegate(delegator, 1, 1);
		}
		// 10 over 3 units of stake: each may claim 3, one unit stays in the pool
		assert_ok!(Reputers::deposit_delegator_reward(&5, TOPIC, &1, 10));
		for delegator in 2..=4 {
			assert_eq!(Reputers::pending_delegator_reward(TOPIC, &delegator, &1), 3);
			assert_ok!(Reputers::claim_delegate_rewards(signed(delegator), TOPIC, 1));
		}
		assert_eq!(DelegatorRewardPool::<Test>::get(TOPIC, 1), 1);

		// a late delegator is not credited with rewards deposited before it joined
		delegate(6, 1, 1);
		assert_eq!(Reputers::pending_delegator_reward(TOPIC, &6, &1), 0);
		assert_ok!(Reputers::deposit_delegator_reward(&5, TOPIC, &1, 2));
		assert_ok!(Reputers::deposit_delegator_reward(&5, TOPIC, &1, 2));
		let owed: Balance = (2..=4)
			.chain([6])
			.map(|delegator| Reputers::pending_delegator_reward(TOPIC, &delegator, &1))
			.sum();
		assert!(9 + owed <= 14);
		assert!(owed <= DelegatorRewardPool::<Test>::get(TOPIC, 1));
	});
}

#[test]
fn delegating_more_pays_out_the_pending_reward_first() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		delegate(2, 1, 100);
		assert_ok!(Reputers::deposit_delegator_reward(&4, TOPIC, &1, 50));
		delegate(2, 1, 100);
		System::assert_has_event(
			Event::<Test>::DelegatorRewardClaimed {
				topic: TOPIC,
				delegator: 2,
				reputer: 1,
				amount: 50,
			}
			.into(),
		);
		assert_eq!(free(2), ENDOWMENT - 200 + 50);
		assert_eq!(Reputers::pending_delegator_reward(TOPIC, &2, &1), 0);
		assert_ok!(Reputers::deposit_delegator_reward(&4, TOPIC, &1, 20));
		assert_eq!(Reputers::pending_delegator_reward(TOPIC, &2, &1), 20);
	});
}

#[test]
fn a_delegate_removal_pays_the_pending_reward() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		delegate(2, 1, 100);
		assert_ok!(Reputers::deposit_delegator_reward(&4, TOPIC, &1, 30));
		assert_ok!(Reputers::remove_delegate_stake(signed(2), TOPIC, 1, 100));
		run_to_block(1 + REMOVAL_DELAY);
		System::assert_has_event(
			Event::<Test>::DelegatorRewardClaimed {
				topic: TOPIC,
				delegator: 2,
				reputer: 1,
				amount: 30,
			}
			.into(),
		);
		assert!(Delegations::<Test>::get((TOPIC, 2, 1)).is_none());
		assert_eq!(free(2), ENDOWMENT + 30);
		assert_eq!(free(Reputers::rewards_account()), 1);
	});
}

#[test]
fn claim_rejections() {
	run_test(|| {
		assert_ok!(Reputers::register(signed(1), TOPIC));
		assert_noop!(
			Reputers::claim_delegate_rewards(signed(2), TOPIC, 1),
			Error::<Test>::NoDelegation
		);
		delegate(2, 1, 100);
		assert_noop!(
			Reputers::claim_delegate_rewards(signed(2), TOPIC, 1),
			Error::<Test>::NoRewardToClaim
		);
	});
}

#[test]
fn delegator_rewards_need_delegated_stake() {
	run_test(|| {
		register_with_stake(1, 500);
		assert_noop!(
			Reputers::deposit_delegator_reward(&4, TOPIC, &1, 10),
			Error::<Test>::NoDelegatedStake
		);
		delegate(2, 1, 100);
		assert_noop!(
			Reputers::deposit_delegator_reward(&4, TOPIC, &1, 0),
			Error::<Test>::ZeroAmount
		);
	});
}

#[test]
fn a_reputer_reward_is_compounded_into_its_stake() {
	run_test(|| {
		register_with_stake(1, 500);
		assert_ok!(Reputers::stake_reputer_reward(&4, TOPIC, &1, 60));
		System::assert_last_event(
			Event::<Test>::StakeAdded { topic: TOPIC, reputer: 1, amount: 60 }.into(),
		);
		assert_eq!(held(HoldReason::ReputerStake, 1), 560);
		assert_eq!(free(4), ENDOWMENT - 60);
		assert_eq!(TotalStake::<Test>::get(), 560);
	});
}

// ----- loss bundles ----------------------------------------------------------------------------

#[test]
fn reputer_submits_losses_for_an_open_reputer_nonce() {
	run_test(|| {
		register_with_stake(1, MINIMUM_STAKE);
		open_nonce();
		assert_ok!(submit(1, bundle()));
		System::assert_last_event(
			Event::<Test>::LossesSubmitted { topic: TOPIC, nonce: NONCE, reputer: 1 }.into(),
		);
		assert_eq!(
			LossBundles::<Test>::get((TOPIC, NONCE), 1).unwrap(),
			Reputers::bounded_loss_bundle(bundle()).unwrap()
		);
		assert_eq!(Reputers::loss_bundle_count(TOPIC, NONCE), 1);
		assert_eq!(free(ECOSYSTEM), 1 + REGISTRATION_FEE + DATA_SENDING_FEE);
		assert_eq!(MockTopics::fee_revenue(TOPIC), REGISTRATION_FEE + DATA_SENDING_FEE);
	});
}

#[test]
fn losses_are_only_accepted_for_an_open_nonce_of_an_existing_topic() {
	run_test(|| {
		register_with_stake(1, MINIMUM_STAKE);
		assert_noop!(
			Reputers::submit_losses(signed(1), NO_TOPIC, NONCE, Box::new(bundle())),
			Error::<Test>::TopicNotFound
		);
		assert_noop!(submit(1, bundle()), Error::<Test>::UnknownNonce);
		MockTopics::set_reputer_nonce(TOPIC, NONCE, NonceStatus::WindowClosed);
		assert_noop!(submit(1, bundle()), Error::<Test>::WindowClosed);
	});
}

#[test]
fn an_unregistered_account_cannot_submit_losses() {
	run_test(|| {
		open_nonce();
		assert_noop!(submit(1, bundle()), Error::<Test>::NotRegistered);
	});
}

#[test]
fn delegated_stake_counts_toward_the_minimum_to_report() {
	run_test(|| {
		register_with_stake(1, MINIMUM_STAKE - 1);
		open_nonce();
		assert_noop!(submit(1, bundle()), Error::<Test>::StakeBelowMinimum);
		delegate(2, 1, 1);
		assert_ok!(submit(1, bundle()));
	});
}

#[test]
fn a_reputer_submits_once_per_nonce() {
	run_test(|| {
		register_with_stake(1, MINIMUM_STAKE);
		open_nonce();
		assert_ok!(submit(1, bundle()));
		assert_noop!(submit(1, bundle()), Error::<Test>::AlreadySubmitted);
	});
}

#[test]
fn a_nonce_holds_at_most_max_reputers_bundles() {
	run_test(|| {
		open_nonce();
		for who in 1..=4 {
			register_with_stake(who, MINIMUM_STAKE);
			assert_ok!(submit(who, bundle()));
		}
		assert_ok!(Reputers::unregister(signed(4), TOPIC));
		register_with_stake(5, MINIMUM_STAKE);
		assert_noop!(submit(5, bundle()), Error::<Test>::TooManyLossBundles);
	});
}

#[test]
fn oversize_bundles_are_rejected() {
	run_test(|| {
		register_with_stake(1, MINIMUM_STAKE);
		open_nonce();
		// MaxInfererValues = 4, MaxForecasterValues = 3
		let mut too_many_inferers = bundle();
		too_many_inferers.inferer_values = (101..=105).map(|w| worker_value(w, "-1")).collect();
		assert_noop!(submit(1, too_many_inferers), Error::<Test>::TooManyInfererValues);

		let mut too_many_forecasters = bundle();
		too_many_forecasters.one_in_forecaster_values =
			(201..=204).map(|w| worker_value(w, "-1")).collect();
		assert_noop!(submit(1, too_many_forecasters), Error::<Test>::TooManyForecasterValues);

		let mut too_many_groups = bundle();
		too_many_groups.one_out_inferer_forecaster_values = (201..=204)
			.map(|k| OneOutInfererForecasterSubmission {
				forecaster: k,
				one_out_inferer_values: vec![worker_value(101, "-1")],
			})
			.collect();
		assert_noop!(submit(1, too_many_groups), Error::<Test>::TooManyForecasterValues);

		let mut too_large_group = bundle();
		too_large_group.one_out_inferer_forecaster_values[0].one_out_inferer_values =
			(101..=105).map(|w| worker_value(w, "-1")).collect();
		assert_noop!(submit(1, too_large_group), Error::<Test>::TooManyInfererValues);
	});
}

#[test]
fn a_worker_appears_once_per_list() {
	run_test(|| {
		register_with_stake(1, MINIMUM_STAKE);
		open_nonce();
		let mut twice = bundle();
		twice.one_out_inferer_values.push(worker_value(101, "-1"));
		assert_noop!(submit(1, twice), Error::<Test>::DuplicateWorker);

		let mut group_twice = bundle();
		let group = group_twice.one_out_inferer_forecaster_values[0].clone();
		group_twice.one_out_inferer_forecaster_values.push(group);
		assert_noop!(submit(1, group_twice), Error::<Test>::DuplicateWorker);
	});
}

#[test]
fn losses_need_the_data_sending_fee() {
	run_test(|| {
		// everything but 2 units staked: paying 2 would leave less than the existential deposit
		register_with_stake(6, ENDOWMENT - REGISTRATION_FEE - DATA_SENDING_FEE);
		open_nonce();
		assert_noop!(submit(6, bundle()), Error::<Test>::InsufficientBalance);
	});
}

#[test]
fn synthesis_takes_bundles_sorted_with_stake_and_they_are_pruned() {
	run_test(|| {
		open_nonce();
		for (who, stake) in [(3, MINIMUM_STAKE), (1, 300), (2, 150)] {
			register_with_stake(who, stake);
		}
		delegate(7, 2, 50);
		for who in [3, 1, 2] {
			assert_ok!(submit(who, bundle()));
		}
		// reputer 3 leaves with its whole stake before the nonce closes
		assert_ok!(Reputers::remove_stake(signed(3), TOPIC, MINIMUM_STAKE));
		run_to_block(1 + REMOVAL_DELAY);

		let taken = Reputers::take_loss_bundles(TOPIC, NONCE);
		let reputers: Vec<(AccountId, Balance)> =
			taken.iter().map(|l| (l.reputer, l.stake)).collect();
		assert_eq!(reputers, vec![(1, 300), (2, 200)]);
		assert_eq!(taken[0].bundle, Reputers::bounded_loss_bundle(bundle()).unwrap());
		assert_eq!(Reputers::loss_bundle_count(TOPIC, NONCE), 0);
		assert!(LossBundles::<Test>::iter().next().is_none());
		assert!(Reputers::take_loss_bundles(TOPIC, NONCE).is_empty());
	});
}

// ----- the stake interface ---------------------------------------------------------------------

#[test]
fn stake_interface_reports_authority_topic_and_total_stake() {
	run_test(|| {
		register_with_stake(1, 500);
		delegate(2, 1, 300);
		assert_ok!(Reputers::register(signed(3), OTHER_TOPIC));
		assert_ok!(Reputers::add_stake(signed(3), OTHER_TOPIC, 200));
		let authority = <Reputers as StakeInterface<AccountId, Balance>>::reputer_authority;
		let topic_stake = <Reputers as StakeInterface<AccountId, Balance>>::topic_stake;
		assert_eq!(authority(TOPIC, &1), 800);
		assert_eq!(authority(TOPIC, &3), 0);
		assert_eq!(authority(OTHER_TOPIC, &3), 200);
		assert_eq!(topic_stake(TOPIC), 800);
		assert_eq!(topic_stake(OTHER_TOPIC), 200);
		assert_eq!(<Reputers as StakeInterface<AccountId, Balance>>::total_stake(), 1_000);
	});
}

// ----- a whole life ----------------------------------------------------------------------------

#[test]
fn stake_report_earn_and_leave_over_many_blocks() {
	run_test(|| {
		// block 1: a reputer stakes, a delegator backs it, the reputer reports
		register_with_stake(1, 500);
		delegate(2, 1, 300);
		open_nonce();
		assert_ok!(submit(1, bundle()));

		// the synthesis pallet takes the losses with the reputer's authority
		let taken = Reputers::take_loss_bundles(TOPIC, NONCE);
		assert_eq!(taken.len(), 1);
		assert_eq!(taken[0].stake, 800);

		// the rewards pallet pays the delegators' part and compounds the reputer's part
		assert_ok!(Reputers::deposit_delegator_reward(&4, TOPIC, &1, 90));
		assert_ok!(Reputers::stake_reputer_reward(&4, TOPIC, &1, 60));
		assert_eq!(Reputers::pending_delegator_reward(TOPIC, &2, &1), 90);
		assert_eq!(Reputers::authority(TOPIC, &1), 860);

		// both leave, a block apart
		run_to_block(2);
		assert_ok!(Reputers::remove_stake(signed(1), TOPIC, 560));
		run_to_block(3);
		assert_ok!(Reputers::remove_delegate_stake(signed(2), TOPIC, 1, 300));

		run_to_block(2 + REMOVAL_DELAY - 1);
		assert_eq!(TotalStake::<Test>::get(), 860);
		run_to_block(2 + REMOVAL_DELAY);
		assert_eq!(Reputers::authority(TOPIC, &1), 300);
		assert_eq!(held(HoldReason::ReputerStake, 1), 0);
		run_to_block(3 + REMOVAL_DELAY);
		assert_eq!(TotalStake::<Test>::get(), 0);
		assert_eq!(held(HoldReason::DelegatorStake, 2), 0);
		assert_eq!(free(1), ENDOWMENT - REGISTRATION_FEE - DATA_SENDING_FEE + 60);
		assert_eq!(free(2), ENDOWMENT + 90);
		assert_ok!(Reputers::unregister(signed(1), TOPIC));
	});
}
