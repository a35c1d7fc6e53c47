// The live prediction network on this machine (started by `scripts/network`): one
// `allora-node --dev` whose off-chain workers do all the work, the Python reference models
// serving them over loopback, three topics (AAPL, MSFT, IBM adjusted close from the bokeh
// sample stocks), and `python -m allora_sdk watch` printing each epoch's network inference
// next to the truth. Runs until Ctrl-C; then, or on any failure, everything it started stops.
//
// Who does what: four inferers (last, moving_average, ar, noisy), two forecasters
// (error_ema, last_error) and a reputer, each answered by one model server serving every
// topic; one ground-truth server for the reputers. Each role has its own account per topic
// (`//Inferer1//AAPL`, ...): an account keeps one transaction in flight, and a block that
// closes epochs may have no room for transactions, so one account per topic-window keeps every
// window's submission a single transaction. This script only
// funds the accounts, allows short epochs, creates and funds the topics, and puts the
// accounts' `allo` keys into the node's keystore.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { LOG_DIR, freePorts, isListening, startDevNode } from '../e2e/lib/node.mjs';
import {
  ALLO,
  ChainEvents,
  allowEpochLength,
  createTopic,
  cryptoWaitReady,
  describeEvent,
  fixedToNumber,
  fundAccounts,
  fundTopic,
  insertAlloKeys,
  keyFor,
  logLine,
  ocwConfig,
  pythonBinary,
  startForecaster,
  startModelServer,
  startRecorder,
  startTruthServer,
  startWatcher,
  stopServices,
} from '../e2e/lib/network.mjs';

const USAGE = `Usage: scripts/network [options]

Starts allora-node --dev with off-chain workers, the reference model servers and three
topics (1 AAPL, 2 MSFT, 3 IBM), then prints each epoch's network inference next to the
truth until Ctrl-C.

Options:
  --epoch-length N     blocks per epoch (default 6); ground truth one epoch later
  --block-time-ms MS   block interval of the dev chain (default 2000)
  --rpc-port PORT      the node's RPC port (default 9944)
  --base-path DIR      keep the chain in DIR (default: a temporary chain)
  --record FILE        also append every network inference to FILE (JSONL, for
                       python -m allora_sdk report --from FILE)
  --log-dir DIR        where the logs go (default e2e/logs/network-<time>)
  --verbose            print every registration, submission, score and reward
  -h, --help           this text`;

const SERIES = [
  { id: 1, token: 'AAPL' },
  { id: 2, token: 'MSFT' },
  { id: 3, token: 'IBM' },
];
const INFERERS = [
  { suri: '//Inferer1', model: 'last' },
  { suri: '//Inferer2', model: 'moving_average' },
  { suri: '//Inferer3', model: 'ar' },
  { suri: '//Inferer4', model: 'noisy', seed: 7 },
];
const FORECASTERS = [
  { suri: '//Forecaster1', model: 'error_ema' },
  { suri: '//Forecaster2', model: 'last_error' },
];
const REPUTER = { suri: '//Reputer1' };
const MIN_STAKE = 10_000n * ALLO;
const WORKER_FUNDS = 1_000n * ALLO;
const REPUTER_FUNDS = MIN_STAKE + 1_000n * ALLO;
const TOPIC_FUNDS = 100n * ALLO;

const say = (message) => logLine('network', message);

/** What is running, for the failure path to stop. */
const running = { node: undefined, events: undefined };

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'epoch-length': { type: 'string', default: '6' },
        'block-time-ms': { type: 'string', default: '2000' },
        'rpc-port': { type: 'string', default: '9944' },
        'base-path': { type: 'string' },
        record: { type: 'string' },
        'log-dir': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new Error(`${e.message}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const integer = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, got ${values[name]}`);
    return n;
  };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    epochLength: integer('epoch-length', 1),
    blockTimeMs: integer('block-time-ms', 1),
    rpcPort: integer('rpc-port', 1),
    basePath: values['base-path'] && path.resolve(values['base-path']),
    record: values.record && path.resolve(values.record),
    logDir: path.resolve(values['log-dir'] ?? path.join(LOG_DIR, `network-${stamp}`)),
    verbose: values.verbose,
  };
}

