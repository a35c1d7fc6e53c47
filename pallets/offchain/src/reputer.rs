//! The reputer role: keep registered and staked, and when a reputer nonce of the topic is open,
//! fetch the ground truth, compute the loss of every stored network inference with the topic's
//! loss method, and send one `reputers.submit_losses`.

use crate::{
	config::ReputerEntry,
	fetch,
	json::Json,
	loss::{log10_loss, LossMethod},
	protocol::{NetworkValues, Protocol},
	role, submit,
	worker::{parse_value, url, within_bounds, ValueError},
	Config, LOG_TARGET,
};
use alloc::{format, string::String, vec::Vec};
use allora_synthesis::Fixed;
use polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor;

const ROLE: &str = "reputer";

/// One block's work for one reputer entry.
pub fn run<T: Config>(entry: &ReputerEntry, now: BlockNumberFor<T>, at: BlockNumberFor<T>) {
	let topic = entry.topic;
	let Some((signer, loss_method)) = role::ready::<T>(ROLE, &entry.identity, topic, now) else {
		return;
	};
	if !T::Protocol::is_reputer(topic, &signer.account) {
		let call = || T::Protocol::register_reputer_call(topic);
		return role::join::<T>(ROLE, &entry.identity, topic, &signer, now, "registering", call);
	}
	role::registered(ROLE, &entry.identity, topic);
	let stake = T::Protocol::reputer_stake(topic, &signer.account);
	let target = target_stake::<T>(entry);
	if entry.identity.register && stake < target {
		let call = || T::Protocol::add_stake_call(topic, target.saturating_sub(stake));
		return role::join::<T>(ROLE, &entry.identity, topic, &signer, now, "staking", call);
	}
	for nonce in T::Protocol::open_reputer_nonces(topic, at) {
		if T::Protocol::has_losses(topic, nonce, &signer.account)
			|| !submit::take_attempt::<T>(
				ROLE.as_bytes(),
				topic,
				&signer.account,
				nonce,
				entry.identity.retry_millis,
			) {
			continue;
		}
		let Some(values) = T::Protocol::network_values(topic, nonce) else {
			log::info!(target: LOG_TARGET, "topic {topic} nonce {nonce:?}: no network inference stored, nothing to score");
			continue;
		};
		let losses = ground_truth::<T>(entry, nonce)
			.and_then(|truth| losses(entry, &loss_method, &values, truth));
		let losses = match losses {
			Ok(losses) => losses,
			Err(e) => {
				log::warn!(target: LOG_TARGET, "topic {topic} nonce {nonce:?}: no losses: {e}");
				continue;
			}
		};
		let count = losses.value_count();
		match submit::send::<T>(&signer, T::Protocol::submit_losses_call(topic, nonce, losses), now)
		{
			Ok(()) => {
				log::info!(target: LOG_TARGET, "topic {topic} nonce {nonce:?}: submitted {count} losses")
			}
			Err(e) => log::warn!(target: LOG_TARGET, "topic {topic} nonce {nonce:?}: {e}"),
		}
		return;
	}
}

/// The own stake a registering reputer keeps: `minStake`, and never less than the chain's
/// minimum (without it every loss bundle would be refused after paying its fee).
fn target_stake<T: Config>(entry: &ReputerEntry) -> u128 {
	entry.min_stake.max(T::Protocol::required_minimum_stake())
}

fn ground_truth<T: Config>(
	entry: &ReputerEntry,
	nonce: BlockNumberFor<T>,
) -> Result<Fixed, String> {
	let url = url::<T>(&entry.ground_truth_endpoint, &entry.parameters, entry.topic, nonce);
	fetch::get(&url)
		.map_err(ValueError::from)
		.and_then(|body| parse_value(&body, entry.response_field.as_deref()))
		.and_then(within_bounds::<T>)
		.map_err(|e| format!("ground truth from {}: {e}", String::from_utf8_lossy(&url)))
}

/// The losses of every value of `values` against `truth`: by the loss service when one is
/// configured, else by the built-in method the topic names.
fn losses<A: Clone>(
	entry: &ReputerEntry,
	loss_method: &[u8],
	values: &NetworkValues<A>,
	truth: Fixed,
) -> Result<NetworkValues<A>, String> {
	match entry.loss_service.as_deref() {
		Some(service) => {
			let never_negative = service_is_never_negative(service, entry)?;
			values
				.try_map(|prediction| {
					let raw = service_loss(service, entry, truth, prediction)?;
					if never_negative {
						log10_loss(raw)
					} else {
						Some(raw)
					}
				})
				.ok_or_else(|| String::from("the loss service failed for a value (see above)"))
		}
		None => {
			let method =
				LossMethod::from_name(loss_method, &entry.loss_options).ok_or_else(|| {
					format!(
						"loss method {:?} has no built-in; configure a LossFunctionService",
						String::from_utf8_lossy(loss_method)
					)
				})?;
			values
				.try_map(|prediction| method.chain_loss(truth, prediction))
				.ok_or_else(|| String::from("a loss left the fixed-point range"))
		}
	}
}

/// `{"k": "v", ...}` of the loss options.
fn options_json(entry: &ReputerEntry) -> String {
	let members: Vec<String> = entry
		.loss_options
		.iter()
		.map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
		.collect();
	format!("{{{}}}", members.join(","))
}

fn json_string(bytes: &[u8]) -> String {
	let mut out = String::from("\"");
	for c in String::from_utf8_lossy(bytes).chars() {
		match c {
			'"' => out.push_str("\\\""),
			'\\' => out.push_str("\\\\"),
			c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
			c => out.push(c),
		}
	}
	out.push('"');
	out
}

fn service_url(service: &[u8], path: &str) -> Vec<u8> {
	let mut url = service.strip_suffix(b"/").unwrap_or(service).to_vec();
	url.extend_from_slice(path.as_bytes());
	url
}

/// `POST {service}/calculate {"y_true", "y_pred", "options"}` -> `{"loss": "<decimal>"}`.
fn service_loss(
	service: &[u8],
	entry: &ReputerEntry,
	truth: Fixed,
	prediction: Fixed,
) -> Option<Fixed> {
	let body = format!(
		"{{\"y_true\":\"{truth}\",\"y_pred\":\"{prediction}\",\"options\":{}}}",
		options_json(entry)
	);
	let url = service_url(service, "/calculate");
	let answer = fetch::post_json(&url, body.into_bytes())
		.map_err(ValueError::from)
		.and_then(|body| parse_value(&body, Some(b"loss")));
	answer
		.map_err(
			|e| log::warn!(target: LOG_TARGET, "loss service {}: {e}", String::from_utf8_lossy(&url)),
		)
		.ok()
}

/// `POST {service}/is_never_negative {"options"}` -> `{"is_never_negative": bool}`: whether
/// the loss goes on chain as its log10 (spec §0.3).
fn service_is_never_negative(service: &[u8], entry: &ReputerEntry) -> Result<bool, String> {
	let url = service_url(service, "/is_never_negative");
	let body = format!("{{\"options\":{}}}", options_json(entry));
	let answer = fetch::post_json(&url, body.into_bytes())
		.map_err(|e| format!("loss service {}: {e}", String::from_utf8_lossy(&url)))?;
	match Json::parse(&answer).as_ref().and_then(|doc| doc.get("is_never_negative")) {
		Some(Json::Bool(flag)) => Ok(*flag),
		_ => Err(format!(
			"loss service {}: no boolean `is_never_negative`",
			String::from_utf8_lossy(&url)
		)),
	}
}
