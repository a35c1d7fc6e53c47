//! A test runtime: System and this pallet, with the protocol behind [`MockProtocol`] (topics,
//! registrations, stored submissions and network inferences in thread-local state the tests
//! set), a transaction type that keeps signer, nonce and call readable, and HTTP that can
//! also fail the way real servers do ([`FaultyHttp`]).

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{
	self as pallet_offchain, config::CONFIG_KEY, crypto, NetworkValues, OcwConfig, Protocol,
};
use allora_primitives::TopicId;
use allora_synthesis::Fixed;
use codec::{Decode, Encode};
use core::cell::RefCell;
use parking_lot::RwLock;
use polkadot_sdk::{
	frame_support::{self, derive_impl},
	frame_system::{
		self,
		offchain::{AppCrypto, CreateSignedTransaction, CreateTransactionBase, SigningTypes},
	},
	sp_core::offchain::{
		testing::{self, OffchainState, PoolState},
		Externalities, HttpError, HttpRequestId, HttpRequestStatus, OffchainDbExt,
		OffchainWorkerExt, OpaqueNetworkState, Timestamp, TransactionPoolExt,
	},
	sp_core::OpaquePeerId,
	sp_io::TestExternalities,
	sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	sp_runtime::{
		offchain::storage::StorageValueRef,
		traits::{ExtrinsicLike, IdentifyAccount, IdentityLookup},
		AccountId32, BuildStorage, MultiSignature, MultiSigner,
	},
};
use std::{
	collections::{BTreeMap, BTreeSet},
	sync::{Arc, Mutex},
};

pub type AccountId = AccountId32;
pub type BlockNumber = u64;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Offchain: pallet_offchain,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type Nonce = u64;
}

impl pallet_offchain::Config for Test {
	type AuthorityId = crypto::AuthorityId;
	type Protocol = MockProtocol;
}

/// A transaction as the pool receives it: who signed, with which nonce, what call.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct MockXt {
	pub signer: AccountId,
	pub nonce: u64,
	pub call: RuntimeCall,
}

impl ExtrinsicLike for MockXt {
	fn is_bare(&self) -> bool {
		false
	}
}

impl SigningTypes for Test {
	type Public = MultiSigner;
	type Signature = MultiSignature;
}

impl<LocalCall> CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = MockXt;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> CreateSignedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<C: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: MultiSigner,
		account: AccountId,
		nonce: u64,
	) -> Option<MockXt> {
		// Signing proves the key is in the keystore, as the real runtime's signing does.
		C::sign(&call.encode(), public)?;
		Some(MockXt { signer: account, nonce, call })
	}
}

/// What the workers asked the protocol to do, carried in a `system.remark` of the mock.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum Sent {
	RegisterWorker(TopicId),
	Submit {
		topic: TopicId,
		nonce: BlockNumber,
		inference: Option<Fixed>,
		forecast: Vec<(AccountId, Fixed)>,
	},
	RegisterReputer(TopicId),
	AddStake(TopicId, u128),
	SubmitLosses {
		topic: TopicId,
		nonce: BlockNumber,
		losses: NetworkValues<AccountId>,
	},
}

fn remark(sent: Sent) -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: sent.encode() })
}

/// The protocol state the tests arrange.
#[derive(Default)]
pub struct ProtocolState {
	/// topic -> loss method.
	pub topics: BTreeMap<TopicId, Vec<u8>>,
	pub open_worker_nonces: BTreeMap<TopicId, Vec<BlockNumber>>,
	pub open_reputer_nonces: BTreeMap<TopicId, Vec<BlockNumber>>,
	pub workers: BTreeSet<(TopicId, AccountId)>,
	pub inferences: BTreeSet<(TopicId, BlockNumber, AccountId)>,
	pub forecasts: BTreeSet<(TopicId, BlockNumber, AccountId)>,
	pub reputers: BTreeSet<(TopicId, AccountId)>,
	pub stakes: BTreeMap<(TopicId, AccountId), u128>,
	pub losses: BTreeSet<(TopicId, BlockNumber, AccountId)>,
	pub network_values: BTreeMap<(TopicId, BlockNumber), NetworkValues<AccountId>>,
	pub max_abs_value: Option<Fixed>,
	pub max_forecast_elements: u32,
	pub required_minimum_stake: u128,
}

