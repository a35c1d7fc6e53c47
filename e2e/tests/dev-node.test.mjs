// End-to-end story of one `allora-node --dev` node: it answers, produces and finalizes
// blocks, serves decodable metadata, executes a signed balance transfer, serves the
// custom `allora_tokenInfo` RPC, and finally stops cleanly.
//
// One node serves every test: started in `before`, stopped by the last test (which checks
// that the stop was clean) and, as a safety net, in `after`.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';

import { groupAlive, isListening, startDevNode, startupTimeoutMs } from '../lib/node.mjs';
import { signAndWaitInBlock } from '../lib/tx.mjs';

const TEST_TIMEOUT_MS = 120_000;
const ALLO = 10n ** 18n; // 18 decimals

/** Pallets the runtime must contain (names as in construct_runtime!). */
const EXPECTED_PALLETS = [
  'System',
  'Balances',
  'ParachainSystem',
  'Sudo',
  'Vesting',
  'Utility',
  'TransactionPayment',
  'CollatorSelection',
  'Session',
  'Aura',
  'XcmpQueue',
  'PolkadotXcm',
  'MessageQueue',
  'Topics',
  'Workers',
  'Reputers',
];

/**
 * Collect `count` distinct new block headers (number > `after`) from a new-heads
 * subscription, or reject after `timeoutMs`.
 */
function collectNewHeads(api, after, count, timeoutMs) {
  return new Promise((resolve, reject) => {
    const heads = new Map(); // number -> hash (hex)
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
      () =>
        finish(
          reject,
          new Error(`only ${heads.size} new block(s) in ${timeoutMs} ms: #${[...heads.keys()].join(', #')}`),
        ),
      timeoutMs,
    );
    api.rpc.chain
      .subscribeNewHeads((header) => {
        const n = header.number.toNumber();
        if (n > after && !heads.has(n)) heads.set(n, header.hash.toHex());
        if (heads.size >= count) finish(resolve, heads);
      })
      .then(
        (u) => {
          unsub = u;
          if (settled) u();
        },
        (e) => finish(reject, e),
      );
  });
}

