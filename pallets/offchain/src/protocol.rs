//! What the off-chain workers need of the protocol pallets, as one trait the runtime
//! implements over pallet-topics, -workers, -reputers and -synthesis. The workers only read
//! and build calls; every call they send is validated again on chain.

use alloc::vec::Vec;
use allora_primitives::TopicId;
use allora_synthesis::Fixed;
use codec::{Decode, Encode};
use polkadot_sdk::frame_system::{self, pallet_prelude::BlockNumberFor};

/// `(worker, value)` pairs.
pub type WorkerValues<AccountId> = Vec<(AccountId, Fixed)>;

/// The network inferences of one worker nonce as stored by the synthesis (spec §2.5), or the
/// losses of those inferences (spec §2.7): both have the same shape, one value per variant.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct NetworkValues<AccountId> {
	pub combined: Fixed,
	pub naive: Fixed,
	pub inferers: WorkerValues<AccountId>,
	pub forecast_implied: WorkerValues<AccountId>,
	pub one_out_inferers: WorkerValues<AccountId>,
	pub one_out_forecasters: WorkerValues<AccountId>,
	pub one_in_forecasters: WorkerValues<AccountId>,
	/// Per forecaster, its implied inference without each inferer it names.
	pub one_out_inferer_forecasters: Vec<(AccountId, WorkerValues<AccountId>)>,
}

impl<AccountId> Default for NetworkValues<AccountId> {
	fn default() -> Self {
		Self {
			combined: Fixed::ZERO,
			naive: Fixed::ZERO,
			inferers: Vec::new(),
			forecast_implied: Vec::new(),
			one_out_inferers: Vec::new(),
			one_out_forecasters: Vec::new(),
			one_in_forecasters: Vec::new(),
			one_out_inferer_forecasters: Vec::new(),
		}
	}
}

impl<AccountId: Clone> NetworkValues<AccountId> {
	/// Every value mapped through `f` (e.g. value -> loss); `None` if `f` fails for any.
	pub fn try_map(&self, f: impl Fn(Fixed) -> Option<Fixed>) -> Option<NetworkValues<AccountId>> {
		let list = |values: &WorkerValues<AccountId>| -> Option<WorkerValues<AccountId>> {
			values.iter().map(|(who, v)| Some((who.clone(), f(*v)?))).collect()
		};
		Some(NetworkValues {
			combined: f(self.combined)?,
			naive: f(self.naive)?,
			inferers: list(&self.inferers)?,
			forecast_implied: list(&self.forecast_implied)?,
			one_out_inferers: list(&self.one_out_inferers)?,
			one_out_forecasters: list(&self.one_out_forecasters)?,
			one_in_forecasters: list(&self.one_in_forecasters)?,
			one_out_inferer_forecasters: self
				.one_out_inferer_forecasters
				.iter()
				.map(|(k, values)| Some((k.clone(), list(values)?)))
				.collect::<Option<_>>()?,
		})
	}

	/// How many values a loss bundle of these inferences carries.
	pub fn value_count(&self) -> usize {
		let groups: usize = self.one_out_inferer_forecasters.iter().map(|(_, v)| v.len()).sum();
		[
			self.inferers.len(),
			self.forecast_implied.len(),
			self.one_out_inferers.len(),
			self.one_out_forecasters.len(),
			self.one_in_forecasters.len(),
			groups,
		]
		.iter()
		.fold(2usize, |total, n| total.saturating_add(*n))
	}
}

/// The protocol as the off-chain workers see it.
pub trait Protocol<T: frame_system::Config> {
	/// The topic's loss method, `None` if there is no such topic.
	fn loss_method(topic: TopicId) -> Option<Vec<u8>>;
	/// Worker nonces of `topic` whose submission window is open at block `at`.
	fn open_worker_nonces(topic: TopicId, at: BlockNumberFor<T>) -> Vec<BlockNumberFor<T>>;
	/// Reputer nonces of `topic` whose submission window is open at block `at`.
	fn open_reputer_nonces(topic: TopicId, at: BlockNumberFor<T>) -> Vec<BlockNumberFor<T>>;

	/// Whether `who` is a registered worker of `topic`.
	fn is_worker(topic: TopicId, who: &T::AccountId) -> bool;
	/// Whether `who` already has an inference stored for the worker nonce.
	fn has_inference(topic: TopicId, nonce: BlockNumberFor<T>, who: &T::AccountId) -> bool;
	/// Whether `who` already has a forecast stored for the worker nonce.
	fn has_forecast(topic: TopicId, nonce: BlockNumberFor<T>, who: &T::AccountId) -> bool;
	/// Largest accepted `|value|` of an inference or forecasted loss.
	fn max_abs_value() -> Fixed;
	/// Most elements a forecast may carry.
	fn max_forecast_elements() -> u32;

	/// Whether `who` is a registered reputer of `topic`.
	fn is_reputer(topic: TopicId, who: &T::AccountId) -> bool;
	/// The least authority stake a reputer's losses count with, in base units.
	fn required_minimum_stake() -> u128;
	/// `who`'s own stake in `topic`, in base units.
	fn reputer_stake(topic: TopicId, who: &T::AccountId) -> u128;
	/// Whether `who` already has a loss bundle stored for the reputer nonce.
	fn has_losses(topic: TopicId, nonce: BlockNumberFor<T>, who: &T::AccountId) -> bool;
	/// The network inferences stored for the worker nonce, if any.
	fn network_values(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
	) -> Option<NetworkValues<T::AccountId>>;

	/// `workers.register(topic, None)`.
	fn register_worker_call(topic: TopicId) -> T::RuntimeCall;
	/// `workers.submit(..)`; an empty `forecast` means none.
	fn submit_call(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		inference: Option<Fixed>,
		forecast: WorkerValues<T::AccountId>,
	) -> T::RuntimeCall;
	/// `reputers.register(topic)`.
	fn register_reputer_call(topic: TopicId) -> T::RuntimeCall;
	/// `reputers.add_stake(topic, amount)`.
	fn add_stake_call(topic: TopicId, amount: u128) -> T::RuntimeCall;
	/// `reputers.submit_losses(..)` with the losses of every stored network inference.
	fn submit_losses_call(
		topic: TopicId,
		nonce: BlockNumberFor<T>,
		losses: NetworkValues<T::AccountId>,
	) -> T::RuntimeCall;
}
