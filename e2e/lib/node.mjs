// Harness for the end-to-end tests: spawns `allora-node --dev`, connects @polkadot/api to
// it, and guarantees that the node (and anything it spawned) is gone when the tests end,
// however they end. Other process groups (the model servers of lib/network.mjs) join the
// same safety nets through `guardProcessGroup`.
//
// Life cycle of one node:
//   const node = await startDevNode();   // spawns, waits for the RPC, connects `node.api`
//   ...use node.api / node.rpcUrl...
//   const exit = await node.stop();      // api.disconnect(), SIGINT to the group, 15 s, SIGKILL
//
// The node runs in its own process group (spawn `detached`), so signals go to the whole
// group. Safety nets against orphans, from the gentlest to the last resort:
//   - the test files call `stop()` from `after` hooks;
//   - SIGINT / SIGTERM / SIGHUP of the test process stop every live group, then exit;
//   - an uncaught exception outside of node:test stops every live group, then exits 1
//     (under node:test the runner reports it and the `after` hooks stop the node);
//   - the `exit` event SIGKILLs every group still alive (synchronous, no waiting);
//   - a tiny detached watchdog process per node SIGINTs (then SIGKILLs) the group if the
//     test process disappears without running any of the above (e.g. it was SIGKILLed).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApiPromise, WsProvider } from '@polkadot/api';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(HERE, '..');
export const LOG_DIR = path.join(E2E_DIR, 'logs');

const STOP_TIMEOUT_MS = 15_000;
const DEFAULT_STARTUP_TIMEOUT_MS = 120_000;

/** Path of the node binary: $ALLORA_NODE, else $CARGO_TARGET_DIR/debug/allora-node. */
export function nodeBinary() {
  if (process.env.ALLORA_NODE) return path.resolve(process.env.ALLORA_NODE);
  const targetDir =
    process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'allora-substrate', 'target');
  return path.resolve(targetDir, 'debug', 'allora-node');
}

/** Startup budget (first start compiles the runtime WASM): $ALLORA_E2E_STARTUP_TIMEOUT_MS. */
export function startupTimeoutMs() {
  const v = Number(process.env.ALLORA_E2E_STARTUP_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_STARTUP_TIMEOUT_MS;
}

/**
 * `count` distinct free TCP ports on 127.0.0.1: bind servers to port 0 (all open at once,
 * so the kernel hands out different ports), read the ports, close the servers.
 */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve()))));
  }
}

/** Resolves true if something accepts TCP connections on 127.0.0.1:port, else false. */
export function isListening(port, timeoutMs = 2_000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (result) => {
      sock.removeAllListeners();
      sock.destroy();
      resolve(result);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Pids of the processes of group `pgid` that are still running (zombies excluded: an
 * exited child reparented to PID 1 can stay a zombie for a while, but it holds no port
 * and runs no code). Linux reads /proc; elsewhere falls back to kill(-pgid, 0).
 */
export function liveGroupMembers(pgid) {
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch (e) {
      return e.code === 'EPERM' ? [pgid] : [];
    }
  }
  const members = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, , pgrp] = fields;
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(entry));
  }
  return members;
}

