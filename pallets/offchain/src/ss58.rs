//! Account addresses as forecast endpoints write them: SS58 (any network prefix, checksum
//! verified) or `0x` + 64 hex digits of the public key.

use alloc::vec::Vec;

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// The 32 account bytes of an SS58 or hex address, or `None` if it is neither (or its
/// checksum is wrong).
pub fn decode_address(text: &str) -> Option<[u8; 32]> {
	let text = text.trim();
	match text.strip_prefix("0x") {
		Some(hex) => decode_hex32(hex),
		None => decode_ss58(text),
	}
}

fn decode_hex32(hex: &str) -> Option<[u8; 32]> {
	if hex.len() != 64 {
		return None;
	}
	let mut out = [0u8; 32];
	for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks(2)) {
		let pair = core::str::from_utf8(pair).ok()?;
		*byte = u8::from_str_radix(pair, 16).ok()?;
	}
	Some(out)
}

fn decode_ss58(text: &str) -> Option<[u8; 32]> {
	let data = decode_base58(text)?;
	// A one-byte prefix is < 64, a two-byte one starts with 64..=127.
	// (prefix length, prefix + account length, whole length with the 2-byte checksum)
	let (prefix_len, body_len, total_len) = match *data.first()? {
		0..=63 => (1, 33, 35),
		64..=127 => (2, 34, 36),
		_ => return None,
	};
	if data.len() != total_len {
		return None;
	}
	let (body, checksum) = data.split_at(body_len);
	let mut preimage = Vec::with_capacity(body.len().saturating_add(7));
	preimage.extend_from_slice(b"SS58PRE");
	preimage.extend_from_slice(body);
	let hash = polkadot_sdk::sp_crypto_hashing::blake2_512(&preimage);
	if hash.get(..2)? != checksum {
		return None;
	}
	body.get(prefix_len..)?.try_into().ok()
}

/// Base58 (Bitcoin alphabet) to bytes; leading `1`s are leading zero bytes.
fn decode_base58(text: &str) -> Option<Vec<u8>> {
	if text.is_empty() || text.len() > 64 {
		return None;
	}
	// Little-endian base-256 digits of the number.
	let mut number: Vec<u8> = Vec::new();
	for c in text.bytes() {
		let mut carry = u32::try_from(ALPHABET.iter().position(|&a| a == c)?).ok()?;
		for byte in number.iter_mut() {
			let value = u32::from(*byte).checked_mul(58)?.checked_add(carry)?;
			*byte = (value & 0xff) as u8;
			carry = value >> 8;
		}
		while carry > 0 {
			number.push((carry & 0xff) as u8);
			carry >>= 8;
		}
	}
	let leading_zeros = text.bytes().take_while(|&c| c == b'1').count();
	let mut out = alloc::vec![0u8; leading_zeros];
	out.extend(number.iter().rev());
	Some(out)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Alice's sr25519 public key and her generic-substrate (prefix 42) address.
	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const ALICE_HEX: &str = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";

	#[test]
	fn ss58_and_hex_give_the_same_account() {
		let from_ss58 = decode_address(ALICE);
		assert!(from_ss58.is_some());
		assert_eq!(from_ss58, decode_address(ALICE_HEX));
	}

	#[test]
	fn bad_checksums_and_junk_are_rejected() {
		assert_eq!(decode_address("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ"), None);
		assert_eq!(decode_address("not an address"), None);
		assert_eq!(decode_address("0x1234"), None);
		assert_eq!(decode_address(""), None);
	}
}
