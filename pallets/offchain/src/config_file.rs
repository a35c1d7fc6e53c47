//! The operator's config file, in the shape of Allora's off-chain node `config.json`, read by
//! the node at start-up (`--allora-config`). Every field is checked here, so a mistake stops
//! the node with a message naming it instead of failing quietly blocks later. `wallet` is
//! accepted and ignored: keys live in the node's keystore (key type `allo`).

use crate::{
	config::{Identity, OcwConfig, Parameters, ReputerEntry, WorkerEntry},
	ss58,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// `loopSeconds` when the file gives none.
const DEFAULT_LOOP_SECONDS: u64 = 5;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
	#[serde(default)]
	#[allow(dead_code)]
	wallet: Option<Value>,
	#[serde(default)]
	worker: Vec<WorkerJson>,
	#[serde(default)]
	reputer: Vec<ReputerJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct WorkerJson {
	topic_id: u64,
	#[serde(default)]
	inference_entrypoint_name: Option<String>,
	#[serde(default)]
	forecast_entrypoint_name: Option<String>,
	#[serde(default)]
	loop_seconds: Option<u64>,
	#[serde(default)]
	account: Option<String>,
	#[serde(default)]
	register: Option<bool>,
	#[serde(default)]
	parameters: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ReputerJson {
	topic_id: u64,
	#[serde(default)]
	#[allow(dead_code)]
	ground_truth_entrypoint_name: Option<String>,
	#[serde(default)]
	#[allow(dead_code)]
	loss_function_entrypoint_name: Option<String>,
	#[serde(default)]
	loop_seconds: Option<u64>,
	#[serde(default)]
	min_stake: Option<Value>,
	#[serde(default)]
	account: Option<String>,
	#[serde(default)]
	register: Option<bool>,
	ground_truth_parameters: BTreeMap<String, Value>,
	#[serde(default)]
	loss_function_parameters: LossFunctionJson,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LossFunctionJson {
	#[serde(default, rename = "LossFunctionService")]
	loss_function_service: Option<String>,
	#[serde(default, rename = "LossMethodOptions")]
	loss_method_options: BTreeMap<String, Value>,
}

/// Parses and checks a config file; the error names the entry and field at fault.
pub fn parse(text: &str) -> Result<OcwConfig, String> {
	let file: File = serde_json::from_str(text).map_err(|e| format!("invalid config: {e}"))?;
	let workers = file
		.worker
		.into_iter()
		.enumerate()
		.map(|(i, w)| worker(w).map_err(|e| format!("worker[{i}]: {e}")))
		.collect::<Result<_, _>>()?;
	let reputers = file
		.reputer
		.into_iter()
		.enumerate()
		.map(|(i, r)| reputer(r).map_err(|e| format!("reputer[{i}]: {e}")))
		.collect::<Result<_, _>>()?;
	Ok(OcwConfig { workers, reputers })
}

fn worker(w: WorkerJson) -> Result<WorkerEntry, String> {
	let mut parameters = strings(w.parameters, "parameters")?;
	let inference_endpoint = take_url(&mut parameters, "InferenceEndpoint")?;
	let forecast_endpoint = take_url(&mut parameters, "ForecastEndpoint")?;
	let response_field = take(&mut parameters, "ResponseField");
	if w.inference_entrypoint_name.is_some() && inference_endpoint.is_none() {
		return Err("inferenceEntrypointName needs parameters.InferenceEndpoint".into());
	}
	if w.forecast_entrypoint_name.is_some() && forecast_endpoint.is_none() {
		return Err("forecastEntrypointName needs parameters.ForecastEndpoint".into());
	}
	if inference_endpoint.is_none() && forecast_endpoint.is_none() {
		return Err("needs parameters.InferenceEndpoint or parameters.ForecastEndpoint".into());
	}
	Ok(WorkerEntry {
		topic: topic(w.topic_id)?,
		identity: identity(w.account, w.register, w.loop_seconds)?,
		inference_endpoint,
		forecast_endpoint,
		response_field,
		parameters,
	})
}

fn reputer(r: ReputerJson) -> Result<ReputerEntry, String> {
	let mut parameters = strings(r.ground_truth_parameters, "groundTruthParameters")?;
	let ground_truth_endpoint = take_url(&mut parameters, "GroundTruthEndpoint")?
		.ok_or("needs groundTruthParameters.GroundTruthEndpoint")?;
	let response_field = take(&mut parameters, "ResponseField");
	let loss_service = r
		.loss_function_parameters
		.loss_function_service
		.map(|url| check_url(&url, "LossFunctionService").map(|()| url.into_bytes()))
		.transpose()?;
	Ok(ReputerEntry {
		topic: topic(r.topic_id)?,
		identity: identity(r.account, r.register, r.loop_seconds)?,
		min_stake: r.min_stake.map(|v| amount(&v)).transpose()?.unwrap_or(0),
		ground_truth_endpoint,
		response_field,
		parameters,
		loss_service,
		loss_options: strings(r.loss_function_parameters.loss_method_options, "LossMethodOptions")?,
	})
}

fn topic(id: u64) -> Result<u64, String> {
	if id == 0 {
		return Err("topicId must be at least 1".into());
	}
	Ok(id)
}

fn identity(
	account: Option<String>,
	register: Option<bool>,
	loop_seconds: Option<u64>,
) -> Result<Identity, String> {
	let account = account
		.map(|a| {
			ss58::decode_address(&a)
				.ok_or(format!("account {a:?} is not an SS58 or 0x-hex address"))
		})
		.transpose()?;
	let seconds = loop_seconds.unwrap_or(DEFAULT_LOOP_SECONDS);
	if !(1..=3_600).contains(&seconds) {
		return Err(format!("loopSeconds must be 1..=3600, not {seconds}"));
	}
	Ok(Identity {
		account,
		register: register.unwrap_or(true),
		retry_millis: seconds.saturating_mul(1_000),
	})
}

/// A base-unit amount: an integer, or a decimal string for values above 2^64.
fn amount(value: &Value) -> Result<u128, String> {
	let parsed = match value {
		Value::Number(n) => n.as_u64().map(u128::from),
		Value::String(s) => s.trim().parse::<u128>().ok(),
		_ => None,
	};
	parsed.ok_or(format!(
		"minStake must be a whole number of base units (a string above 2^64), not {value}"
	))
}

/// A parameter map with string (or number) values, as byte pairs.
fn strings(map: BTreeMap<String, Value>, what: &str) -> Result<Parameters, String> {
	map.into_iter()
		.map(|(key, value)| {
			let text = match value {
				Value::String(s) => s,
				Value::Number(n) => n.to_string(),
				Value::Bool(b) => b.to_string(),
				other => {
					return Err(format!("{what}.{key} must be a string or number, not {other}"))
				}
			};
			Ok((key.into_bytes(), text.into_bytes()))
		})
		.collect()
}

fn take(parameters: &mut Parameters, name: &str) -> Option<Vec<u8>> {
	let position = parameters.iter().position(|(key, _)| key.as_slice() == name.as_bytes())?;
	Some(parameters.remove(position).1)
}

fn take_url(parameters: &mut Parameters, name: &str) -> Result<Option<Vec<u8>>, String> {
	let Some(url) = take(parameters, name) else { return Ok(None) };
	check_url(&String::from_utf8_lossy(&url), name)?;
	Ok(Some(url))
}

fn check_url(url: &str, name: &str) -> Result<(), String> {
	if url.starts_with("http://") || url.starts_with("https://") {
		Ok(())
	} else {
		Err(format!("{name} must be an http:// or https:// URL, not {url:?}"))
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
	use super::*;

	const ALLORA_STYLE: &str = r#"{
		"wallet": {"addressKeyName": "test", "addressRestoreMnemonic": "", "gas": "auto", "nodeRpc": "http://localhost:26657"},
		"worker": [{
			"topicId": 1, "inferenceEntrypointName": "api-worker-reputer", "loopSeconds": 2,
			"parameters": {"InferenceEndpoint": "http://localhost:8000/inference/{Token}", "Token": "ETH"}
		}, {
			"topicId": 1, "forecastEntrypointName": "api-worker-reputer",
			"account": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			"parameters": {"ForecastEndpoint": "http://localhost:8000/forecast/{Token}", "Token": "ETH"}
		}],
		"reputer": [{
			"topicId": 1, "groundTruthEntrypointName": "api-worker-reputer",
			"lossFunctionEntrypointName": "api-worker-reputer", "loopSeconds": 30,
			"minStake": "10000000000000000000000",
			"groundTruthParameters": {"GroundTruthEndpoint": "http://localhost:8888/gt/{Token}/{BlockHeight}", "Token": "ETHUSD"},
			"lossFunctionParameters": {"LossFunctionService": "http://localhost:5000", "LossMethodOptions": {"loss_method": "sqe"}}
		}]
	}"#;

	#[test]
	fn allora_off_chain_node_config_is_accepted() {
		let config = parse(ALLORA_STYLE).unwrap();
		assert_eq!(config.workers.len(), 2);
		let inferer = &config.workers[0];
		assert_eq!(
			inferer.inference_endpoint.as_deref(),
			Some(&b"http://localhost:8000/inference/{Token}"[..])
		);
		assert_eq!(inferer.parameters, vec![(b"Token".to_vec(), b"ETH".to_vec())]);
		assert_eq!(inferer.identity.retry_millis, 2_000);
		assert!(inferer.identity.register);
		assert!(config.workers[1].identity.account.is_some());
		let reputer = &config.reputers[0];
		assert_eq!(reputer.min_stake, 10_000_000_000_000_000_000_000);
		assert_eq!(reputer.loss_service.as_deref(), Some(&b"http://localhost:5000"[..]));
		assert_eq!(reputer.loss_options, vec![(b"loss_method".to_vec(), b"sqe".to_vec())]);
	}

	#[test]
	fn mistakes_name_the_field() {
		let cases = [
			(r#"{"worker": [{"topicId": 1, "parameters": {}, "typo": 1}]}"#, "typo"),
			(r#"{"worker": [{"topicId": 1, "parameters": {}}]}"#, "InferenceEndpoint"),
			(
				r#"{"worker": [{"topicId": 0, "parameters": {"InferenceEndpoint": "http://x"}}]}"#,
				"topicId",
			),
			(
				r#"{"worker": [{"topicId": 1, "parameters": {"InferenceEndpoint": "ftp://x"}}]}"#,
				"http",
			),
			(
				r#"{"worker": [{"topicId": 1, "account": "nope", "parameters": {"InferenceEndpoint": "http://x"}}]}"#,
				"account",
			),
			(
				r#"{"worker": [{"topicId": 1, "loopSeconds": 0, "parameters": {"InferenceEndpoint": "http://x"}}]}"#,
				"loopSeconds",
			),
			(
				r#"{"reputer": [{"topicId": 1, "groundTruthParameters": {}}]}"#,
				"GroundTruthEndpoint",
			),
			(
				r#"{"reputer": [{"topicId": 1, "minStake": 1.5, "groundTruthParameters": {"GroundTruthEndpoint": "http://x"}}]}"#,
				"minStake",
			),
			(r#"{"unknown": []}"#, "unknown"),
		];
		for (text, field) in cases {
			let error = parse(text).unwrap_err();
			assert!(error.contains(field), "{text}: {error}");
		}
	}
}
