//! What the off-chain workers are told to do: the node turns the operator's JSON file into an
//! [`OcwConfig`] and writes it, SCALE-encoded, into the node's persistent off-chain storage
//! under [`CONFIG_KEY`]; the workers read it back every block.

use alloc::vec::Vec;
use allora_primitives::TopicId;
use codec::{Decode, Encode};

/// Persistent off-chain storage key of the encoded [`OcwConfig`].
pub const CONFIG_KEY: &[u8] = b"allora::ocw::config";

/// `(name, value)` pairs substituted for `{name}` in endpoint URLs (`Token`, and any key of
/// the entry's parameters); `{TopicId}` and `{BlockHeight}` are always filled in.
pub type Parameters = Vec<(Vec<u8>, Vec<u8>)>;

/// Every role this node plays.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct OcwConfig {
	pub workers: Vec<WorkerEntry>,
	pub reputers: Vec<ReputerEntry>,
}

/// Who signs for an entry and how often a failed attempt is retried.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Identity {
	/// The account (sr25519 public key) whose `allo` key signs; `None` if the keystore holds
	/// exactly one `allo` key.
	pub account: Option<[u8; 32]>,
	/// Register in the topic (and, for reputers, stake up to `min_stake`) when not yet done.
	pub register: bool,
	/// Least time between two attempts for the same window (`loopSeconds`).
	pub retry_millis: u64,
}

/// An inferer and/or forecaster in one topic.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct WorkerEntry {
	pub topic: TopicId,
	pub identity: Identity,
	/// URL template answering the inference: a plain decimal, a JSON number or string, or a
	/// JSON object holding it under `response_field`.
	pub inference_endpoint: Option<Vec<u8>>,
	/// URL template answering a JSON object `inferer address -> forecasted loss`.
	pub forecast_endpoint: Option<Vec<u8>>,
	/// Field of a JSON object response that holds the inference.
	pub response_field: Option<Vec<u8>>,
	pub parameters: Parameters,
}

/// A reputer in one topic.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct ReputerEntry {
	pub topic: TopicId,
	pub identity: Identity,
	/// Own stake (base units) the reputer keeps in the topic when `register` is set.
	pub min_stake: u128,
	/// URL template answering the ground truth of `{BlockHeight}`'s epoch: a plain decimal.
	pub ground_truth_endpoint: Vec<u8>,
	/// Field of a JSON object response that holds the ground truth.
	pub response_field: Option<Vec<u8>>,
	pub parameters: Parameters,
	/// Base URL of a loss-function service (`POST {url}/calculate`); `None` computes the
	/// topic's loss method on chain-side code.
	pub loss_service: Option<Vec<u8>>,
	/// `LossMethodOptions`, passed to the loss service and read by the built-in methods
	/// (`delta` of `huber`).
	pub loss_options: Parameters,
}

/// Fills `{name}` placeholders of an endpoint template. Unknown placeholders stay as they are
/// (the model server then answers with an error the worker logs).
pub fn fill_template(template: &[u8], values: &[(&[u8], &[u8])]) -> Vec<u8> {
	let mut out = Vec::with_capacity(template.len());
	let mut rest = template;
	while let Some(open) = rest.iter().position(|&c| c == b'{') {
		let (before, from_open) = rest.split_at(open);
		out.extend_from_slice(before);
		let close = from_open.iter().position(|&c| c == b'}');
		let Some(close) = close else {
			out.extend_from_slice(from_open);
			return out;
		};
		let (placeholder, after) = from_open.split_at(close.saturating_add(1));
		let name = placeholder.get(1..close).unwrap_or_default();
		match values.iter().find(|(key, _)| *key == name) {
			Some((_, value)) => out.extend_from_slice(value),
			None => out.extend_from_slice(placeholder),
		}
		rest = after;
	}
	out.extend_from_slice(rest);
	out
}

/// The placeholder values of one request: the entry's parameters, then topic and height.
pub fn template_values<'a>(
	parameters: &'a Parameters,
	topic: &'a [u8],
	height: &'a [u8],
) -> Vec<(&'a [u8], &'a [u8])> {
	let mut values: Vec<(&[u8], &[u8])> =
		parameters.iter().map(|(k, v)| (k.as_slice(), v.as_slice())).collect();
	values.push((b"TopicId", topic));
	values.push((b"BlockHeight", height));
	values
}