/** The topics of SERIES, created on a fresh chain or found again in a kept one (--base-path). */
async function ensureTopics(api, alice, epochLength) {
  const next = (await api.query.topics.nextTopicId()).toNumber();
  if (next === 1) {
    for (const { id, token } of SERIES) {
      const created = await createTopic(api, alice, { metadata: `${token} adjusted close, next day`, epochLength });
      if (created !== id) throw new Error(`topic ${token} got id ${created}, the OCW config expects ${id}`);
    }
    say(`topics created: ${SERIES.map(({ id, token }) => `${id} ${token}`).join(', ')}`);
  } else {
    for (const { id, token } of SERIES) {
      const stored = await api.query.topics.topics(id);
      const topic = stored.isSome ? stored.unwrap() : undefined;
      if (!topic || topic.lossMethod.toUtf8() !== 'mse' || topic.epochLength.toNumber() !== epochLength) {
        throw new Error(
          `the chain in --base-path has a topic ${id} that is not this network's ${token} topic with ` +
            `epochs of ${epochLength} blocks: use a new --base-path, or the --epoch-length it was created with`,
        );
      }
    }
    say(`topics found again in the kept chain: ${SERIES.map(({ id, token }) => `${id} ${token}`).join(', ')}`);
  }
  for (const { id } of SERIES) await fundTopic(api, alice, id, TOPIC_FUNDS);
}