thread_local! {
	pub static PROTOCOL: RefCell<ProtocolState> = RefCell::new(ProtocolState {
		max_forecast_elements: 12,
		..Default::default()
	});
}

/// Changes the mock protocol's state.
pub fn arrange(f: impl FnOnce(&mut ProtocolState)) {
	PROTOCOL.with(|p| f(&mut p.borrow_mut()));
}

fn read<R>(f: impl FnOnce(&ProtocolState) -> R) -> R {
	PROTOCOL.with(|p| f(&p.borrow()))
}

pub struct MockProtocol;

impl Protocol<Test> for MockProtocol {
	fn loss_method(topic: TopicId) -> Option<Vec<u8>> {
		read(|p| p.topics.get(&topic).cloned())
	}
	fn open_worker_nonces(topic: TopicId, _at: BlockNumber) -> Vec<BlockNumber> {
		read(|p| p.open_worker_nonces.get(&topic).cloned().unwrap_or_default())
	}
	fn open_reputer_nonces(topic: TopicId, _at: BlockNumber) -> Vec<BlockNumber> {
		read(|p| p.open_reputer_nonces.get(&topic).cloned().unwrap_or_default())
	}
	fn is_worker(topic: TopicId, who: &AccountId) -> bool {
		read(|p| p.workers.contains(&(topic, who.clone())))
	}
	fn has_inference(topic: TopicId, nonce: BlockNumber, who: &AccountId) -> bool {
		read(|p| p.inferences.contains(&(topic, nonce, who.clone())))
	}
	fn has_forecast(topic: TopicId, nonce: BlockNumber, who: &AccountId) -> bool {
		read(|p| p.forecasts.contains(&(topic, nonce, who.clone())))
	}
	fn max_abs_value() -> Fixed {
		read(|p| p.max_abs_value.unwrap_or(Fixed::from_u64(1_000_000)))
	}
	fn max_forecast_elements() -> u32 {
		read(|p| p.max_forecast_elements)
	}
	fn is_reputer(topic: TopicId, who: &AccountId) -> bool {
		read(|p| p.reputers.contains(&(topic, who.clone())))
	}
	fn required_minimum_stake() -> u128 {
		read(|p| p.required_minimum_stake)
	}
	fn reputer_stake(topic: TopicId, who: &AccountId) -> u128 {
		read(|p| p.stakes.get(&(topic, who.clone())).copied().unwrap_or_default())
	}
	fn has_losses(topic: TopicId, nonce: BlockNumber, who: &AccountId) -> bool {
		read(|p| p.losses.contains(&(topic, nonce, who.clone())))
	}
	fn network_values(topic: TopicId, nonce: BlockNumber) -> Option<NetworkValues<AccountId>> {
		read(|p| p.network_values.get(&(topic, nonce)).cloned())
	}
	fn register_worker_call(topic: TopicId) -> RuntimeCall {
		remark(Sent::RegisterWorker(topic))
	}
	fn submit_call(
		topic: TopicId,
		nonce: BlockNumber,
		inference: Option<Fixed>,
		forecast: Vec<(AccountId, Fixed)>,
	) -> RuntimeCall {
		remark(Sent::Submit { topic, nonce, inference, forecast })
	}
	fn register_reputer_call(topic: TopicId) -> RuntimeCall {
		remark(Sent::RegisterReputer(topic))
	}
	fn add_stake_call(topic: TopicId, amount: u128) -> RuntimeCall {
		remark(Sent::AddStake(topic, amount))
	}
	fn submit_losses_call(
		topic: TopicId,
		nonce: BlockNumber,
		losses: NetworkValues<AccountId>,
	) -> RuntimeCall {
		remark(Sent::SubmitLosses { topic, nonce, losses })
	}
}

