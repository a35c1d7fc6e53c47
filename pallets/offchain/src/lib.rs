#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod config;
#[cfg(feature = "std")]
pub mod config_file;
pub mod crypto;
mod fetch;
mod json;
pub mod loss;
#[cfg(test)]
mod mock;
mod protocol;
mod reputer;
mod role;
mod run;
mod ss58;
mod submit;
#[cfg(test)]
mod tests;
mod worker;

pub use config::OcwConfig;
pub use protocol::{NetworkValues, Protocol};

use polkadot_sdk::polkadot_sdk_frame as frame;

/// The log target of every off-chain worker line: `RUST_LOG=allora::ocw=debug` shows them all.
pub const LOG_TARGET: &str = "allora::ocw";

#[frame::pallet]
pub mod pallet {
	use super::*;
	use frame::prelude::*;
	use polkadot_sdk::frame_system::offchain::{AppCrypto, CreateSignedTransaction};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// No storage, calls or events: this pallet only runs off-chain, as a client of the protocol
	/// pallets, and everything it sends is checked again by their calls.
	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config
		+ CreateSignedTransaction<<Self as polkadot_sdk::frame_system::Config>::RuntimeCall>
	{
		/// The keys (key type `allo`, sr25519) that sign submissions.
		type AuthorityId: AppCrypto<Self::Public, Self::Signature>;

		/// What the workers read of the protocol pallets, and the calls they send to them.
		type Protocol: Protocol<Self>;
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Runs after each imported block when the node has off-chain workers on. Does nothing
		/// without a config (written by `allora-node --allora-config`).
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run(now);
		}
	}
}
