//! What happens every block (spec §6.4, and the ρ_rep update of §5.6).
//!
//! 1. **Month boundary** (h mod `blocks_per_month` = 1): ρ_rep is set from the rewards paid
//!    during the month that ends, then the emission is recalculated with
//!    `allora_synthesis::emissions::recalculate_emission`. Until a recalculation has
//!    succeeded once (e.g. while nothing is staked) it is retried every block.
//! 2. **Emission**: the block emission b is paid from the ecosystem account, whose fees are
//!    spent first; only the shortfall is released from the reserve. The author gets ⌊v·b⌋,
//!    the rewards account the rest (`RewardCurrentBlockEmission`). Nothing here can fail the
//!    block: what cannot be paid stays where it is, with an event.
//!
//! The original set ρ_rep from a single block's payouts (spec §5.6, last bullet), which spec
//! §9.3 notes is noisy; here it is the share of the whole month's rewards paid to reputers
//! and their delegators.

use crate::*;
use allora_synthesis::{
	emissions::{
		ecosystem_mint_amount, is_emission_recalculation_block, recalculate_emission,
		split_block_emission, MintInputs,
	},
	Fixed,
};
use frame::prelude::*;
use polkadot_sdk::frame_support::traits::fungible::{Inspect, Mutate};

impl<T: Config> Pallet<T> {
	/// The whole per-block work; returns its weight.
	pub(crate) fn on_block(now: BlockNumberFor<T>) -> Weight {
		let params = Params::<T>::get();
		let month_boundary = is_emission_recalculation_block(
			now.saturated_into::<u64>(),
			params.blocks_per_month.saturated_into::<u64>(),
		);
		let recalculate = month_boundary || EmissionPerUnitStaked::<T>::get().is_none();
		if month_boundary {
			Self::update_reputer_share();
		}
		if recalculate {
			Self::recalculate(now, &params, month_boundary);
		}
		Self::emit(&params);
		if recalculate {
			T::WeightInfo::on_initialize_recalculate()
		} else {
			T::WeightInfo::on_initialize_emit()
		}
	}

	/// ρ_rep = reputer rewards / all rewards paid since the last boundary; kept if nothing
	/// was paid. The tally restarts.
	fn update_reputer_share() {
		let tally = MonthlyRewards::<T>::take();
		if tally.total == 0 {
			return;
		}
		if let Some(share) = Fixed::from_ratio_u128_floor(tally.reputers, tally.total) {
			let share = share.min(Fixed::ONE);
			ReputerShareOfRewards::<T>::put(share);
			Self::deposit_event(Event::ReputerShareUpdated { share });
		}
	}

	/// Spec §6.4 step 1. T (the ecosystem's "locked" tokens) is the ecosystem account plus the
	/// reserve, with no further mint allowance; N_stk is reputer plus validator stake.
	///
	/// Until a first recalculation succeeds (a fresh chain has nothing staked) it is retried
	/// every block; only a scheduled one (`month_boundary`) that fails is worth a warning.
	fn recalculate(now: BlockNumberFor<T>, params: &ParamsOf<T>, month_boundary: bool) {
		let staked = to_u128::<T>(T::Stake::total_stake())
			.saturating_add(to_u128::<T>(T::ValidatorStake::get()));
		let ecosystem_balance = to_u128::<T>(Self::balance(&T::EcosystemAccount::get()))
			.saturating_add(to_u128::<T>(Self::balance(&T::ReserveAccount::get())));
		let inputs = MintInputs {
			block: now.saturated_into::<u64>(),
			staked,
			ecosystem_balance,
			ecosystem_minted: 0,
			previous_emission_per_unit_staked: EmissionPerUnitStaked::<T>::get(),
			reputer_share_of_rewards: ReputerShareOfRewards::<T>::get(),
		};
		match recalculate_emission(&inputs, &params.emission_params()) {
			Ok(emission) => {
				let per_block = from_u128::<T>(emission.per_block);
				EmissionPerUnitStaked::<T>::put(emission.emission_per_unit_staked);
				BlockEmission::<T>::put(per_block);
				Self::deposit_event(Event::EmissionRecalculated {
					block: now,
					emission_per_unit_staked: emission.emission_per_unit_staked,
					monthly: from_u128::<T>(emission.monthly),
					per_block,
				});
			}
			Err(error) => {
				let level = if month_boundary { log::Level::Warn } else { log::Level::Debug };
				log::log!(
					target: LOG_TARGET,
					level,
					"emission recalculation at {:?} failed: {:?}; the block emission stays",
					now,
					error
				);
				Self::deposit_event(Event::EmissionRecalculationFailed { block: now, error });
			}
		}
	}

