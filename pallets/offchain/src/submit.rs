//! Signing and sending, with the two guards that keep an account's transactions in order:
//!
//! * **One in flight per account.** A transaction is sent with the account's on-chain nonce
//!   and remembered (off-chain, persistent) until the on-chain nonce passes it; until then the
//!   account sends nothing else. Nonces therefore never collide, and a transaction the pool
//!   dropped is noticed after [`IN_FLIGHT_BLOCKS`] and its work retried.
//! * **Attempts spaced per window.** Each (role, topic, account) remembers the window it last
//!   tried and when, so a failing model server is asked again only every `loopSeconds`, and a
//!   re-run of the same block (or a re-org) finds the attempt already made.

use crate::{config::Identity, Config, LOG_TARGET};
use alloc::vec::Vec;
use allora_primitives::TopicId;
use codec::{Decode, Encode};
use core::fmt;
use polkadot_sdk::{
	frame_system::{
		self,
		offchain::{AppCrypto, CreateSignedTransaction, SubmitTransaction},
		pallet_prelude::BlockNumberFor,
	},
	sp_io,
	sp_runtime::{
		offchain::storage::StorageValueRef,
		traits::{IdentifyAccount, Saturating},
		RuntimeAppPublic,
	},
};

/// The runtime call a signed transaction carries.
pub type CallOf<T> = <T as frame_system::Config>::RuntimeCall;

/// Blocks after which a transaction whose nonce the chain has not used counts as dropped.
pub const IN_FLIGHT_BLOCKS: u32 = 10;

const IN_FLIGHT_PREFIX: &[u8] = b"allora::ocw::in-flight::";
const ATTEMPT_PREFIX: &[u8] = b"allora::ocw::attempt::";

/// A key of this node's keystore and the account it controls.
pub struct Signer<T: Config> {
	pub public: T::Public,
	pub account: T::AccountId,
}

/// Why nothing was sent.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SendError {
	/// The keystore has no `allo` key for the configured account.
	NoKey,
	/// The keystore has several `allo` keys and the entry names none.
	AmbiguousKey,
	/// The account already has a transaction in flight.
	Busy,
	/// The runtime could not build or sign the transaction.
	CannotSign,
	/// The transaction pool refused it (e.g. the account cannot pay the fee).
	Rejected,
}

impl fmt::Display for SendError {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		f.write_str(match self {
			SendError::NoKey => "no `allo` key in the keystore for this account",
			SendError::AmbiguousKey => "several `allo` keys in the keystore: set `account`",
			SendError::Busy => "a transaction of this account is still in flight",
			SendError::CannotSign => "the transaction could not be signed",
			SendError::Rejected => "the transaction pool rejected the transaction",
		})
	}
}

#[derive(Encode, Decode)]
struct InFlight<Nonce, BlockNumber> {
	nonce: Nonce,
	sent_at: BlockNumber,
}

#[derive(Encode, Decode)]
struct Attempt<BlockNumber> {
	window: BlockNumber,
	at_millis: u64,
}

/// Windows remembered per role, topic and account: more than can be open at once (a reputer
/// has at most `ground_truth_lag / epoch_length + 1` open reputer nonces).
const REMEMBERED_WINDOWS: usize = 16;

/// The keystore key an entry signs with.
pub fn signer<T: Config>(identity: &Identity) -> Result<Signer<T>, SendError> {
	let mut keys = <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::RuntimeAppPublic::all()
		.into_iter()
		.map(|key| {
			let generic: <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::GenericPublic =
				key.into();
			let public: T::Public = generic.into();
			Signer::<T> { account: public.clone().into_account(), public }
		});
	match identity.account {
		Some(wanted) => keys
			.find(|signer| signer.account.using_encoded(|bytes| bytes == wanted))
			.ok_or(SendError::NoKey),
		None => {
			let first = keys.next().ok_or(SendError::NoKey)?;
			match keys.next() {
				Some(_) => Err(SendError::AmbiguousKey),
				None => Ok(first),
			}
		}
	}
}

fn in_flight_key<T: Config>(account: &T::AccountId) -> Vec<u8> {
	let mut key = IN_FLIGHT_PREFIX.to_vec();
	account.encode_to(&mut key);
	key
}

