//! `allora-synth`: replays the Allora simulator CSVs (spec section 8) through the fixed-point
//! protocol library and prints the recomputed file. See `USAGE`.
//!
//! Exit codes: 0 success; 1 bad input data (CSV or parameter-file content, with the 1-based
//! data row and the column named); 2 bad command line (unknown subcommand or option, missing
//! argument, missing or unreadable file).

// A host-side tool over small, validated inputs: a failed index or overflow is a bug that
// only stops the tool, so the runtime-oriented workspace lints are relaxed here.
#![allow(
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::unwrap_used,
	clippy::needless_range_loop,
	clippy::too_many_arguments,
	clippy::type_complexity,
	clippy::uninlined_format_args,
	clippy::field_reassign_with_default
)]

mod csv;
mod params;
mod replay;
mod sortition;
mod tokenomics;

use params::ReplayParams;
use std::io::Write;
use std::process::ExitCode;

/// A replayed file and remarks for stderr.
pub struct Replayed {
	/// The output CSV text.
	pub csv: String,
	/// Remarks (e.g. columns left empty and why).
	pub notes: Vec<String>,
}

const USAGE: &str = "usage: allora-synth SUBCOMMAND FILE.csv [--params FILE.json]

subcommands:
  replay              the inference-synthesis simulator format (spec 8.1)
  replay-sortition    the merit-sortition simulator format (spec 8.2)
  replay-tokenomics   the tokenomics simulator format (spec 8.3)

Recomputes every derived column of every row after the first from that row's inputs and the
state the previous row left (the first row supplies the initial state and is echoed as is),
and prints the file, same header, to stdout; a column that cannot be computed stays empty.
Parameters default to the values that generated the simulator files; --params overrides them
with a JSON object of parameter names and numbers.

exit codes: 0 ok, 1 bad input data, 2 bad command line or unreadable file";

/// Why the tool stopped.
enum Failure {
	/// Bad command line or unreadable file (exit code 2).
	Usage(String),
	/// Bad input data (exit code 1).
	Data(String),
}

/// A parsed command line.
struct Command {
	subcommand: String,
	file: String,
	params: Option<String>,
}

/// `Ok(None)` asks for the usage text.
fn parse_args(args: &[String]) -> Result<Option<Command>, Failure> {
	let Some(subcommand) = args.first() else {
		return Err(Failure::Usage("missing subcommand".to_string()));
	};
	if matches!(subcommand.as_str(), "-h" | "--help" | "help") {
		return Ok(None);
	}
	if !matches!(subcommand.as_str(), "replay" | "replay-sortition" | "replay-tokenomics") {
		return Err(Failure::Usage(format!("unknown subcommand \"{subcommand}\"")));
	}
	let mut file: Option<String> = None;
	let mut params: Option<String> = None;
	let mut i = 1;
	while i < args.len() {
		let arg = args[i].as_str();
		if arg == "--params" {
			match args.get(i + 1) {
				Some(path) => params = Some(path.clone()),
				None => return Err(Failure::Usage("--params needs a file name".to_string())),
			}
			i += 2;
			continue;
		}
		if let Some(path) = arg.strip_prefix("--params=") {
			params = Some(path.to_string());
		} else if arg == "-h" || arg == "--help" {
			return Ok(None);
		} else if arg.starts_with('-') {
			return Err(Failure::Usage(format!("unknown option \"{arg}\"")));
		} else if file.is_none() {
			file = Some(arg.to_string());
		} else {
			return Err(Failure::Usage(format!("unexpected argument \"{arg}\"")));
		}
		i += 1;
	}
	match file {
		Some(file) => Ok(Some(Command { subcommand: subcommand.clone(), file, params })),
		None => Err(Failure::Usage("missing FILE.csv".to_string())),
	}
}

fn read(path: &str, what: &str) -> Result<String, Failure> {
	std::fs::read_to_string(path)
		.map_err(|e| Failure::Usage(format!("cannot read {what} {path}: {e}")))
}

fn run(args: &[String]) -> Result<Option<Replayed>, Failure> {
	let Some(command) = parse_args(args)? else {
		return Ok(None);
	};
	let text = read(&command.file, "file")?;
	let mut rp = ReplayParams::simulator();
	if let Some(path) = &command.params {
		let json = read(path, "parameter file")?;
		rp.apply_json(&json).map_err(|e| Failure::Data(format!("{path}: {e}")))?;
	}
	let file = command.file.as_str();
	let table = csv::Table::parse(&text).map_err(|e| Failure::Data(format!("{file}: {e}")))?;
	let result = match command.subcommand.as_str() {
		"replay" => replay::run(&table, &rp),
		"replay-sortition" => sortition::run(&table),
		_ => tokenomics::run(&table, &rp),
	};
	result.map(Some).map_err(|e| Failure::Data(format!("{file}: {e}")))
}

fn main() -> ExitCode {
	let args: Vec<String> = std::env::args().skip(1).collect();
	match run(&args) {
		Ok(None) => {
			println!("{USAGE}");
			ExitCode::SUCCESS
		}
		Ok(Some(out)) => {
			for note in &out.notes {
				eprintln!("allora-synth: note: {note}");
			}
			let mut stdout = std::io::stdout().lock();
			let written = stdout.write_all(out.csv.as_bytes()).and_then(|()| stdout.flush());
			match written {
				Ok(()) => ExitCode::SUCCESS,
				Err(e) => {
					eprintln!("allora-synth: cannot write the output: {e}");
					ExitCode::from(1)
				}
			}
		}
		Err(Failure::Usage(message)) => {
			eprintln!("allora-synth: {message}");
			eprintln!("{USAGE}");
			ExitCode::from(2)
		}
		Err(Failure::Data(message)) => {
			eprintln!("allora-synth: {message}");
			ExitCode::from(1)
		}
	}
}
