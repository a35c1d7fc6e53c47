// The prediction network run by the node's off-chain workers alone: `allora-node --dev
// --allora-config <file>` with real Python model servers on loopback (sdk/python, from the
// virtualenv of scripts/python-env). The test funds accounts, allows short epochs, creates
// and funds the topics and puts the `allo` keys into the keystore. It never submits anything
// for a worker or a reputer: the off-chain workers register, stake, fetch inferences,
// forecasts and ground truth over HTTP, and sign and submit every transaction themselves.
//
// Topic 1 (AAPL): four inferers (models last, moving_average, ar, noisy), one forecaster
// (error_ema) and one reputer; three epochs must complete (inferences stored, losses reported,
// epoch scored), with a forecast in the synthesis, and inferers and reputer must be paid.
// Topic 2 (MSFT) runs beside it on the same node, the fault case: two good inferers, one whose
// model server is not running and one whose model answers garbage; the epoch still completes.
//
// Epochs of E = 5 blocks of 2 s, ground-truth lag E, worker window E − 1. Inferers are first
// paid in the epoch synthesised after a network loss is known, i.e. the third (see
// epoch.test.mjs): about 25 blocks after a topic activates, which is when its reputer's
// stake lands.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';

import { cryptoWaitReady } from '@polkadot/util-crypto';

import { freePorts, isListening, startDevNode, startupTimeoutMs } from '../lib/node.mjs';
import {
  ALLO,
  ChainEvents,
  allowEpochLength,
  createTopic,
  describeEvent,
  fixedToNumber,
  formatAllo,
  fundAccounts,
  fundTopic,
  insertAlloKeys,
  keyFor,
  logLine,
  ocwConfig,
  startForecaster,
  startModelServer,
  startTruthServer,
  stopServices,
  writeOcwConfig,
} from '../lib/network.mjs';

const BLOCK_MS = 2_000;
const EPOCH = 5;
const MIN_STAKE = 10_000n * ALLO;
const WORKER_FUNDS = 100n * ALLO;
const REPUTER_FUNDS = 2n * MIN_STAKE;
const TOPIC_FUNDS = 100n * ALLO;

/** Events worth a progress line (inference submissions are summed up by the synthesis'). */
const LOGGED = new Set([
  'topics.TopicActivated',
  'topics.TopicInactivated',
  'workers.WorkerRegistered',
  'reputers.ReputerRegistered',
  'reputers.StakeAdded',
  'synthesis.NetworkInferenceStored',
  'synthesis.InferenceSkipped',
  'synthesis.EpochScored',
  'synthesis.ScoringSkipped',
]);

const log = (message) => logLine('ocw', message);
const addressOf = (account) => account.toString();

/**
 * Who serves which topic. The topic ids are those of a fresh chain: the OCW config is
 * written before the node starts. Keys need the crypto ready, so this runs in `before`.
 */
function plan() {
  const inferer = (suri, model) => ({ ...keyFor(suri), model });
  return {
    main: {
      id: 1,
      token: 'AAPL',
      inferers: [
        inferer('//Inferer1', 'last'),
        inferer('//Inferer2', 'moving_average'),
        inferer('//Inferer3', 'ar'),
        inferer('//Inferer4', 'noisy'),
      ],
      forecaster: keyFor('//Forecaster1'),
      reputer: keyFor('//Reputer1'),
    },
    fault: {
      id: 2,
      token: 'MSFT',
      good: [inferer('//Inferer5', 'last'), inferer('//Inferer6', 'moving_average')],
      unreachable: keyFor('//Inferer7'),
      garbage: inferer('//Inferer8', 'garbage'),
      reputer: keyFor('//Reputer2'),
    },
  };
}

