//! Loss methods reputers apply, in fixed point (spec §0.3): each built-in loss is never
//! negative, so what goes on chain is `log10(loss)`, and a difference of two losses on chain is
//! the log of their ratio.

use crate::config::Parameters;
use allora_synthesis::Fixed;

/// The smallest loss that still has a logarithm: a perfect prediction counts as a loss of
/// 1e-18, i.e. `-18` on chain.
pub const LOSS_FLOOR: Fixed = Fixed::EPSILON;

/// The built-in loss methods, named as Allora's loss-function service names them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LossMethod {
	/// `sqe` / `mse`: `(y - ŷ)²`.
	SquaredError,
	/// `abse` / `mae`: `|y - ŷ|`.
	AbsoluteError,
	/// `huber`: `½e²` for `|e| ≤ δ`, else `δ(|e| - ½δ)`; `δ` from the `delta` option (1).
	Huber { delta: Fixed },
}

impl LossMethod {
	/// The method a topic's `loss_method` names, ignoring case and a `log10 ` prefix (the
	/// transform is always applied). `None` for a name with no built-in.
	pub fn from_name(name: &[u8], options: &Parameters) -> Option<LossMethod> {
		let name = core::str::from_utf8(name).ok()?.trim();
		let lower = alloc::string::String::from(name).to_ascii_lowercase();
		let base = lower
			.strip_prefix("log10")
			.map(|rest| rest.trim_start_matches([' ', '_', '-']))
			.unwrap_or(&lower);
		match base {
			"sqe" | "mse" | "squared_error" => Some(LossMethod::SquaredError),
			"abse" | "mae" | "absolute_error" => Some(LossMethod::AbsoluteError),
			"huber" => {
				let delta = match options.iter().find(|(key, _)| key.as_slice() == b"delta") {
					Some((_, value)) => Fixed::from_decimal_str(core::str::from_utf8(value).ok()?)?,
					None => Fixed::ONE,
				};
				(delta > Fixed::ZERO).then_some(LossMethod::Huber { delta })
			}
			_ => None,
		}
	}

	/// The loss as reputers submit it: `log10` of the method's loss of `prediction` against
	/// `truth`. `None` only if the numbers leave `Fixed`'s range.
	pub fn chain_loss(&self, truth: Fixed, prediction: Fixed) -> Option<Fixed> {
		let error = truth.checked_sub(prediction)?.abs();
		match self {
			LossMethod::SquaredError => match error.checked_mul(error) {
				Some(squared) => log10_loss(squared),
				// log10(e²) = 2·log10|e| where e² itself is out of range.
				None => log10_loss(error)?.checked_mul(Fixed::TWO),
			},
			LossMethod::AbsoluteError => log10_loss(error),
			LossMethod::Huber { delta } => {
				let loss = if error <= *delta {
					error.checked_mul(error)?.checked_mul(Fixed::HALF)?
				} else {
					delta.checked_mul(error.checked_sub(delta.checked_mul(Fixed::HALF)?)?)?
				};
				log10_loss(loss)
			}
		}
	}
}

/// `log10` of a raw (never negative) loss, floored at [`LOSS_FLOOR`].
pub fn log10_loss(raw: Fixed) -> Option<Fixed> {
	raw.max(LOSS_FLOOR).log10()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
	use super::*;
	use alloc::vec;

	fn fixed(s: &str) -> Fixed {
		Fixed::from_decimal_str(s).unwrap()
	}

	#[test]
	fn names_follow_the_loss_service() {
		let none = vec![];
		assert_eq!(LossMethod::from_name(b"mse", &none), Some(LossMethod::SquaredError));
		assert_eq!(LossMethod::from_name(b"SQE", &none), Some(LossMethod::SquaredError));
		assert_eq!(LossMethod::from_name(b"log10 mse", &none), Some(LossMethod::SquaredError));
		assert_eq!(LossMethod::from_name(b"mae", &none), Some(LossMethod::AbsoluteError));
		assert_eq!(
			LossMethod::from_name(b"huber", &vec![(b"delta".to_vec(), b"2.5".to_vec())]),
			Some(LossMethod::Huber { delta: fixed("2.5") })
		);
		assert_eq!(LossMethod::from_name(b"crps", &none), None);
		assert_eq!(
			LossMethod::from_name(b"huber", &vec![(b"delta".to_vec(), b"-1".to_vec())]),
			None
		);
	}

	#[test]
	fn losses_are_log10_of_the_error() {
		let mse = LossMethod::SquaredError;
		// (10 - 9.9)² = 0.01 -> -2
		assert_eq!(mse.chain_loss(fixed("10"), fixed("9.9")), Some(fixed("-2")));
		// |100 - 90| = 10 -> 1
		assert_eq!(
			LossMethod::AbsoluteError.chain_loss(fixed("100"), fixed("90")),
			Some(Fixed::ONE)
		);
		// huber δ=1: e = 0.2 -> 0.02; e = 11 -> 10.5
		let huber = LossMethod::Huber { delta: Fixed::ONE };
		assert_eq!(huber.chain_loss(fixed("1"), fixed("1.2")), fixed("0.02").log10());
		assert_eq!(huber.chain_loss(fixed("0"), fixed("11")), fixed("10.5").log10());
	}

	#[test]
	fn perfect_and_huge_errors_stay_finite() {
		let mse = LossMethod::SquaredError;
		assert_eq!(mse.chain_loss(fixed("5"), fixed("5")), Some(fixed("-18")));
		// e = 1e15: e² = 1e30 does not fit, 2·log10(e) = 30 does.
		let huge = mse.chain_loss(fixed("1000000000000000"), Fixed::ZERO).unwrap();
		assert!((huge.to_f64() - 30.0).abs() < 1e-12);
	}
}