	/// Spec §6.4 steps 2 and 3: pays this block's emission.
	fn emit(params: &ParamsOf<T>) {
		let block_emission = to_u128::<T>(BlockEmission::<T>::get());
		if block_emission == 0 {
			RewardCurrentBlockEmission::<T>::kill();
			return;
		}
		let v = params.validators_vs_allora_percent_reward;
		let split = split_block_emission(block_emission, v);
		let author = T::BlockAuthor::get();
		if author.is_none() && split.validators > 0 {
			Self::deposit_event(Event::NoBlockAuthor { unpaid: from_u128::<T>(split.validators) });
		}
		// Without an author the validators' share is not taken from the ecosystem account.
		let due = if author.is_some() { block_emission } else { split.rewards };

		let ecosystem = T::EcosystemAccount::get();
		let released = Self::release_from_reserve(&ecosystem, due);
		let available = to_u128::<T>(Self::spendable(&ecosystem));
		let payable = due.min(available);
		if payable < due {
			Self::deposit_event(Event::EmissionShortfall {
				due: from_u128::<T>(due),
				available: from_u128::<T>(available),
			});
		}
		// With everything payable this is `split` itself; short, both parts shrink alike.
		let (validators, rewards) = if author.is_some() {
			let part = split_block_emission(payable, v);
			(part.validators, part.rewards)
		} else {
			(0, payable)
		};

		let rewards_paid = Self::move_emission(&ecosystem, &Self::rewards_account(), rewards);
		let validators_paid = match &author {
			Some(author) => Self::move_emission(&ecosystem, author, validators),
			None => 0,
		};
		RewardCurrentBlockEmission::<T>::put(from_u128::<T>(rewards_paid));
		TotalEmitted::<T>::mutate(|total| {
			*total = total.saturating_add(rewards_paid).saturating_add(validators_paid)
		});
		Self::deposit_event(Event::BlockEmitted {
			validators: from_u128::<T>(validators_paid),
			rewards: from_u128::<T>(rewards_paid),
			released: from_u128::<T>(released),
		});
	}

	/// Moves what the ecosystem account lacks to pay `due`, as far as the reserve can spend
	/// (spec §6.4 step 2, with the reserve in place of minting); returns what moved.
	fn release_from_reserve(ecosystem: &T::AccountId, due: u128) -> u128 {
		let reserve = T::ReserveAccount::get();
		let shortfall = ecosystem_mint_amount(
			due,
			to_u128::<T>(Self::spendable(ecosystem)),
			to_u128::<T>(Self::spendable(&reserve)),
		);
		let released = Self::move_emission(&reserve, ecosystem, shortfall);
		if released > 0 {
			ReleasedFromReserve::<T>::mutate(|total| *total = total.saturating_add(released));
		}
		released
	}

	/// Transfers `amount` keeping `from` alive; returns what moved (all or nothing). A
	/// failure is logged and reported, never raised.
	fn move_emission(from: &T::AccountId, to: &T::AccountId, amount: u128) -> u128 {
		if amount == 0 {
			return 0;
		}
		let value = from_u128::<T>(amount);
		match <T::Currency as Mutate<T::AccountId>>::transfer(
			from,
			to,
			value,
			Preservation::Preserve,
		) {
			Ok(_) => amount,
			Err(error) => {
				log::warn!(
					target: LOG_TARGET,
					"emission transfer of {:?} from {:?} to {:?} failed: {:?}",
					value,
					from,
					to,
					error
				);
				Self::deposit_event(Event::EmissionTransferFailed {
					from: from.clone(),
					to: to.clone(),
					amount: value,
					error,
				});
				0
			}
		}
	}

	/// What `who` can pay and stay alive.
	pub(crate) fn spendable(who: &T::AccountId) -> BalanceOf<T> {
		<T::Currency as Inspect<T::AccountId>>::reducible_balance(
			who,
			Preservation::Preserve,
			Fortitude::Polite,
		)
	}

	/// `who`'s free balance.
	pub(crate) fn balance(who: &T::AccountId) -> BalanceOf<T> {
		<T::Currency as Inspect<T::AccountId>>::balance(who)
	}

	/// Genesis: the total issuance and the reserve's balance the conservation checks start
	/// from. Warns if an account the emission pays into or from does not exist.
	pub(crate) fn record_genesis_balances() {
		let minimum = <T::Currency as Inspect<T::AccountId>>::minimum_balance();
		for (name, account) in [
			("ecosystem", T::EcosystemAccount::get()),
			("reserve", T::ReserveAccount::get()),
			("rewards", Self::rewards_account()),
		] {
			if Self::balance(&account) < minimum {
				log::warn!(
					target: LOG_TARGET,
					"genesis: the {} account holds less than the existential deposit",
					name
				);
			}
		}
		GenesisIssuance::<T>::put(to_u128::<T>(
			<T::Currency as Inspect<T::AccountId>>::total_issuance(),
		));
		ReserveAtGenesis::<T>::put(to_u128::<T>(Self::balance(&T::ReserveAccount::get())));
	}
}
