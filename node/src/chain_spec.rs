//! The built-in chain specifications, one per genesis preset of the runtime.

use allora_runtime::{genesis::MAINNET_PRESET, DECIMALS};
use polkadot_sdk::{
	sc_chain_spec::{ChainSpecExtension, ChainSpecGroup},
	sc_service::{ChainType, Properties},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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

/// Where the node keeps what it can rebuild: `$XDG_CACHE_HOME/allora-node` or
/// `~/.cache/allora-node`.
pub fn cache_dir() -> Option<PathBuf> {
	std::env::var_os("XDG_CACHE_HOME")
		.map(PathBuf::from)
		.or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
		.map(|dir| dir.join("allora-node"))
}

/// The development spec with its genesis storage built, cached per spec and runtime: building
/// genesis compiles and runs the runtime (about 10 s on two cores), and a dev chain is started
/// again and again. A cache that cannot be read or written only costs that time.
fn development_raw() -> Result<ChainSpec, String> {
	use polkadot_sdk::sp_runtime::traits::{BlakeTwo256, Hash};
	let spec = development()?;
	let Some(dir) = cache_dir() else { return Ok(spec) };
	// The plain spec holds the runtime code and the preset's name, so it names the genesis.
	let digest = BlakeTwo256::hash(spec.as_json(false)?.as_bytes());
	let hex: String = digest.as_bytes().iter().take(8).map(|b| format!("{b:02x}")).collect();
	let path = dir.join(format!("dev-spec-{hex}.json"));
	if let Ok(cached) = ChainSpec::from_json_file(path.clone()) {
		return Ok(cached);
	}
	let raw = spec.as_json(true)?;
	let written = std::fs::create_dir_all(&dir).and_then(|()| {
		let partial = path.with_extension(format!("{}.partial", std::process::id()));
		std::fs::write(&partial, raw.as_bytes())?;
		std::fs::rename(&partial, &path)
	});
	if let Err(e) = written {
		log::debug!("development spec not cached in {}: {e}", dir.display());
	}
	ChainSpec::from_json_bytes(raw.into_bytes())
}

/// Resolve `--chain`: a built-in name or a chain-spec JSON file. A running node
/// (`running_node`) gets the development chain from the genesis cache.
pub fn load(
	id: &str,
	running_node: bool,
) -> Result<Box<dyn polkadot_sdk::sc_service::ChainSpec>, String> {
	Ok(match id {
		"" | "dev" if running_node => Box::new(development_raw()?),
		"" | "dev" => Box::new(development()?),
		"local" => Box::new(local_testnet()?),
		"mainnet" => Box::new(mainnet()?),
		path => Box::new(ChainSpec::from_json_file(path.into())?),
	})
}
