//! `allora_*` JSON-RPC methods: answers come from the runtime through `AlloraApi`.

use allora_runtime::opaque::Block;
use allora_runtime_api::AlloraApi as AlloraRuntimeApi;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
};
use polkadot_sdk::{
	sp_api::{Core, ProvideRuntimeApi},
	sp_blockchain::HeaderBackend,
	sp_runtime::traits::Block as BlockT,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The native token at a block. Balances are decimal strings: JSON numbers cannot hold u128.
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

#[rpc(server, namespace = "allora")]
pub trait AlloraApi<BlockHash> {
	/// The native token's symbol, decimals, total issuance and existential deposit at `at`
	/// (default: the best block).
	#[method(name = "tokenInfo")]
	fn token_info(&self, at: Option<BlockHash>) -> RpcResult<TokenInfo>;
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

impl<C> AlloraApiServer<<Block as BlockT>::Hash> for Allora<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: AlloraRuntimeApi<Block> + Core<Block>,
{
	fn token_info(&self, at: Option<<Block as BlockT>::Hash>) -> RpcResult<TokenInfo> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let api = self.client.runtime_api();
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
}
