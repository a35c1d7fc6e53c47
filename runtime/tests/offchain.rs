//! The off-chain workers through the real runtime: from the `development` preset, a worker
//! (Bob) and a reputer (Charlie) configured as an operator would, with their `allo` keys in the
//! keystore. Each block's off-chain run sends what it decides; the test applies every pooled
//! transaction at the start of the next block through the runtime's own signature, nonce and
//! fee checks, as a block author would. No call is made on the workers' behalf: registration,
//! stake, inferences and losses all come from the off-chain workers, answered by expected HTTP
//! requests.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

mod common;

use allora_primitives::{NonceStatus, TopicsInterface};
use allora_runtime::{BlockNumber, Runtime, RuntimeCall, Topics, UncheckedExtrinsic, ALLO};
use allora_synthesis::Fixed;
use codec::Decode;
use common::{development_preset_chain, dispatch, start_block};
use pallet_offchain::config::{Identity, OcwConfig, ReputerEntry, WorkerEntry, CONFIG_KEY};
use parking_lot::RwLock;
use polkadot_sdk::{
	frame_support::{assert_ok, dispatch::GetDispatchInfo, traits::Hooks},
	frame_system,
	sp_core::{
		offchain::{
			testing::{
				OffchainState, PendingRequest, PoolState, TestOffchainExt, TestTransactionPoolExt,
			},
			OffchainDbExt, OffchainWorkerExt, Timestamp, TransactionPoolExt,
		},
		H256,
	},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	sp_runtime::{
		offchain::storage::StorageValueRef,
		traits::{Applyable, Checkable},
	},
};
use std::sync::Arc;

const TOPIC: u64 = 1;
const EPOCH: BlockNumber = 12;
const WINDOW: BlockNumber = 6;
const STAKE: u128 = 1_000 * ALLO;

struct Chain {
	ext: TestExternalities,
	http: Arc<RwLock<OffchainState>>,
	pool: Arc<RwLock<PoolState>>,
}

fn topic_params() -> pallet_topics::TopicParams<Runtime> {
	common::mse_topic("AAPL adjusted close, daily", EPOCH, EPOCH, WINDOW)
}

fn identity(who: Sr25519Keyring) -> Identity {
	Identity { account: Some(who.to_account_id().into()), register: true, retry_millis: 1_000 }
}

fn config() -> OcwConfig {
	let token = vec![(b"Token".to_vec(), b"AAPL".to_vec())];
	OcwConfig {
		workers: vec![WorkerEntry {
			topic: 1,
			identity: identity(Sr25519Keyring::Bob),
			inference_endpoint: Some(
				b"http://models/inference/{Token}?height={BlockHeight}".to_vec(),
			),
			forecast_endpoint: None,
			response_field: None,
			parameters: token.clone(),
		}],
		reputers: vec![ReputerEntry {
			topic: 1,
			identity: identity(Sr25519Keyring::Charlie),
			min_stake: STAKE,
			ground_truth_endpoint: b"http://truth/{Token}/{BlockHeight}".to_vec(),
			response_field: None,
			parameters: token,
			loss_service: None,
			loss_options: vec![],
		}],
	}
}

fn expect_get(http: &RwLock<OffchainState>, uri: &str, body: &str) {
	http.write().expect_request(PendingRequest {
		method: "GET".into(),
		uri: uri.into(),
		response: Some(body.as_bytes().to_vec()),
		sent: true,
		..Default::default()
	});
}

impl Chain {
	fn new() -> Chain {
		let mut ext = development_preset_chain();
		let (offchain, http) = TestOffchainExt::new();
		let (pool_ext, pool) = TestTransactionPoolExt::new();
		let keystore = MemoryKeystore::new();
		for suri in ["//Bob", "//Charlie"] {
			keystore.sr25519_generate_new(pallet_offchain::crypto::KEY_TYPE, Some(suri)).unwrap();
		}
		ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
		ext.register_extension(OffchainDbExt::new(offchain));
		ext.register_extension(TransactionPoolExt::new(pool_ext));
		ext.register_extension(KeystoreExt::new(keystore));
		ext.execute_with(|| {
			pallet_emissions::Params::<Runtime>::mutate(|p| {
				p.maximum_monthly_percentage_yield = Fixed::ZERO
			});
			StorageValueRef::persistent(CONFIG_KEY).set(&config());
		});
		Chain { ext, http, pool }
	}

