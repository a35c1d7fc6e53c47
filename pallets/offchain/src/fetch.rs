//! HTTP for the workers: one request, a deadline, a bounded body. Every failure is a
//! [`FetchError`] the caller logs in one line; nothing here panics or retries.

use alloc::vec::Vec;
use core::fmt;
use polkadot_sdk::{
	sp_core::offchain::HttpError,
	sp_io,
	sp_runtime::offchain::{http, Duration},
};

/// How long a model server may take to answer, from sending the request to the last byte.
pub const DEADLINE_MILLIS: u64 = 3_000;
/// Largest response body read; a longer one is an error, not a truncation.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Why a request gave no usable body.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FetchError {
	/// The URL is not valid UTF-8.
	BadUrl,
	/// The request could not be started (the node has HTTP off, or the URL is invalid).
	CannotSend,
	/// No complete answer within [`DEADLINE_MILLIS`].
	Timeout,
	/// The connection failed (refused, reset, DNS).
	Unreachable,
	/// The server answered with a status other than 200.
	Status(u16),
	/// The body exceeded [`MAX_BODY_BYTES`].
	TooLarge,
}

impl fmt::Display for FetchError {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		match self {
			FetchError::BadUrl => write!(f, "the URL is not UTF-8"),
			FetchError::CannotSend => write!(f, "the request could not be sent"),
			FetchError::Timeout => write!(f, "no answer within {DEADLINE_MILLIS} ms"),
			FetchError::Unreachable => write!(f, "the server is unreachable"),
			FetchError::Status(code) => write!(f, "the server answered HTTP {code}"),
			FetchError::TooLarge => write!(f, "the body is larger than {MAX_BODY_BYTES} bytes"),
		}
	}
}

/// `GET url`.
pub fn get(url: &[u8]) -> Result<Vec<u8>, FetchError> {
	let url = core::str::from_utf8(url).map_err(|_| FetchError::BadUrl)?;
	send(http::Request::get(url))
}

/// `POST url` with a JSON body.
pub fn post_json(url: &[u8], body: Vec<u8>) -> Result<Vec<u8>, FetchError> {
	let url = core::str::from_utf8(url).map_err(|_| FetchError::BadUrl)?;
	send(http::Request::post(url, alloc::vec![body]).add_header("Content-Type", "application/json"))
}

fn send<I: AsRef<[u8]>, B: IntoIterator<Item = I> + Default>(
	request: http::Request<'_, B>,
) -> Result<Vec<u8>, FetchError> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(DEADLINE_MILLIS));
	let pending = request.deadline(deadline).send().map_err(|_| FetchError::CannotSend)?;
	let response = match pending.try_wait(deadline) {
		Err(_still_pending) => return Err(FetchError::Timeout),
		Ok(Err(http::Error::DeadlineReached)) => return Err(FetchError::Timeout),
		Ok(Err(_)) => return Err(FetchError::Unreachable),
		Ok(Ok(response)) => response,
	};
	if response.code != 200 {
		return Err(FetchError::Status(response.code));
	}
	let mut body_iter = response.body();
	body_iter.deadline(deadline);
	let mut body = Vec::new();
	for byte in body_iter.by_ref() {
		if body.len() >= MAX_BODY_BYTES {
			return Err(FetchError::TooLarge);
		}
		body.push(byte);
	}
	match body_iter.error() {
		None => Ok(body),
		Some(HttpError::DeadlineReached) => Err(FetchError::Timeout),
		Some(_) => Err(FetchError::Unreachable),
	}
}
