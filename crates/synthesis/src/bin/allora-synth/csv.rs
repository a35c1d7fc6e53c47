//! A minimal CSV reader and writer for the simulator files: comma-separated, no quoting,
//! cells trimmed, empty cells allowed, ragged rows rejected.

use allora_synthesis::Fixed;
use std::collections::HashMap;
use std::fmt;

/// A problem with the input data, located by 1-based data row (the header is not counted)
/// and column name where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
	/// 1-based data row number.
	pub row: Option<usize>,
	/// Column name.
	pub column: Option<String>,
	/// What is wrong.
	pub message: String,
}

impl DataError {
	/// An error about one cell; `row` is the 0-based data row index.
	pub fn at(row: usize, column: &str, message: impl Into<String>) -> DataError {
		DataError {
			row: Some(row.saturating_add(1)),
			column: Some(column.to_string()),
			message: message.into(),
		}
	}

	/// An error about a whole data row (0-based index).
	pub fn row(row: usize, message: impl Into<String>) -> DataError {
		DataError { row: Some(row.saturating_add(1)), column: None, message: message.into() }
	}

	/// An error about a column (e.g. a missing one).
	pub fn column(column: &str, message: impl Into<String>) -> DataError {
		DataError { row: None, column: Some(column.to_string()), message: message.into() }
	}

	/// An error about the file as a whole.
	pub fn general(message: impl Into<String>) -> DataError {
		DataError { row: None, column: None, message: message.into() }
	}
}

impl fmt::Display for DataError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match (&self.row, &self.column) {
			(Some(r), Some(c)) => write!(f, "row {}, column {}: {}", r, c, self.message),
			(Some(r), None) => write!(f, "row {}: {}", r, self.message),
			(None, Some(c)) => write!(f, "column {}: {}", c, self.message),
			(None, None) => write!(f, "{}", self.message),
		}
	}
}

/// A parsed CSV file: the header and the data rows, every row as long as the header.
#[derive(Debug, Clone)]
pub struct Table {
	/// Column names, trimmed.
	pub header: Vec<String>,
	/// Data rows, cells trimmed.
	pub rows: Vec<Vec<String>>,
	index: HashMap<String, usize>,
}

impl Table {
	/// Parses CSV text. Blank lines are skipped; the first non-blank line is the header.
	pub fn parse(text: &str) -> Result<Table, DataError> {
		let mut lines = text.lines().filter(|l| !l.trim().is_empty());
		let header_line = match lines.next() {
			Some(l) => l,
			None => return Err(DataError::general("the file is empty (no header line)")),
		};
		if header_line.contains('"') {
			return Err(DataError::general("quoted cells are not supported"));
		}
		let header: Vec<String> = header_line.split(',').map(|c| c.trim().to_string()).collect();
		let mut index = HashMap::new();
		for (i, name) in header.iter().enumerate() {
			if name.is_empty() {
				return Err(DataError::general(format!(
					"header cell {} is empty",
					i.saturating_add(1)
				)));
			}
			if index.insert(name.clone(), i).is_some() {
				return Err(DataError::column(name, "the header names this column twice"));
			}
		}
		let mut rows = Vec::new();
		for (r, line) in lines.enumerate() {
			let cells: Vec<String> = line.split(',').map(|c| c.trim().to_string()).collect();
			if cells.len() != header.len() {
				let detail = if cells.len() < header.len() {
					format!("first missing column: {}", header[cells.len()])
				} else {
					format!("extra cells after column {}", header[header.len() - 1])
				};
				return Err(DataError::row(
					r,
					format!(
						"ragged row: {} cells but the header has {} columns ({})",
						cells.len(),
						header.len(),
						detail
					),
				));
			}
			if let Some(c) = cells.iter().position(|c| c.contains('"')) {
				return Err(DataError::at(r, &header[c], "quoted cells are not supported"));
			}
			rows.push(cells);
		}
		Ok(Table { header, rows, index })
	}

	/// Position of a column.
	pub fn position(&self, name: &str) -> Option<usize> {
		self.index.get(name).copied()
	}

	/// `true` if the header has this column.
	pub fn has(&self, name: &str) -> bool {
		self.index.contains_key(name)
	}

	/// The text of a cell ("" if the column is absent).
	pub fn text(&self, row: usize, name: &str) -> &str {
		match self.position(name) {
			Some(c) => self.rows[row][c].as_str(),
			None => "",
		}
	}

	/// Errors unless the header has the column.
	pub fn require(&self, name: &str) -> Result<(), DataError> {
		if self.has(name) {
			Ok(())
		} else {
			Err(DataError::column(name, "missing column"))
		}
	}

	/// A numeric cell; `None` if the column is absent or the cell empty.
	pub fn opt_fixed(&self, row: usize, name: &str) -> Result<Option<Fixed>, DataError> {
		let text = self.text(row, name);
		if text.is_empty() {
			return Ok(None);
		}
		parse_fixed(text).map(Some).map_err(|m| DataError::at(row, name, m))
	}

	/// A numeric cell that must be present.
	pub fn req_fixed(&self, row: usize, name: &str) -> Result<Fixed, DataError> {
		self.require(name)?;
		match self.opt_fixed(row, name)? {
			Some(v) => Ok(v),
			None => Err(DataError::at(row, name, "empty cell, a number is required")),
		}
	}

