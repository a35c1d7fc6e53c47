//! The key type off-chain workers sign with: `allo`, sr25519. Insert a key with
//! `allora-node key insert --key-type allo --scheme sr25519 --suri <secret>` or the
//! `author_insertKey` RPC; the account it controls is the sr25519 account of that secret.

use polkadot_sdk::{
	frame_system::offchain::AppCrypto,
	sp_core::{crypto::KeyTypeId, sr25519},
	sp_runtime::{MultiSignature, MultiSigner},
};

/// `allo`: the keystore key type of the off-chain workers.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"allo");

mod app {
	use polkadot_sdk::sp_runtime::app_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::KEY_TYPE);
}

pub use app::{Public, Signature};

/// Signs off-chain worker transactions with `allo` keys, for runtimes whose accounts are
/// `MultiSigner`s and signatures `MultiSignature`s.
pub struct AuthorityId;

impl AppCrypto<MultiSigner, MultiSignature> for AuthorityId {
	type RuntimeAppPublic = Public;
	type GenericPublic = sr25519::Public;
	type GenericSignature = sr25519::Signature;
}
