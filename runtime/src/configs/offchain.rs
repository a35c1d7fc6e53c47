//! Off-chain workers: how they sign (key type `allo`, the runtime's own transaction format)
//! and what they read of and send to the protocol pallets.

use crate::{
	AccountId, BlockNumber, Nonce, Runtime, RuntimeCall, Signature, System, TxExtension,
	UncheckedExtrinsic,
};
use alloc::{boxed::Box, vec::Vec};
use allora_primitives::{Fixed, NonceStatus, TopicId, TopicsInterface};
use codec::Encode;
use frame_support::BoundedVec;
use frame_system::offchain::{
	AppCrypto, CreateSignedTransaction, CreateTransactionBase, SigningTypes,
};
use pallet_offchain::{NetworkValues, Protocol};
use pallet_reputers::{LossBundleSubmission, OneOutInfererForecasterSubmission, WorkerValue};
use pallet_workers::ForecastElement;
use polkadot_runtime_common::BlockHashCount;
use polkadot_sdk::*;
use sp_runtime::{
	generic::{Era, SignedPayload},
	traits::{StaticLookup, Verify},
	SaturatedConversion,
};

impl pallet_offchain::Config for Runtime {
	type AuthorityId = pallet_offchain::crypto::AuthorityId;
	type Protocol = ProtocolPallets;
}

impl SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<LocalCall> CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> CreateSignedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	/// A transaction like a wallet's: mortal for half the block-hash window from the parent
	/// block, no tip, signed over the runtime's transaction extensions.
	fn create_signed_transaction<C: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: Self::Public,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		let period =
			u64::from(BlockHashCount::get()).checked_next_power_of_two().map_or(2, |p| p / 2);
		let parent = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let tx_ext: TxExtension = (
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(Era::mortal(period, parent)),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		);
		let payload = SignedPayload::new(call, tx_ext).ok()?;
		let signature = payload.using_encoded(|bytes| C::sign(bytes, public))?;
		let (call, tx_ext, _) = payload.deconstruct();
		let address = <Runtime as frame_system::Config>::Lookup::unlookup(account);
		Some(UncheckedExtrinsic::new_signed(call, address, signature, tx_ext))
	}
}

/// The protocol pallets as the off-chain workers see them.
pub struct ProtocolPallets;

type Topics = pallet_topics::Pallet<Runtime>;

fn open_nonces(
	nonces: Vec<BlockNumber>,
	status: impl Fn(BlockNumber) -> NonceStatus,
) -> Vec<BlockNumber> {
	nonces.into_iter().filter(|n| status(*n) == NonceStatus::Open).collect()
}

fn values<S>(list: BoundedVec<(AccountId, Fixed), S>) -> Vec<(AccountId, Fixed)> {
	list.into_inner()
}

fn worker_values(list: Vec<(AccountId, Fixed)>) -> Vec<WorkerValue<AccountId>> {
	list.into_iter().map(|(worker, value)| WorkerValue { worker, value }).collect()
}

impl Protocol<Runtime> for ProtocolPallets {
	fn loss_method(topic: TopicId) -> Option<Vec<u8>> {
		Topics::topic(topic).map(|t| t.loss_method.into_inner())
	}

	fn open_worker_nonces(topic: TopicId, at: BlockNumber) -> Vec<BlockNumber> {
		open_nonces(Topics::unfulfilled_worker_nonces(topic), |n| {
			<Topics as TopicsInterface<_, _>>::worker_nonce_status(topic, n, at)
		})
	}

	fn open_reputer_nonces(topic: TopicId, at: BlockNumber) -> Vec<BlockNumber> {
		open_nonces(Topics::unfulfilled_reputer_nonces(topic), |n| {
			<Topics as TopicsInterface<_, _>>::reputer_nonce_status(topic, n, at)
		})
	}

	fn is_worker(topic: TopicId, who: &AccountId) -> bool {
		pallet_workers::TopicWorkers::<Runtime>::contains_key(topic, who)
	}

	fn has_inference(topic: TopicId, nonce: BlockNumber, who: &AccountId) -> bool {
		pallet_workers::Inferences::<Runtime>::contains_key((topic, nonce), who)
	}