	/// A non-negative amount in whole tokens (e.g. ALLO) as base units (× 10^18).
	pub fn req_amount(&self, row: usize, name: &str) -> Result<u128, DataError> {
		let v = self.req_fixed(row, name)?;
		to_base_units(v).ok_or_else(|| DataError::at(row, name, "the amount must not be negative"))
	}

	/// A non-negative integer cell (e.g. `5` or `5.0`).
	pub fn req_count(&self, row: usize, name: &str) -> Result<u64, DataError> {
		let v = self.req_fixed(row, name)?;
		if v.is_negative() || !v.frac().is_zero() {
			return Err(DataError::at(
				row,
				name,
				format!("a non-negative integer is required, found {}", self.text(row, name)),
			));
		}
		u64::try_from(v.to_int_floor())
			.map_err(|_| DataError::at(row, name, "the integer is too large"))
	}
}

/// The computed cells of one output row, by column name.
#[derive(Debug, Default)]
pub struct Cells(HashMap<String, String>);

impl Cells {
	/// A computed number (the cell stays empty for `None`).
	pub fn fixed(&mut self, name: String, value: Option<Fixed>) {
		if let Some(v) = value {
			self.0.insert(name, format_fixed(v));
		}
	}

	/// A computed amount in base units, written in whole tokens (the cell stays empty for
	/// `None`).
	pub fn amount(&mut self, name: String, value: Option<u128>) {
		if let Some(v) = value {
			self.0.insert(name, format_amount(v));
		}
	}

	/// A computed non-numeric cell.
	pub fn text(&mut self, name: String, value: String) {
		self.0.insert(name, value);
	}

	/// The output row: input columns copied from `input`, the others computed or empty.
	pub fn row(
		&self,
		header: &[String],
		input: &[String],
		is_input: fn(&str) -> bool,
	) -> Vec<String> {
		header
			.iter()
			.zip(input.iter())
			.map(|(name, cell)| {
				if is_input(name) {
					cell.clone()
				} else {
					self.0.get(name).cloned().unwrap_or_default()
				}
			})
			.collect()
	}
}

/// Parses one number into `Fixed`, explaining what is wrong.
pub fn parse_fixed(text: &str) -> Result<Fixed, String> {
	match Fixed::from_decimal_str(text) {
		Some(v) => Ok(v),
		None => match text.parse::<f64>() {
			Ok(f) if f.is_finite() => {
				Err(format!("{text} is outside the fixed-point range (about ±1.7e20)"))
			}
			_ => Err(format!("not a number: \"{text}\"")),
		},
	}
}

/// A `Fixed` amount of whole tokens as base units (its bits), `None` if negative.
pub fn to_base_units(v: Fixed) -> Option<u128> {
	u128::try_from(v.to_bits()).ok()
}

/// Base units as a decimal amount of whole tokens (18 decimals, trailing zeros trimmed).
pub fn format_amount(units: u128) -> String {
	let scale: u128 = 1_000_000_000_000_000_000;
	let int = units / scale;
	let frac = units % scale;
	if frac == 0 {
		return int.to_string();
	}
	let digits = format!("{frac:018}");
	format!("{}.{}", int, digits.trim_end_matches('0'))
}

/// Formats a `Fixed` (exact decimal, at most 18 fraction digits).
pub fn format_fixed(v: Fixed) -> String {
	v.to_string()
}

/// Writes a header and rows as CSV text (one `\n`-terminated line each).
pub fn write(header: &[String], rows: &[Vec<String>]) -> String {
	let mut out = String::new();
	out.push_str(&header.join(","));
	out.push('\n');
	for row in rows {
		out.push_str(&row.join(","));
		out.push('\n');
	}
	out
}

/// `name` = `prefix` followed by a decimal index only (e.g. `inference_3`).
pub fn index_after(name: &str, prefix: &str) -> Option<usize> {
	digits(name.strip_prefix(prefix)?)
}

/// A string made only of ASCII digits, as a number.
pub fn digits(text: &str) -> Option<usize> {
	if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
		return None;
	}
	text.parse().ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_and_rejects_ragged_rows() {
		let t = Table::parse("a, b,c\n1,2,3\n\n4,,6\n").unwrap();
		assert_eq!(t.header, vec!["a", "b", "c"]);
		assert_eq!(t.rows.len(), 2);
		assert_eq!(t.opt_fixed(1, "b").unwrap(), None);
		assert_eq!(t.req_fixed(1, "c").unwrap(), Fixed::from_int(6));
		let e = Table::parse("a,b\n1,2\n3\n").unwrap_err();
		assert_eq!(e.row, Some(2));
		let e = t.req_fixed(1, "b").unwrap_err();
		assert_eq!(e.column.as_deref(), Some("b"));
	}

	#[test]
	fn amounts_round_trip() {
		assert_eq!(format_amount(1_500_000_000_000_000_000), "1.5");
		assert_eq!(format_amount(7), "0.000000000000000007");
		assert_eq!(format_amount(0), "0");
		let t = Table::parse("x\n12.25\n-1\n").unwrap();
		assert_eq!(t.req_amount(0, "x").unwrap(), 12_250_000_000_000_000_000);
		assert!(t.req_amount(1, "x").is_err());
		assert_eq!(index_after("inference_12", "inference_"), Some(12));
		assert_eq!(index_after("inference_x", "inference_"), None);
		assert_eq!(index_after("inference_", "inference_"), None);
	}
}