/** Poll `check()` every `intervalMs` until it returns a truthy value, or throw. */
async function waitFor(check, timeoutMs, what, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

describe('allora-node --dev', () => {
  /** @type {import('../lib/node.mjs').DevNode | undefined} */
  let node;
  /** @type {import('@polkadot/api').ApiPromise} */
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
    // `passed` exists on node >= 20.12; older versions print the tail every time.
    if (t.passed !== true) node?.printLogTail(`test "${t.name}" failed`, { force: true });
  });

  after(async () => {
    await node?.stop();
  });

  test('the chain answers: system_chain, system_name, and runtime specName "allora"', { timeout: TEST_TIMEOUT_MS }, async () => {
    const chain = (await api.rpc.system.chain()).toString();
    assert.equal(typeof chain, 'string');
    assert.ok(chain.trim().length > 0, 'system_chain returned an empty string');

    const name = (await api.rpc.system.name()).toString();
    assert.ok(name.trim().length > 0, 'system_name returned an empty string');

    const version = (await api.rpc.system.version()).toString();
    assert.ok(version.trim().length > 0, 'system_version returned an empty string');

    const runtime = await api.rpc.state.getRuntimeVersion();
    assert.equal(runtime.specName.toString(), 'allora', 'state_getRuntimeVersion specName');
    assert.equal(api.runtimeVersion.specName.toString(), 'allora', 'api.runtimeVersion specName');
    assert.ok(runtime.specVersion.toNumber() >= 1, 'specVersion should be >= 1');
  });

  test('the node produces at least 5 new blocks within 30 s, and finalizes them', { timeout: TEST_TIMEOUT_MS }, async () => {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    const heads = await collectNewHeads(api, start, 5, 30_000);
    const numbers = [...heads.keys()].sort((a, b) => a - b);
    const highest = numbers.at(-1);

    // Manual seal finalizes each block as it is sealed: the finalized head catches up
    // with the blocks we saw (allow a few seconds for the finality notification).
    const finalizedNumber = await waitFor(
      async () => {
        const hash = await api.rpc.chain.getFinalizedHead();
        const n = (await api.rpc.chain.getHeader(hash)).number.toNumber();
        return n >= highest ? n : 0;
      },
      10_000,
      `finalized head to reach #${highest}`,
    );
    assert.ok(finalizedNumber >= highest);

    // Every block we saw is the canonical (hence finalized) block at its height: no forks.
    for (const n of numbers) {
      const canonical = (await api.rpc.chain.getBlockHash(n)).toHex();
      assert.equal(heads.get(n), canonical, `block #${n} seen in new heads is not the finalized one`);
    }
  });

  test('the metadata is served and decodes, with every expected pallet and metadata v16', { timeout: TEST_TIMEOUT_MS }, async () => {
    const raw = await node.provider.send('state_getMetadata', []);
    assert.equal(typeof raw, 'string');
    assert.match(raw, /^0x[0-9a-f]+$/i, 'state_getMetadata should return hex');
    assert.ok(raw.toLowerCase().startsWith('0x6d657461'), 'metadata should start with the magic "meta"');

    // Decoding the raw RPC answer must work too.
    const decoded = await api.rpc.state.getMetadata();
    assert.ok(decoded.version >= 14, `state_getMetadata decodes as v${decoded.version}`);

    const metadata = api.runtimeMetadata;
    assert.ok(metadata.version >= 14, `api.runtimeMetadata.version is ${metadata.version}, expected >= 14`);
    const pallets = metadata.asLatest.pallets.map((p) => p.name.toString());
    const missing = EXPECTED_PALLETS.filter((p) => !pallets.includes(p));
    assert.deepEqual(missing, [], `pallets missing from the metadata (present: ${pallets.join(', ')})`);

    assert.ok(
      api.call.metadata?.metadataVersions,
      'runtime API Metadata_metadata_versions (Metadata API v2) not exposed by the runtime',
    );
    const versions = (await api.call.metadata.metadataVersions()).map((v) => v.toNumber());
    assert.ok(versions.includes(16), `Metadata_metadata_versions = [${versions}], expected to include 16`);
  });

  test('Alice transfers ALLO to a fresh account: event, recipient balance and fee add up', { timeout: TEST_TIMEOUT_MS }, async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    const alice = keyring.addFromUri('//Alice');
    const recipient = keyring.addFromMnemonic(mnemonicGenerate());

    // 1 ALLO and some dust (an odd amount makes the comparisons meaningful), at least 10 ED.
    const ed = api.consts.balances.existentialDeposit.toBigInt();
    const base = ALLO > ed * 10n ? ALLO : ed * 10n;
    const amount = base + 123_456_789n;

    const tx = api.tx.balances.transferKeepAlive(recipient.address, amount);
    const { blockHash, result } = await signAndWaitInBlock(api, tx, alice);

    // Events of our extrinsic (the result carries only those).
    const ours = result.events.map(({ event }) => event);
    const names = ours.map((e) => `${e.section}.${e.method}`);
    assert.ok(names.includes('system.ExtrinsicSuccess'), `no ExtrinsicSuccess in ${names.join(', ')}`);

    const transfer = ours.find((e) => api.events.balances.Transfer.is(e));
    assert.ok(transfer, `no balances.Transfer event in ${names.join(', ')}`);
    const [from, to, value] = transfer.data;
    assert.ok(from.eq(alice.address), `Transfer.from is ${from.toString()}, expected Alice`);
    assert.ok(to.eq(recipient.address), `Transfer.to is ${to.toString()}, expected ${recipient.address}`);
    assert.equal(value.toBigInt(), amount, 'Transfer.amount');

    const feePaid = ours.find((e) => api.events.transactionPayment.TransactionFeePaid.is(e));
    assert.ok(feePaid, `no transactionPayment.TransactionFeePaid event in ${names.join(', ')}`);
    const [who, actualFee, tip] = feePaid.data;
    assert.ok(who.eq(alice.address), 'TransactionFeePaid.who should be Alice');
    assert.equal(tip.toBigInt(), 0n, 'we sent no tip');
    // `actual_fee` already includes the tip ("of which `tip` was added to the minimum
    // inclusion fee"); with a zero tip, actualFee + tip == actualFee either way.
    const fee = actualFee.toBigInt() + tip.toBigInt();
    assert.ok(fee > 0n, 'a signed transfer should pay a fee');

    // Balances at the inclusion block and at its parent: exactly the effect of our block.
    const header = await api.rpc.chain.getHeader(blockHash);
    const atBlock = await api.at(blockHash);
    const atParent = await api.at(header.parentHash);
    const freeOf = async (at, who) => (await at.query.system.account(who)).data.free.toBigInt();

    assert.equal(await freeOf(atParent, recipient.address), 0n, 'the recipient should be a fresh account');
    assert.equal(await freeOf(atBlock, recipient.address), amount, 'recipient free balance after the transfer');
    assert.equal(
      (await api.query.system.account(recipient.address)).data.free.toBigInt(),
      amount,
      'recipient free balance at the best block',
    );

    // Alice may also be credited/debited in the same block by something else than our
    // extrinsic (e.g. a collator reward paid to the block author on initialize). Account
    // for Alice's balance events outside our extrinsic's phase; normally there are none.
    const allRecords = await atBlock.query.system.events();
    let otherNet = 0n;
    const otherAliceEvents = [];
    for (const { phase, event } of allRecords) {
      if (phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === result.txIndex) continue;
      if (event.section !== 'balances') continue;
      const b = api.events.balances;
      let delta = 0n;
      if (b.Transfer.is(event)) {
        const [f, t, a] = event.data;
        if (t.eq(alice.address) && !f.eq(alice.address)) delta = a.toBigInt();
        if (f.eq(alice.address) && !t.eq(alice.address)) delta = -a.toBigInt();
      } else if ((b.Deposit?.is(event) || b.Minted?.is(event)) && event.data[0].eq(alice.address)) {
        delta = event.data[1].toBigInt();
      } else if (
        (b.Withdraw?.is(event) || b.Burned?.is(event) || b.Slashed?.is(event)) &&
        event.data[0].eq(alice.address)
      ) {
        delta = -event.data[1].toBigInt();
      }
      if (delta !== 0n) {
        otherNet += delta;
        otherAliceEvents.push(`${event.method}(${delta})`);
      }
    }

    const aliceBefore = await freeOf(atParent, alice.address);
    const aliceAfter = await freeOf(atBlock, alice.address);
    assert.equal(
      aliceBefore - aliceAfter,
      amount + fee - otherNet,
      `Alice's free balance should drop by amount (${amount}) + fee (${fee})` +
        (otherAliceEvents.length ? `, adjusted for other events of Alice in the block: ${otherAliceEvents.join(', ')}` : ''),
    );
  });

  test('the allora_tokenInfo RPC reports ALLO, 18 decimals and live runtime values', { timeout: TEST_TIMEOUT_MS }, async () => {
    const methods = (await api.rpc.rpc.methods()).methods.map((m) => m.toString());
    assert.ok(methods.includes('allora_tokenInfo'), 'rpc_methods does not list allora_tokenInfo');

    // Issuance can only change when a block changes it: read both, retry once on a mismatch.
    let info;
    let issuance;
    for (let attempt = 1; attempt <= 2; attempt++) {
      info = await node.provider.send('allora_tokenInfo', []);
      issuance = (await api.query.balances.totalIssuance()).toBigInt();
      if (typeof info?.totalIssuance === 'string' && /^\d+$/.test(info.totalIssuance) && BigInt(info.totalIssuance) === issuance) break;
    }

    assert.equal(typeof info, 'object', `allora_tokenInfo returned ${JSON.stringify(info)}`);
    assert.ok(info !== null && !Array.isArray(info), `allora_tokenInfo returned ${JSON.stringify(info)}`);
    assert.equal(info.symbol, 'ALLO', 'symbol');
    assert.equal(info.decimals, 18, 'decimals (a JSON number)');

    assert.equal(typeof info.totalIssuance, 'string', 'totalIssuance is a decimal string');
    assert.match(info.totalIssuance, /^\d+$/, 'totalIssuance is a decimal string');
    assert.equal(BigInt(info.totalIssuance), issuance, 'totalIssuance equals balances.totalIssuance');
    assert.ok(issuance > 0n, 'total issuance should be positive on a funded dev chain');

    assert.equal(typeof info.existentialDeposit, 'string', 'existentialDeposit is a decimal string');
    assert.match(info.existentialDeposit, /^\d+$/, 'existentialDeposit is a decimal string');
    assert.equal(
      BigInt(info.existentialDeposit),
      api.consts.balances.existentialDeposit.toBigInt(),
      'existentialDeposit equals the Balances constant',
    );

    assert.equal(typeof info.specVersion, 'number', 'specVersion is a JSON number');
    assert.equal(info.specVersion, api.runtimeVersion.specVersion.toNumber(), 'specVersion equals the runtime version');

    // The chain spec properties shown to wallets agree with the runtime.
    assert.equal(api.registry.chainTokens[0], 'ALLO', 'system_properties tokenSymbol');
    assert.equal(api.registry.chainDecimals[0], 18, 'system_properties tokenDecimals');
  });

  test('the node stops cleanly on SIGINT: exit 0, no process left, RPC port closed', { timeout: 60_000 }, async () => {
    assert.ok(node, 'no node was started');
    const { rpcPort, pgid } = node;
    const exit = await node.stop();

    assert.equal(exit.forced, false, 'the node ignored SIGINT for 15 s and had to be SIGKILLed');
    assert.ok(
      exit.code === 0 || exit.signal === 'SIGINT',
      `exit code ${exit.code}, signal ${exit.signal}: expected code 0 or signal SIGINT`,
    );
    assert.equal(exit.strays, false, 'processes of the node group outlived the node');
    assert.equal(groupAlive(pgid), false, `process group ${pgid} still has processes`);
    assert.equal(await isListening(rpcPort), false, `something still listens on the RPC port ${rpcPort}`);
  });
});
