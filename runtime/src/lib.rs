//! # Allora runtime
//!
//! The Allora parachain runtime: the ALLO token, collators under async backing, the XCM a real
//! parachain needs, the prediction-network pallets (topics, workers, reputers, synthesis,
//! emissions) and the off-chain workers that feed them.
//!
//! Where to look: [`configs`] says how each pallet is configured, [`apis`] what the node can
//! ask the runtime, [`genesis`] how ALLO is distributed at genesis.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` expands to deeply nested types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod constants;
pub mod genesis;

use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::weights::{
		constants::ExtrinsicBaseWeight, WeightToFeeCoefficient, WeightToFeeCoefficients,
		WeightToFeePolynomial,
	},
	sp_runtime::{
		generic, impl_opaque_keys,
		traits::{BlakeTwo256, IdentifyAccount, Verify},
		MultiSignature, Perbill,
	},
	*,
};
use sp_version::RuntimeVersion;

pub use allora_runtime_api::TokenInfo;
pub use constants::*;

/// Signatures are sr25519 / ed25519 / ecdsa, as polkadot.js and every wallet expect.
pub type Signature = MultiSignature;
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
pub type Balance = u128;
pub type Nonce = u32;
pub type Hash = sp_core::H256;
pub type BlockNumber = u32;
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
pub type SignedBlock = generic::SignedBlock<Block>;
pub type BlockId = generic::BlockId<Block>;

/// The checks every signed transaction goes through, in order.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
);

pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// Storage migrations run on the next runtime upgrade (none yet).
pub type Migrations = ();

pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Fees grow linearly with weight: the base weight of an extrinsic costs 0.1 milli-ALLO, so a
/// transfer costs about 1 milli-ALLO once its length fee is added.
pub struct WeightToFee;
impl WeightToFeePolynomial for WeightToFee {
	type Balance = Balance;
	fn polynomial() -> WeightToFeeCoefficients<Self::Balance> {
		let p = MILLI_ALLO / 10;
		let q = Balance::from(ExtrinsicBaseWeight::get().ref_time());
		smallvec::smallvec![WeightToFeeCoefficient {
			degree: 1,
			negative: false,
			coeff_frac: Perbill::from_rational(p.checked_rem(q).unwrap_or_default(), q),
			coeff_integer: p.checked_div(q).unwrap_or_default(),
		}]
	}
}

/// Opaque types the node uses without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use polkadot_sdk::sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
	use sp_runtime::generic;

	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	pub type BlockId = generic::BlockId<Block>;
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	pub struct SessionKeys {
		pub aura: Aura,
	}
}

#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("allora"),
	impl_name: alloc::borrow::Cow::Borrowed("allora-substrate"),
	authoring_version: 1,
	spec_version: 1,
	impl_version: 0,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// System support.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type ParachainSystem = cumulus_pallet_parachain_system;
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type ParachainInfo = staging_parachain_info;

	// The ALLO token.
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(12)]
	pub type Vesting = pallet_vesting;

	// Development and test networks only; production governance replaces it.
	#[runtime::pallet_index(15)]
	pub type Sudo = pallet_sudo;

	// Collators. Authorship must come before session, session before aura.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(21)]
	pub type CollatorSelection = pallet_collator_selection;
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(23)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(24)]
	pub type AuraExt = cumulus_pallet_aura_ext;

	// XCM.
	#[runtime::pallet_index(30)]
	pub type XcmpQueue = cumulus_pallet_xcmp_queue;
	#[runtime::pallet_index(31)]
	pub type PolkadotXcm = pallet_xcm;
	#[runtime::pallet_index(32)]
	pub type CumulusXcm = cumulus_pallet_xcm;
	#[runtime::pallet_index(33)]
	pub type MessageQueue = pallet_message_queue;

	// Utilities.
	#[runtime::pallet_index(40)]
	pub type Utility = pallet_utility;

	// The prediction network. Reputers come first so that stake removals due in a block are
	// executed before topics weigh their stake at an epoch end (spec §2.1, step 1).
	#[runtime::pallet_index(50)]
	pub type Reputers = pallet_reputers;
	#[runtime::pallet_index(51)]
	pub type Topics = pallet_topics;
	#[runtime::pallet_index(52)]
	pub type Workers = pallet_workers;
	// Emissions before synthesis: a block's reward emission reaches the rewards account
	// before the epochs scored in that block are paid from it (spec §2.1 (c)).
	#[runtime::pallet_index(53)]
	pub type Emissions = pallet_emissions;
	#[runtime::pallet_index(54)]
	pub type Synthesis = pallet_synthesis;
	// Off-chain workers: fetch model outputs and ground truth, submit them (no storage).
	#[runtime::pallet_index(55)]
	pub type Offchain = pallet_offchain;
}

cumulus_pallet_parachain_system::register_validate_block! {
	Runtime = Runtime,
	BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}

#[cfg(test)]
mod code_size {
	/// The most a relay chain accepts as a parachain's code (`MAX_CODE_SIZE` of polkadot's
	/// default host configuration).
	const RELAY_MAX_CODE_SIZE: usize = 5 * 1024 * 1024;
	/// The magic bytes `sp-maybe-compressed-blob` puts before a zstd-compressed blob.
	const ZSTD_PREFIX: [u8; 8] = [82, 188, 83, 118, 70, 219, 142, 5];

	#[test]
	fn the_runtime_blob_is_compressed_and_fits_a_relay_chain() {
		// `SKIP_WASM_BUILD=1` builds no blob: nothing to check then.
		let Some(code) = super::WASM_BINARY else { return };
		assert!(
			code.starts_with(&ZSTD_PREFIX),
			"the embedded runtime is not zstd-compressed (is WASM_BUILD_TYPE set by scripts/env.sh?)"
		);
		println!("runtime blob: {} bytes (limit {RELAY_MAX_CODE_SIZE})", code.len());
		assert!(
			code.len() < RELAY_MAX_CODE_SIZE / 2,
			"{} bytes is too close to the limit",
			code.len()
		);
	}
}
