//! The built-in chain specifications, one per genesis preset of the runtime.

use allora_runtime::{genesis::MAINNET_PRESET, DECIMALS};
use polkadot_sdk::{
	sc_chain_spec::{ChainSpecExtension, ChainSpecGroup},
	sc_service::{ChainType, Properties},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
};
use serde::{Deserialize, Serialize};

pub type ChainSpec = polkadot_sdk::sc_service::GenericChainSpec<Extensions>;

/// What a parachain's chain spec carries besides genesis: which relay chain it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ChainSpecGroup, ChainSpecExtension)]
pub struct Extensions {
	/// The relay chain's chain-spec id (e.g. `rococo-local`).
	#[serde(alias = "relayChain", alias = "RelayChain")]
	pub relay_chain: String,
	/// Kept for tools that still read it; the node asks the runtime for the para id.
	#[serde(alias = "paraId", alias = "ParaId")]
	pub para_id: u32,
}

impl Extensions {
	pub fn try_get(chain_spec: &dyn polkadot_sdk::sc_service::ChainSpec) -> Option<&Self> {
		polkadot_sdk::sc_chain_spec::get_extension(chain_spec.extensions())
	}
}

/// Token symbol, decimals and address format, shown by polkadot.js apps and wallets.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), "ALLO".into());
	properties.insert("tokenDecimals".into(), DECIMALS.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn wasm() -> Result<&'static [u8], String> {
	allora_runtime::WASM_BINARY.ok_or_else(|| {
		"the runtime WASM is missing: this binary was built with SKIP_WASM_BUILD".to_string()
	})
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
	relay_chain: &str,
) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(
		wasm()?,
		Extensions { relay_chain: relay_chain.into(), para_id: allora_runtime::DEV_PARA_ID },
	)
	.with_name(name)
	.with_id(id)
	.with_chain_type(chain_type)
	.with_genesis_config_preset_name(preset)
	.with_protocol_id("allora")
	.with_properties(properties())
	.build())
}

/// Single-node development chain (`--dev`): runs without a relay chain.
pub fn development() -> Result<ChainSpec, String> {
	from_preset(
		"Allora Development",
		"dev",
		ChainType::Development,
		DEV_RUNTIME_PRESET,
		"rococo-local",
	)
}

/// Alice and Bob collating under a local relay chain (zombienet).
pub fn local_testnet() -> Result<ChainSpec, String> {
	from_preset(
		"Allora Local Testnet",
		"allora_local",
		ChainType::Local,
		LOCAL_TESTNET_RUNTIME_PRESET,
		"rococo-local",
	)
}

/// The mainnet genesis distribution; collator keys must be patched in before launch.
pub fn mainnet() -> Result<ChainSpec, String> {
	from_preset("Allora", "allora", ChainType::Live, MAINNET_PRESET, "polkadot")
}

/// Resolve `--chain`: a built-in name or a chain-spec JSON file.
pub fn load(id: &str) -> Result<Box<dyn polkadot_sdk::sc_service::ChainSpec>, String> {
	Ok(match id {
		"" | "dev" => Box::new(development()?),
		"local" => Box::new(local_testnet()?),
		"mainnet" => Box::new(mainnet()?),
		path => Box::new(ChainSpec::from_json_file(path.into())?),
	})
}
