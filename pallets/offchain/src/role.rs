//! What a worker entry and a reputer entry do alike before their own work: find their key,
//! wait while their account has a transaction in flight, check their topic, and join it.

use crate::{
	config::Identity,
	protocol::Protocol,
	submit::{self, CallOf, Signer},
	Config, LOG_TARGET,
};
use alloc::{format, vec::Vec};
use allora_primitives::TopicId;
use core::fmt;
use polkadot_sdk::{frame_system::pallet_prelude::BlockNumberFor, sp_runtime::traits::Zero};

/// An account's bytes in hex, for log lines about keys that are not there.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		f.write_str("0x")?;
		self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
	}
}

/// The entry's signer and its topic's loss method, if the entry can act this block: `None`
/// while its account has a transaction in flight, and (warned once) without a key or a topic.
pub fn ready<T: Config>(
	role: &str,
	identity: &Identity,
	topic: TopicId,
	now: BlockNumberFor<T>,
) -> Option<(Signer<T>, Vec<u8>)> {
	let signer = match submit::signer::<T>(identity) {
		Ok(signer) => signer,
		Err(e) => {
			let account = identity.account.map(|a| format!(" {}", Hex(&a))).unwrap_or_default();
			let message = format!("{role}{account} of topic {topic}: {e}");
			submit::warn_once(role.as_bytes(), topic, identity, &message);
			return None;
		}
	};
	if submit::is_busy::<T>(&signer.account, now) {
		return None;
	}
	let Some(loss_method) = T::Protocol::loss_method(topic) else {
		let message = format!("{role} of topic {topic}: no such topic (yet)");
		submit::warn_once(role.as_bytes(), topic, identity, &message);
		return None;
	};
	Some((signer, loss_method))
}

/// The entry is registered: a later standing problem is warned about again.
pub fn registered(role: &str, identity: &Identity, topic: TopicId) {
	submit::settled(role.as_bytes(), topic, identity);
}

/// Sends `call` (`what`: registering, staking) once per `loopSeconds` when the entry may join
/// the topic by itself (`register`), and warns once that it is not registered when it may not.
pub fn join<T: Config>(
	role: &str,
	identity: &Identity,
	topic: TopicId,
	signer: &Signer<T>,
	now: BlockNumberFor<T>,
	what: &str,
	call: impl FnOnce() -> CallOf<T>,
) {
	if !identity.register {
		let message = format!(
			"{role} of topic {topic}: {:?} is not registered (and `register` is off)",
			signer.account
		);
		return submit::warn_once(role.as_bytes(), topic, identity, &message);
	}
	let attempt = format!("{role}-{what}");
	let retry = identity.retry_millis;
	if !submit::take_attempt::<T>(attempt.as_bytes(), topic, &signer.account, Zero::zero(), retry) {
		return;
	}
	match submit::send::<T>(signer, call(), now) {
		Ok(()) => {
			log::info!(target: LOG_TARGET, "{role} of topic {topic}: {what} {:?}", signer.account)
		}
		Err(e) => log::warn!(target: LOG_TARGET, "{role} of topic {topic}: {what} failed: {e}"),
	}
}
