// End-to-end story of the prediction network on one `allora-node --dev`: a consumer creates
// and funds a topic, a reputer registers and stakes (held by pallet-balances), a worker
// registers, the topic's epoch opens, and the worker submits an inference inside the window.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { startDevNode, startupTimeoutMs } from '../lib/node.mjs';
import { ALLO, fixed, topicParams } from '../lib/network.mjs';
import { signAndWaitInBlock } from '../lib/tx.mjs';

const EPOCH_LENGTH = 12;

/** The first event of `pallet.method` among a transaction's own events. */
function eventOf(api, result, pallet, method) {
  const found = result.events.map(({ event }) => event).find((e) => api.events[pallet][method].is(e));
  const names = result.events.map(({ event }) => `${event.section}.${event.method}`).join(', ');
  assert.ok(found, `no ${pallet}.${method} event in: ${names}`);
  return found;
}

/** Resolve with the data of the first `topics.WorkerNonceOpened` event for `topic`. */
function nextWorkerNonce(api, topic, timeoutMs) {
  return new Promise((resolve, reject) => {
    let unsub;
    const timer = setTimeout(() => {
      unsub?.();
      reject(new Error(`no WorkerNonceOpened for topic ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    api.query.system
      .events((records) => {
        for (const { event } of records) {
          if (api.events.topics.WorkerNonceOpened.is(event) && event.data.topic.toNumber() === topic) {
            clearTimeout(timer);
            unsub?.();
            resolve(event.data);
            return;
          }
        }
      })
      .then((u) => (unsub = u), reject);
  });
}

describe('the prediction network on allora-node --dev', () => {
  let node;
  let api;

  before(
    async () => {
      await cryptoWaitReady();
      node = await startDevNode();
      api = node.api;
    },
    { timeout: startupTimeoutMs() + 60_000 },
  );

  afterEach((t) => {
    if (t.passed !== true) node?.printLogTail(`test "${t.name}" failed`, { force: true });
  });

  after(async () => {
    await node?.stop();
  });

  test('a topic is created and funded, a reputer stakes, a worker submits an inference in the open epoch', { timeout: 180_000 }, async () => {
    const keyring = new Keyring({ type: 'sr25519' });
    const consumer = keyring.addFromUri('//Alice');
    const worker = keyring.addFromUri('//Bob');
    const reputer = keyring.addFromUri('//Charlie');

    // A consumer creates a topic.
    const create = api.tx.topics.createTopic(
      topicParams({ metadata: 'ETH/USD in 10 minutes', epochLength: EPOCH_LENGTH, workerSubmissionWindow: EPOCH_LENGTH / 2 }),
    );
    const created = eventOf(api, (await signAndWaitInBlock(api, create, consumer)).result, 'topics', 'TopicCreated');
    const topic = created.data.topic.toNumber();
    assert.ok(topic >= 1, 'topic ids start at 1');
    assert.ok(created.data.creator.eq(consumer.address));
    assert.ok((await api.query.topics.topics(topic)).isSome, 'the topic is stored');

    // A reputer registers and stakes; the stake is held on its own account.
    await signAndWaitInBlock(api, api.tx.reputers.register(topic), reputer);
    const stake = 1_000n * ALLO;
    const freeBefore = (await api.query.system.account(reputer.address)).data.free.toBigInt();
    const staked = eventOf(api, (await signAndWaitInBlock(api, api.tx.reputers.addStake(topic, stake), reputer)).result, 'reputers', 'StakeAdded');
    assert.equal(staked.data.amount.toBigInt(), stake);
    assert.equal((await api.query.reputers.topicStake(topic)).toBigInt(), stake);
    const account = await api.query.system.account(reputer.address);
    assert.ok(account.data.reserved.toBigInt() >= stake, 'the stake is held (reserved) by pallet-balances');
    assert.ok(freeBefore - account.data.free.toBigInt() >= stake, 'the stake left the free balance');

    // From here on the topic may activate (every fee re-checks its weight, spec §1.4).
    const nonceOpened = nextWorkerNonce(api, topic, 90_000);
    nonceOpened.catch(() => {}); // awaited below; keep an early rejection from going unhandled

    // A worker registers.
    const registered = eventOf(api, (await signAndWaitInBlock(api, api.tx.workers.register(topic, null), worker)).result, 'workers', 'WorkerRegistered');
    assert.ok(registered.data.worker.eq(worker.address));

    // The consumer pays what it wants. With stake behind it and fee revenue, the topic is
    // active (the registration fees may already have tipped it over).
    const fund = (await signAndWaitInBlock(api, api.tx.topics.fundTopic(topic, 100n * ALLO), consumer)).result;
    assert.equal(eventOf(api, fund, 'topics', 'TopicFunded').data.amount.toBigInt(), 100n * ALLO);
    assert.ok((await api.query.topics.activeTopics(topic)).isSome, 'the funded, staked topic is active');

    // The next epoch opens a worker nonce; the worker submits inside its window.
    const { nonce } = await nonceOpened;
    const value = fixed('2541.25');
    const submit = api.tx.workers.submit(topic, nonce, value, null);
    const submitted = eventOf(api, (await signAndWaitInBlock(api, submit, worker)).result, 'workers', 'InferenceSubmitted');
    assert.equal(submitted.data.nonce.toNumber(), nonce.toNumber());
    assert.equal(submitted.data.value.toString(), BigInt(value).toString());
    assert.equal((await api.query.workers.inferences([topic, nonce], worker.address)).unwrap().toString(), value);

    // A second inference for the same epoch is refused with a named error.
    await assert.rejects(
      signAndWaitInBlock(api, api.tx.workers.submit(topic, nonce, fixed('1'), null), worker),
      /workers\.InferenceAlreadySubmitted/,
    );
  });
});
