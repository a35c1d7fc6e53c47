#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod emission;
#[cfg(test)]
mod mock;
mod params;
mod payout;
#[cfg(test)]
mod tests;
#[cfg(any(test, feature = "try-runtime"))]
mod try_state;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use allora_primitives::{ReputerRewards, StakeInterface, TopicId, TopicWeights};
use polkadot_sdk::polkadot_sdk_frame as frame;

/// The log target of this pallet.
const LOG_TARGET: &str = "runtime::emissions";

#[frame::pallet]
pub mod pallet {
	use super::*;
	use allora_primitives::Role;
	use allora_synthesis::{Fixed, MathError};
	use frame::prelude::*;

	/// The balance type of `Config::Currency`.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	/// This pallet's parameters with the runtime's block number.
	pub type ParamsOf<T> = EmissionScheduleParams<BlockNumberFor<T>>;

	/// A payout record with the runtime's types.
	pub type PayoutRecordOf<T> = PayoutRecord<BalanceOf<T>, BlockNumberFor<T>>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The native token. Emissions and rewards are transfers of it; this pallet never
		/// mints.
		type Currency: fungible::Inspect<Self::AccountId> + fungible::Mutate<Self::AccountId>;

		/// Topic weights, their sum and epoch lengths (pallet-topics, spec §6.1).
		type Topics: TopicWeights<BlockNumberFor<Self>>;

		/// Total reputer stake, part of N_stk (pallet-reputers).
		type Stake: StakeInterface<Self::AccountId, BalanceOf<Self>>;

		/// How a reputer's reward reaches its stake and its delegators (pallet-reputers,
		/// spec §5.6).
		type Reputers: ReputerRewards<Self::AccountId, BalanceOf<Self>>;

		/// Tokens bonded by validators (collators), the other part of N_stk; may be zero.
		type ValidatorStake: Get<BalanceOf<Self>>;

		/// The author of the current block, paid the validators' share of its emission.
		type BlockAuthor: Get<Option<Self::AccountId>>;

		/// Who may change [`Params`].
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The protocol treasury (the spec's "ecosystem" account) where every protocol fee
		/// lands. Each block's emission is paid from it first. It must exist (hold at least
		/// the existential deposit).
		#[pallet::constant]
		type EcosystemAccount: Get<Self::AccountId>;

		/// The genesis "network emissions" bucket. What the ecosystem account cannot pay of a
		/// block's emission is released from it into the ecosystem account.
		#[pallet::constant]
		type ReserveAccount: Get<Self::AccountId>;

		/// Derives the rewards account (the spec's `allorarewards`), which receives the reward
		/// share of every block's emission and pays topic-epoch rewards. It must exist from
		/// genesis (hold at least the existential deposit).
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Most payouts of one topic-epoch; `pay` pays no more than this many.
		#[pallet::constant]
		type MaxPayoutsPerEpoch: Get<u32>;

		/// Weights of this pallet's call and hook, and of `TopicRewards::pay`.
		type WeightInfo: WeightInfo;

		/// Sets up topics, reputers and a block author for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The emission schedule's parameters (spec §6.4).
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParamsOf<T>, ValueQuery>;

	/// ρ_rep at genesis, until the first month boundary sets it.
	#[pallet::type_value]
	pub fn DefaultReputerShare<T: Config>() -> Fixed {
		DEFAULT_REPUTER_SHARE_OF_REWARDS
	}

	/// ρ_rep: the share of last month's rewards paid to reputers and their delegators
	/// (`previousPercentageRewardToStakedReputers`, spec §5.6). It sets the emission cap.
	#[pallet::storage]
	pub type ReputerShareOfRewards<T: Config> =
		StorageValue<_, Fixed, ValueQuery, DefaultReputerShare<T>>;

	/// e: the emission per staked token of the current month; `None` until the first
	/// recalculation succeeds.
	#[pallet::storage]
	pub type EmissionPerUnitStaked<T: Config> = StorageValue<_, Fixed, OptionQuery>;

	/// b: what every block of the current month emits.
	#[pallet::storage]
	pub type BlockEmission<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The part of this block's emission moved to the rewards account
	/// (`rewardCurrentBlockEmission`, spec §6.3); topic rewards are sized from it.
	#[pallet::storage]
	pub type RewardCurrentBlockEmission<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Everything released from the reserve into the ecosystem account since genesis (the
	/// analogue of `EcosystemTokensMinted`).
	#[pallet::storage]
	pub type ReleasedFromReserve<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// Everything emitted since genesis: paid to block authors and to the rewards account.
	#[pallet::storage]
	pub type TotalEmitted<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// Tokens this pallet has created. Emissions are transfers, so this stays zero; with
	/// [`GenesisIssuance`] it pins the total issuance.
	#[pallet::storage]
	pub type Minted<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// The total issuance when this pallet's genesis was built.
	#[pallet::storage]
	pub type GenesisIssuance<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// The reserve's balance when this pallet's genesis was built.
	#[pallet::storage]
	pub type ReserveAtGenesis<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// Rewards paid since the last month boundary, which sets ρ_rep at the next one.
	#[pallet::storage]
	pub type MonthlyRewards<T: Config> = StorageValue<_, RewardTally, ValueQuery>;

	/// Epoch rewards handed out by `TopicRewards::epoch_reward` in a block and not yet paid,
	/// with that block; a later block ignores it. Keeps two topics of one block from being
	/// promised the same funds.
	#[pallet::storage]
	pub type PromisedRewards<T: Config> =
		StorageValue<_, (BlockNumberFor<T>, BalanceOf<T>), OptionQuery>;

	/// What the last payout of each topic's epoch did.
	#[pallet::storage]
	pub type LastPayout<T: Config> =
		StorageMap<_, Twox64Concat, TopicId, PayoutRecordOf<T>, OptionQuery>;

	/// The schedule's parameters at genesis; fractions in [0, 1] are given as `Perquintill`
	/// (18 decimals, like `Fixed`). Defaults: spec §1.1.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// See [`EmissionScheduleParams::f_emission`].
		pub f_emission: Perquintill,
		/// See [`EmissionScheduleParams::one_month_smoothing_degree`].
		pub one_month_smoothing_degree: Perquintill,
		/// See [`EmissionScheduleParams::maximum_monthly_percentage_yield`].
		pub maximum_monthly_percentage_yield: Perquintill,
		/// See [`EmissionScheduleParams::validators_vs_allora_percent_reward`].
		pub validators_vs_allora_percent_reward: Perquintill,
		/// See [`EmissionScheduleParams::blocks_per_month`].
		pub blocks_per_month: BlockNumberFor<T>,
		/// See [`EmissionScheduleParams::max_supply`].
		pub max_supply: u128,
		/// ρ_rep until the first month boundary (spec genesis 0.3).
		pub reputer_share_of_rewards: Perquintill,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self::from_params(&ParamsOf::<T>::default())
		}
	}

