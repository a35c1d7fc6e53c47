//! What happens after each block: read the config, take the run lock, do every entry's work.

use crate::{config::CONFIG_KEY, reputer, worker, Config, OcwConfig, Pallet, LOG_TARGET};
use polkadot_sdk::{
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::{
		offchain::{
			storage::StorageValueRef,
			storage_lock::{StorageLock, Time},
			Duration,
		},
		traits::{One, Saturating},
	},
};

/// Key of the lock that keeps two runs (two blocks imported close together, or a re-org)
/// from working at once.
const RUN_LOCK_KEY: &[u8] = b"allora::ocw::run-lock";
/// How long a run may hold the lock: enough for every entry's requests to time out.
const RUN_LOCK_MILLIS: u64 = 60_000;

impl<T: Config> Pallet<T> {
	pub(crate) fn run(now: BlockNumberFor<T>) {
		let config = match StorageValueRef::persistent(CONFIG_KEY).get::<OcwConfig>() {
			Ok(Some(config)) => config,
			Ok(None) => return,
			Err(_) => {
				return log::error!(
					target: LOG_TARGET,
					"the stored off-chain worker config does not decode: restart the node with \
					 --allora-config"
				)
			}
		};
		let mut lock = StorageLock::<Time>::with_deadline(
			RUN_LOCK_KEY,
			Duration::from_millis(RUN_LOCK_MILLIS),
		);
		let Ok(_guard) = lock.try_lock() else {
			return log::debug!(target: LOG_TARGET, "block {now:?}: the previous run still works");
		};
		// A transaction sent now is included in the next block at the earliest.
		let at = now.saturating_add(One::one());
		for entry in &config.workers {
			worker::run::<T>(entry, now, at);
		}
		for entry in &config.reputers {
			reputer::run::<T>(entry, now, at);
		}
	}
}