describe('off-chain workers run the prediction network on allora-node --dev', () => {
  let node;
  let api;
  let events;
  let configDir;
  let main;
  let fault;
  const services = [];
  const names = new Map();

  before(
    async () => {
      await cryptoWaitReady();
      ({ main, fault } = plan());
      const workers = [...main.inferers, main.forecaster, ...fault.good, fault.unreachable, fault.garbage];
      const reputers = [main.reputer, fault.reputer];
      for (const key of [...workers, ...reputers]) names.set(key.address, key.suri.slice(2));

      const models = ['last', 'moving_average', 'ar', 'noisy', 'garbage'];
      const [rpcPort, forecastPort, truthPort, unreachablePort, ...modelPorts] = await freePorts(4 + models.length);
      const modelPort = Object.fromEntries(models.map((model, i) => [model, modelPorts[i]]));
      const rpcHttp = `http://127.0.0.1:${rpcPort}`;

      const config = ocwConfig({
        nodeRpc: rpcHttp,
        loopSeconds: BLOCK_MS / 1000,
        inferers: [
          ...main.inferers.map((key) => ({ key, topicId: main.id, token: main.token, port: modelPort[key.model] })),
          ...[...fault.good, fault.garbage].map((key) => ({ key, topicId: fault.id, token: fault.token, port: modelPort[key.model] })),
          { key: fault.unreachable, topicId: fault.id, token: fault.token, port: unreachablePort },
        ],
        forecasters: [{ key: main.forecaster, topicId: main.id, token: main.token, port: forecastPort }],
        reputers: [main, fault].map((group) => ({
          key: group.reputer,
          topicId: group.id,
          token: group.token,
          port: truthPort,
          minStake: MIN_STAKE,
        })),
      });
      configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'allora-ocw-test-'));
      const configFile = writeOcwConfig(config, configDir);
      log(`OCW config ${configFile}: ${config.worker.length} worker and ${config.reputer.length} reputer entries`);

      // The servers first: once they listen, the node's own free ports cannot collide with theirs.
      log('starting the model servers and the ground-truth server');
      const track = (promise) => promise.then((service) => (services.push(service), service));
      const started = await Promise.allSettled([
        ...models.map((model, i) =>
          track(startModelServer({ model, port: modelPorts[i], epochLength: EPOCH, seed: model === 'noisy' ? 7 : undefined }))),
        track(startTruthServer({ port: truthPort, epochLength: EPOCH })),
      ]);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      log('starting the node');
      node = await startDevNode({
        label: 'ocw',
        blockTimeMs: BLOCK_MS,
        rpcPort,
        args: ['--allora-config', configFile, '--offchain-worker', 'always', '--rpc-methods', 'unsafe'],
      });
      api = node.api;
      log(`node up at ${node.rpcUrl} (log ${node.logFile})`);
      services.push(await startForecaster({ port: forecastPort, rpcUrl: rpcHttp, epochLength: EPOCH }));
      assert.equal(await isListening(unreachablePort), false, 'nothing may listen on the unreachable model port');

      events = await ChainEvents.follow(api, {
        onEvent: (record) => {
          if (LOGGED.has(record.name)) log(describeEvent(record, names));
        },
      });

      const alice = keyFor('//Alice').pair; // the dev chain's sudo key, and rich
      await fundAccounts(api, alice, [
        ...workers.map(({ address }) => ({ address, amount: WORKER_FUNDS })),
        ...reputers.map(({ address }) => ({ address, amount: REPUTER_FUNDS })),
      ]);
      await allowEpochLength(api, alice, EPOCH);
      for (const group of [main, fault]) {
        const id = await createTopic(api, alice, { metadata: `${group.token} adjusted close, next day`, epochLength: EPOCH });
        assert.equal(id, group.id, 'the OCW config names the topic ids of a fresh chain');
        await fundTopic(api, alice, id, TOPIC_FUNDS);
      }
      log(`accounts funded, topics ${main.id} (${main.token}) and ${fault.id} (${fault.token}) created and funded`);
      await insertAlloKeys(node.provider, [...workers, ...reputers]);
      log(`${workers.length + reputers.length} allo keys in the keystore: from here on the off-chain workers act alone`);
    },
    { timeout: startupTimeoutMs() + 240_000 },
  );

  afterEach((t) => {
    if (t.passed === true) return;
    node?.printLogTail(`test "${t.name}" failed`, { force: true, lines: 120 });
    for (const service of services) service.printLogTail(`test "${t.name}" failed`, { force: true, lines: 15 });
  });

  after(async () => {
    events?.stop();
    await Promise.allSettled([stopServices(), node?.stop()]);
    if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
  });

  test('four inferers, a forecaster and a reputer complete three epochs and are paid, all by off-chain workers', { timeout: 480_000 }, async () => {
    const topic = main.id;
    const inferers = new Set(main.inferers.map((w) => w.address));
    const reputer = main.reputer.address;

    const progress = () => {
      const stored = events.where('synthesis.NetworkInferenceStored', topic);
      const scored = new Map(events.where('synthesis.EpochScored', topic).map((r) => [r.nonce, r]));
      const reported = new Set(
        events.where('reputers.LossesSubmitted', topic).filter((r) => addressOf(r.data.reputer) === reputer).map((r) => r.nonce),
      );
      const rewards = events.where('emissions.RewardPaid', topic).filter((r) => r.data.amount.toBigInt() > 0n);
      return {
        stored,
        complete: stored.filter(
          (r) => r.data.inferers.toNumber() === inferers.size && reported.has(r.nonce) && scored.get(r.nonce)?.data.reputers.toNumber() >= 1,
        ),
        withForecast: stored.filter((r) => r.data.forecasters.toNumber() >= 1),
        infererRewards: rewards.filter((r) => r.data.role.toString() === 'Inferer' && inferers.has(addressOf(r.data.account))),
        reputerRewards: rewards.filter((r) => r.data.role.toString() === 'Reputer' && addressOf(r.data.account) === reputer),
      };
    };
    const missing = (p) => [
      p.complete.length < 3 &&
        `3 epochs with all 4 inferers, the reputer's losses and a score (have ${p.complete.length}; stored: ` +
          `${p.stored.map((r) => `${r.nonce}:${r.data.inferers}i/${r.data.forecasters}f`).join(' ') || 'none'})`,
      p.withForecast.length === 0 && 'a network inference that includes a forecast',
      p.infererRewards.length === 0 && 'a reward paid to an inferer',
      p.reputerRewards.length === 0 && 'a reward paid to the reputer',
    ].filter(Boolean);

    await events.waitFor(() => events.where('topics.TopicActivated', topic)[0], {
      timeoutMs: 120_000,
      what: () => `topic ${topic} to activate (the reputer's OCW registers and stakes); registered so far: ` +
        `${[...events.where('workers.WorkerRegistered', topic), ...events.where('reputers.ReputerRegistered', topic)]
          .map((r) => names.get(addressOf(r.data.worker ?? r.data.reputer))).join(', ') || 'nobody'}`,
    });
    const p = await events.waitFor(() => missing(progress()).length === 0 && progress(), {
      timeoutMs: 420_000,
      what: () => missing(progress()).join('; '),
    });
    log(`topic ${topic}: ${p.complete.length} complete epochs (${p.complete.map((r) => r.nonce).join(', ')})`);

    // Every submission came from the account configured for it.
    const from = (name, field) => new Set(events.where(name, topic).map((r) => addressOf(r.data[field])));
    assert.deepEqual([...from('workers.InferenceSubmitted', 'worker')].filter((a) => !inferers.has(a)), [], 'only the configured inferers submit inferences');
    assert.deepEqual([...from('workers.ForecastSubmitted', 'worker')], [main.forecaster.address], 'the forecaster submits forecasts');
    assert.deepEqual([...from('reputers.LossesSubmitted', 'reputer')], [reputer], 'the reputer reports losses');

    // The newest network inference over RPC (at the newest block whose events are in) holds
    // what the inferers' OCWs submitted.
    const seen = events.bestHash;
    const latest = await node.provider.send('allora_latestNetworkInference', [topic, seen]);
    assert.ok(latest, 'allora_latestNetworkInference answers once an epoch closed');
    assert.ok(latest.nonce >= p.complete.at(-1).nonce, `latest nonce ${latest.nonce} is at least the last complete epoch`);
    assert.deepEqual(await node.provider.send('allora_networkInference', [topic, latest.nonce, seen]), latest);
    const submitted = new Map(
      events.where('workers.InferenceSubmitted', topic)
        .filter((r) => r.nonce === latest.nonce)
        .map((r) => [addressOf(r.data.worker), fixedToNumber(r.data.value)]),
    );
    assert.ok(latest.inferers.length >= 1, 'the latest epoch has inferers');
    for (const { worker, value } of latest.inferers) {
      assert.ok(submitted.has(worker), `${names.get(worker) ?? worker} in the network inference submitted for nonce ${latest.nonce}`);
      const expected = submitted.get(worker);
      assert.ok(Math.abs(Number(value) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `stored ${value}, submitted ${expected}`);
    }
    const values = latest.inferers.map((w) => Number(w.value));
    const combined = Number(latest.combined);
    const slack = 1e-9 * Math.max(1, ...values.map(Math.abs));
    assert.ok(Number.isFinite(combined), `combined ${latest.combined} is a number`);
    assert.ok(combined >= Math.min(...values) - slack && combined <= Math.max(...values) + slack,
      `combined ${combined} lies within the inferences ${values.join(', ')}`);
    log(`topic ${topic} epoch ${latest.nonce}: network inference ${latest.combined} from ${values.length} inferences`);

    // An inferer's reward reaches its free balance (checked in a block where it paid no fee).
    let balanceChecked = false;
    for (const reward of p.infererRewards) {
      const account = addressOf(reward.data.account);
      const inBlock = events.records.filter((r) => r.block === reward.block);
      const paidFee = inBlock.some((r) => r.name === 'transactionPayment.TransactionFeePaid' && addressOf(r.data.who) === account);
      if (paidFee) continue;
      const paid = inBlock
        .filter((r) => r.name === 'emissions.RewardPaid' && addressOf(r.data.account) === account)
        .reduce((sum, r) => sum + r.data.amount.toBigInt(), 0n);
      const header = await api.rpc.chain.getHeader(reward.hash);
      const before = await api.query.system.account.at(header.parentHash, account);
      const after = await api.query.system.account.at(reward.hash, account);
      assert.equal(after.data.free.toBigInt() - before.data.free.toBigInt(), paid, `${names.get(account)}'s reward is in its balance`);
      log(`${names.get(account)} was paid ${formatAllo(paid)} at #${reward.block}`);
      balanceChecked = true;
      break;
    }
    if (!balanceChecked) log('every rewarded inferer also paid a fee in its reward block: balance delta not compared');
    const scores = await node.provider.send('allora_actorScores', [topic, addressOf(p.infererRewards[0].data.account)]);
    assert.ok(scores.inferer, 'a paid inferer has an inferer score');

    // The reputer's reward compounds into its stake, on top of the minStake its OCW staked.
    const reward = p.reputerRewards[0];
    const header = await api.rpc.chain.getHeader(reward.hash);
    const stakeBefore = (await api.query.reputers.reputerStake.at(header.parentHash, topic, reputer)).toBigInt();
    const stakeAfter = (await api.query.reputers.reputerStake.at(reward.hash, topic, reputer)).toBigInt();
    assert.ok(stakeBefore >= MIN_STAKE, `the reputer's OCW staked ${formatAllo(stakeBefore)}, at least minStake`);
    assert.ok(stakeAfter > stakeBefore, `the reputer's stake grew with its reward: ${formatAllo(stakeBefore)} -> ${formatAllo(stakeAfter)}`);
    const sets = await node.provider.send('allora_activeSets', [topic]);
    assert.ok(sets.reputers.includes(reputer), 'the reputer is in the active set');
  });

  test('a model server that is down and a model that answers garbage do not stop the epoch', { timeout: 300_000 }, async () => {
    const topic = fault.id;
    const good = new Set(fault.good.map((w) => w.address));

    // An epoch both good inferers landed in, stored and scored.
    const completed = () => {
      const scored = new Map(events.where('synthesis.EpochScored', topic).map((r) => [r.nonce, r]));
      return events.where('synthesis.NetworkInferenceStored', topic).filter((r) => {
        const landed = new Set(events.where('workers.InferenceSubmitted', topic).filter((i) => i.nonce === r.nonce).map((i) => addressOf(i.data.worker)));
        return [...good].every((a) => landed.has(a)) && scored.get(r.nonce)?.data.reputers.toNumber() >= 1;
      });
    };
    const epoch = await events.waitFor(() => completed()[0], {
      timeoutMs: 240_000,
      what: () => `an epoch of topic ${topic} with both good inferers, scored (stored: ` +
        `${events.where('synthesis.NetworkInferenceStored', topic).map((r) => `${r.nonce}:${r.data.inferers}i`).join(' ') || 'none'})`,
    });
    log(`topic ${topic}: epoch ${epoch.nonce} completed with ${epoch.data.inferers} inferers`);
    assert.equal(epoch.data.inferers.toNumber(), good.size, 'the synthesis used exactly the two good inferers');

    const landed = events.where('workers.InferenceSubmitted', topic).map((r) => addressOf(r.data.worker));
    assert.deepEqual(landed.filter((a) => !good.has(a)).map((a) => names.get(a) ?? a), [],
      'neither the unreachable model nor the garbage model landed an inference');
    for (const w of fault.good) assert.ok(landed.includes(w.address), `${names.get(w.address)} landed inferences`);

    const latest = await node.provider.send('allora_latestNetworkInference', [topic, events.bestHash]);
    assert.ok(latest, 'allora_latestNetworkInference answers for the fault topic');
    assert.ok(latest.inferers.length >= 1 && latest.inferers.every((w) => good.has(w.worker)), 'only good inferers are in the network inference');
    assert.equal(node.exitInfo, undefined, 'the node is still running');
    for (const service of services) assert.ok(service.alive, `${service.label} is still running`);

    // The faulty two were live entries of the off-chain workers: they registered (before any
    // model is asked), then every fetch of theirs failed.
    const registered = new Set(events.where('workers.WorkerRegistered', topic).map((r) => addressOf(r.data.worker)));
    for (const key of [fault.unreachable, fault.garbage]) {
      assert.ok(registered.has(key.address), `${names.get(key.address)} registered: its OCW entry ran`);
    }
  });
});
