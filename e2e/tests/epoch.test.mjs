// Epochs end to end on `allora-node --dev` with a short-epoch topic: two workers submit
// inferences every epoch, the chain stores each network inference when the window closes
// (read back through `allora_networkInference`), the reputer reports losses against a ground
// truth, and when a reputer window closes the chain scores everyone and pays ALLO into the
// workers' balances. Inferers are first scored in the epoch whose inference was synthesised
// after a network loss was known (spec §2.5): with E = G = 6 and W = 3 that is the third.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { startDevNode, startupTimeoutMs } from '../lib/node.mjs';
import { ALLO, fixed, topicParams } from '../lib/network.mjs';
import { signAndWaitInBlock } from '../lib/tx.mjs';

const EPOCH = 6;
const TRUTH = 101;

/** The topic's loss (spec §0.3, allow_negative = false): log10 of the squared error. */
const loss = (value) => Math.log10((Number(value) - TRUTH) ** 2);

describe('epochs end to end on allora-node --dev', () => {
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

  test('inferences become stored network inferences, losses become rewards', { timeout: 300_000 }, async () => {
    const keyring = new Keyring({ type: 'sr25519' });
    const consumer = keyring.addFromUri('//Alice'); // also the dev chain's sudo key
    const good = keyring.addFromUri('//Bob');
    const poor = keyring.addFromUri('//Dave');
    const reputer = keyring.addFromUri('//Charlie');

    // Governance (sudo on the dev chain) allows epochs of 6 blocks.
    const params = (await api.query.topics.params()).toJSON();
    await signAndWaitInBlock(api, api.tx.sudo.sudo(api.tx.topics.setParams({ ...params, minEpochLength: EPOCH })), consumer);

    const created = await signAndWaitInBlock(api, api.tx.topics.createTopic(topicParams({
      metadata: 'ETH/USD in 36 seconds',
      lossMethod: 'log10 mse',
      epochLength: EPOCH,
      workerSubmissionWindow: EPOCH / 2,
    })), consumer);
    const topic = created.result.events
      .map(({ event }) => event)
      .find((e) => api.events.topics.TopicCreated.is(e)).data.topic.toNumber();

    // Every event of the topic, block by block, as the loop below consumes them.
    const inbox = [];
    let wake = () => {};
    const unsub = await api.rpc.chain.subscribeNewHeads(async (header) => {
      const records = await api.query.system.events.at(header.hash);
      for (const { event } of records) {
        if (event.data.topic?.toNumber?.() === topic) inbox.push({ event, blockHash: header.hash.toHex() });
      }
      wake();
    });
    const next = async (deadline) => {
      while (inbox.length === 0) {
        if (Date.now() > deadline) throw new Error('the topic went quiet');
        await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 2_000); });
      }
      return inbox.shift();
    };

    await signAndWaitInBlock(api, api.tx.reputers.register(topic), reputer);
    await signAndWaitInBlock(api, api.tx.reputers.addStake(topic, 10_000n * ALLO), reputer);
    for (const worker of [good, poor]) {
      await signAndWaitInBlock(api, api.tx.workers.register(topic, null), worker);
    }
    await signAndWaitInBlock(api, api.tx.topics.fundTopic(topic, 100n * ALLO), consumer);

    const inferences = new Map([[good.address, 100], [poor.address, 130]]);
    const stored = [];
    let rewarded;
    const deadline = Date.now() + 240_000;
    try {
      while (!rewarded) {
        const { event, blockHash } = await next(deadline);
        const nonce = event.data.nonce?.toNumber?.();
        if (api.events.topics.WorkerNonceOpened.is(event)) {
          await Promise.all([good, poor].map((w) =>
            signAndWaitInBlock(api, api.tx.workers.submit(topic, nonce, fixed(inferences.get(w.address)), null), w)));
        } else if (api.events.synthesis.NetworkInferenceStored.is(event)) {
          assert.equal(event.data.inferers.toNumber(), 2);
          const inference = await node.provider.send('allora_networkInference', [topic, nonce]);
          assert.equal(inference.nonce, nonce);
          const combined = Number(inference.combined);
          assert.ok(combined >= 100 && combined <= 130, `combined ${combined} lies between the inferences`);
          assert.deepEqual(inference.inferers.map((w) => w.worker).sort(), [good.address, poor.address].sort());
          assert.deepEqual(await node.provider.send('allora_latestNetworkInference', [topic]), inference);
          stored.push(inference);
        } else if (api.events.topics.ReputerNonceOpened.is(event)) {
          // The ground truth is known: report the loss of every value of the stored bundle.
          const inference = stored.find((i) => i.nonce === nonce);
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
        } else if (api.events.synthesis.EpochScored.is(event)) {
          const records = await api.query.system.events.at(blockHash);
          const payouts = records
            .map(({ event: e }) => e)
            .filter((e) => api.events.emissions.RewardPaid.is(e) && e.data.topic.toNumber() === topic);
          const paid = (who) => payouts
            .filter((e) => e.data.account.eq(who.address))
            .reduce((sum, e) => sum + e.data.amount.toBigInt(), 0n);
          assert.ok(event.data.paid.toBigInt() > 0n, 'every scored epoch pays the reputer at least');
          if (paid(good) > 0n) rewarded = { blockHash, paid, payouts };
        }
      }
    } finally {
      unsub();
    }

    // The epoch that scored the workers paid the better one more, into its free balance.
    const { blockHash, paid, payouts } = rewarded;
    const listed = payouts.map((e) => `${e.data.role} ${e.data.account} ${e.data.amount}`).join('; ');
    assert.ok(paid(good) > paid(poor), `the better worker earns more: ${listed}`);
    const header = await api.rpc.chain.getHeader(blockHash);
    const before = await api.query.system.account.at(header.parentHash, good.address);
    const after = await api.query.system.account.at(blockHash, good.address);
    assert.equal(after.data.free.toBigInt() - before.data.free.toBigInt(), paid(good), 'the reward arrived in the balance');

    const scores = await node.provider.send('allora_actorScores', [topic, good.address]);
    assert.ok(scores.inferer, 'the worker has an inferer score');
    const regrets = await node.provider.send('allora_actorRegrets', [topic, good.address]);
    assert.ok(regrets.inferer !== null, 'the worker has a regret');
    const sets = await node.provider.send('allora_activeSets', [topic]);
    assert.deepEqual(sets.reputers, [reputer.address]);
    const emission = await node.provider.send('allora_emissionInfo', []);
    assert.ok(BigInt(emission.blockEmission) > 0n, 'ALLO is emitted every block');
  });
});
