// web/console-model.js: what the console shows, without a page.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  NewestQueue, TopicRates, consoleSocketUrl, formatPayload, parseMetrics, summarizeMetrics,
} from '../../web/console-model.js';

test('payloads: JSON pretty-printed, strings as they are, binary labelled, long ones cut', () => {
  assert.equal(formatPayload({ payload: { a: [1, 2] } }), '{\n  "a": [\n    1,\n    2\n  ]\n}');
  assert.equal(formatPayload({ payload: 'plain text' }), 'plain text');
  assert.equal(formatPayload({ payload: 42 }), '42');
  assert.equal(formatPayload({ payload: null }), 'null');
  assert.equal(formatPayload({ payload: 'AAEC', payloadEncoding: 'base64' }), 'base64: AAEC');
  assert.equal(formatPayload({ payload: 'x'.repeat(12) }, 10), 'xxxxxxxxxx… (2 more characters)');
});

test('the queue keeps the newest items and counts the rest as skipped', () => {
  const queue = new NewestQueue(3);
  for (let i = 1; i <= 10; i += 1) queue.push(i);
  assert.equal(queue.length, 3);
  assert.deepEqual(queue.take(), [8, 9, 10]);
  assert.equal(queue.skipped, 7);
  assert.deepEqual(queue.take(), []);
  queue.push(11);
  assert.deepEqual(queue.take(), [11]);
  assert.equal(queue.skipped, 7);
});

test('rates per topic over the last seconds, highest first', () => {
  const rates = new TopicRates(2);
  for (let i = 0; i < 4; i += 1) rates.count('a');
  rates.count('b');
  rates.tick();
  for (let i = 0; i < 2; i += 1) rates.count('b');
  rates.tick();
  assert.deepEqual(rates.top(), { rows: [{ topic: 'a', rate: 2 }, { topic: 'b', rate: 1.5 }], total: 3.5 });
  rates.tick();
  rates.tick();
  assert.deepEqual(rates.top(), { rows: [], total: 0 });
});

test('metrics: samples summed over labels; absent metrics left out of the summary', () => {
  const sums = parseMetrics([
    '# HELP mwb_clients Clients.',
    '# TYPE mwb_clients gauge',
    'mwb_clients 3',
    'mwb_dropped_total{reason="slow_client"} 2',
    'mwb_dropped_total{reason="too_large"} 5',
    'mwb_latency_seconds_bucket{le="+Inf"} 7',
    'garbage line',
    '',
  ].join('\n'));
  assert.equal(sums.get('mwb_clients'), 3);
  assert.equal(sums.get('mwb_dropped_total'), 7);
  assert.deepEqual(summarizeMetrics(sums).map(({ label, value }) => [label, value]),
    [['clients', 3], ['dropped', 7]]);
});

test('?ws= may name a path or a URL on the page\'s own origin only', () => {
  const page = { protocol: 'http:', host: 'bridge.test:8080' };
  assert.deepEqual(consoleSocketUrl(page), { url: 'ws://bridge.test:8080/ws' });
  assert.deepEqual(consoleSocketUrl(page, '/stream?topic=a'), { url: 'ws://bridge.test:8080/stream?topic=a' });
  assert.deepEqual(consoleSocketUrl(page, 'ws://bridge.test:8080/ws'), { url: 'ws://bridge.test:8080/ws' });
  assert.deepEqual(consoleSocketUrl({ protocol: 'https:', host: 'bridge.test' }, '/ws'),
    { url: 'wss://bridge.test/ws' });
  for (const ws of [
    '@evil.test:1234/ws',        // the old concatenation made this ws://bridge.test:8080@evil.test:1234/ws
    '//evil.test/ws',
    '/\\evil.test/ws',            // a backslash counts as a slash in ws: URLs
    'ws://evil.test/ws',
    'ws://bridge.test:8081/ws',
    'wss://bridge.test:8080/ws',  // another scheme is another origin
    'ws://user:pw@bridge.test:8080/ws',
    'javascript:alert(1)',
    'ws',
    '',
  ]) {
    const result = consoleSocketUrl(page, ws);
    assert.equal(result.url, undefined, ws);
    assert.match(result.error, /origin/, ws);
  }
});