/// Off-chain externalities that answer like [`testing::TestOffchainExt`] (expected requests
/// and their bodies, status 200), except for URIs given a fault: those end with the fault's
/// status (a server error code, a deadline, a broken connection) and have no body.
#[derive(Clone)]
pub struct FaultyHttp {
	inner: testing::TestOffchainExt,
	faults: Arc<Mutex<BTreeMap<String, HttpRequestStatus>>>,
	faulty_requests: Arc<Mutex<BTreeMap<u16, HttpRequestStatus>>>,
}

/// Request ids of faulty requests start here, far from the inner ext's small ids.
const FAULTY_IDS: u16 = 10_000;

impl FaultyHttp {
	pub fn fail(&self, uri: &str, status: HttpRequestStatus) {
		self.faults.lock().unwrap().insert(uri.into(), status);
	}
}

impl Externalities for FaultyHttp {
	fn is_validator(&self) -> bool {
		true
	}
	fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
		self.inner.network_state()
	}
	fn timestamp(&mut self) -> Timestamp {
		self.inner.timestamp()
	}
	fn sleep_until(&mut self, deadline: Timestamp) {
		self.inner.sleep_until(deadline)
	}
	fn random_seed(&mut self) -> [u8; 32] {
		self.inner.random_seed()
	}
	fn http_request_start(
		&mut self,
		method: &str,
		uri: &str,
		meta: &[u8],
	) -> Result<HttpRequestId, ()> {
		if let Some(status) = self.faults.lock().unwrap().get(uri).copied() {
			let mut requests = self.faulty_requests.lock().unwrap();
			let id = FAULTY_IDS + requests.len() as u16;
			requests.insert(id, status);
			return Ok(HttpRequestId(id));
		}
		self.inner.http_request_start(method, uri, meta)
	}
	fn http_request_add_header(
		&mut self,
		id: HttpRequestId,
		name: &str,
		value: &str,
	) -> Result<(), ()> {
		if id.0 >= FAULTY_IDS {
			return Ok(());
		}
		self.inner.http_request_add_header(id, name, value)
	}
	fn http_request_write_body(
		&mut self,
		id: HttpRequestId,
		chunk: &[u8],
		deadline: Option<Timestamp>,
	) -> Result<(), HttpError> {
		if id.0 >= FAULTY_IDS {
			return Ok(());
		}
		self.inner.http_request_write_body(id, chunk, deadline)
	}
	fn http_response_wait(
		&mut self,
		ids: &[HttpRequestId],
		deadline: Option<Timestamp>,
	) -> Vec<HttpRequestStatus> {
		let faulty = self.faulty_requests.lock().unwrap().clone();
		ids.iter()
			.map(|id| match faulty.get(&id.0) {
				Some(status) => *status,
				None => self.inner.http_response_wait(&[*id], deadline)[0],
			})
			.collect()
	}
	fn http_response_headers(&mut self, id: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
		if id.0 >= FAULTY_IDS {
			return Vec::new();
		}
		self.inner.http_response_headers(id)
	}
	fn http_response_read_body(
		&mut self,
		id: HttpRequestId,
		buffer: &mut [u8],
		deadline: Option<Timestamp>,
	) -> Result<usize, HttpError> {
		if id.0 >= FAULTY_IDS {
			return Ok(0);
		}
		self.inner.http_response_read_body(id, buffer, deadline)
	}
	fn set_authorized_nodes(&mut self, nodes: Vec<OpaquePeerId>, authorized_only: bool) {
		self.inner.set_authorized_nodes(nodes, authorized_only)
	}
}

/// A test chain with off-chain workers, and the handles the tests drive it through.
pub struct OcwTest {
	pub ext: TestExternalities,
	/// Expected HTTP requests and their answers.
	pub http: Arc<RwLock<OffchainState>>,
	/// URIs that fail.
	pub faults: FaultyHttp,
	/// What reached the transaction pool.
	pub pool: Arc<RwLock<PoolState>>,
}

