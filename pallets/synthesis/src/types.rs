//! Plain data of the synthesis pallet: its parameters, the work queue, the stored network
//! inference bundle, the participants of a nonce, scores and regrets as stored.

use allora_primitives::{TopicId, TopicSettings};
use allora_synthesis::{
	ConsensusParams, EmissionParams, Fixed, MathError, RewardParams, SortitionParams,
	SynthesisParams,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use polkadot_sdk::frame_support::{
	traits::{ConstU32, Get},
	BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

#[cfg(feature = "runtime-benchmarks")]
use alloc::vec::Vec;
#[cfg(feature = "runtime-benchmarks")]
use allora_primitives::{LossReport, Submissions};

/// Active inferers per topic-epoch by default: far above the original's 32 (spec §1.1).
pub const DEFAULT_MAX_TOP_INFERERS: u32 = 256;
/// Active forecasters per topic-epoch by default (the original: 6).
pub const DEFAULT_MAX_TOP_FORECASTERS: u32 = 64;
/// Active reputers per topic-epoch by default (the original: 6).
pub const DEFAULT_MAX_TOP_REPUTERS: u32 = 64;

/// Most score samples kept per topic and role (the bound of `max_samples_to_scale_scores`).
pub const MAX_SCORE_SAMPLES: u32 = 1024;
/// The storage bound of [`MAX_SCORE_SAMPLES`].
pub type MaxScoreSamples = ConstU32<MAX_SCORE_SAMPLES>;

/// Number of confidence-interval points stored with a bundle (spec §3.10).
pub const CONFIDENCE_POINTS: u32 = 5;
/// The storage bound of [`CONFIDENCE_POINTS`].
pub type ConfidencePoints = ConstU32<CONFIDENCE_POINTS>;

/// What this pallet's governance can tune: the active-set sizes (merit sortition, spec §7)
/// and the protocol maths of spec §3 – §5.
///
/// The topic's own values replace `synthesis.p_norm`, `synthesis.alpha_regret`,
/// `synthesis.epsilon_topic` and `rewards.epsilon_topic` (spec §1.2: they are topic
/// settings), so those four fields are not read.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EpochParams {
	/// Most inferers that take part in one topic-epoch (`max_top_inferers_to_reward`).
	pub max_top_inferers: u32,
	/// Most forecasters that take part in one topic-epoch (`max_top_forecasters_to_reward`).
	pub max_top_forecasters: u32,
	/// Most reputers whose losses count in one topic-epoch (`max_top_reputers_to_reward`).
	pub max_top_reputers: u32,
	/// Inference synthesis and regrets (spec §3).
	pub synthesis: SynthesisParams,
	/// Reputer consensus (spec §4).
	pub consensus: ConsensusParams,
	/// Scores, fractions, entropies and the task split (spec §5).
	pub rewards: RewardParams,
}

impl Default for EpochParams {
	/// The spec defaults of the maths (`allora_synthesis` defaults) with active sets of
	/// 256 inferers, 64 forecasters and 64 reputers.
	fn default() -> Self {
		Self {
			max_top_inferers: DEFAULT_MAX_TOP_INFERERS,
			max_top_forecasters: DEFAULT_MAX_TOP_FORECASTERS,
			max_top_reputers: DEFAULT_MAX_TOP_REPUTERS,
			synthesis: SynthesisParams::DEFAULT,
			consensus: ConsensusParams::DEFAULT,
			rewards: RewardParams::DEFAULT,
		}
	}
}

impl EpochParams {
	/// The defaults with each active-set size cut to its storage bound.
	pub fn default_within(max_inferers: u32, max_forecasters: u32, max_reputers: u32) -> Self {
		let defaults = Self::default();
		Self {
			max_top_inferers: defaults.max_top_inferers.min(max_inferers),
			max_top_forecasters: defaults.max_top_forecasters.min(max_forecasters),
			max_top_reputers: defaults.max_top_reputers.min(max_reputers),
			..defaults
		}
	}

	/// The maths parameters of one topic-epoch: these, with the topic's p, α_regret and ε
	/// (spec §1.2) and its merit-sortition settings.
	pub fn maths_for<BlockNumber>(
		&self,
		settings: &TopicSettings<BlockNumber>,
	) -> allora_synthesis::Params {
		let mut synthesis = self.synthesis;
		synthesis.p_norm = settings.p_norm;
		synthesis.alpha_regret = settings.alpha_regret;
		synthesis.epsilon_topic = settings.epsilon;
		let mut rewards = self.rewards;
		rewards.epsilon_topic = settings.epsilon;
		let sortition = SortitionParams {
			max_top_inferers_to_reward: self.max_top_inferers,
			max_top_forecasters_to_reward: self.max_top_forecasters,
			max_top_reputers_to_reward: self.max_top_reputers,
			merit_sortition_alpha: settings.merit_sortition_alpha,
			active_inferer_quantile: settings.active_inferer_quantile,
			active_forecaster_quantile: settings.active_forecaster_quantile,
			active_reputer_quantile: settings.active_reputer_quantile,
			..SortitionParams::DEFAULT
		};
		allora_synthesis::Params {
			synthesis,
			consensus: self.consensus,
			rewards,
			sortition,
			emissions: EmissionParams::DEFAULT,
		}
	}
}

/// Which half of a topic-epoch a queued item closes.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum WorkPhase {
	/// The worker window closed: synthesise and store the network inferences (spec §2.3).
	Inference,
	/// The reputer window closed: consensus, regrets, scores and rewards (spec §2.6, §2.8).
	Scoring,
}

