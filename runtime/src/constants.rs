//! Units, time and block limits shared by the runtime configuration and the node.

use crate::{Balance, BlockNumber};
use polkadot_sdk::{
	cumulus_primitives_core::relay_chain::MAX_POV_SIZE,
	frame_support::weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight},
	sp_runtime::Perbill,
};

/// ALLO has 18 decimals, like the original network's `uallo` base unit.
pub const DECIMALS: u8 = 18;
pub const ALLO: Balance = 1_000_000_000_000_000_000;
pub const MILLI_ALLO: Balance = ALLO / 1_000;
pub const MICRO_ALLO: Balance = ALLO / 1_000_000;

/// 0.001 ALLO: roughly the fee of one transfer, so creating an account costs about as much as
/// using one, and dust accounts cannot bloat state for free. Worker rewards below this are paid
/// into existing accounts only.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_ALLO;

/// Total supply at genesis: 1,000,000,000 ALLO.
pub const TOTAL_SUPPLY: Balance = 1_000_000_000 * ALLO;

/// Six-second blocks: one parachain block per relay-chain slot (async backing, velocity 1).
pub const MILLI_SECS_PER_BLOCK: u64 = 6_000;
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;
/// A month is a twelfth of a Julian year (30.4375 days), as in the original's tokenomics.
pub const MONTHS: BlockNumber = DAYS * 365 / 12 + HOURS * 6 / 12;
pub const YEARS: BlockNumber = MONTHS * 12;

/// Relay-chain parameters this runtime is built for.
pub const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6_000;
pub const BLOCK_PROCESSING_VELOCITY: u32 = 1;
pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 3;

/// 5% of a block goes to `on_initialize`; 75% of the rest to normal extrinsics.
pub const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(5);
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Two seconds of compute per block (async backing) and the relay chain's PoV limit.
pub const MAXIMUM_BLOCK_WEIGHT: Weight =
	Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), MAX_POV_SIZE as u64);

/// The parachain id used by the development and local presets.
pub const DEV_PARA_ID: u32 = 2_000;
