//! A small JSON reader for model-server responses. Numbers stay as their decimal text, so they
//! reach [`Fixed::from_decimal_str`](allora_synthesis::Fixed::from_decimal_str) without ever
//! becoming a float. Nesting is limited, so a hostile body cannot exhaust the stack.

use alloc::{string::String, vec::Vec};

/// Deepest nesting accepted.
const MAX_DEPTH: u32 = 16;

/// A parsed JSON value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Json {
	Null,
	Bool(bool),
	/// The number as written, e.g. `-1.5e3`.
	Number(String),
	String(String),
	Array(Vec<Json>),
	/// Members in document order.
	Object(Vec<(String, Json)>),
}

impl Json {
	/// Parses a whole document (surrounding whitespace allowed).
	pub fn parse(text: &[u8]) -> Option<Json> {
		let mut reader = Reader { text, pos: 0 };
		let value = reader.value(0)?;
		reader.skip_whitespace();
		(reader.pos == text.len()).then_some(value)
	}

	/// The member `key` of an object.
	pub fn get(&self, key: &str) -> Option<&Json> {
		match self {
			Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
			_ => None,
		}
	}

	/// The decimal text of a number, or of a string holding one.
	pub fn as_decimal(&self) -> Option<&str> {
		match self {
			Json::Number(text) | Json::String(text) => Some(text.as_str()),
			_ => None,
		}
	}
}

struct Reader<'a> {
	text: &'a [u8],
	pos: usize,
}

impl Reader<'_> {
	fn peek(&self) -> Option<u8> {
		self.text.get(self.pos).copied()
	}

	fn bump(&mut self) -> Option<u8> {
		let c = self.peek()?;
		self.pos = self.pos.saturating_add(1);
		Some(c)
	}

	fn skip_whitespace(&mut self) {
		while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
			self.pos = self.pos.saturating_add(1);
		}
	}

	fn expect_word(&mut self, word: &[u8]) -> Option<()> {
		let end = self.pos.checked_add(word.len())?;
		(self.text.get(self.pos..end)? == word).then(|| self.pos = end)
	}

	fn value(&mut self, depth: u32) -> Option<Json> {
		if depth > MAX_DEPTH {
			return None;
		}
		self.skip_whitespace();
		match self.peek()? {
			b'n' => self.expect_word(b"null").map(|_| Json::Null),
			b't' => self.expect_word(b"true").map(|_| Json::Bool(true)),
			b'f' => self.expect_word(b"false").map(|_| Json::Bool(false)),
			b'"' => self.string().map(Json::String),
			b'[' => self.array(depth),
			b'{' => self.object(depth),
			b'-' | b'0'..=b'9' => self.number().map(Json::Number),
			_ => None,
		}
	}

	fn number(&mut self) -> Option<String> {
		let start = self.pos;
		while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
			self.pos = self.pos.saturating_add(1);
		}
		let text = core::str::from_utf8(self.text.get(start..self.pos)?).ok()?;
		Some(String::from(text))
	}

	fn string(&mut self) -> Option<String> {
		(self.bump()? == b'"').then_some(())?;
		let mut bytes = Vec::new();
		loop {
			match self.bump()? {
				b'"' => break,
				b'\\' => {
					let unescaped = match self.bump()? {
						b'"' => '"',
						b'\\' => '\\',
						b'/' => '/',
						b'b' => '\u{8}',
						b'f' => '\u{c}',
						b'n' => '\n',
						b'r' => '\r',
						b't' => '\t',
						b'u' => self.unicode_escape()?,
						_ => return None,
					};
					let mut buf = [0u8; 4];
					bytes.extend_from_slice(unescaped.encode_utf8(&mut buf).as_bytes());
				}
				c if c < 0x20 => return None,
				c => bytes.push(c),
			}
		}
		String::from_utf8(bytes).ok()
	}

	/// `\uXXXX`; a lone surrogate becomes U+FFFD (nothing the workers read needs one).
	fn unicode_escape(&mut self) -> Option<char> {
		let mut code: u32 = 0;
		for _ in 0..4 {
			let digit = char::from(self.bump()?).to_digit(16)?;
			code = code.checked_mul(16)?.checked_add(digit)?;
		}
		Some(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
	}

	fn array(&mut self, depth: u32) -> Option<Json> {
		self.bump()?;
		let mut items = Vec::new();
		self.skip_whitespace();
		if self.peek()? == b']' {
			self.bump()?;
			return Some(Json::Array(items));
		}
		loop {
			items.push(self.value(depth.saturating_add(1))?);
			self.skip_whitespace();
			match self.bump()? {
				b',' => continue,
				b']' => return Some(Json::Array(items)),
				_ => return None,
			}
		}
	}

	fn object(&mut self, depth: u32) -> Option<Json> {
		self.bump()?;
		let mut members = Vec::new();
		self.skip_whitespace();
		if self.peek()? == b'}' {
			self.bump()?;
			return Some(Json::Object(members));
		}
		loop {
			self.skip_whitespace();
			let key = self.string()?;
			self.skip_whitespace();
			(self.bump()? == b':').then_some(())?;
			let value = self.value(depth.saturating_add(1))?;
			members.push((key, value));
			self.skip_whitespace();
			match self.bump()? {
				b',' => continue,
				b'}' => return Some(Json::Object(members)),
				_ => return None,
			}
		}
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
	use super::*;

	#[test]
	fn numbers_keep_their_text() {
		assert_eq!(Json::parse(b" -1.25e3 "), Some(Json::Number("-1.25e3".into())));
		let doc = Json::parse(br#"{"a": "2.5", "b": [1, true, null], "c": {"d": 7}}"#).unwrap();
		assert_eq!(doc.get("a").and_then(Json::as_decimal), Some("2.5"));
		assert_eq!(doc.get("c").and_then(|c| c.get("d")).and_then(Json::as_decimal), Some("7"));
	}

	#[test]
	fn strings_unescape() {
		assert_eq!(Json::parse(br#""a\"b\u00e9\n""#), Some(Json::String("a\"b\u{e9}\n".into())));
	}

	#[test]
	fn garbage_and_deep_nesting_are_rejected() {
		for bad in [&b"{"[..], b"[1,]", b"{\"a\" 1}", b"nul", b"1 2", b"\"open", b"", b"NaN"] {
			assert_eq!(Json::parse(bad), None, "{:?}", core::str::from_utf8(bad));
		}
		let deep = alloc::vec![b'['; 100];
		assert_eq!(Json::parse(&deep), None);
	}
}