/// One queued topic-epoch close.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct WorkItem<BlockNumber> {
	/// The topic.
	pub topic: TopicId,
	/// The worker nonce (also the name of its reputer nonce).
	pub nonce: BlockNumber,
	/// What closed.
	pub phase: WorkPhase,
}

/// Why a close stored or paid nothing (it still fulfils its nonce).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum SkipReason {
	/// The topic has no settings (it does not exist).
	UnknownTopic,
	/// No inference was submitted for the worker nonce.
	NoInferences,
	/// The worker close of this nonce stored no participants (it was skipped, or its record
	/// was dropped as too old).
	NoParticipants,
	/// No usable loss report was submitted for the reputer nonce.
	NoLossReports,
	/// The maths could not produce a result.
	Math(MathError),
}

/// The network inferences of one worker nonce (spec §2.5), stored when its window closes so
/// that every reputer evaluates the same values. Values are keyed by worker, in account
/// order; a variant that does not exist for a worker (spec §3.9) is left out.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxInferers, MaxForecasters))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct InferenceBundle<
	AccountId: Clone + PartialEq + Eq + Debug,
	MaxInferers: Get<u32>,
	MaxForecasters: Get<u32>,
> {
	/// I_i: the combined network inference (spec §3.4).
	pub combined: Fixed,
	/// I⁻_i: the naive network inference, inferers only (spec §3.5).
	pub naive: Fixed,
	/// I_ij: each active inferer's inference.
	pub inferers: BoundedVec<(AccountId, Fixed), MaxInferers>,
	/// I_ik: each participating forecaster's forecast-implied inference (spec §3.3).
	pub forecast_implied: BoundedVec<(AccountId, Fixed), MaxForecasters>,
	/// I⁻_j'i: the network inference without inferer j' (spec §3.6).
	pub one_out_inferers: BoundedVec<(AccountId, Fixed), MaxInferers>,
	/// I⁻_k'i: the network inference without forecaster k' (spec §3.6).
	pub one_out_forecasters: BoundedVec<(AccountId, Fixed), MaxForecasters>,
	/// I⁺_ki: the naive network plus only forecaster k (spec §3.7).
	pub one_in_forecasters: BoundedVec<(AccountId, Fixed), MaxForecasters>,
	/// Per forecaster k, its implied inference recomputed without each inferer j' its
	/// forecast names (spec §3.6 step 1): what reputers need for the one-out
	/// inferer-forecaster losses. For an inferer it does not name it equals I_ik.
	pub one_out_inferer_forecasters:
		BoundedVec<OneOutGroup<AccountId, MaxInferers>, MaxForecasters>,
	/// The weighted percentiles 2.28, 15.87, 50, 84.13, 97.72 % of the inferences and
	/// forecast-implied inferences (spec §3.10); empty in the degenerate cases of §3.9.
	pub confidence_interval: BoundedVec<Fixed, ConfidencePoints>,
}

