//! Genesis: the ALLO distribution and the presets `development`, `local_testnet` and
//! `mainnet_genesis`.
//!
//! Every preset mints the 1,000,000,000 ALLO of [`DISTRIBUTION`]; the development and local
//! presets add test balances for the well-known dev accounts on top of it.

use crate::{
	AccountId, Balance, BalancesConfig, BlockNumber, CollatorSelectionConfig, EmissionsConfig,
	ParachainInfoConfig, PolkadotXcmConfig, ReputersConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, SudoConfig, TopicsConfig, VestingConfig, ALLO, DAYS, DEV_PARA_ID,
	EXISTENTIAL_DEPOSIT, MONTHS, TOTAL_SUPPLY,
};
use alloc::{vec, vec::Vec};
use frame_support::{build_struct_json_patch, PalletId};
use polkadot_sdk::{staging_xcm as xcm, *};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_genesis_builder::PresetId;
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::AccountIdConversion;

/// The mainnet preset's name.
pub const MAINNET_PRESET: &str = "mainnet_genesis";

/// A share of the genesis supply held by one protocol-controlled account.
#[derive(Clone, Copy)]
pub struct Bucket {
	pub name: &'static str,
	/// Share of [`TOTAL_SUPPLY`] in basis points (1/100 of a percent).
	pub basis_points: u32,
	pub pallet_id: PalletId,
	/// Locked under the 1-year-cliff, 3-year schedule of spec §6.4.
	pub vests: bool,
}

/// ALLO's genesis split as Allora announced it. The basis points sum to 10,000.
pub const DISTRIBUTION: [Bucket; 7] = [
	Bucket {
		name: "early investors & supporters",
		basis_points: 3_105,
		pallet_id: PalletId(*b"allo/inv"),
		vests: true,
	},
	Bucket {
		name: "core contributors",
		basis_points: 1_750,
		pallet_id: PalletId(*b"allo/cor"),
		vests: true,
	},
	Bucket {
		name: "network emissions",
		basis_points: 2_145,
		pallet_id: PalletId(*b"allo/emi"),
		vests: false,
	},
	Bucket {
		name: "community & public incentives",
		basis_points: 930,
		pallet_id: PalletId(*b"allo/com"),
		vests: false,
	},
	Bucket {
		name: "prime staking rewards",
		basis_points: 250,
		pallet_id: PalletId(*b"allo/prm"),
		vests: false,
	},
	Bucket {
		name: "ecosystem & partners",
		basis_points: 885,
		pallet_id: PalletId(*b"allo/eco"),
		vests: false,
	},
	Bucket {
		name: "foundation",
		basis_points: 935,
		pallet_id: PalletId(*b"allo/fnd"),
		vests: false,
	},
];

/// The reserve that network emissions are paid from.
pub const NETWORK_EMISSIONS: PalletId = PalletId(*b"allo/emi");
/// The ecosystem & partners grants bucket.
pub const ECOSYSTEM: PalletId = PalletId(*b"allo/eco");
/// The protocol treasury (the spec's "ecosystem" module account): every protocol fee lands
/// here, and each block's emission is paid from it before anything is drawn from the
/// network-emissions reserve (spec §6.4).
pub const PROTOCOL_TREASURY: PalletId = PalletId(*b"allo/trs");
/// Receives the reward share of each block's emission and pays topic-epoch rewards.
pub const EPOCH_REWARDS: PalletId = PalletId(*b"allo/rwd");
/// Unstaking waits three weeks, as in the original (there 604,800 blocks of 3 s).
pub const REMOVE_STAKE_DELAY: BlockNumber = 21 * DAYS;
/// Holds delegators' rewards until they claim them.
pub const REPUTER_REWARDS: PalletId = PalletId(*b"allo/dlg");

/// Vesting per spec §6.4: nothing unlocks for 12 months, then a third unlocks at once (the
/// months already "earned") and the rest linearly until month 36. pallet-vesting schedules are
/// linear, so each vesting bucket holds two tranche accounts with one schedule each.
pub const CLIFF: BlockNumber = 12 * MONTHS;
pub const VESTING_END: BlockNumber = 36 * MONTHS;

