//! Plain data of the emissions pallet: the schedule's parameters (spec §1.1, §6.4), the monthly
//! tally behind ρ_rep (spec §5.6) and the record of a topic-epoch payout.

use allora_synthesis::{EmissionParams, Fixed};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{
	traits::{SaturatedConversion, UniqueSaturatedInto},
	Perquintill,
};
use scale_info::TypeInfo;

/// `blocks_per_month` default (spec §1.1: 864 000 blocks of 3 s). A runtime with other block
/// times sets its own at genesis.
pub const DEFAULT_BLOCKS_PER_MONTH: u32 = 864_000;

/// ρ_rep at genesis (`previousPercentageRewardToStakedReputers`, spec §5.6): 0.3.
pub const DEFAULT_REPUTER_SHARE_OF_REWARDS: Fixed = Fixed::from_bits(300_000_000_000_000_000);

/// The parameters of the emission schedule (spec §6.4). Set at genesis, changed by
/// `set_params`; the other fields the maths crate reads keep their spec defaults.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EmissionScheduleParams<BlockNumber> {
	/// f_e: the target monthly emission per staked token scales with it (0.025).
	pub f_emission: Fixed,
	/// α_e of the monthly EMA of the emission per staked token (0.1).
	pub one_month_smoothing_degree: Fixed,
	/// Ξ_max: the most stakers may earn in a month, which caps the emission (0.0095).
	pub maximum_monthly_percentage_yield: Fixed,
	/// v: share of every block's emission paid to the block author (0.25).
	pub validators_vs_allora_percent_reward: Fixed,
	/// Blocks per month: the emission is recalculated when h mod this = 1; never zero.
	pub blocks_per_month: BlockNumber,
	/// N_total in base units: the supply the circulating share is measured against.
	pub max_supply: u128,
}

impl<BlockNumber: From<u32>> Default for EmissionScheduleParams<BlockNumber> {
	fn default() -> Self {
		let spec = EmissionParams::DEFAULT;
		Self {
			f_emission: spec.f_emission,
			one_month_smoothing_degree: spec.one_month_smoothing_degree,
			maximum_monthly_percentage_yield: spec.maximum_monthly_percentage_yield,
			validators_vs_allora_percent_reward: spec.validators_vs_allora_percent_reward,
			blocks_per_month: BlockNumber::from(DEFAULT_BLOCKS_PER_MONTH),
			max_supply: spec.max_supply,
		}
	}
}

impl<BlockNumber: Copy + UniqueSaturatedInto<u64>> EmissionScheduleParams<BlockNumber> {
	/// The parameters `allora_synthesis::emissions` reads. The ecosystem mint allowance is
	/// zero: what is left to emit is the reserve's balance, which the pallet passes inside
	/// the ecosystem balance (T = ecosystem account + reserve).
	pub fn emission_params(&self) -> EmissionParams {
		EmissionParams {
			f_emission: self.f_emission,
			one_month_smoothing_degree: self.one_month_smoothing_degree,
			maximum_monthly_percentage_yield: self.maximum_monthly_percentage_yield,
			validators_vs_allora_percent_reward: self.validators_vs_allora_percent_reward,
			blocks_per_month: self.blocks_per_month.saturated_into::<u64>(),
			max_supply: self.max_supply,
			ecosystem_treasury_percent_of_total_supply: Fixed::ZERO,
			..EmissionParams::DEFAULT
		}
	}
}

/// Rewards paid since the last month boundary, from which ρ_rep is set at the next one.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct RewardTally {
	/// Paid to reputers and their delegators.
	pub reputers: u128,
	/// Paid to every role.
	pub total: u128,
}

/// What the last payout of a topic's epoch did.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct PayoutRecord<Balance, BlockNumber> {
	/// The block of the payout.
	pub block: BlockNumber,
	/// Σ of the amounts asked for.
	pub given: Balance,
	/// Σ of the amounts paid; `given − paid` stayed in the rewards account.
	pub paid: Balance,
	/// Number of payouts that could not be made.
	pub failed: u32,
}

/// `true` if `0 <= x <= 1`.
pub fn in_closed_unit(x: Fixed) -> bool {
	!x.is_negative() && x <= Fixed::ONE
}

/// A fraction in [0, 1] as a `Fixed` (both have 18 decimals, so this is exact).
pub fn fraction_to_fixed(p: Perquintill) -> Fixed {
	Fixed::from_bits(i128::from(p.deconstruct()))
}

/// A `Fixed` in [0, 1] as a fraction (values outside are clamped).
pub fn fixed_to_fraction(f: Fixed) -> Perquintill {
	Perquintill::from_parts(u64::try_from(f.to_bits().max(0)).unwrap_or(u64::MAX))
}

/// What the benchmarks need from the rest of the runtime, which this pallet only knows
/// through traits. The runtime implements it with pallet-topics, pallet-reputers and its
/// block-author source.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// A topic reputers can stake in (created if needed).
	fn topic() -> allora_primitives::TopicId;
	/// A reputer of `topic` with stake of its own and stake delegated to it, so that its
	/// reward is split between both (the dearest payout). Distinct for distinct `index`; its
	/// stake counts in `StakeInterface::total_stake`.
	fn reputer_with_delegator(topic: allora_primitives::TopicId, index: u32) -> AccountId;
	/// Makes `Config::BlockAuthor` name an author for the current block, and returns it.
	fn block_author() -> AccountId;
}
