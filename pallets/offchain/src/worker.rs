//! The worker role: in each open worker window of its topic, fetch the inference (and the
//! forecast) from the model server and send one `workers.submit` for the window.

use crate::{
	config::{fill_template, template_values, WorkerEntry},
	fetch::{self, FetchError},
	json::Json,
	protocol::{Protocol, WorkerValues},
	role, ss58, submit, Config, LOG_TARGET,
};
use alloc::{string::String, vec::Vec};
use allora_primitives::TopicId;
use allora_synthesis::Fixed;
use codec::Decode;
use core::fmt;
use polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor;

const ROLE: &str = "worker";

/// Why a model server's answer was not used.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ValueError {
	Fetch(FetchError),
	/// The body is not a decimal number (or NaN/infinite, or out of `Fixed`'s range).
	NotANumber,
	/// A JSON object without the configured field (or without any field configured).
	MissingField,
	/// `|value|` exceeds the chain's `max_abs_value`.
	OutOfRange(Fixed),
	/// A forecast body that is not a JSON object.
	NotAnObject,
}

impl fmt::Display for ValueError {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		match self {
			ValueError::Fetch(e) => write!(f, "{e}"),
			ValueError::NotANumber => write!(f, "the body is not a finite decimal number"),
			ValueError::MissingField => write!(f, "the JSON object lacks the configured field"),
			ValueError::OutOfRange(v) => write!(f, "{v} exceeds the chain's max_abs_value"),
			ValueError::NotAnObject => write!(f, "the body is not a JSON object"),
		}
	}
}

impl From<FetchError> for ValueError {
	fn from(e: FetchError) -> Self {
		ValueError::Fetch(e)
	}
}

/// One block's work for one worker entry.
pub fn run<T: Config>(entry: &WorkerEntry, now: BlockNumberFor<T>, at: BlockNumberFor<T>) {
	let topic = entry.topic;
	let Some((signer, _)) = role::ready::<T>(ROLE, &entry.identity, topic, now) else { return };
	if !T::Protocol::is_worker(topic, &signer.account) {
		let call = || T::Protocol::register_worker_call(topic);
		return role::join::<T>(ROLE, &entry.identity, topic, &signer, now, "registering", call);
	}
	role::registered(ROLE, &entry.identity, topic);
	for nonce in T::Protocol::open_worker_nonces(topic, at) {
		let wants_inference = entry.inference_endpoint.is_some()
			&& !T::Protocol::has_inference(topic, nonce, &signer.account);
		let wants_forecast = entry.forecast_endpoint.is_some()
			&& !T::Protocol::has_forecast(topic, nonce, &signer.account);
		if !(wants_inference || wants_forecast)
			|| !submit::take_attempt::<T>(
				ROLE.as_bytes(),
				topic,
				&signer.account,
				nonce,
				entry.identity.retry_millis,
			) {
			continue;
		}
		let inference = wants_inference.then(|| inference::<T>(entry, nonce)).flatten();
		let forecast =
			if wants_forecast { forecast::<T>(entry, nonce, &signer.account) } else { Vec::new() };
		if inference.is_none() && forecast.is_empty() {
			continue;
		}
		let elements = forecast.len();
		let call = T::Protocol::submit_call(topic, nonce, inference, forecast);
		match submit::send::<T>(&signer, call, now) {
			Ok(()) => log::info!(
				target: LOG_TARGET,
				"topic {topic} nonce {nonce:?}: submitted inference {} and {elements} forecast elements",
				inference.map_or(String::from("none"), |v| alloc::format!("{v}")),
			),
			Err(e) => log::warn!(target: LOG_TARGET, "topic {topic} nonce {nonce:?}: {e}"),
		}
		// One transaction in flight per account: the next window waits for the next block.
		return;
	}
}

pub(crate) fn url<T: Config>(
	template: &[u8],
	entry_parameters: &crate::config::Parameters,
	topic: TopicId,
	nonce: BlockNumberFor<T>,
) -> Vec<u8> {
	let topic_text = alloc::format!("{topic}");
	let height_text = alloc::format!("{nonce:?}");
	fill_template(
		template,
		&template_values(entry_parameters, topic_text.as_bytes(), height_text.as_bytes()),
	)
}

