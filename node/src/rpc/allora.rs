//! `allora_*` JSON-RPC methods: answers come from the runtime through `AlloraApi`.
//!
//! Numbers that do not fit a JSON number are decimal strings: balances (u128 base units) and
//! fixed-point values (printed with up to 18 decimals, e.g. `"2.5"`). Accounts are SS58.

use allora_runtime::{opaque::Block, AccountId};
use allora_runtime_api::{self as api, AlloraApi as AlloraRuntimeApi, FixedBits};
use allora_synthesis::Fixed;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
};
use polkadot_sdk::{
	sp_api::{ApiRef, Core, ProvideRuntimeApi},
	sp_blockchain::HeaderBackend,
	sp_core::crypto::Ss58Codec,
	sp_runtime::traits::Block as BlockT,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The native token at a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
	pub symbol: String,
	pub decimals: u8,
	pub total_issuance: String,
	pub existential_deposit: String,
	/// The runtime's `spec_version` at that block.
	pub spec_version: u32,
}

/// A worker and a value of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerValue {
	pub worker: String,
	pub value: String,
}

/// A topic's network inferences at one epoch (spec §2.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInference {
	pub topic: u64,
	pub nonce: u32,
	pub combined: String,
	pub naive: String,
	pub inferers: Vec<WorkerValue>,
	pub forecast_implied: Vec<WorkerValue>,
	pub one_out_inferers: Vec<WorkerValue>,
	pub one_out_forecasters: Vec<WorkerValue>,
	pub one_in_forecasters: Vec<WorkerValue>,
	pub confidence_interval: Vec<String>,
}

/// One role's score of an actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
	pub instant: String,
	pub ema: String,
	pub nonce: u32,
}

/// An actor's scores per role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorScores {
	pub inferer: Option<Score>,
	pub forecaster: Option<Score>,
	pub reputer: Option<Score>,
}

/// An actor's own regrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorRegrets {
	pub inferer: Option<String>,
	pub naive_inferer: Option<String>,
	pub forecaster: Option<String>,
	pub one_in_forecaster: Option<String>,
}

/// A topic's active sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSets {
	pub inferers: Vec<String>,
	pub forecasters: Vec<String>,
	pub reputers: Vec<String>,
}

/// The emission schedule's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmissionInfo {
	pub emission_per_unit_staked: Option<String>,
	pub block_emission: String,
	pub reward_per_block: String,
	pub released_from_reserve: String,
	pub rewards_available: String,
}

#[rpc(server, namespace = "allora")]
pub trait AlloraApi<BlockHash> {
	/// The native token's symbol, decimals, total issuance and existential deposit at `at`
	/// (default: the best block).
	#[method(name = "tokenInfo")]
	fn token_info(&self, at: Option<BlockHash>) -> RpcResult<TokenInfo>;

	/// The newest network inference of `topic`, or null before its first epoch closed.
	#[method(name = "latestNetworkInference")]
	fn latest_network_inference(
		&self,
		topic: u64,
		at: Option<BlockHash>,
	) -> RpcResult<Option<NetworkInference>>;

	/// The network inference of `topic` at worker nonce `nonce`, if still stored.
	#[method(name = "networkInference")]
	fn network_inference(
		&self,
		topic: u64,
		nonce: u32,
		at: Option<BlockHash>,
	) -> RpcResult<Option<NetworkInference>>;

