// `--allora-config` is checked before the node starts: a mistake in the file stops
// allora-node at once with a message naming the file and the field, instead of off-chain
// workers failing quietly blocks later.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { nodeBinary } from '../lib/node.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allora-config-'));

function startWith(config) {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  if (config !== undefined) fs.writeFileSync(file, config);
  const run = spawnSync(nodeBinary(), ['--dev', '--tmp', '--rpc-port', '0', '--port', '0', '--allora-config', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { file, status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('a config file with a mistake stops the node at start, naming the field', () => {
  const cases = [
    [JSON.stringify({ worker: [{ topicId: 1, parameters: { InferenceEndpoint: 'http://x' }, typo: 1 }] }), 'typo'],
    [JSON.stringify({ worker: [{ topicId: 1, parameters: {} }] }), 'InferenceEndpoint'],
    [JSON.stringify({ reputer: [{ topicId: 1, groundTruthParameters: {} }] }), 'GroundTruthEndpoint'],
    [JSON.stringify({ worker: [{ topicId: 1, account: 'nope', parameters: { InferenceEndpoint: 'http://x' } }] }), 'account'],
    ['{ not json', 'invalid config'],
  ];
  for (const [config, field] of cases) {
    const { file, status, output } = startWith(config);
    assert.notEqual(status, 0, `the node started with ${config}`);
    assert.match(output, new RegExp(field), output);
    assert.ok(output.includes(file), `the message names the file: ${output}`);
  }
});

test('a config file that does not exist stops the node at start', () => {
  const { file, status, output } = startWith(undefined);
  assert.notEqual(status, 0);
  assert.ok(output.includes(file), output);
});