/// The inference for `nonce`, or `None` (logged) if the server gave nothing usable.
fn inference<T: Config>(entry: &WorkerEntry, nonce: BlockNumberFor<T>) -> Option<Fixed> {
	let template = entry.inference_endpoint.as_deref()?;
	let url = url::<T>(template, &entry.parameters, entry.topic, nonce);
	let value = fetch::get(&url)
		.map_err(ValueError::from)
		.and_then(|body| parse_value(&body, entry.response_field.as_deref()))
		.and_then(within_bounds::<T>);
	match value {
		Ok(value) => Some(value),
		Err(e) => {
			log::warn!(
				target: LOG_TARGET,
				"topic {} nonce {nonce:?}: inference from {}: {e}",
				entry.topic,
				String::from_utf8_lossy(&url)
			);
			None
		}
	}
}

/// The usable elements of the forecast for `nonce`: registered inferers other than the
/// forecaster, in range, at most `max_elements_per_forecast` (the first by account), sorted.
fn forecast<T: Config>(
	entry: &WorkerEntry,
	nonce: BlockNumberFor<T>,
	forecaster: &T::AccountId,
) -> WorkerValues<T::AccountId> {
	let Some(template) = entry.forecast_endpoint.as_deref() else { return Vec::new() };
	let url = url::<T>(template, &entry.parameters, entry.topic, nonce);
	let members =
		match fetch::get(&url).map_err(ValueError::from).and_then(|body| match Json::parse(&body) {
			Some(Json::Object(members)) => Ok(members),
			_ => Err(ValueError::NotAnObject),
		}) {
			Ok(members) => members,
			Err(e) => {
				log::warn!(
					target: LOG_TARGET,
					"topic {} nonce {nonce:?}: forecast from {}: {e}",
					entry.topic,
					String::from_utf8_lossy(&url)
				);
				return Vec::new();
			}
		};
	let offered = members.len();
	let bound = T::Protocol::max_abs_value();
	let mut candidates: WorkerValues<T::AccountId> = members
		.into_iter()
		.filter_map(|(address, value)| {
			let account = ss58::decode_address(&address)
				.and_then(|bytes| T::AccountId::decode(&mut &bytes[..]).ok())?;
			let value = Fixed::from_decimal_str(value.as_decimal()?)?;
			(&account != forecaster && value.abs() <= bound).then_some((account, value))
		})
		.collect();
	candidates.sort_by(|a, b| a.0.cmp(&b.0));
	candidates.dedup_by(|a, b| a.0 == b.0);
	// Registration is a storage read: ask only until the forecast is full.
	let most = usize::try_from(T::Protocol::max_forecast_elements()).unwrap_or(usize::MAX);
	let elements: WorkerValues<T::AccountId> = candidates
		.into_iter()
		.filter(|(account, _)| T::Protocol::is_worker(entry.topic, account))
		.take(most)
		.collect();
	if elements.len() < offered {
		log::info!(
			target: LOG_TARGET,
			"topic {} nonce {nonce:?}: forecast keeps {} of {offered} elements (unknown, self, \
			 out-of-range or surplus entries dropped)",
			entry.topic,
			elements.len()
		);
	}
	elements
}

/// A number from a model server's body: a plain decimal, a JSON number or string, or the
/// member `field` of a JSON object.
pub fn parse_value(body: &[u8], field: Option<&[u8]>) -> Result<Fixed, ValueError> {
	let text = core::str::from_utf8(body).map_err(|_| ValueError::NotANumber)?.trim();
	let decimal = match Json::parse(text.as_bytes()) {
		Some(object @ Json::Object(_)) => {
			let field =
				field.and_then(|f| core::str::from_utf8(f).ok()).ok_or(ValueError::MissingField)?;
			let member = object.get(field).ok_or(ValueError::MissingField)?;
			String::from(member.as_decimal().ok_or(ValueError::NotANumber)?)
		}
		Some(value) => String::from(value.as_decimal().ok_or(ValueError::NotANumber)?),
		None => String::from(text),
	};
	Fixed::from_decimal_str(&decimal).ok_or(ValueError::NotANumber)
}

pub(crate) fn within_bounds<T: Config>(value: Fixed) -> Result<Fixed, ValueError> {
	if value.abs() > T::Protocol::max_abs_value() {
		return Err(ValueError::OutOfRange(value));
	}
	Ok(value)
}
