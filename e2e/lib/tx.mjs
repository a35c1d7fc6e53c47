// Submitting signed transactions and waiting for their inclusion.

/**
 * Sign and submit `tx`; resolve { blockHash, result } once it is in a block (or finalized,
 * whichever the pool reports first). Rejects on an invalid/dropped/usurped transaction, a
 * failed dispatch, or after `timeoutMs`.
 */
export function signAndWaitInBlock(api, tx, signer, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    let unsub;
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsub?.();
      fn(value);
    };
    const timer = setTimeout(
      () => finish(reject, new Error(`transaction not included within ${timeoutMs} ms`)),
      timeoutMs,
    );
    tx.signAndSend(signer, { tip: 0 }, (result) => {
      const { status, dispatchError } = result;
      if (status.isInBlock || status.isFinalized) {
        if (dispatchError) {
          let detail = dispatchError.toString();
          if (dispatchError.isModule) {
            const meta = api.registry.findMetaError(dispatchError.asModule);
            detail = `${meta.section}.${meta.name}: ${meta.docs.join(' ')}`;
          }
          finish(reject, new Error(`transaction dispatch failed: ${detail}`));
          return;
        }
        finish(resolve, {
          blockHash: (status.isInBlock ? status.asInBlock : status.asFinalized).toHex(),
          result,
        });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish(reject, new Error(`transaction ${status.type}`));
      }
    }).then(
      (u) => {
        unsub = u;
        if (settled) u();
      },
      (e) => finish(reject, e),
    );
  });
}
