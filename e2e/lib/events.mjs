// Waiting for runtime events block by block.

/**
 * Resolve with { event, blockHash } for the first event in a new block that `matches`
 * (called with the decoded event), or reject after `timeoutMs`. Blocks are read as their
 * headers arrive, so the block an event happened in is known (to query state there).
 */
export function waitForEvent(api, matches, timeoutMs, description = 'event') {
  return new Promise((resolve, reject) => {
    let unsub;
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsub?.();
      fn(value);
    };
    const timer = setTimeout(
      () => finish(reject, new Error(`no ${description} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    api.rpc.chain
      .subscribeNewHeads(async (header) => {
        try {
          const records = await api.query.system.events.at(header.hash);
          const found = records.map(({ event }) => event).find((event) => matches(event));
          if (found) finish(resolve, { event: found, blockHash: header.hash.toHex() });
        } catch (error) {
          finish(reject, error);
        }
      })
      .then((u) => {
        unsub = u;
        if (done) u();
      }, (error) => finish(reject, error));
  });
}

/** Matches `pallet.method` events whose `topic` field is `topic` (and `nonce`, if given). */
export function topicEvent(api, pallet, method, topic, nonce) {
  return (event) =>
    api.events[pallet][method].is(event) &&
    event.data.topic.toNumber() === topic &&
    (nonce === undefined || event.data.nonce.toNumber() === Number(nonce));
}
