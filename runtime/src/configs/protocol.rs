//! The prediction network's pallets: topics and their epochs, workers, reputers and stake.
//! They talk through the traits of `allora-primitives`, wired here.

use crate::{
	genesis::{ECOSYSTEM, REPUTER_REWARDS},
	AccountId, Balances, Reputers, Runtime, RuntimeHoldReason, Topics,
};
use frame_support::{parameter_types, traits::ConstU32, PalletId};
use frame_system::EnsureRoot;
use polkadot_sdk::*;
use sp_runtime::traits::AccountIdConversion;

parameter_types! {
	/// Protocol fees (topic creation, registration, data sending, PWYW funding) collect here
	/// and are paid out as rewards before anything new is minted (spec §6.4).
	pub EcosystemAccount: AccountId = ECOSYSTEM.into_account_truncating();
	pub const ReputerRewardsPalletId: PalletId = REPUTER_REWARDS;
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
}

impl pallet_reputers::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Topics = Topics;
	type AdminOrigin = ProtocolAdmin;
	type EcosystemAccount = EcosystemAccount;
	type PalletId = ReputerRewardsPalletId;
	type MaxReputersPerTopic = ConstU32<256>;
	type MaxRemovalsPerBlock = ConstU32<64>;
	type MaxQueuedRemovalsPerBlock = ConstU32<512>;
	type MaxInfererValues = ConstU32<1024>;
	type MaxForecasterValues = ConstU32<256>;
	type WeightInfo = pallet_reputers::weights::SubstrateWeight<Runtime>;
}