async function main() {
  const launched = Date.now();
  const opts = options();
  const seconds = (since = launched) => `${((Date.now() - since) / 1000).toFixed(0)} s`;
  fs.mkdirSync(opts.logDir, { recursive: true });
  if (!fs.existsSync(pythonBinary())) throw new Error(`no Python kit at ${pythonBinary()}: run scripts/python-env`);
  if (await isListening(opts.rpcPort)) {
    throw new Error(`something already listens on port ${opts.rpcPort} (another node?): stop it or pick --rpc-port`);
  }

  await cryptoWaitReady();
  const inferers = INFERERS.map((w) => ({ ...w }));
  const forecasters = FORECASTERS.map((w) => ({ ...w }));
  const reputer = { ...REPUTER };
  // One account per role and topic: //Inferer1//AAPL, ...
  const keyOf = (role, token) => keyFor(`${role.suri}//${token}`);
  const everyone = [...inferers, ...forecasters, reputer].flatMap((role) => SERIES.map(({ token }) => keyOf(role, token)));
  const names = new Map(everyone.map((k) => [k.address, k.suri.slice(2)]));

  const ports = await freePorts(inferers.length + forecasters.length + 1);
  inferers.forEach((w, i) => (w.port = ports[i]));
  forecasters.forEach((w, i) => (w.port = ports[inferers.length + i]));
  const truthPort = ports.at(-1);
  const rpcHttp = `http://127.0.0.1:${opts.rpcPort}`;
  const rpcWs = `ws://127.0.0.1:${opts.rpcPort}`;

  const perTopic = (role) => SERIES.map(({ id, token }) => ({ key: keyOf(role, token), topicId: id, token, port: role.port }));
  const config = ocwConfig({
    nodeRpc: rpcHttp,
    loopSeconds: Math.max(1, Math.round(opts.blockTimeMs / 1000)),
    inferers: inferers.flatMap(perTopic),
    forecasters: forecasters.flatMap(perTopic),
    reputers: SERIES.map(({ id, token }) => ({ key: keyOf(reputer, token), topicId: id, token, port: truthPort, minStake: MIN_STAKE })),
  });
  const configFile = path.join(opts.logDir, 'ocw-config.json');
  fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const { epochLength, logDir } = opts;
  // The servers first: once they listen, the node's own free ports cannot collide with theirs.
  say(`starting ${inferers.length + 1} model servers (logs in ${logDir})`);
  const started = await Promise.allSettled([
    ...inferers.map((w) => startModelServer({ model: w.model, port: w.port, epochLength, seed: w.seed, logDir })),
    startTruthServer({ port: truthPort, epochLength, logDir }),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const services = started.map((s) => s.value);
  say(`starting allora-node (the first start compiles the runtime, up to a minute or two)`);
  running.node = await startDevNode({
    label: 'allora-node',
    blockTimeMs: opts.blockTimeMs,
    rpcPort: opts.rpcPort,
    basePath: opts.basePath,
    logDir,
    args: ['--allora-config', configFile, '--offchain-worker', 'always', '--rpc-methods', 'unsafe'],
  });
  for (const w of forecasters) {
    services.push(await startForecaster({ model: w.model, port: w.port, rpcUrl: rpcHttp, epochLength, logDir }));
  }
  const { node } = running;
  const api = node.api;
  say(`node up after ${seconds()}, model servers answering`);

  // With --record: who each address is and what the chain paid it, for the report.
  const accountsFile = opts.record && opts.record.replace(/\.jsonl$/, '') + '.accounts.json';
  const accounts = Object.fromEntries(everyone.map((k) => [k.address, { name: k.suri.slice(2), rewards: '0' }]));
  const noteReward = (record) => {
    const entry = accounts[record.data.account.toString()];
    if (!entry) return;
    entry.rewards = (BigInt(entry.rewards) + record.data.amount.toBigInt()).toString();
    fs.writeFileSync(accountsFile, `${JSON.stringify(accounts, null, 2)}\n`);
  };
  if (accountsFile) fs.writeFileSync(accountsFile, `${JSON.stringify(accounts, null, 2)}\n`);

  let firstInference;
  const events = (running.events = await ChainEvents.follow(api, {
    keep: false,
    onEvent: (record) => {
      if (accountsFile && record.name === 'emissions.RewardPaid') noteReward(record);
      const line = describeEvent(record, names);
      if (!line) return;
      if (record.name === 'synthesis.NetworkInferenceStored' && !firstInference) {
        firstInference = record;
        const token = SERIES.find((t) => t.id === record.topic)?.token;
        console.log(
          `\n  first network inference ${seconds()} after launch: topic ${record.topic} ${token} epoch ${record.nonce}, ` +
            `${fixedToNumber(record.data.combined).toFixed(4)} from ${record.data.inferers} inferers\n`,
        );
      }
      const notable = /Activated|Inactivated|Skipped/.test(record.name);
      if (opts.verbose || notable) say(line);
    },
  }));

  const alice = keyFor('//Alice').pair; // the dev chain's sudo key, and rich
  const reputerKeys = new Set(SERIES.map(({ token }) => keyOf(reputer, token).address));
  const funded = await fundAccounts(
    api,
    alice,
    everyone.map(({ address }) => ({ address, amount: reputerKeys.has(address) ? REPUTER_FUNDS : WORKER_FUNDS })),
  );
  say(`${funded.length} accounts funded from Alice`);
  if (await allowEpochLength(api, alice, epochLength)) say(`topics may now have epochs of ${epochLength} blocks`);
  await ensureTopics(api, alice, epochLength);
  await insertAlloKeys(node.provider, everyone);
  say(`${everyone.length} allo keys in the keystore: the off-chain workers take over (setup took ${seconds()})`);

  const topics = SERIES;
  services.push(await startWatcher({ rpcUrl: rpcHttp, topics, epochLength, logDir }));
  if (opts.record) services.push(await startRecorder({ rpcUrl: rpcHttp, topics, epochLength, out: opts.record, logDir }));

  const epochSeconds = (epochLength * opts.blockTimeMs) / 1000;
  console.log(
    [
      '',
      '  Allora network is running',
      `  topics      ${SERIES.map(({ id, token }) => `${id} ${token}`).join(', ')}; epochs of ${epochLength} blocks (${epochSeconds} s)`,
      `  workers     inferers ${inferers.map((w) => `${w.suri.slice(2)} (${w.model})`).join(', ')}`,
      `              forecasters ${forecasters.map((w) => `${w.suri.slice(2)} (${w.model})`).join(', ')}; reputer ${reputer.suri.slice(2)}`,
      `  RPC         ${rpcWs}  (HTTP on the same port)`,
      `  apps        https://polkadot.js.org/apps/?rpc=${encodeURIComponent(rpcWs)}#/explorer`,
      `  logs        ${logDir}`,
      ...(opts.record ? [`  recording   ${opts.record}`] : []),
      `  chain       ${opts.basePath ?? 'temporary (--base-path DIR keeps it)'}`,
      '  Ctrl-C stops everything. The first network inference comes about two epochs after the',
      '  topics activate (when the reputer\'s stake lands); each line below is one topic-epoch.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const onStop = () => {
    if (stopping) return;
    stopping = true;
    if (opts.record) {
      const topicArgs = SERIES.map(({ id, token }) => `--topic ${id}:${token}`).join(' ');
      console.log(
        `\n  recorded to ${opts.record}; a report of it:\n` +
          `  ${pythonBinary()} -m allora_sdk report --from ${opts.record} --out report ${topicArgs} --epoch-length ${epochLength}`,
      );
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onStop);

  // Until Ctrl-C (the safety nets of e2e/lib/node.mjs stop every group and exit), unless a
  // process dies first.
  const gone = await Promise.race([
    node.exited.then((info) => ({ who: node, info })),
    ...services.map((s) => s.exited.then((info) => ({ who: s, info }))),
  ]);
  if (stopping) return;
  gone.who.printLogTail(`${gone.who.label} exited (code ${gone.info.code}, signal ${gone.info.signal})`, { force: true, lines: 40 });
  throw new Error(`${gone.who.label} stopped unexpectedly`);
}

main().catch(async (e) => {
  say(`failed: ${e.message ?? e}`);
  running.events?.stop();
  await Promise.allSettled([stopServices(), running.node?.stop()]);
  process.exit(1);
});