/// The account of the `allo` key derived from `suri`.
pub fn account_of(suri: &str) -> AccountId {
	use polkadot_sdk::sp_core::{sr25519, Pair};
	let pair = sr25519::Pair::from_string(suri, None).unwrap();
	MultiSigner::from(pair.public()).into_account()
}

impl OcwTest {
	/// A chain at block 1 whose keystore holds an `allo` key for each of `suris`.
	pub fn new(config: OcwConfig, suris: &[&str]) -> OcwTest {
		let (offchain, http) = testing::TestOffchainExt::new();
		let (pool_ext, pool) = testing::TestTransactionPoolExt::new();
		let faults = FaultyHttp {
			inner: offchain.clone(),
			faults: Default::default(),
			faulty_requests: Default::default(),
		};
		let keystore = MemoryKeystore::new();
		for suri in suris {
			keystore.sr25519_generate_new(crypto::KEY_TYPE, Some(suri)).unwrap();
		}
		let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut ext = TestExternalities::new(storage);
		ext.register_extension(OffchainWorkerExt::new(faults.clone()));
		ext.register_extension(OffchainDbExt::new(offchain));
		ext.register_extension(TransactionPoolExt::new(pool_ext));
		ext.register_extension(KeystoreExt::new(keystore));
		ext.execute_with(|| {
			System::set_block_number(1);
			StorageValueRef::persistent(CONFIG_KEY).set(&config);
		});
		PROTOCOL.with(|p| {
			*p.borrow_mut() = ProtocolState { max_forecast_elements: 12, ..Default::default() }
		});
		OcwTest { ext, http, faults, pool }
	}

	/// Expects one `GET uri` answered with `body`.
	pub fn expect_get(&self, uri: &str, body: &str) {
		self.http.write().expect_request(testing::PendingRequest {
			method: "GET".into(),
			uri: uri.into(),
			response: Some(body.as_bytes().to_vec()),
			sent: true,
			..Default::default()
		});
	}

	/// Expects one JSON `POST uri` of `request` answered with `body`.
	pub fn expect_post(&self, uri: &str, request: &str, body: &str) {
		self.http.write().expect_request(testing::PendingRequest {
			method: "POST".into(),
			uri: uri.into(),
			headers: vec![("Content-Type".into(), "application/json".into())],
			body: request.as_bytes().to_vec(),
			response: Some(body.as_bytes().to_vec()),
			sent: true,
			..Default::default()
		});
	}

	/// Runs the off-chain worker of block `n` (the chain's block number is set to `n`).
	pub fn run_block(&mut self, n: BlockNumber) {
		self.ext.execute_with(|| {
			System::set_block_number(n);
			<Offchain as polkadot_sdk::frame_support::traits::Hooks<BlockNumber>>::offchain_worker(
				n,
			);
		});
	}

	/// Advances the off-chain clock (attempts are spaced by `loopSeconds`).
	pub fn advance_millis(&self, millis: u64) {
		let mut state = self.http.write();
		state.timestamp =
			state.timestamp.add(polkadot_sdk::sp_core::offchain::Duration::from_millis(millis));
	}

	/// Every transaction the pool received since the last call, decoded, oldest first.
	pub fn take_sent(&self) -> Vec<(AccountId, u64, Sent)> {
		let transactions = core::mem::take(&mut self.pool.write().transactions);
		transactions
			.into_iter()
			.map(|bytes| {
				let xt = MockXt::decode(&mut &bytes[..]).unwrap();
				let RuntimeCall::System(frame_system::Call::remark { remark }) = xt.call else {
					panic!("unexpected call {:?}", xt.call)
				};
				(xt.signer, xt.nonce, Sent::decode(&mut &remark[..]).unwrap())
			})
			.collect()
	}

	/// Marks the account's transactions up to `nonce` as included (the chain's nonce moves on).
	pub fn include(&mut self, who: &AccountId, nonce: u64) {
		self.ext.execute_with(|| {
			frame_system::Account::<Test>::mutate(who, |a| a.nonce = nonce + 1);
		});
	}
}
