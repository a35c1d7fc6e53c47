//! Command-line interface: the node's own flags, its subcommands, and the relay-chain
//! arguments passed after `--`.

use crate::chain_spec;
use polkadot_sdk::{
	cumulus_client_cli, frame_benchmarking_cli, polkadot_cli,
	sc_cli::{
		self, CliConfiguration, DefaultConfigurationValues, ImportParams, KeystoreParams,
		NetworkParams, RpcEndpoint, SharedParams, SubstrateCli,
	},
	sc_service::{self, config::PrometheusConfig, BasePath, ChainSpec},
};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Write a chain specification (JSON) for a built-in chain.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of `--chain` as JSON.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Remove the whole chain data (parachain and the embedded relay chain).
	PurgeChain(cumulus_client_cli::PurgeChainCmd),

	/// Export the genesis head data of the parachain, for its registration on the relay chain.
	ExportGenesisHead(cumulus_client_cli::ExportGenesisHeadCommand),

	/// Export the genesis WASM of the parachain, for its registration on the relay chain.
	ExportGenesisWasm(cumulus_client_cli::ExportGenesisWasmCommand),

	/// Benchmarks: pallet weights (needs `--features runtime-benchmarks`), storage, block
	/// overhead and this machine.
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

const AFTER_HELP_EXAMPLE: &str = "Examples:
   allora-node --dev --tmp                         single relay-free node, RPC on ws://127.0.0.1:9944
   allora-node --dev --tmp --dev-block-time 500    same, a block every 500 ms
   allora-node --collator --chain local --base-path /tmp/alice -- --chain rococo-local.json
";

#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true,
	after_help = AFTER_HELP_EXAMPLE
)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[command(flatten)]
	pub run: cumulus_client_cli::RunCmd,

	/// Development chains only: seal a block every this many milliseconds (default 2000).
	#[arg(long, value_name = "MILLISECONDS", conflicts_with = "instant_seal")]
	pub dev_block_time: Option<u64>,

	/// Development chains only: seal a block as soon as a transaction arrives.
	#[arg(long)]
	pub instant_seal: bool,

	/// Off-chain workers' roles: a JSON file in the shape of Allora's off-chain node
	/// `config.json` (`worker[]`, `reputer[]`; `wallet` is ignored: signing keys are `allo`
	/// keys of the keystore). Checked at start; without it the workers stay idle.
	#[arg(long, value_name = "FILE")]
	pub allora_config: Option<std::path::PathBuf>,

	/// Skip the hardware benchmark run at collator start.
	#[arg(long)]
	pub no_hardware_benchmarks: bool,

	/// Relay-chain node arguments, after `--`.
	#[arg(raw = true)]
	pub relay_chain_args: Vec<String>,
}

/// How a development chain seals blocks.
#[derive(Debug, Clone, Copy)]
pub enum DevSeal {
	Instant,
	EveryMillis(u64),
}

/// Two seconds: five blocks in ten seconds, fast enough for tests and humans alike.
const DEFAULT_DEV_BLOCK_TIME_MS: u64 = 2_000;

impl Cli {
	pub fn dev_seal(&self) -> DevSeal {
		if self.instant_seal {
			DevSeal::Instant
		} else {
			DevSeal::EveryMillis(self.dev_block_time.unwrap_or(DEFAULT_DEV_BLOCK_TIME_MS).max(1))
		}
	}
}

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Allora Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		"The Allora prediction network as a parachain.\n\n\
		 Collator: allora-node --collator [parachain-args] -- [relay-chain-args]\n\
		 Development: allora-node --dev --tmp"
			.into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"the project's issue tracker".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn ChainSpec>, String> {
		// Subcommands (build-spec, export-genesis-*) see the spec as written, presets and all.
		chain_spec::load(id, self.subcommand.is_none())
	}
}

/// The relay-chain node embedded in a collator, configured from the arguments after `--`.
#[derive(Debug)]
pub struct RelayChainCli {
	pub base: polkadot_cli::RunCmd,
	/// The relay chain named by the parachain's chain spec, unless `--chain` overrides it.
	pub chain_id: Option<String>,
	/// `<parachain base path>/polkadot` unless `--base-path` overrides it.
	pub base_path: Option<PathBuf>,
}

impl RelayChainCli {
	pub fn new<'a>(
		para_config: &sc_service::Configuration,
		relay_chain_args: impl Iterator<Item = &'a String>,
	) -> Self {
		use clap::{CommandFactory, FromArgMatches};
		let matches =
			polkadot_cli::RunCmd::command().no_binary_name(true).get_matches_from(relay_chain_args);
		let base = polkadot_cli::RunCmd::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
		let chain_id = chain_spec::Extensions::try_get(&*para_config.chain_spec)
			.map(|e| e.relay_chain.clone());
		let base_path = Some(para_config.base_path.path().join("polkadot"));
		Self { base, chain_id, base_path }
	}
}

