//! What each subcommand does, and how the node starts.

use crate::{
	chain_spec,
	cli::{Cli, RelayChainCli, Subcommand},
	service,
};
use allora_runtime::opaque::Block;
use polkadot_sdk::{
	cumulus_primitives_core::ParaId,
	frame_benchmarking_cli::{BenchmarkCmd, SUBSTRATE_REFERENCE_HARDWARE},
	sc_cli::{self, SubstrateCli},
	sc_consensus::DefaultImportQueue,
	sc_service::{self, ChainType, Configuration, PartialComponents, TaskManager},
	sc_sysinfo,
};

use std::sync::Arc;

/// Build the client for a chain-maintenance subcommand, with the import queue that verifies
/// Aura-sealed blocks.
macro_rules! with_client {
	($cli:expr, $cmd:expr, |$components:ident, $config:ident| $body:expr) => {{
		let runner = $cli.create_runner($cmd)?;
		runner.async_run(|$config| {
			let $components = service::new_partial(&$config)?;
			$body
		})
	}};
}

pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		}
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let spec = cli.load_spec(&cmd.chain)?;
			cmd.run(spec)
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let (client, import_queue, task_manager) = client_with_import_queue(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => with_client!(cli, cmd, |components, config| {
			Ok((cmd.run(components.client, config.database), components.task_manager))
		}),
		Some(Subcommand::ExportState(cmd)) => with_client!(cli, cmd, |components, config| {
			Ok((cmd.run(components.client, config.chain_spec), components.task_manager))
		}),
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let (client, import_queue, task_manager) = client_with_import_queue(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::Revert(cmd)) => with_client!(cli, cmd, |components, _config| {
			Ok((cmd.run(components.client, components.backend, None), components.task_manager))
		}),
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| {
				let relay_chain_cli = RelayChainCli::new(&config, cli.relay_chain_args.iter());
				let relay_chain_config = SubstrateCli::create_configuration(
					&relay_chain_cli,
					&relay_chain_cli,
					config.tokio_handle.clone(),
				)
				.map_err(|err| format!("relay chain argument error: {err}"))?;
				cmd.run(config, relay_chain_config)
			})
		}
		Some(Subcommand::ExportGenesisHead(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| {
				let components = service::new_partial(&config)?;
				cmd.run(components.client)
			})
		}
		Some(Subcommand::ExportGenesisWasm(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|_config| {
				let spec = cli.load_spec(&cmd.shared_params.chain.clone().unwrap_or_default())?;
				cmd.run(&*spec)
			})
		}
		Some(Subcommand::Benchmark(cmd)) => run_benchmark(&cli, cmd),
		None => run_node(cli),
	}
}

/// The client, and an import queue that checks Aura seals, for the block-import subcommands.
fn client_with_import_queue(
	config: &Configuration,
) -> Result<
	(Arc<service::ParachainClient>, DefaultImportQueue<Block>, TaskManager),
	sc_service::Error,
> {
	let PartialComponents { client, task_manager, other: (block_import, ..), .. } =
		service::new_partial(config)?;
	let import_queue = service::collator::verifying_import_queue(
		config,
		client.clone(),
		block_import,
		&task_manager,
		None,
	);
	Ok((client, import_queue, task_manager))
}

fn run_benchmark(cli: &Cli, cmd: &BenchmarkCmd) -> sc_cli::Result<()> {
	match cmd {
		// Pallet benchmarks execute the runtime passed with `--runtime` (one built with
		// `--features runtime-benchmarks`); the CLI brings the benchmarking host functions, so
		// the node itself needs no benchmark build.
		BenchmarkCmd::Pallet(cmd) => {
			let chain = cmd.shared_params.chain.as_ref().map(|c| cli.load_spec(c)).transpose()?;
			cmd.run_with_spec::<
				polkadot_sdk::sp_runtime::traits::HashingFor<Block>,
				service::HostFunctions,
			>(chain)
		}
		BenchmarkCmd::Block(cmd) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(service::new_partial(&config)?.client))
		}
		#[cfg(feature = "runtime-benchmarks")]
		BenchmarkCmd::Storage(cmd) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| {
				let components = service::new_partial(&config)?;
				let db = components.backend.expose_db();
				let storage = components.backend.expose_storage();
				let shared_cache = components.backend.expose_shared_trie_cache();
				cmd.run(config, components.client, db, storage, shared_cache)
			})
		}
		BenchmarkCmd::Machine(cmd) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()))
		}
		#[allow(unreachable_patterns)]
		_ => {
			Err("this benchmark needs allora-node built with `--features runtime-benchmarks`"
				.into())
		}
	}
}

/// The off-chain workers' config of `--allora-config`, read and checked before anything starts.
fn ocw_config(cli: &Cli) -> sc_cli::Result<Option<pallet_offchain::OcwConfig>> {
	let Some(path) = &cli.allora_config else { return Ok(None) };
	let text = std::fs::read_to_string(path)
		.map_err(|e| format!("--allora-config {}: {e}", path.display()))?;
	let config = pallet_offchain::config_file::parse(&text)
		.map_err(|e| format!("--allora-config {}: {e}", path.display()))?;
	Ok(Some(config))
}

fn run_node(cli: Cli) -> sc_cli::Result<()> {
	let ocw_config = ocw_config(&cli)?;
	let runner = cli.create_runner(&cli.run.normalize())?;
	let collator_options = cli.run.collator_options();

	runner.run_node_until_exit(|config| async move {
		// Development chain specs run on their own, without a relay chain.
		if config.chain_spec.chain_type() == ChainType::Development {
			return service::dev::start(config, cli.dev_seal(), ocw_config).map_err(Into::into);
		}

		let relay_chain_cli = RelayChainCli::new(&config, cli.relay_chain_args.iter());
		let hwbench = (!cli.no_hardware_benchmarks)
			.then(|| {
				config.database.path().map(|database_path| {
					let _ = std::fs::create_dir_all(database_path);
					sc_sysinfo::gather_hwbench(Some(database_path), &SUBSTRATE_REFERENCE_HARDWARE)
				})
			})
			.flatten();
		let relay_chain_config = SubstrateCli::create_configuration(
			&relay_chain_cli,
			&relay_chain_cli,
			config.tokio_handle.clone(),
		)
		.map_err(|err| format!("relay chain argument error: {err}"))?;

		let para_id =
			chain_spec::Extensions::try_get(&*config.chain_spec).map(|e| ParaId::from(e.para_id));
		log::info!(
			"Allora parachain (para id {:?} in the chain spec), collating: {}",
			para_id,
			config.role.is_authority()
		);

		service::collator::start(config, relay_chain_config, collator_options, hwbench, ocw_config)
			.await
			.map_err(Into::into)
	})
}
