// Pieces of a live prediction network around one `allora-node --dev`: the Python model
// servers of `sdk/python` (each in its own process group, under the same safety nets as the
// node, see node.mjs), the off-chain-worker configuration the node reads at start
// (`--allora-config`), the `allo` signing keys in the node's keystore, and the chain setup a
// topic needs (funded accounts, short epochs, the topic and its funding). `ChainEvents`
// follows every block's events so a story can wait for what the off-chain workers did.
//
// The order a network starts in:
//   1. keys (`keyFor`) and ports are chosen offline, the config file is written
//      (`writeOcwConfig`): the node loads it once, at start;
//   2. model servers and the node start (`startModelServer`, ..., `startDevNode`);
//   3. accounts are funded, the topic created and funded (`fundAccounts`, `createTopic`, ...);
//   4. the keys go into the keystore (`insertAlloKeys`): from the next block on, the
//      off-chain workers register, submit and report by themselves.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';

// For scripts outside e2e/, which cannot resolve e2e's packages themselves.
export { cryptoWaitReady } from '@polkadot/util-crypto';

import {
  E2E_DIR,
  LOG_DIR,
  guardProcessGroup,
  liveGroupMembers,
  releaseProcessGroup,
  startWatchdog,
  tailFile,
  withTimeout,
} from './node.mjs';
import { signAndWaitInBlock } from './tx.mjs';

export const REPO_ROOT = path.resolve(E2E_DIR, '..');
export const ALLO = 10n ** 18n;

/** The key type of the off-chain workers' signing keys (sr25519). */
export const OCW_KEY_TYPE = 'allo';
/** The entry-point name every worker and reputer entry of the OCW config uses. */
const ENTRYPOINT = 'api-worker-reputer';
/** The price series every model server reads: the bokeh sample stocks, one row per day. */
const SERIES_ARGS = ['--csv', 'bokeh', '--column', 'Adj Close', '--key-column', 'Ticker'];

