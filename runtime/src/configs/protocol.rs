//! The prediction network's pallets: topics and their epochs, workers, reputers and stake,
//! synthesis, and ALLO emissions. They talk through the traits of `allora-primitives`, wired
//! here.

use crate::{
	genesis::{EPOCH_REWARDS, NETWORK_EMISSIONS, PROTOCOL_TREASURY, REPUTER_REWARDS},
	AccountId, Balance, Balances, Emissions, Reputers, Runtime, RuntimeHoldReason, Synthesis,
	Topics, Workers,
};
use frame_support::{
	parameter_types,
	traits::{ConstU32, Get},
	PalletId,
};
use frame_system::EnsureRoot;
use polkadot_sdk::*;
use sp_runtime::traits::AccountIdConversion;

parameter_types! {
	/// Protocol fees (topic creation, registration, data sending, PWYW funding) collect here
	/// and are paid out as rewards before anything new is minted (spec §6.4).
	pub EcosystemAccount: AccountId = PROTOCOL_TREASURY.into_account_truncating();
	pub const ReputerRewardsPalletId: PalletId = REPUTER_REWARDS;
	/// The genesis network-emissions bucket: what the fees cannot pay of each block's
	/// emission is drawn from it (spec §6.4).
	pub EmissionReserve: AccountId = NETWORK_EMISSIONS.into_account_truncating();
	pub const EpochRewardsPalletId: PalletId = EPOCH_REWARDS;
}

/// This block's author (from the Aura pre-runtime digest), who earns the collators' share of
/// the block's emission.
pub struct BlockAuthor;
impl Get<Option<AccountId>> for BlockAuthor {
	fn get() -> Option<AccountId> {
		pallet_authorship::Pallet::<Runtime>::author()
	}
}

/// Collators' bonded candidacy deposits: the validators' part of N_stk (spec §6.4).
pub struct CollatorBonds;
impl Get<Balance> for CollatorBonds {
	fn get() -> Balance {
		pallet_collator_selection::CandidateList::<Runtime>::get()
			.iter()
			.fold(0, |total: Balance, candidate| total.saturating_add(candidate.deposit))
	}
}

/// Sudo (development) and, later, governance change protocol parameters.
type ProtocolAdmin = EnsureRoot<AccountId>;

impl pallet_topics::Config for Runtime {
	type Currency = Balances;
	type EcosystemAccount = EcosystemAccount;
	type Stake = Reputers;
	type AdminOrigin = ProtocolAdmin;
	// The original advanced one topic per block; excess epochs defer, never vanish.
	type MaxTopicsPerBlock = ConstU32<256>;
	type MaxUnfulfilledNonces = ConstU32<128>;
	type MaxStringLength = ConstU32<255>;
	type EpochEvents = Synthesis;
	type WeightInfo = pallet_topics::weights::SubstrateWeight<Runtime>;
}

impl pallet_workers::Config for Runtime {
	type Currency = Balances;
	type EcosystemAccount = EcosystemAccount;
	type Topics = Topics;
	type AdminOrigin = ProtocolAdmin;
	type MaxWorkersPerTopic = ConstU32<1024>;
	type MaxForecastElements = ConstU32<32>;
	type WeightInfo = pallet_workers::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::ProtocolBenchmarkHelper;
}

impl pallet_reputers::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Topics = Topics;
	type AdminOrigin = ProtocolAdmin;
	type EcosystemAccount = EcosystemAccount;
	type PalletId = ReputerRewardsPalletId;
	// A nonce's loss bundles are all read when it closes: 64 reputers × (256 inferers, 64
	// forecasters) is about the most one block can take (see the synthesis weights).
	type MaxReputersPerTopic = ConstU32<64>;
	type MaxRemovalsPerBlock = ConstU32<64>;
	type MaxQueuedRemovalsPerBlock = ConstU32<512>;
	type MaxInfererValues = ConstU32<256>;
	type MaxForecasterValues = ConstU32<64>;
	type WeightInfo = pallet_reputers::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::ProtocolBenchmarkHelper;
}

impl pallet_emissions::Config for Runtime {
	type Currency = Balances;
	type Topics = Topics;
	type Stake = Reputers;
	type Reputers = Reputers;
	type ValidatorStake = CollatorBonds;
	type BlockAuthor = BlockAuthor;
	type AdminOrigin = ProtocolAdmin;
	type EcosystemAccount = EcosystemAccount;
	type ReserveAccount = EmissionReserve;
	type PalletId = EpochRewardsPalletId;
	// Every inferer, forecaster and reputer an epoch can score.
	type MaxPayoutsPerEpoch = ConstU32<{ 256 + 64 + 64 }>;
	type WeightInfo = pallet_emissions::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::ProtocolBenchmarkHelper;
}

impl pallet_synthesis::Config for Runtime {
	type Balance = Balance;
	type Topics = Topics;
	type Workers = Workers;
	type Reputers = Reputers;
	type Rewards = Emissions;
	type AdminOrigin = ProtocolAdmin;
	type MaxTopicEpochsPerBlock = ConstU32<4>;
	// Active sets (spec §7) far above the original's 32 / 6 / 6.
	type MaxInferers = ConstU32<256>;
	type MaxForecasters = ConstU32<64>;
	type MaxReputers = ConstU32<64>;
	type HistoryDepth = ConstU32<64>;
	type MaxUnscoredEpochs = ConstU32<128>;
	type WeightInfo = pallet_synthesis::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::ProtocolBenchmarkHelper;
}