	/// `actor`'s scores in `topic`.
	#[method(name = "actorScores")]
	fn actor_scores(
		&self,
		topic: u64,
		actor: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<ActorScores>;

	/// `actor`'s regrets in `topic`.
	#[method(name = "actorRegrets")]
	fn actor_regrets(
		&self,
		topic: u64,
		actor: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<ActorRegrets>;

	/// The active inferers, forecasters and reputers of `topic`.
	#[method(name = "activeSets")]
	fn active_sets(&self, topic: u64, at: Option<BlockHash>) -> RpcResult<ActiveSets>;

	/// The emission schedule's state.
	#[method(name = "emissionInfo")]
	fn emission_info(&self, at: Option<BlockHash>) -> RpcResult<EmissionInfo>;
}

pub struct Allora<C> {
	client: Arc<C>,
}

impl<C> Allora<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

/// JSON-RPC error code for a failed runtime call (Substrate's convention for custom RPCs).
const RUNTIME_ERROR: i32 = 1;

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime call failed", Some(e.to_string()))
}

fn fixed(bits: FixedBits) -> String {
	Fixed::from_bits(bits).to_string()
}

fn worker_values(values: Vec<(AccountId, FixedBits)>) -> Vec<WorkerValue> {
	values
		.into_iter()
		.map(|(worker, value)| WorkerValue { worker: worker.to_ss58check(), value: fixed(value) })
		.collect()
}

fn accounts(list: Vec<AccountId>) -> Vec<String> {
	list.into_iter().map(|a| a.to_ss58check()).collect()
}

fn inference(i: api::NetworkInference<AccountId>) -> NetworkInference {
	NetworkInference {
		topic: i.topic,
		nonce: i.nonce,
		combined: fixed(i.combined),
		naive: fixed(i.naive),
		inferers: worker_values(i.inferers),
		forecast_implied: worker_values(i.forecast_implied),
		one_out_inferers: worker_values(i.one_out_inferers),
		one_out_forecasters: worker_values(i.one_out_forecasters),
		one_in_forecasters: worker_values(i.one_in_forecasters),
		confidence_interval: i.confidence_interval.into_iter().map(fixed).collect(),
	}
}

fn score(s: api::Score) -> Score {
	Score { instant: fixed(s.instant), ema: fixed(s.ema), nonce: s.nonce }
}

impl<C> Allora<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
{
	/// The runtime API and the block to ask it at (default: the best block).
	fn at(
		&self,
		at: Option<<Block as BlockT>::Hash>,
	) -> (ApiRef<'_, C::Api>, <Block as BlockT>::Hash) {
		(self.client.runtime_api(), at.unwrap_or_else(|| self.client.info().best_hash))
	}
}

impl<C> AlloraApiServer<<Block as BlockT>::Hash> for Allora<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: AlloraRuntimeApi<Block, AccountId> + Core<Block>,
{
	fn token_info(&self, at: Option<<Block as BlockT>::Hash>) -> RpcResult<TokenInfo> {
		let (api, at) = self.at(at);
		let token = api.token_info(at).map_err(runtime_error)?;
		let version = api.version(at).map_err(runtime_error)?;
		Ok(TokenInfo {
			symbol: String::from_utf8_lossy(&token.symbol).into_owned(),
			decimals: token.decimals,
			total_issuance: token.total_issuance.to_string(),
			existential_deposit: token.existential_deposit.to_string(),
			spec_version: version.spec_version,
		})
	}

	fn latest_network_inference(
		&self,
		topic: u64,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Option<NetworkInference>> {
		let (api, at) = self.at(at);
		Ok(api.latest_network_inference(at, topic).map_err(runtime_error)?.map(inference))
	}

	fn network_inference(
		&self,
		topic: u64,
		nonce: u32,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Option<NetworkInference>> {
		let (api, at) = self.at(at);
		Ok(api.network_inference_at(at, topic, nonce).map_err(runtime_error)?.map(inference))
	}

	fn actor_scores(
		&self,
		topic: u64,
		actor: AccountId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<ActorScores> {
		let (api, at) = self.at(at);
		let s = api.actor_scores(at, topic, actor).map_err(runtime_error)?;
		Ok(ActorScores {
			inferer: s.inferer.map(score),
			forecaster: s.forecaster.map(score),
			reputer: s.reputer.map(score),
		})
	}

	fn actor_regrets(
		&self,
		topic: u64,
		actor: AccountId,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<ActorRegrets> {
		let (api, at) = self.at(at);
		let r = api.actor_regrets(at, topic, actor).map_err(runtime_error)?;
		Ok(ActorRegrets {
			inferer: r.inferer.map(fixed),
			naive_inferer: r.naive_inferer.map(fixed),
			forecaster: r.forecaster.map(fixed),
			one_in_forecaster: r.one_in_forecaster.map(fixed),
		})
	}

	fn active_sets(
		&self,
		topic: u64,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<ActiveSets> {
		let (api, at) = self.at(at);
		let sets = api.active_sets(at, topic).map_err(runtime_error)?;
		Ok(ActiveSets {
			inferers: accounts(sets.inferers),
			forecasters: accounts(sets.forecasters),
			reputers: accounts(sets.reputers),
		})
	}

	fn emission_info(&self, at: Option<<Block as BlockT>::Hash>) -> RpcResult<EmissionInfo> {
		let (api, at) = self.at(at);
		let e = api.emission_info(at).map_err(runtime_error)?;
		Ok(EmissionInfo {
			emission_per_unit_staked: e.emission_per_unit_staked.map(fixed),
			block_emission: e.block_emission.to_string(),
			reward_per_block: e.reward_per_block.to_string(),
			released_from_reserve: e.released_from_reserve.to_string(),
			rewards_available: e.rewards_available.to_string(),
		})
	}
}