/// One genesis account: its balance and, if it vests, `(begin, length)` of its schedule.
pub struct GenesisAccount {
	pub account: AccountId,
	pub balance: Balance,
	pub vesting: Option<(BlockNumber, BlockNumber)>,
}

/// The accounts of [`DISTRIBUTION`]. Bucket amounts are exact (10^27 is divisible by 10^4);
/// a vesting bucket's linear tranche is two thirds of it rounded down to a whole number of
/// base units per block, and its cliff tranche the rest (a third plus under 10^-11 ALLO).
pub fn distribution() -> Vec<GenesisAccount> {
	let mut accounts = Vec::new();
	for bucket in DISTRIBUTION {
		let amount = (TOTAL_SUPPLY / 10_000).saturating_mul(Balance::from(bucket.basis_points));
		if bucket.vests {
			// The linear tranche is a whole multiple of its length, so every block unlocks the
			// same amount and nothing is left locked after month 36.
			let length = VESTING_END.saturating_sub(CLIFF);
			let linear = amount
				.saturating_sub(amount / 3)
				.checked_div(Balance::from(length))
				.unwrap_or_default()
				.saturating_mul(Balance::from(length));
			accounts.push(GenesisAccount {
				account: bucket.pallet_id.into_sub_account_truncating(*b"cliff"),
				balance: amount.saturating_sub(linear),
				vesting: Some((CLIFF, 1)),
			});
			accounts.push(GenesisAccount {
				account: bucket.pallet_id.into_sub_account_truncating(*b"linear"),
				balance: linear,
				vesting: Some((CLIFF, length)),
			});
		} else if bucket.pallet_id == NETWORK_EMISSIONS {
			// The reserve opens the protocol treasury and the rewards account with the
			// existential deposit, so the first fee or reward of any size can land there.
			let seeds = [PROTOCOL_TREASURY, EPOCH_REWARDS];
			let seeded = EXISTENTIAL_DEPOSIT.saturating_mul(seeds.len() as Balance);
			accounts.push(GenesisAccount {
				account: bucket.pallet_id.into_account_truncating(),
				balance: amount.saturating_sub(seeded),
				vesting: None,
			});
			accounts.extend(seeds.into_iter().map(|id| GenesisAccount {
				account: id.into_account_truncating(),
				balance: EXISTENTIAL_DEPOSIT,
				vesting: None,
			}));
		} else {
			accounts.push(GenesisAccount {
				account: bucket.pallet_id.into_account_truncating(),
				balance: amount,
				vesting: None,
			});
		}
	}
	accounts
}

/// Test balance of each well-known dev account in the development and local presets.
const DEV_ACCOUNT_BALANCE: Balance = 1_000_000 * ALLO;

struct Preset {
	para_id: u32,
	collators: Vec<(AccountId, AuraId)>,
	extra_balances: Vec<(AccountId, Balance)>,
	sudo: Option<AccountId>,
}

fn genesis_patch(preset: Preset) -> serde_json::Value {
	let distribution = distribution();
	let mut balances: Vec<(AccountId, Balance)> =
		distribution.iter().map(|a| (a.account.clone(), a.balance)).collect();
	balances.extend(preset.extra_balances);
	// pallet-vesting's genesis locks `balance - liquid`; tranches are fully locked.
	let vesting: Vec<(AccountId, BlockNumber, BlockNumber, Balance)> = distribution
		.into_iter()
		.filter_map(|a| a.vesting.map(|(begin, length)| (a.account, begin, length, 0)))
		.collect();
	let invulnerables: Vec<AccountId> =
		preset.collators.iter().map(|(acc, _)| acc.clone()).collect();
	let session_keys: Vec<(AccountId, AccountId, SessionKeys)> = preset
		.collators
		.into_iter()
		.map(|(acc, aura)| (acc.clone(), acc, SessionKeys { aura }))
		.collect();

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		vesting: VestingConfig { vesting },
		parachain_info: ParachainInfoConfig { parachain_id: preset.para_id.into() },
		collator_selection: CollatorSelectionConfig {
			invulnerables,
			candidacy_bond: EXISTENTIAL_DEPOSIT.saturating_mul(16),
		},
		session: SessionConfig { keys: session_keys },
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(xcm::prelude::XCM_VERSION) },
		sudo: SudoConfig { key: preset.sudo },
		// The spec's block counts assume 3 s blocks; ours are 6 s.
		topics: TopicsConfig { blocks_per_month: MONTHS },
		emissions: EmissionsConfig { blocks_per_month: MONTHS },
		reputers: ReputersConfig { remove_stake_delay_window: REMOVE_STAKE_DELAY },
	})
}

