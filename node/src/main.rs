//! allora-node: the Allora parachain node.
//!
//! Runs as a collator under a relay chain, or with `--dev` as a single relay-free node that
//! seals its own blocks. See `README.md` at the repository root.

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> polkadot_sdk::sc_cli::Result<()> {
	command::run()
}