/** True if a process of group `pgid` is still running (zombies excluded). */
export function groupAlive(pgid) {
  return liveGroupMembers(pgid).length > 0;
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if (e.code === 'ESRCH') return false; // group already gone
    throw e;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with `message` if `promise` does not settle within `ms`. */
export function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(message ?? `timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Last `lines` lines (at most the last 64 KiB) of a file; '' if unreadable. */
export function tailFile(file, lines = 80) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const { size } = fs.fstatSync(fd);
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').split('\n').slice(-lines - 1).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------
// Process-wide safety nets (installed once, on the first start).

/**
 * Handles whose process group may still be alive: the nodes, and whatever joined through
 * `guardProcessGroup`. Each has `stop()`, `killNowSync()` and `printLogTail(reason)`.
 */
const liveGroups = new Set();
let handlersInstalled = false;
let stoppingOnSignal = false;

function killAllNowSync() {
  for (const group of liveGroups) group.killNowSync();
}

async function stopAll() {
  await Promise.allSettled([...liveGroups].map((group) => group.stop()));
}

function installProcessHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;

  // Last resort: synchronous, cannot wait for a graceful shutdown.
  process.on('exit', killAllNowSync);

  const signalExitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [sig, code] of Object.entries(signalExitCodes)) {
    process.on(sig, () => {
      if (stoppingOnSignal) {
        // A second signal while we wait: give up on grace.
        killAllNowSync();
        process.exit(code);
      }
      stoppingOnSignal = true;
      process.stderr.write(`\n[e2e] received ${sig}: stopping ${liveGroups.size} process group(s)\n`);
      stopAll().finally(() => process.exit(code));
    });
  }

  const onFatal = (kind) => (err) => {
    for (const group of liveGroups) group.printLogTail(`${kind} while it was running`);
    // Under node:test, the runner has its own listener: it reports the error against the
    // running test, and the `after` hooks stop the node. Alone, we must end the process.
    if (process.listenerCount(kind) <= 1) {
      process.stderr.write(`[e2e] ${kind}: ${err?.stack ?? err}\n`);
      stopAll().finally(() => process.exit(1));
    }
  };
  process.on('uncaughtException', onFatal('uncaughtException'));
  process.on('unhandledRejection', onFatal('unhandledRejection'));
}

/**
 * Put another process group under the safety nets of the nodes: it is stopped on SIGINT,
 * SIGTERM, SIGHUP and fatal errors, and SIGKILLed at exit. `handle` has `stop()` (async,
 * idempotent), `killNowSync()` and `printLogTail(reason)`; `releaseProcessGroup` once stopped.
 */
export function guardProcessGroup(handle) {
  installProcessHandlers();
  liveGroups.add(handle);
}

/** The group of `handle` is gone: the safety nets forget it. */
export function releaseProcessGroup(handle) {
  liveGroups.delete(handle);
}

// Watchdog run as `node -e WATCHDOG <testPid> <nodePgid>`, detached: if the test process
// dies while the node group still lives, SIGINT the group, then SIGKILL it after 15 s.
// It exits by itself as soon as the group is gone.
const WATCHDOG = `
const [parent, pgid] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const kill = (sig) => { try { process.kill(-pgid, sig); } catch {} };
const poll = setInterval(() => {
  if (!alive(-pgid)) process.exit(0);
  if (alive(parent)) return;
  clearInterval(poll);
  kill('SIGINT');
  const t0 = Date.now();
  setInterval(() => {
    if (!alive(-pgid)) process.exit(0);
    if (Date.now() - t0 > ${STOP_TIMEOUT_MS}) { kill('SIGKILL'); process.exit(0); }
  }, 200);
}, 1000);
`;

/** Start the detached watchdog of group `pgid` (see WATCHDOG); kill it once the group is stopped. */
export function startWatchdog(pgid) {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(pgid)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return watchdog;
}

// ---------------------------------------------------------------------------------------

export class DevNode {
  /** @type {import('@polkadot/api').ApiPromise | undefined} */
  api;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  child;
  /** @type {{ code: number | null, signal: string | null } | undefined} */
  exitInfo;

  constructor({ binary, extraArgs, label, blockTimeMs = 1000, rpcPort, basePath, logDir = LOG_DIR }) {
    this.binary = binary;
    this.extraArgs = extraArgs;
    this.label = label;
    this.blockTimeMs = blockTimeMs;
    this.rpcPort = rpcPort;
    this.basePath = basePath;
    this.logDir = logDir;
    this.stopPromise = undefined;
    this.watchdog = undefined;
    this.logFd = undefined;
    this.tailPrinted = false;
  }

  get pid() {
    return this.child?.pid;
  }

  get rpcUrl() {
    return `ws://127.0.0.1:${this.rpcPort}`;
  }

  async spawn() {
    if (!fs.existsSync(this.binary)) {
      throw new Error(
        `allora-node binary not found at ${this.binary}\n` +
          'Build it (cargo build -p allora-node) or point ALLORA_NODE / CARGO_TARGET_DIR at it.',
      );
    }
    if (this.rpcPort === undefined) {
      [this.rpcPort, this.p2pPort, this.prometheusPort] = await freePorts(3);
    } else {
      [this.p2pPort, this.prometheusPort] = (await freePorts(3)).filter((p) => p !== this.rpcPort).slice(0, 2);
    }
    this.args = [
      '--dev',
      ...(this.basePath === undefined ? ['--tmp'] : ['--base-path', this.basePath]),
      '--rpc-port', String(this.rpcPort),
      '--port', String(this.p2pPort),
      '--prometheus-port', String(this.prometheusPort),
      '--dev-block-time', String(this.blockTimeMs),
      '--no-telemetry',
      '--no-mdns',
      ...this.extraArgs,
    ];

    fs.mkdirSync(this.logDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.logFile = path.join(this.logDir, `${this.label}-${stamp}-${process.pid}.log`);
    this.logFd = fs.openSync(this.logFile, 'a');
    fs.writeSync(this.logFd, `# ${this.binary} ${this.args.join(' ')}\n`);

    installProcessHandlers();
    this.child = spawn(this.binary, this.args, {
      detached: true, // own process group: signals reach the node and all its children
      stdio: ['ignore', this.logFd, this.logFd],
      env: { RUST_BACKTRACE: '1', ...process.env },
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    this.spawnError = undefined;
    this.child.once('error', (err) => {
      this.spawnError = err;
    });
    if (this.child.pid === undefined) {
      // spawn failed synchronously enough for pid to be missing (ENOENT, EACCES, ...)
      await sleep(50);
      throw new Error(`could not spawn ${this.binary}: ${this.spawnError?.message ?? 'unknown error'}`);
    }
    this.pgid = this.child.pid;
    liveGroups.add(this);

    this.watchdog = startWatchdog(this.pgid);
  }

  /** Poll until the RPC port answers JSON-RPC, then connect @polkadot/api. */
  async connect(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    const httpUrl = `http://127.0.0.1:${this.rpcPort}`;
    let lastError = 'no attempt yet';

    for (;;) {
      if (this.spawnError) throw this.startupError(`spawn failed: ${this.spawnError.message}`);
      if (this.exitInfo) {
        throw this.startupError(
          `allora-node exited during startup (code ${this.exitInfo.code}, signal ${this.exitInfo.signal})`,
        );
      }
      if (Date.now() > deadline) {
        throw this.startupError(`RPC at ${this.rpcUrl} did not answer within ${timeoutMs} ms (last: ${lastError})`);
      }
      try {
        // The Substrate RPC server serves HTTP and WebSocket on the same port; any HTTP
        // answer means it is up. A refused connection means not yet.
        const res = await fetch(httpUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [] }),
          signal: AbortSignal.timeout(5_000),
        });
        await res.text();
        break;
      } catch (e) {
        lastError = e.cause?.code ?? e.message;
        await sleep(500);
      }
    }

    const provider = new WsProvider(this.rpcUrl, 1_000, {}, 60_000);
    /** The raw JSON-RPC connection, for methods @polkadot/api has no decoration for. */
    this.provider = provider;
    try {
      const remaining = Math.max(deadline - Date.now(), 30_000);
      this.api = await withTimeout(
        ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true }),
        remaining,
        `@polkadot/api did not initialise against ${this.rpcUrl} within ${remaining} ms`,
      );
    } catch (e) {
      await provider.disconnect().catch(() => {});
      throw this.startupError(e.message);
    }
  }

  startupError(message) {
    return new Error(`${message}\nnode log: ${this.logFile}\n--- last lines ---\n${tailFile(this.logFile)}`);
  }

  /** Print the tail of the node log to stderr (once per node unless `force`). */
  printLogTail(reason = 'failure', { force = false, lines = 80 } = {}) {
    if (this.tailPrinted && !force) return;
    this.tailPrinted = true;
    process.stderr.write(
      `\n[e2e] ${reason}; last ${lines} lines of ${this.logFile}:\n` +
        `${tailFile(this.logFile, lines)}\n[e2e] --- end of node log ---\n`,
    );
  }

  /**
   * Graceful stop, idempotent: disconnect the api, SIGINT the process group, wait up to
   * 15 s for the node to exit, else SIGKILL. Then SIGKILL whatever is left in the group.
   * Resolves { code, signal, forced, strays }.
   */
  stop() {
    this.stopPromise ??= this.#stop();
    return this.stopPromise;
  }

  async #stop() {
    if (this.api) {
      await withTimeout(this.api.disconnect(), 5_000).catch(() => {});
    }
    let forced = false;
    if (this.pgid !== undefined && !this.exitInfo) {
      signalGroup(this.pgid, 'SIGINT');
      const graceful = await withTimeout(this.exited, STOP_TIMEOUT_MS).catch(() => null);
      if (!graceful) {
        forced = true;
        process.stderr.write(`[e2e] allora-node (pid ${this.pid}) ignored SIGINT for 15 s: SIGKILL\n`);
        signalGroup(this.pgid, 'SIGKILL');
        await withTimeout(this.exited, 5_000).catch(() => null);
      }
    }
    // Anything the node spawned that outlived it (it got the SIGINT too: give it 2 s).
    let strays = false;
    if (this.pgid !== undefined) {
      const deadline = Date.now() + 2_000;
      while (groupAlive(this.pgid) && Date.now() < deadline) await sleep(100);
      const left = liveGroupMembers(this.pgid);
      if (left.length > 0) {
        strays = true;
        process.stderr.write(`[e2e] processes left in allora-node's group ${this.pgid}: ${left.join(' ')}: SIGKILL\n`);
        signalGroup(this.pgid, 'SIGKILL');
      }
    }
    if (this.watchdog && this.watchdog.exitCode === null) {
      try {
        this.watchdog.kill('SIGTERM');
      } catch {}
    }
    if (this.logFd !== undefined) {
      try {
        fs.closeSync(this.logFd);
      } catch {}
      this.logFd = undefined;
    }
    liveGroups.delete(this);
    return { ...(this.exitInfo ?? { code: null, signal: null }), forced, strays };
  }

  /** Synchronous last resort (process `exit` handler): SIGKILL the group, no waiting. */
  killNowSync() {
    try {
      if (this.pgid !== undefined) signalGroup(this.pgid, 'SIGKILL');
    } catch {}
    try {
      this.watchdog?.kill('SIGTERM');
    } catch {}
  }
}

/**
 * Spawn `allora-node --dev ...` and connect @polkadot/api to it.
 * Options (all optional): `label` (log file name), `blockTimeMs` (`--dev-block-time`,
 * default 1000), `rpcPort` (default: a free port), `basePath` (instead of `--tmp`), `logDir`
 * (default e2e/logs), `args` (node arguments this caller needs, e.g. `--allora-config`), and
 * `extraArgs` (default $ALLORA_NODE_ARGS split on whitespace), added after `args`.
 * On any startup failure the node is stopped before the error propagates.
 */
export async function startDevNode(options = {}) {
  const node = new DevNode({
    binary: options.binary ?? nodeBinary(),
    extraArgs: [
      ...(options.args ?? []),
      ...(options.extraArgs ?? (process.env.ALLORA_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)),
    ],
    label: options.label ?? 'allora-node',
    blockTimeMs: options.blockTimeMs,
    rpcPort: options.rpcPort,
    basePath: options.basePath,
    logDir: options.logDir,
  });
  try {
    await node.spawn();
    await node.connect(options.startupTimeoutMs ?? startupTimeoutMs());
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}