fn dev_collator(key: Sr25519Keyring) -> (AccountId, AuraId) {
	(key.to_account_id(), key.public().into())
}

fn dev_balances() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::well_known().map(|k| (k.to_account_id(), DEV_ACCOUNT_BALANCE)).collect()
}

fn development() -> serde_json::Value {
	genesis_patch(Preset {
		para_id: DEV_PARA_ID,
		collators: vec![dev_collator(Sr25519Keyring::Alice)],
		extra_balances: dev_balances(),
		sudo: Some(Sr25519Keyring::Alice.to_account_id()),
	})
}

fn local_testnet() -> serde_json::Value {
	genesis_patch(Preset {
		para_id: DEV_PARA_ID,
		collators: vec![dev_collator(Sr25519Keyring::Alice), dev_collator(Sr25519Keyring::Bob)],
		extra_balances: dev_balances(),
		sudo: Some(Sr25519Keyring::Alice.to_account_id()),
	})
}

/// The launch collator set is not known to this repository: the preset names one placeholder
/// (all-zero key) that the launch must replace, e.g. with `chain-spec-builder` patches of
/// `collatorSelection.invulnerables` and `session.keys`. There is no sudo key.
fn mainnet_genesis() -> serde_json::Value {
	let placeholder = AccountId::new([0u8; 32]);
	genesis_patch(Preset {
		para_id: DEV_PARA_ID,
		collators: vec![(placeholder, AuraId::from(sp_core::sr25519::Public::from_raw([0u8; 32])))],
		extra_balances: Vec::new(),
		sudo: None,
	})
}

/// The JSON patch of a named preset, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet(),
		MAINNET_PRESET => mainnet_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(MAINNET_PRESET),
	]
}