/// Who took part in a worker nonce after sortition, in account order: the positions the
/// scoring of its reputer nonce uses.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxInferers, MaxForecasters))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct Participants<
	AccountId: Clone + PartialEq + Eq + Debug,
	MaxInferers: Get<u32>,
	MaxForecasters: Get<u32>,
> {
	/// The active inferers.
	pub inferers: BoundedVec<AccountId, MaxInferers>,
	/// The active forecasters whose forecast named at least one active inferer.
	pub forecasters: BoundedVec<AccountId, MaxForecasters>,
}

/// An actor's latest score in one role of one topic (spec §5.1, §5.2).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct ScoreRecord<BlockNumber> {
	/// The instant score of the latest scored epoch.
	pub instant: Fixed,
	/// The EMA score merit sortition ranks by.
	pub ema: Fixed,
	/// The nonce of the latest scored epoch.
	pub nonce: BlockNumber,
}

/// An actor's own regrets in one topic (spec §1.7, §3.8); `None` reads as the topic's R₀.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct RegretRecord {
	/// R_ij: as an inferer, against the combined network.
	pub inferer: Option<Fixed>,
	/// R⁻_ij: as an inferer, against the naive network.
	pub naive_inferer: Option<Fixed>,
	/// R_ik: as a forecaster, against the combined network.
	pub forecaster: Option<Fixed>,
	/// As a forecaster, in its own one-in network.
	pub one_in_self: Option<Fixed>,
}

/// The pairwise regret families (spec §1.7): the regret of actor `b` in the network
/// variant named by actor `a`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum PairFamily {
	/// a = withheld inferer j', b = inferer j.
	OneOutInfererInferer,
	/// a = withheld inferer j', b = forecaster k.
	OneOutInfererForecaster,
	/// a = withheld forecaster k', b = inferer j.
	OneOutForecasterInferer,
	/// a = withheld forecaster k', b = forecaster k.
	OneOutForecasterForecaster,
	/// a = forecaster k of the one-in network, b = inferer j.
	OneInForecasterInferer,
}

/// What the benchmarks need from the pallets behind `EpochControl`, `SubmissionSource` and
/// `LossSource`, which this pallet only knows through those traits. The runtime implements
/// it with pallet-topics, pallet-workers and pallet-reputers.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Balance, BlockNumber> {
	/// A topic that exists (created if needed).
	fn topic() -> TopicId;
	/// Opens a worker nonce of `topic`, makes `submissions` (each list sorted by account)
	/// its submissions and moves to a block at which its window has closed, so that it can
	/// be fulfilled. Returns the nonce.
	fn worker_nonce_closed(topic: TopicId, submissions: Submissions<AccountId>) -> BlockNumber;
	/// Makes `reports` (sorted by reputer) the loss reports of reputer nonce `nonce` of
	/// `topic`, whose worker nonce has just been fulfilled, and moves to a block at which its
	/// window has closed. The reputers may need stake; `stake` is a hint.
	fn reputer_nonce_closed(
		topic: TopicId,
		nonce: BlockNumber,
		reports: Vec<LossReport<AccountId, Balance>>,
	);
}

/// A forecaster and its implied inference without each inferer j' it names.
pub type OneOutGroup<AccountId, MaxInferers> =
	(AccountId, BoundedVec<(AccountId, Fixed), MaxInferers>);

/// A topic's active inferers, forecasters and reputers.
pub type ActiveSets<AccountId> =
	(alloc::vec::Vec<AccountId>, alloc::vec::Vec<AccountId>, alloc::vec::Vec<AccountId>);