/// Whether `account` still waits for a transaction to be included.
pub fn is_busy<T: Config>(account: &T::AccountId, now: BlockNumberFor<T>) -> bool {
	let record = StorageValueRef::persistent(&in_flight_key::<T>(account))
		.get::<InFlight<T::Nonce, BlockNumberFor<T>>>()
		.ok()
		.flatten();
	let Some(record) = record else { return false };
	let chain_nonce = frame_system::Pallet::<T>::account_nonce(account);
	let expires = record.sent_at.saturating_add(IN_FLIGHT_BLOCKS.into());
	chain_nonce <= record.nonce && now < expires
}

/// Signs `call` with the account's on-chain nonce and hands it to the pool.
pub fn send<T: Config>(
	signer: &Signer<T>,
	call: CallOf<T>,
	now: BlockNumberFor<T>,
) -> Result<(), SendError> {
	if is_busy::<T>(&signer.account, now) {
		return Err(SendError::Busy);
	}
	let nonce = frame_system::Pallet::<T>::account_nonce(&signer.account);
	let xt =
		<T as CreateSignedTransaction<CallOf<T>>>::create_signed_transaction::<T::AuthorityId>(
			call.into(),
			signer.public.clone(),
			signer.account.clone(),
			nonce,
		)
		.ok_or(SendError::CannotSign)?;
	SubmitTransaction::<T, CallOf<T>>::submit_transaction(xt).map_err(|()| SendError::Rejected)?;
	StorageValueRef::persistent(&in_flight_key::<T>(&signer.account))
		.set(&InFlight { nonce, sent_at: now });
	log::debug!(target: LOG_TARGET, "sent a transaction of {:?} with nonce {:?}", signer.account, nonce);
	Ok(())
}

fn attempt_key<T: Config>(role: &[u8], topic: TopicId, account: &T::AccountId) -> Vec<u8> {
	let mut key = ATTEMPT_PREFIX.to_vec();
	key.extend_from_slice(role);
	topic.encode_to(&mut key);
	account.encode_to(&mut key);
	key
}

/// Whether `role` of `account` in `topic` may try `window` now: never tried, or tried at
/// least `retry_millis` ago. Records the attempt when it may.
pub fn take_attempt<T: Config>(
	role: &[u8],
	topic: TopicId,
	account: &T::AccountId,
	window: BlockNumberFor<T>,
	retry_millis: u64,
) -> bool {
	let now_millis = sp_io::offchain::timestamp().unix_millis();
	let key = attempt_key::<T>(role, topic, account);
	let storage = StorageValueRef::persistent(&key);
	let mut attempts =
		storage.get::<Vec<Attempt<BlockNumberFor<T>>>>().ok().flatten().unwrap_or_default();
	let last = attempts.iter().position(|a| a.window == window);
	let due = match last.and_then(|i| attempts.get(i)) {
		Some(last) => now_millis >= last.at_millis.saturating_add(retry_millis),
		None => true,
	};
	if due {
		if let Some(i) = last {
			attempts.remove(i);
		}
		attempts.push(Attempt { window, at_millis: now_millis });
		// The oldest windows have long closed.
		let excess = attempts.len().saturating_sub(REMEMBERED_WINDOWS);
		attempts.drain(..excess);
		storage.set(&attempts);
	}
	due
}

const WARNED_PREFIX: &[u8] = b"allora::ocw::warned::";

fn warned_key(role: &[u8], topic: TopicId, identity: &Identity) -> Vec<u8> {
	let mut key = WARNED_PREFIX.to_vec();
	key.extend_from_slice(role);
	topic.encode_to(&mut key);
	identity.account.encode_to(&mut key);
	key
}

/// Warns about a role's standing problem (no key, no topic, not registered) once while it
/// lasts, instead of in every block; [`settled`] re-arms it.
pub fn warn_once(role: &[u8], topic: TopicId, identity: &Identity, message: &str) {
	let storage_key = warned_key(role, topic, identity);
	let storage = StorageValueRef::persistent(&storage_key);
	let digest = polkadot_sdk::sp_crypto_hashing::twox_64(message.as_bytes());
	if storage.get::<[u8; 8]>().ok().flatten() != Some(digest) {
		log::warn!(target: LOG_TARGET, "{message}");
		storage.set(&digest);
	}
}

/// The role's standing problem is over: the next one is warned about again.
pub fn settled(role: &[u8], topic: TopicId, identity: &Identity) {
	let storage_key = warned_key(role, topic, identity);
	let mut storage = StorageValueRef::persistent(&storage_key);
	if storage.get::<[u8; 8]>().ok().flatten().is_some() {
		storage.clear();
	}
}