#[cfg(test)]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

	use super::*;
	use crate::{Balances, Runtime, System, Vesting};
	use frame_support::traits::{fungible::Inspect, tokens::Preservation, VestingSchedule};
	use sp_genesis_builder::PresetId;

	fn bucket_amount(bucket: &Bucket) -> Balance {
		TOTAL_SUPPLY * Balance::from(bucket.basis_points) / 10_000
	}

	/// Merge a preset's patch into the default genesis config, as the node does.
	fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
				for (key, value) in patch {
					merge(base.entry(key).or_insert(serde_json::Value::Null), value);
				}
			}
			(base, patch) => *base = patch,
		}
	}

	/// State built from a preset exactly as a node builds genesis.
	fn genesis_state(preset: &str) -> sp_io::TestExternalities {
		let patch: serde_json::Value =
			serde_json::from_slice(&get_preset(&PresetId::from(preset)).unwrap()).unwrap();
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		merge(&mut config, patch);
		let mut ext = sp_io::TestExternalities::default();
		ext.execute_with(|| {
			frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
				serde_json::to_vec(&config).unwrap(),
			)
			.unwrap();
		});
		ext
	}

	#[test]
	fn buckets_sum_to_the_total_supply_exactly() {
		let basis_points: u32 = DISTRIBUTION.iter().map(|b| b.basis_points).sum();
		assert_eq!(basis_points, 10_000);
		let buckets: Balance = DISTRIBUTION.iter().map(bucket_amount).sum();
		assert_eq!(buckets, TOTAL_SUPPLY);
		let accounts: Balance = distribution().iter().map(|a| a.balance).sum();
		assert_eq!(accounts, TOTAL_SUPPLY);
		assert_eq!(TOTAL_SUPPLY, 1_000_000_000 * ALLO);
	}

	#[test]
	fn buckets_match_the_announced_percentages() {
		let expected = [
			("early investors & supporters", 310_500_000),
			("core contributors", 175_000_000),
			("network emissions", 214_500_000),
			("community & public incentives", 93_000_000),
			("prime staking rewards", 25_000_000),
			("ecosystem & partners", 88_500_000),
			("foundation", 93_500_000),
		];
		for (bucket, (name, whole_allo)) in DISTRIBUTION.iter().zip(expected) {
			assert_eq!(bucket.name, name);
			assert_eq!(bucket_amount(bucket), whole_allo * ALLO, "{name}");
		}
		let vesting: Vec<&str> = DISTRIBUTION.iter().filter(|b| b.vests).map(|b| b.name).collect();
		assert_eq!(vesting, ["early investors & supporters", "core contributors"]);
	}

	#[test]
	fn every_genesis_account_is_distinct() {
		let mut accounts: Vec<AccountId> = distribution().into_iter().map(|a| a.account).collect();
		let count = accounts.len();
		accounts.sort();
		accounts.dedup();
		assert_eq!(accounts.len(), count);
		assert_eq!(
			count, 11,
			"5 liquid buckets + 2 tranches for each of 2 vesting buckets + treasury and rewards"
		);
	}

	#[test]
	fn every_preset_builds_and_mints_the_distribution() {
		for preset in preset_names() {
			let name = core::str::from_utf8(preset.as_ref()).unwrap().to_owned();
			genesis_state(&name).execute_with(|| {
				let minted: Balance = distribution().iter().map(|a| a.balance).sum();
				let dev = if name == MAINNET_PRESET {
					0
				} else {
					DEV_ACCOUNT_BALANCE * Sr25519Keyring::well_known().count() as Balance
				};
				assert_eq!(Balances::total_issuance(), minted + dev, "{name}");
			});
		}
	}

	#[test]
	fn mainnet_has_no_sudo_and_exactly_the_total_supply() {
		genesis_state(MAINNET_PRESET).execute_with(|| {
			assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY);
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		});
	}

	/// Spec §6.4: fully locked for 12 months, then (36 − months)/36 of the bucket stays
	/// locked, nothing after month 36.
	#[test]
	fn vesting_follows_the_cliff_and_linear_schedule() {
		genesis_state(MAINNET_PRESET).execute_with(|| {
			let investors = &DISTRIBUTION[0];
			let total = bucket_amount(investors);
			let tranches: [AccountId; 2] = [
				investors.pallet_id.into_sub_account_truncating(*b"cliff"),
				investors.pallet_id.into_sub_account_truncating(*b"linear"),
			];
			let locked_at = |block: BlockNumber| -> Balance {
				System::set_block_number(block);
				tranches.iter().map(|a| Vesting::vesting_balance(a).unwrap_or(0)).sum()
			};

			assert_eq!(locked_at(1), total);
			assert_eq!(locked_at(CLIFF), total);
			for month in [13u32, 18, 24, 30, 35] {
				let expected = total * Balance::from(36 - month) / 36;
				let locked = locked_at(month * MONTHS);
				// The cliff tranche holds the linear tranche's rounding: under one base unit per
				// block of the schedule (2e-11 ALLO).
				assert!(locked.abs_diff(expected) <= Balance::from(VESTING_END), "month {month}");
			}
			assert_eq!(locked_at(VESTING_END), 0);

			// Locked funds cannot leave the account before the cliff.
			System::set_block_number(CLIFF - 1);
			assert_eq!(
				<Balances as Inspect<AccountId>>::reducible_balance(
					&tranches[1],
					Preservation::Expendable,
					frame_support::traits::tokens::Fortitude::Polite,
				),
				0
			);
		});
	}
}