const SERVICE_STOP_TIMEOUT_MS = 5_000;
const DEFAULT_HEALTH_TIMEOUT_MS = 90_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One progress line on stderr, `[prefix hh:mm:ss] message`. */
export function logLine(prefix, message) {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[${prefix} ${time}] ${message}\n`);
}

// ---------------------------------------------------------------------------------------
// Numbers.

/** A decimal number (number or string) as `allora_synthesis::Fixed` bits (× 10^18), a string. */
export function fixed(x) {
  const text = typeof x === 'number' ? x.toFixed(12) : String(x);
  const negative = text.startsWith('-');
  const [whole, frac = ''] = text.replace('-', '').split('.');
  const bits = BigInt(whole || '0') * ALLO + BigInt((frac + '0'.repeat(18)).slice(0, 18));
  return (negative ? -bits : bits).toString();
}

/** `Fixed` bits (a codec value, bigint or decimal string) as a float. */
export function fixedToNumber(bits) {
  return Number(BigInt(bits.toString())) / 1e18;
}

/** Base units as "12.345678 ALLO". */
export function formatAllo(amount) {
  const units = BigInt(amount.toString());
  const whole = units / ALLO;
  const micro = (units % ALLO) / 10n ** 12n;
  return `${whole}.${micro.toString().padStart(6, '0')} ALLO`;
}

// ---------------------------------------------------------------------------------------
// Keys.

let keyring;

/**
 * The sr25519 key of `suri` (e.g. `//Inferer1`): `{ suri, address, publicKey, pair }`, the
 * address SS58 with the dev chain's prefix 42. Needs `cryptoWaitReady()` first.
 */
export function keyFor(suri) {
  keyring ??= new Keyring({ type: 'sr25519', ss58Format: 42 });
  const pair = keyring.addFromUri(suri);
  return { suri, address: pair.address, publicKey: u8aToHex(pair.publicKey), pair };
}

/**
 * Put each key into the node's keystore under key type `allo` (`author_insertKey`), then
 * check it is there (`author_hasKey`). `provider` is the node's raw JSON-RPC connection.
 */
export async function insertAlloKeys(provider, keys) {
  for (const key of keys) {
    await provider.send('author_insertKey', [OCW_KEY_TYPE, key.suri, key.publicKey]);
    const present = await provider.send('author_hasKey', [key.publicKey, OCW_KEY_TYPE]);
    if (!present) throw new Error(`the keystore does not hold the ${OCW_KEY_TYPE} key of ${key.suri}`);
  }
}

// ---------------------------------------------------------------------------------------
// The off-chain workers' configuration.

/** The endpoints the off-chain workers call; the OCW fills in {Token}, {BlockHeight}, {TopicId}. */
export const endpoints = {
  inference: (port) => `http://127.0.0.1:${port}/inference/{Token}?height={BlockHeight}&topic={TopicId}`,
  forecast: (port) => `http://127.0.0.1:${port}/forecast/{Token}?height={BlockHeight}&topic={TopicId}`,
  truth: (port) => `http://127.0.0.1:${port}/truth/{Token}?height={BlockHeight}&topic={TopicId}`,
};

/**
 * The `--allora-config` document. One entry per (account, topic):
 *   inferers, forecasters: [{ key, topicId, token, port }]   (port of its model server)
 *   reputers:              [{ key, topicId, token, port, minStake }]   (port of the truth server)
 * Every account registers itself (`register: true`); reputers stake up to `minStake`.
 */
export function ocwConfig({ nodeRpc, loopSeconds = 2, inferers = [], forecasters = [], reputers = [] }) {
  const common = (entry) => ({
    topicId: entry.topicId,
    loopSeconds,
    account: entry.key.address,
    register: true,
  });
  return {
    wallet: { addressKeyName: OCW_KEY_TYPE, nodeRpc },
    worker: [
      ...inferers.map((entry) => ({
        ...common(entry),
        inferenceEntrypointName: ENTRYPOINT,
        parameters: { InferenceEndpoint: endpoints.inference(entry.port), Token: entry.token },
      })),
      ...forecasters.map((entry) => ({
        ...common(entry),
        forecastEntrypointName: ENTRYPOINT,
        parameters: { ForecastEndpoint: endpoints.forecast(entry.port), Token: entry.token },
      })),
    ],
    reputer: reputers.map((entry) => ({
      ...common(entry),
      groundTruthEntrypointName: ENTRYPOINT,
      lossFunctionEntrypointName: ENTRYPOINT,
      minStake: entry.minStake.toString(),
      groundTruthParameters: { GroundTruthEndpoint: endpoints.truth(entry.port), Token: entry.token },
      lossFunctionParameters: {},
    })),
  };
}

/** Write `config` as `ocw-config.json` into `dir` (default: a new temporary directory); its path. */
export function writeOcwConfig(config, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allora-ocw-'))) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'ocw-config.json');
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

// ---------------------------------------------------------------------------------------
// Python services: model servers, the forecaster, the ground truth, the watcher.

/** The Python of the kit's virtualenv: $ALLORA_PYTHON, else `.venv/bin/python` (scripts/python-env). */
export function pythonBinary() {
  return path.resolve(process.env.ALLORA_PYTHON ?? path.join(REPO_ROOT, '.venv', 'bin', 'python'));
}

/** @type {Set<Service>} services started by this module and not stopped yet */
const liveServices = new Set();

/**
 * One process group started by the network (a Python server, the watcher): logs to
 * `<logDir>/<label>-<time>-<pid>.log` (and, with `echo`, to this process's stdout/stderr
 * as well), stopped by `stop()`: SIGINT to the group, 5 s, SIGKILL.
 */
export class Service {
  constructor({ label, command, args, cwd = REPO_ROOT, env = {}, logDir = LOG_DIR, echo = false }) {
    Object.assign(this, { label, command, args, cwd, env, logDir, echo });
    this.exitInfo = undefined;
    this.stopPromise = undefined;
    this.tailPrinted = false;
  }

  get alive() {
    return this.pgid !== undefined && this.exitInfo === undefined;
  }

  async spawn() {
    fs.mkdirSync(this.logDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.logFile = path.join(this.logDir, `${this.label}-${stamp}-${process.pid}.log`);
    this.logFd = fs.openSync(this.logFile, 'a');
    fs.writeSync(this.logFd, `# ${this.command} ${this.args.map((a) => JSON.stringify(a)).join(' ')}\n`);

    this.child = spawn(this.command, this.args, {
      cwd: this.cwd,
      detached: true, // own process group, like the node
      stdio: this.echo ? ['ignore', 'pipe', 'pipe'] : ['ignore', this.logFd, this.logFd],
      env: { ...process.env, PYTHONUNBUFFERED: '1', ...this.env },
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    this.child.once('error', (err) => {
      this.spawnError = err;
    });
    if (this.child.pid === undefined) {
      await sleep(50);
      this.closeLog();
      throw new Error(`could not spawn ${this.command}: ${this.spawnError?.message ?? 'unknown error'}`);
    }
    if (this.echo) {
      const tee = (stream, out) =>
        stream.on('data', (chunk) => {
          out.write(chunk);
          if (this.logFd !== undefined) fs.writeSync(this.logFd, chunk);
        });
      tee(this.child.stdout, process.stdout);
      tee(this.child.stderr, process.stderr);
    }
    this.pgid = this.child.pid;
    liveServices.add(this);
    guardProcessGroup(this);
    this.watchdog = startWatchdog(this.pgid);
    return this;
  }

  /** Poll `GET http://127.0.0.1:<port>/health` until it answers `ok`. */
  async waitHealthy(port, timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    let last = 'no attempt yet';
    for (;;) {
      if (this.spawnError) throw this.failure(`could not start: ${this.spawnError.message}`);
      if (this.exitInfo) throw this.failure(`exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal})`);
      if (Date.now() > deadline) throw this.failure(`no "ok" from /health on port ${port} within ${timeoutMs} ms (last: ${last})`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
        const body = (await res.text()).trim();
        if (res.ok && body === 'ok') return;
        last = `HTTP ${res.status} ${body.slice(0, 80)}`;
      } catch (e) {
        last = e.cause?.code ?? e.message;
      }
      await sleep(250);
    }
  }

  failure(message) {
    return new Error(`${this.label} ${message}\nlog: ${this.logFile}\n--- last lines ---\n${tailFile(this.logFile, 40)}`);
  }

  printLogTail(reason = 'failure', { force = false, lines = 20 } = {}) {
    if (this.tailPrinted && !force) return;
    this.tailPrinted = true;
    process.stderr.write(`\n[e2e] ${reason}; last ${lines} lines of ${this.logFile}:\n${tailFile(this.logFile, lines)}\n`);
  }

  stop() {
    this.stopPromise ??= this.#stop();
    return this.stopPromise;
  }

  async #stop() {
    if (this.pgid !== undefined) {
      if (!this.exitInfo) signalGroup(this.pgid, 'SIGINT');
      const gone = await withTimeout(this.exited, SERVICE_STOP_TIMEOUT_MS).catch(() => null);
      const deadline = Date.now() + 1_000;
      while (liveGroupMembers(this.pgid).length > 0 && Date.now() < deadline) await sleep(100);
      if (!gone || liveGroupMembers(this.pgid).length > 0) {
        signalGroup(this.pgid, 'SIGKILL');
        await withTimeout(this.exited, 2_000).catch(() => null);
      }
    }
    try {
      this.watchdog?.kill('SIGTERM');
    } catch {}
    this.closeLog();
    liveServices.delete(this);
    releaseProcessGroup(this);
    return this.exitInfo ?? { code: null, signal: null };
  }

  killNowSync() {
    if (this.pgid !== undefined) signalGroup(this.pgid, 'SIGKILL');
    try {
      this.watchdog?.kill('SIGTERM');
    } catch {}
  }

  closeLog() {
    if (this.logFd === undefined) return;
    try {
      fs.closeSync(this.logFd);
    } catch {}
    this.logFd = undefined;
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if (e.code !== 'ESRCH') throw e;
  }
}

/** Stop every service this module started (in parallel); resolves when all are gone. */
export async function stopServices() {
  await Promise.allSettled([...liveServices].map((service) => service.stop()));
}

/**
 * Start `python -m allora_sdk <args>`; with `port`, wait until its /health answers. The
 * service is stopped again if it does not come up.
 */
export async function startPython({ label, args, port, logDir, echo = false, healthTimeoutMs }) {
  const python = pythonBinary();
  if (!fs.existsSync(python)) {
    throw new Error(`no Python kit environment at ${python}: run scripts/python-env (or set ALLORA_PYTHON)`);
  }
  const sdkSource = path.join(REPO_ROOT, 'sdk', 'python', 'src');
  const pythonPath = [sdkSource, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  const service = new Service({
    label,
    command: python,
    args: ['-m', 'allora_sdk', ...args],
    env: { PYTHONPATH: pythonPath },
    logDir,
    echo,
  });
  await service.spawn();
  if (port !== undefined) {
    try {
      await service.waitHealthy(port, healthTimeoutMs);
    } catch (e) {
      await service.stop();
      throw e;
    }
  }
  return service;
}

/** An inferer's model server (`last`, `moving_average`, `ar`, `noisy`, `garbage`), every token. */
export function startModelServer({ model, port, epochLength, seed, warmup, logDir, label = `model-${model}` }) {
  const args = ['serve-model', '--model', model, '--port', String(port), ...SERIES_ARGS, '--epoch-length', String(epochLength)];
  if (warmup !== undefined) args.push('--warmup', String(warmup));
  if (seed !== undefined) args.push('--seed', String(seed));
  return startPython({ label, args, port, logDir });
}

/** A forecaster's server: it reads past epochs from the node at `rpcUrl`. */
export function startForecaster({ port, rpcUrl, epochLength, model = 'error_ema', logDir, label = `forecaster-${model}` }) {
  const args = ['serve-forecaster', '--model', model, '--port', String(port), '--rpc', rpcUrl, ...SERIES_ARGS, '--epoch-length', String(epochLength)];
  return startPython({ label, args, port, logDir });
}

/** The ground-truth server the reputers ask. */
export function startTruthServer({ port, epochLength, logDir, label = 'truth' }) {
  const args = ['serve-truth', '--port', String(port), ...SERIES_ARGS, '--epoch-length', String(epochLength)];
  return startPython({ label, args, port, logDir });
}

/** `--topic 1:AAPL --topic 2:MSFT ...` from `[{ id, token }]`. */
const topicArgs = (topics) => topics.flatMap(({ id, token }) => ['--topic', `${id}:${token}`]);

/** The watcher: prints each epoch's network inference next to the truth, on this terminal. */
export function startWatcher({ rpcUrl, topics, epochLength, logDir }) {
  const args = ['watch', '--rpc', rpcUrl, ...topicArgs(topics), ...SERIES_ARGS, '--epoch-length', String(epochLength)];
  return startPython({ label: 'watch', args, logDir, echo: true });
}

/** The recorder: appends every epoch of `topics` to the JSONL file `out` (input of `report`). */
export function startRecorder({ rpcUrl, topics, out, epochLength, logDir }) {
  const args = ['record', '--rpc', rpcUrl, ...topicArgs(topics), '--epoch-length', String(epochLength), '--out', path.resolve(out)];
  return startPython({ label: 'record', args, logDir });
}

// ---------------------------------------------------------------------------------------
// Chain setup (all signed by the dev chain's Alice: sudo, and rich).

/** The result of `sudo.sudo` lives in its `Sudid` event; a failed inner call throws here. */
function checkSudid(api, result) {
  const sudid = result.events.map(({ event }) => event).find((e) => api.events.sudo.Sudid.is(e));
  if (!sudid) throw new Error('sudo.sudo was included without a Sudid event');
  const outcome = sudid.data.sudoResult;
  if (outcome.isErr) {
    const error = outcome.asErr;
    if (error.isModule) {
      const meta = api.registry.findMetaError(error.asModule);
      throw new Error(`sudo call failed: ${meta.section}.${meta.name}: ${meta.docs.join(' ')}`);
    }
    throw new Error(`sudo call failed: ${error.toString()}`);
  }
}

/**
 * Top every `{ address, amount }` up to `amount` (base units) from `payer`, in one
 * `utility.batchAll` of `balances.transferKeepAlive`. Resolves with the addresses funded.
 */
export async function fundAccounts(api, payer, accounts) {
  const transfers = [];
  for (const { address, amount } of accounts) {
    const { data } = await api.query.system.account(address);
    const missing = BigInt(amount) - data.free.toBigInt();
    if (missing > 0n) transfers.push({ address, call: api.tx.balances.transferKeepAlive(address, missing) });
  }
  if (transfers.length > 0) {
    await signAndWaitInBlock(api, api.tx.utility.batchAll(transfers.map((t) => t.call)), payer);
  }
  return transfers.map((t) => t.address);
}

/**
 * Let topics have epochs as short as `epochLength` blocks (`topics.setParams` through
 * `sudo.sudo`). Does nothing if they already may. Resolves true if it changed the params.
 */
export async function allowEpochLength(api, sudoKey, epochLength) {
  const params = (await api.query.topics.params()).toJSON();
  if (Number(params.minEpochLength) <= epochLength) return false;
  const call = api.tx.topics.setParams({ ...params, minEpochLength: epochLength });
  checkSudid(api, (await signAndWaitInBlock(api, api.tx.sudo.sudo(call), sudoKey)).result);
  const now = (await api.query.topics.params()).toJSON();
  if (Number(now.minEpochLength) !== epochLength) {
    throw new Error(`minEpochLength is ${now.minEpochLength} after setParams, not ${epochLength}`);
  }
  return true;
}

/**
 * The `TopicParams` of `topics.createTopic`: loss method `mse` unless `lossMethod` says
 * otherwise, epoch length E, ground-truth lag G (default E) and worker window W (default
 * E − 1, at least 1) in blocks, and the spec examples' synthesis parameters (p = 3, α = 0.1,
 * ε = 0.01, quantiles 0.25).
 */
export function topicParams({ metadata, epochLength, groundTruthLag, workerSubmissionWindow, lossMethod = 'mse' }) {
  return {
    metadata,
    lossMethod,
    epochLength,
    groundTruthLag: groundTruthLag ?? epochLength,
    workerSubmissionWindow: workerSubmissionWindow ?? Math.max(1, epochLength - 1),
    pNorm: fixed('3'),
    alphaRegret: fixed('0.1'),
    allowNegative: false,
    epsilon: fixed('0.01'),
    meritSortitionAlpha: fixed('0.1'),
    activeInfererQuantile: fixed('0.25'),
    activeForecasterQuantile: fixed('0.25'),
    activeReputerQuantile: fixed('0.25'),
  };
}

/** Create a topic of `topicParams(options)`; resolves with its id. */
export async function createTopic(api, creator, options) {
  const { result } = await signAndWaitInBlock(api, api.tx.topics.createTopic(topicParams(options)), creator);
  const created = result.events.map(({ event }) => event).find((e) => api.events.topics.TopicCreated.is(e));
  if (!created) throw new Error('createTopic was included without a TopicCreated event');
  return created.data.topic.toNumber();
}

/** Pay `amount` toward a topic's fee revenue (`topics.fundTopic`). */
export async function fundTopic(api, funder, topic, amount) {
  await signAndWaitInBlock(api, api.tx.topics.fundTopic(topic, amount), funder);
}

// ---------------------------------------------------------------------------------------
// Following the chain.

/**
 * Every event of every block from the moment `follow` is called, in block order (no block
 * skipped, even if the new-heads subscription skips one). Each record is
 * `{ block, hash, name: 'pallet.Event', topic, nonce, data, event }`.
 */
export class ChainEvents {
  /** @type {Array<{ block: number, hash: string, name: string, topic?: number, nonce?: number, data: any, event: any }>} */
  records = [];

  constructor(api, onEvent, keep) {
    this.api = api;
    this.onEvent = onEvent;
    this.keep = keep;
    this.waiters = new Set();
    this.queue = Promise.resolve();
    this.error = undefined;
    /** The newest block whose events are in, and its hash (query state "as seen"). */
    this.best = undefined;
    this.bestHash = undefined;
  }

  /**
   * Start following; `onEvent(record)` sees each record as it arrives. With `keep: false`
   * records are not kept (a long-running network), so `where` finds nothing.
   */
  static async follow(api, { onEvent, keep = true } = {}) {
    const events = new ChainEvents(api, onEvent, keep);
    const head = await api.rpc.chain.getHeader();
    events.next = head.number.toNumber();
    events.unsub = await api.rpc.chain.subscribeNewHeads((header) => {
      const number = header.number.toNumber();
      events.queue = events.queue
        .then(() => events.#catchUp(number))
        .catch((e) => {
          events.error ??= e;
          events.#wake();
        });
    });
    return events;
  }

  async #catchUp(best) {
    while (this.next <= best) {
      const block = this.next;
      const hash = (await this.api.rpc.chain.getBlockHash(block)).toHex();
      const records = await this.api.query.system.events.at(hash);
      for (const { event } of records) {
        const record = {
          block,
          hash,
          name: `${event.section}.${event.method}`,
          topic: event.data.topic?.toNumber?.(),
          nonce: event.data.nonce?.toNumber?.(),
          data: event.data,
          event,
        };
        if (this.keep) this.records.push(record);
        try {
          this.onEvent?.(record);
        } catch {}
      }
      this.best = block;
      this.bestHash = hash;
      this.next = block + 1;
      this.#wake();
    }
  }

  #wake() {
    for (const waiter of this.waiters) waiter();
  }

  /** Records named `name` (`pallet.Event`), of `topic` if given. */
  where(name, topic) {
    return this.records.filter((r) => r.name === name && (topic === undefined || r.topic === topic));
  }

  /**
   * Resolve with the first truthy `check()`, evaluated now and after every block; reject
   * after `timeoutMs` with `what` (a string, or a function describing what is missing).
   */
  waitFor(check, { timeoutMs, what }) {
    return new Promise((resolve, reject) => {
      let timer;
      const done = (fn, value) => {
        clearTimeout(timer);
        this.waiters.delete(poll);
        fn(value);
      };
      const poll = () => {
        if (this.error) return done(reject, this.error);
        let value;
        try {
          value = check();
        } catch (e) {
          return done(reject, e);
        }
        if (value) done(resolve, value);
      };
      timer = setTimeout(() => {
        const described = typeof what === 'function' ? what() : what;
        done(reject, new Error(`timed out after ${timeoutMs} ms (best block #${this.best}) waiting for ${described}`));
      }, timeoutMs);
      this.waiters.add(poll);
      poll();
    });
  }

  stop() {
    try {
      this.unsub?.();
    } catch {}
    this.unsub = undefined;
  }
}

/**
 * A one-line account of the events a network's story is about, or undefined for the
 * others. `names` maps SS58 addresses to readable names (`Inferer1`).
 */
export function describeEvent(record, names = new Map()) {
  const { name, data, topic, nonce, block } = record;
  const who = (account) => names.get(account.toString()) ?? account.toString().slice(0, 8);
  const at = `#${block} topic ${topic}`;
  switch (name) {
    case 'topics.TopicActivated':
      return `${at}: activated, first epoch ends at #${data.nextEpochEnd}`;
    case 'topics.TopicInactivated':
      return `${at}: INACTIVATED (weight ${data.weight})`;
    case 'topics.WorkerNonceOpened':
      return `${at}: epoch ${nonce} opens, workers submit until #${data.windowClosesAt}`;
    case 'topics.ReputerNonceOpened':
      return `${at}: ground truth of epoch ${nonce} is due, reputers report until #${data.windowClosesAt}`;
    case 'workers.WorkerRegistered':
      return `${at}: ${who(data.worker)} registered as a worker`;
    case 'workers.InferenceSubmitted':
      return `${at}: epoch ${nonce}: inference ${fixedToNumber(data.value).toFixed(4)} from ${who(data.worker)}`;
    case 'workers.ForecastSubmitted':
      return `${at}: epoch ${nonce}: forecast of ${data.elements} losses from ${who(data.worker)}`;
    case 'reputers.ReputerRegistered':
      return `${at}: ${who(data.reputer)} registered as a reputer`;
    case 'reputers.StakeAdded':
      return `${at}: ${who(data.reputer)} stake +${formatAllo(data.amount)}`;
    case 'reputers.LossesSubmitted':
      return `${at}: epoch ${nonce}: losses from ${who(data.reputer)}`;
    case 'synthesis.NetworkInferenceStored':
      return `${at}: epoch ${nonce}: network inference ${fixedToNumber(data.combined).toFixed(4)} ` +
        `(naive ${fixedToNumber(data.naive).toFixed(4)}; ${data.inferers} inferers, ${data.forecasters} forecasters)`;
    case 'synthesis.InferenceSkipped':
      return `${at}: epoch ${nonce}: NO network inference (${data.reason})`;
    case 'synthesis.EpochScored':
      return `${at}: epoch ${nonce} scored: ${data.inferers} inferers, ${data.forecasters} forecasters, ` +
        `${data.reputers} reputers, paid ${formatAllo(data.paid)} of ${formatAllo(data.reward)}`;
    case 'synthesis.ScoringSkipped':
      return `${at}: epoch ${nonce}: NOT scored (${data.reason})`;
    case 'emissions.RewardPaid':
      return `${at}: ${data.role} ${who(data.account)} earned ${formatAllo(data.amount)}`;
    default:
      return undefined;
  }
}
