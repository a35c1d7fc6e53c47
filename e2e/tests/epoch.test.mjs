// One whole epoch on `allora-node --dev` with a short-epoch topic: two workers submit
// inferences, the chain stores the network inference when the window closes (read back
// through `allora_latestNetworkInference`), the reputer reports losses against a ground
// truth, and when the reputer window closes the chain scores everyone and pays ALLO rewards
// into the workers' balances.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { topicEvent, waitForEvent } from '../lib/events.mjs';
import { startDevNode, startupTimeoutMs } from '../lib/node.mjs';
import { signAndWaitInBlock } from '../lib/tx.mjs';

const ALLO = 10n ** 18n;
const EPOCH = 12;
const TRUTH = 101;

/** A decimal number as `allora_synthesis::Fixed` bits (value × 10^18), as a string. */
function fixed(x) {
  const [whole, frac = ''] = x.toFixed(12).split('.');
  const negative = whole.startsWith('-');
  const bits = BigInt(whole.replace('-', '')) * ALLO + BigInt((frac + '0'.repeat(18)).slice(0, 18));
  return (negative ? -bits : bits).toString();
}

/** The topic's loss (spec §0.3, allow_negative = false): log10 of the squared error. */
const loss = (value) => Math.log10((Number(value) - TRUTH) ** 2);

describe('one epoch end to end on allora-node --dev', () => {
  let node;
  let api;

  before(
    async () => {
      await cryptoWaitReady();
      node = await startDevNode({ label: 'epoch' });
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

  test('inferences become a stored network inference, losses become rewards', { timeout: 300_000 }, async () => {
    const keyring = new Keyring({ type: 'sr25519' });
    const consumer = keyring.addFromUri('//Alice');
    const good = keyring.addFromUri('//Bob');
    const poor = keyring.addFromUri('//Dave');
    const reputer = keyring.addFromUri('//Charlie');

    const created = await signAndWaitInBlock(api, api.tx.topics.createTopic({
      metadata: 'ETH/USD in one minute',
      lossMethod: 'log10 mse',
      epochLength: EPOCH,
      groundTruthLag: EPOCH,
      workerSubmissionWindow: EPOCH / 2,
      pNorm: fixed(3),
      alphaRegret: fixed(0.1),
      allowNegative: false,
      epsilon: fixed(0.01),
      meritSortitionAlpha: fixed(0.1),
      activeInfererQuantile: fixed(0.25),
      activeForecasterQuantile: fixed(0.25),
      activeReputerQuantile: fixed(0.25),
    }), consumer);
    const topic = created.result.events
      .map(({ event }) => event)
      .find((e) => api.events.topics.TopicCreated.is(e)).data.topic.toNumber();

    await signAndWaitInBlock(api, api.tx.reputers.register(topic), reputer);
    await signAndWaitInBlock(api, api.tx.reputers.addStake(topic, 10_000n * ALLO), reputer);
    const opened = waitForEvent(api, topicEvent(api, 'topics', 'WorkerNonceOpened', topic), 120_000, 'worker nonce');
    opened.catch(() => {});
    for (const worker of [good, poor]) {
      await signAndWaitInBlock(api, api.tx.workers.register(topic, null), worker);
    }
    await signAndWaitInBlock(api, api.tx.topics.fundTopic(topic, 100n * ALLO), consumer);

    // Workers submit in the open window.
    const { event: nonceEvent } = await opened;
    const nonce = nonceEvent.data.nonce.toNumber();
    const stored = waitForEvent(api, topicEvent(api, 'synthesis', 'NetworkInferenceStored', topic, nonce), 120_000, 'stored network inference');
    stored.catch(() => {});
    await signAndWaitInBlock(api, api.tx.workers.submit(topic, nonce, fixed(100), null), good);
    await signAndWaitInBlock(api, api.tx.workers.submit(topic, nonce, fixed(130), null), poor);

    // The window closes: the network inference is stored and served over RPC.
    const { event: storedEvent } = await stored;
    assert.equal(storedEvent.data.inferers.toNumber(), 2);
    const inference = await node.provider.send('allora_latestNetworkInference', [topic]);
    assert.ok(inference, 'allora_latestNetworkInference answers after the window closed');
    assert.equal(inference.nonce, nonce);
    const combined = Number(inference.combined);
    assert.ok(combined >= 100 && combined <= 130, `combined ${combined} lies between the inferences`);
    assert.deepEqual(inference.inferers.map((w) => w.worker).sort(), [good.address, poor.address].sort());
    const atNonce = await node.provider.send('allora_networkInference', [topic, nonce]);
    assert.deepEqual(atNonce, inference);

    // The ground truth is known G blocks later: the reputer reports the losses of every
    // value of the bundle.
    const reputerOpen = waitForEvent(api, topicEvent(api, 'topics', 'ReputerNonceOpened', topic, nonce), 120_000, 'reputer nonce');
    reputerOpen.catch(() => {});
    await reputerOpen;
    const scored = waitForEvent(api, topicEvent(api, 'synthesis', 'EpochScored', topic, nonce), 120_000, 'scored epoch');
    scored.catch(() => {});
    const values = (list) => list.map((w) => ({ worker: w.worker, value: fixed(loss(w.value)) }));
    const bundle = {
      combinedValue: fixed(loss(inference.combined)),
      naiveValue: fixed(loss(inference.naive)),
      infererValues: values(inference.inferers),
      forecasterValues: [],
      oneOutInfererValues: values(inference.oneOutInferers),
      oneOutForecasterValues: [],
      oneInForecasterValues: [],
      oneOutInfererForecasterValues: [],
    };
    await signAndWaitInBlock(api, api.tx.reputers.submitLosses(topic, nonce, bundle), reputer);

    // The reputer window closes: everyone is scored and paid.
    const { event: scoredEvent, blockHash } = await scored;
    assert.ok(scoredEvent.data.paid.toBigInt() > 0n, 'the epoch paid rewards');
    const records = await api.query.system.events.at(blockHash);
    const paid = (who) =>
      records
        .map(({ event }) => event)
        .filter((e) => api.events.emissions.RewardPaid.is(e) && e.data.account.eq(who.address))
        .reduce((sum, e) => sum + e.data.amount.toBigInt(), 0n);
    assert.ok(paid(good) > paid(poor), `the better worker earns more (${paid(good)} vs ${paid(poor)})`);

    const header = await api.rpc.chain.getHeader(blockHash);
    const before = await api.query.system.account.at(header.parentHash, good.address);
    const after = await api.query.system.account.at(blockHash, good.address);
    assert.equal(after.data.free.toBigInt() - before.data.free.toBigInt(), paid(good), 'the reward arrived in the balance');

    const scores = await node.provider.send('allora_actorScores', [topic, good.address]);
    assert.ok(scores.inferer, 'the worker has an inferer score');
    const sets = await node.provider.send('allora_activeSets', [topic]);
    assert.deepEqual(sets.reputers, [reputer.address]);
    const emission = await node.provider.send('allora_emissionInfo', []);
    assert.ok(BigInt(emission.blockEmission) > 0n, 'ALLO is emitted every block');
  });
});
