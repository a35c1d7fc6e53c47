//! The runtime API behind the node's `allora_*` JSON-RPC methods.
//!
//! Types here are plain SCALE data so that the node, the runtime and clients agree on them
//! without depending on each other's internals.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use polkadot_sdk::sp_api;
use scale_info::TypeInfo;

/// The native token as the runtime sees it right now.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct TokenInfo {
	/// UTF-8 ticker, e.g. `ALLO`.
	pub symbol: Vec<u8>,
	pub decimals: u8,
	/// Base units in existence (1 ALLO = 10^decimals base units).
	pub total_issuance: u128,
	pub existential_deposit: u128,
}

sp_api::decl_runtime_apis! {
	/// Allora's own queries.
	pub trait AlloraApi {
		/// The native token's symbol, decimals, total issuance and existential deposit.
		fn token_info() -> TokenInfo;
	}
}