	impl<T: Config> GenesisConfig<T> {
		/// The genesis fields of a parameter set (ρ_rep at its default).
		pub fn from_params(p: &ParamsOf<T>) -> Self {
			Self {
				f_emission: fixed_to_fraction(p.f_emission),
				one_month_smoothing_degree: fixed_to_fraction(p.one_month_smoothing_degree),
				maximum_monthly_percentage_yield: fixed_to_fraction(
					p.maximum_monthly_percentage_yield,
				),
				validators_vs_allora_percent_reward: fixed_to_fraction(
					p.validators_vs_allora_percent_reward,
				),
				blocks_per_month: p.blocks_per_month,
				max_supply: p.max_supply,
				reputer_share_of_rewards: fixed_to_fraction(DEFAULT_REPUTER_SHARE_OF_REWARDS),
			}
		}

		/// The parameters these genesis fields describe.
		pub fn to_params(&self) -> ParamsOf<T> {
			EmissionScheduleParams {
				f_emission: fraction_to_fixed(self.f_emission),
				one_month_smoothing_degree: fraction_to_fixed(self.one_month_smoothing_degree),
				maximum_monthly_percentage_yield: fraction_to_fixed(
					self.maximum_monthly_percentage_yield,
				),
				validators_vs_allora_percent_reward: fraction_to_fixed(
					self.validators_vs_allora_percent_reward,
				),
				blocks_per_month: self.blocks_per_month,
				max_supply: self.max_supply,
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		/// Stores the parameters and ρ_rep, and records the total issuance and the reserve's
		/// balance that the conservation checks start from. Runs after pallet-balances'
		/// genesis (a lower pallet index), so the balances are final.
		fn build(&self) {
			let params = self.to_params();
			// A chain must not start with parameters `set_params` would refuse.
			if let Err(e) = Pallet::<T>::ensure_valid_params(&params) {
				panic!("pallet-emissions genesis: invalid parameters: {e:?}");
			}
			Params::<T>::put(params);
			ReputerShareOfRewards::<T>::put(fraction_to_fixed(self.reputer_share_of_rewards));
			Pallet::<T>::record_genesis_balances();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The monthly recalculation set a new emission (spec §6.4 step 1).
		EmissionRecalculated {
			block: BlockNumberFor<T>,
			emission_per_unit_staked: Fixed,
			monthly: BalanceOf<T>,
			per_block: BalanceOf<T>,
		},
		/// The recalculation failed (e.g. nothing is staked); the previous emission stays.
		EmissionRecalculationFailed { block: BlockNumberFor<T>, error: MathError },
		/// ρ_rep was set from last month's rewards.
		ReputerShareUpdated { share: Fixed },
		/// This block's emission was paid: `validators` to the block author and `rewards` to
		/// the rewards account, after `released` was moved from the reserve to the ecosystem
		/// account.
		BlockEmitted { validators: BalanceOf<T>, rewards: BalanceOf<T>, released: BalanceOf<T> },
		/// The ecosystem account and the reserve together could pay only `available` of the
		/// `due` emission of this block.
		EmissionShortfall { due: BalanceOf<T>, available: BalanceOf<T> },
		/// The block has no known author: its validators' share stays in the ecosystem
		/// account.
		NoBlockAuthor { unpaid: BalanceOf<T> },
		/// A transfer of the emission failed; the amount stays where it was.
		EmissionTransferFailed {
			from: T::AccountId,
			to: T::AccountId,
			amount: BalanceOf<T>,
			error: DispatchError,
		},
		/// An actor was paid its reward of a topic-epoch (a reputer: its stake and its
		/// delegators' pool together).
		RewardPaid { topic: TopicId, role: Role, account: T::AccountId, amount: BalanceOf<T> },
		/// A topic-epoch's rewards were paid: `paid` of the `given`; `failed_payouts` payouts
		/// could not be made and their amounts stayed in the rewards account.
		TopicRewarded {
			topic: TopicId,
			given: BalanceOf<T>,
			paid: BalanceOf<T>,
			failed_payouts: u32,
		},
		/// The parameters changed.
		ParamsUpdated { params: ParamsOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `f_emission` must be in [0, 1].
		InvalidFEmission,
		/// `one_month_smoothing_degree` must be in [0, 1].
		InvalidSmoothingDegree,
		/// `maximum_monthly_percentage_yield` must be in [0, 1].
		InvalidMaximumMonthlyYield,
		/// `validators_vs_allora_percent_reward` must be in [0, 1].
		InvalidValidatorsShare,
		/// `blocks_per_month` must be at least one block.
		InvalidBlocksPerMonth,
		/// `max_supply` must be positive.
		InvalidMaxSupply,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Recalculates the emission at month boundaries and pays this block's emission
		/// (spec §6.4), before any epoch work of the block reads `RewardCurrentBlockEmission`.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::on_block(now)
		}

		fn integrity_test() {
			assert!(T::MaxPayoutsPerEpoch::get() > 0, "MaxPayoutsPerEpoch must be positive");
			assert!(
				Self::ensure_valid_params(&ParamsOf::<T>::default()).is_ok(),
				"default parameters must be valid"
			);
			let ecosystem = T::EcosystemAccount::get();
			let reserve = T::ReserveAccount::get();
			let rewards = Self::rewards_account();
			assert!(ecosystem != reserve, "the ecosystem account must not be the reserve");
			assert!(rewards != ecosystem, "the rewards account must not be the ecosystem account");
			assert!(rewards != reserve, "the rewards account must not be the reserve");
			let worst = T::WeightInfo::pay(T::MaxPayoutsPerEpoch::get());
			let max_block = <T as frame_system::Config>::BlockWeights::get().max_block;
			assert!(
				worst.all_lte(max_block),
				"MaxPayoutsPerEpoch payouts must fit in a block: {worst:?} > {max_block:?}"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Replace the emission schedule's parameters (spec §1.1 `UpdateParams`). They take
		/// effect at the next recalculation; `blocks_per_month` moves the month boundaries.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: ParamsOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_params(params)
		}
	}
}

/// A balance as the `u128` the maths crate works in (lossless for the runtime's `u128`).
pub(crate) fn to_u128<T: Config>(amount: BalanceOf<T>) -> u128 {
	use polkadot_sdk::sp_runtime::traits::SaturatedConversion;
	amount.saturated_into()
}

/// A `u128` amount as a balance (saturating).
pub(crate) fn from_u128<T: Config>(amount: u128) -> BalanceOf<T> {
	use polkadot_sdk::sp_runtime::traits::SaturatedConversion;
	amount.saturated_into()
}