impl SubstrateCli for RelayChainCli {
	fn impl_name() -> String {
		Cli::impl_name()
	}

	fn impl_version() -> String {
		Cli::impl_version()
	}

	fn description() -> String {
		Cli::description()
	}

	fn author() -> String {
		Cli::author()
	}

	fn support_url() -> String {
		Cli::support_url()
	}

	fn copyright_start_year() -> i32 {
		Cli::copyright_start_year()
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn ChainSpec>, String> {
		polkadot_cli::Cli::from_iter([Self::executable_name()].iter()).load_spec(id)
	}
}

impl DefaultConfigurationValues for RelayChainCli {
	fn p2p_listen_port() -> u16 {
		30334
	}

	fn rpc_listen_port() -> u16 {
		9945
	}

	fn prometheus_listen_port() -> u16 {
		9616
	}
}

impl CliConfiguration<Self> for RelayChainCli {
	fn shared_params(&self) -> &SharedParams {
		self.base.base.shared_params()
	}

	fn import_params(&self) -> Option<&ImportParams> {
		self.base.base.import_params()
	}

	fn network_params(&self) -> Option<&NetworkParams> {
		self.base.base.network_params()
	}

	fn keystore_params(&self) -> Option<&KeystoreParams> {
		self.base.base.keystore_params()
	}

	fn base_path(&self) -> sc_cli::Result<Option<BasePath>> {
		Ok(self.shared_params().base_path()?.or_else(|| self.base_path.clone().map(Into::into)))
	}

	fn rpc_addr(&self, default_listen_port: u16) -> sc_cli::Result<Option<Vec<RpcEndpoint>>> {
		self.base.base.rpc_addr(default_listen_port)
	}

	fn prometheus_config(
		&self,
		default_listen_port: u16,
		chain_spec: &Box<dyn ChainSpec>,
	) -> sc_cli::Result<Option<PrometheusConfig>> {
		self.base.base.prometheus_config(default_listen_port, chain_spec)
	}

	fn init<F>(&self, _: &String, _: &String, _: F) -> sc_cli::Result<()>
	where
		F: FnOnce(&mut sc_cli::LoggerBuilder),
	{
		// The parachain's `Cli` initialises logging for the whole process.
		Ok(())
	}

	fn chain_id(&self, is_dev: bool) -> sc_cli::Result<String> {
		let chain_id = self.base.base.chain_id(is_dev)?;
		Ok(if chain_id.is_empty() { self.chain_id.clone().unwrap_or_default() } else { chain_id })
	}

	fn role(&self, is_dev: bool) -> sc_cli::Result<sc_service::Role> {
		self.base.base.role(is_dev)
	}

	fn transaction_pool(
		&self,
		is_dev: bool,
	) -> sc_cli::Result<sc_service::config::TransactionPoolOptions> {
		self.base.base.transaction_pool(is_dev)
	}

	fn trie_cache_maximum_size(&self) -> sc_cli::Result<Option<usize>> {
		self.base.base.trie_cache_maximum_size()
	}

	fn rpc_methods(&self) -> sc_cli::Result<sc_service::config::RpcMethods> {
		self.base.base.rpc_methods()
	}

	fn rpc_max_connections(&self) -> sc_cli::Result<u32> {
		self.base.base.rpc_max_connections()
	}

	fn rpc_cors(&self, is_dev: bool) -> sc_cli::Result<Option<Vec<String>>> {
		self.base.base.rpc_cors(is_dev)
	}

	fn default_heap_pages(&self) -> sc_cli::Result<Option<u64>> {
		self.base.base.default_heap_pages()
	}

	fn force_authoring(&self) -> sc_cli::Result<bool> {
		self.base.base.force_authoring()
	}

	fn disable_grandpa(&self) -> sc_cli::Result<bool> {
		self.base.base.disable_grandpa()
	}

	fn max_runtime_instances(&self) -> sc_cli::Result<Option<usize>> {
		self.base.base.max_runtime_instances()
	}

	fn announce_block(&self) -> sc_cli::Result<bool> {
		self.base.base.announce_block()
	}

	fn telemetry_endpoints(
		&self,
		chain_spec: &Box<dyn ChainSpec>,
	) -> sc_cli::Result<Option<polkadot_sdk::sc_telemetry::TelemetryEndpoints>> {
		self.base.base.telemetry_endpoints(chain_spec)
	}

	fn node_name(&self) -> sc_cli::Result<String> {
		self.base.base.node_name()
	}
}