	fn has_forecast(topic: TopicId, nonce: BlockNumber, who: &AccountId) -> bool {
		pallet_workers::Forecasts::<Runtime>::contains_key((topic, nonce), who)
	}

	fn max_abs_value() -> Fixed {
		pallet_workers::Params::<Runtime>::get().max_abs_value
	}

	fn max_forecast_elements() -> u32 {
		pallet_workers::Params::<Runtime>::get().max_elements_per_forecast
	}

	fn is_reputer(topic: TopicId, who: &AccountId) -> bool {
		pallet_reputers::Pallet::<Runtime>::is_registered(topic, who)
	}

	fn required_minimum_stake() -> u128 {
		pallet_reputers::Params::<Runtime>::get().required_minimum_stake
	}

	fn reputer_stake(topic: TopicId, who: &AccountId) -> u128 {
		pallet_reputers::ReputerStake::<Runtime>::get(topic, who)
	}

	fn has_losses(topic: TopicId, nonce: BlockNumber, who: &AccountId) -> bool {
		pallet_reputers::LossBundles::<Runtime>::contains_key((topic, nonce), who)
	}

	fn network_values(topic: TopicId, nonce: BlockNumber) -> Option<NetworkValues<AccountId>> {
		let bundle = pallet_synthesis::InferenceBundles::<Runtime>::get(topic, nonce)?;
		Some(NetworkValues {
			combined: bundle.combined,
			naive: bundle.naive,
			inferers: values(bundle.inferers),
			forecast_implied: values(bundle.forecast_implied),
			one_out_inferers: values(bundle.one_out_inferers),
			one_out_forecasters: values(bundle.one_out_forecasters),
			one_in_forecasters: values(bundle.one_in_forecasters),
			one_out_inferer_forecasters: bundle
				.one_out_inferer_forecasters
				.into_iter()
				.map(|(forecaster, list)| (forecaster, values(list)))
				.collect(),
		})
	}

	fn register_worker_call(topic: TopicId) -> RuntimeCall {
		pallet_workers::Call::register { topic, owner: None }.into()
	}

	fn submit_call(
		topic: TopicId,
		nonce: BlockNumber,
		inference: Option<Fixed>,
		forecast: Vec<(AccountId, Fixed)>,
	) -> RuntimeCall {
		let elements: Vec<ForecastElement<AccountId>> = forecast
			.into_iter()
			.map(|(inferer, value)| ForecastElement { inferer, value })
			.collect();
		// The worker kept at most `max_elements_per_forecast` elements, within the bound.
		let forecast = (!elements.is_empty()).then(|| BoundedVec::truncate_from(elements));
		pallet_workers::Call::submit { topic, nonce, inference, forecast }.into()
	}

	fn register_reputer_call(topic: TopicId) -> RuntimeCall {
		pallet_reputers::Call::register { topic }.into()
	}

	fn add_stake_call(topic: TopicId, amount: u128) -> RuntimeCall {
		pallet_reputers::Call::add_stake { topic, amount }.into()
	}

	fn submit_losses_call(
		topic: TopicId,
		nonce: BlockNumber,
		losses: NetworkValues<AccountId>,
	) -> RuntimeCall {
		let bundle = LossBundleSubmission {
			combined_value: losses.combined,
			naive_value: losses.naive,
			inferer_values: worker_values(losses.inferers),
			forecaster_values: worker_values(losses.forecast_implied),
			one_out_inferer_values: worker_values(losses.one_out_inferers),
			one_out_forecaster_values: worker_values(losses.one_out_forecasters),
			one_in_forecaster_values: worker_values(losses.one_in_forecasters),
			one_out_inferer_forecaster_values: losses
				.one_out_inferer_forecasters
				.into_iter()
				.map(|(forecaster, list)| OneOutInfererForecasterSubmission {
					forecaster,
					one_out_inferer_values: worker_values(list),
				})
				.collect(),
		};
		pallet_reputers::Call::submit_losses { topic, nonce, bundle: Box::new(bundle) }.into()
	}
}