	/// Block `n`: the hooks, then every pooled transaction applied with the runtime's checks,
	/// then the off-chain run, with the HTTP answers it is expected to ask for: Bob's inference
	/// of every open worker window he has not filled, the ground truth of every open reputer
	/// window Charlie has not scored. Returns the calls applied.
	fn block(&mut self, n: BlockNumber) -> Vec<RuntimeCall> {
		let pooled = core::mem::take(&mut self.pool.write().transactions);
		self.http.write().timestamp = Timestamp::from_unix_millis(u64::from(n) * 2_000);
		let (bob, charlie) =
			(Sr25519Keyring::Bob.to_account_id(), Sr25519Keyring::Charlie.to_account_id());
		let http = self.http.clone();
		self.ext.execute_with(|| {
			start_block(n);
			frame_system::BlockWeight::<Runtime>::kill();
			// The era of a transaction names its parent block by hash.
			frame_system::BlockHash::<Runtime>::insert(n - 1, H256::repeat_byte(n as u8));
			let applied = pooled
				.iter()
				.map(|bytes| {
					let xt = UncheckedExtrinsic::decode(&mut &bytes[..]).unwrap();
					let call = xt.function.clone();
					let checked =
						xt.check(&frame_system::ChainContext::<Runtime>::default()).unwrap();
					let info = checked.get_dispatch_info();
					assert_ok!(checked.apply::<Runtime>(&info, bytes.len()).unwrap());
					call
				})
				.collect();
			let at = n + 1;
			let open = |status: NonceStatus| status == NonceStatus::Open;
			for nonce in Topics::unfulfilled_worker_nonces(TOPIC) {
				if open(<Topics as TopicsInterface<_, _>>::worker_nonce_status(TOPIC, nonce, at))
					&& !pallet_workers::Inferences::<Runtime>::contains_key((TOPIC, nonce), &bob)
				{
					expect_get(
						&http,
						&format!("http://models/inference/AAPL?height={nonce}"),
						INFERENCE,
					);
				}
			}
			for nonce in Topics::unfulfilled_reputer_nonces(TOPIC) {
				if open(<Topics as TopicsInterface<_, _>>::reputer_nonce_status(TOPIC, nonce, at))
					&& !pallet_reputers::LossBundles::<Runtime>::contains_key(
						(TOPIC, nonce),
						&charlie,
					) && pallet_synthesis::InferenceBundles::<Runtime>::contains_key(TOPIC, nonce)
				{
					expect_get(&http, &format!("http://truth/AAPL/{nonce}"), TRUTH);
				}
			}
			<allora_runtime::Offchain as Hooks<BlockNumber>>::offchain_worker(n);
			applied
		})
	}
}

/// What Bob's model answers, and the ground truth.
const INFERENCE: &str = "101.5";
const TRUTH: &str = "100";

#[test]
fn off_chain_workers_register_stake_submit_and_score_epochs() {
	let mut chain = Chain::new();
	let alice = Sr25519Keyring::Alice.to_account_id();
	let bob = Sr25519Keyring::Bob.to_account_id();
	let charlie = Sr25519Keyring::Charlie.to_account_id();
	chain.ext.execute_with(|| {
		start_block(1);
		assert_ok!(dispatch(
			&alice,
			pallet_topics::Call::<Runtime>::create_topic { params: topic_params() }
		));
		assert_ok!(dispatch(
			&alice,
			pallet_topics::Call::<Runtime>::fund_topic { topic: TOPIC, amount: 100 * ALLO }
		));
	});

	let mut applied = Vec::new();
	for n in 2..=5 * EPOCH {
		applied.extend(chain.block(n));
	}
	let count = |f: fn(&RuntimeCall) -> bool| applied.iter().filter(|c| f(c)).count();
	assert_eq!(
		count(|c| matches!(c, RuntimeCall::Workers(pallet_workers::Call::register { .. }))),
		1
	);
	assert_eq!(
		count(|c| matches!(c, RuntimeCall::Reputers(pallet_reputers::Call::register { .. }))),
		1
	);
	assert_eq!(
		count(|c| matches!(c, RuntimeCall::Reputers(pallet_reputers::Call::add_stake { .. }))),
		1
	);
	let inferences =
		count(|c| matches!(c, RuntimeCall::Workers(pallet_workers::Call::submit { .. })));
	let losses: Vec<_> = applied
		.iter()
		.filter_map(|c| match c {
			RuntimeCall::Reputers(pallet_reputers::Call::submit_losses {
				nonce, bundle, ..
			}) => Some((*nonce, bundle)),
			_ => None,
		})
		.collect();
	assert!(inferences >= 4, "{inferences} inferences");
	assert!(losses.len() >= 2, "{} loss bundles", losses.len());

	// One inferer: every network value is Bob's 101.5, so every loss is log10(1.5²).
	let expected = Fixed::from_decimal_str("2.25").unwrap().log10().unwrap();
	for (_, bundle) in &losses {
		assert_eq!(bundle.combined_value, expected);
		assert_eq!(bundle.naive_value, expected);
		assert_eq!(
			bundle.inferer_values.iter().map(|v| (v.worker.clone(), v.value)).collect::<Vec<_>>(),
			vec![(bob.clone(), expected)]
		);
	}
	chain.ext.execute_with(|| {
		assert!(pallet_reputers::ReputerStake::<Runtime>::get(TOPIC, &charlie) >= STAKE);
		// The synthesis scored the first reputer nonce: Bob has a score.
		let (first_nonce, _) = losses[0];
		assert!(!pallet_reputers::LossBundles::<Runtime>::contains_key(
			(TOPIC, first_nonce),
			&charlie
		));
		assert!(pallet_synthesis::LatestNetworkLoss::<Runtime>::get(TOPIC).is_some());
	});
}
