// The web console in headless Chromium (Debian's), against the real bridge
// and a real Mosquitto on loopback, with Mosquitto's own clients on the MQTT
// side. Run by scripts/browser-test.sh, which installs playwright-core.
//
// Env: MWB_BRIDGE_BIN (the binary), MWB_NODE_MODULES (where playwright-core
// is installed), MWB_BROWSER_OUT (screenshots and logs), MWB_CHROMIUM
// (default /usr/bin/chromium), MWB_README_SCREENSHOT (optional: also write
// the README's screenshot of the console with some sample traffic there).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';

const bridgeBin = process.env.MWB_BRIDGE_BIN;
const outDir = process.env.MWB_BROWSER_OUT;
assert.ok(bridgeBin && outDir && process.env.MWB_NODE_MODULES,
  'run through scripts/browser-test.sh (MWB_BRIDGE_BIN, MWB_BROWSER_OUT, MWB_NODE_MODULES)');
const { chromium } = createRequire(path.join(process.env.MWB_NODE_MODULES, 'index.js'))('playwright-core');

// Waits are bounded by deadlines, never by sleeps standing in for a condition.
const WAIT_MS = 20000;

const children = [];
let broker;
let bridge;
let browser;
let page;
let published = 0;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts a process we own; its output goes to a log file in outDir.
function start(name, command, args, stdin = 'ignore') {
  const log = path.join(outDir, `${name}.log`);
  const child = spawn(command, args, { stdio: [stdin, 'pipe', 'pipe'] });
  const file = createWriteStream(log);
  child.output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      child.output += chunk;
      file.write(chunk);
    });
  }
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  children.push(child);
  return child;
}

async function waitFor(what, check, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function connects(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

async function healthy(port) {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

// mosquitto_pub, to completion; QoS 1 so the broker has it before we go on.
async function mqttPublish(topic, message, extra = []) {
  const child = start(`mosquitto_pub-${++published}`, 'mosquitto_pub',
    ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-t', topic, '-m', message, ...extra]);
  const { code } = await child.exited;
  assert.equal(code, 0, `mosquitto_pub -t ${topic} failed: ${child.output}`);
}

async function receivedCount() {
  return Number(/^(\d+) received/.exec(await page.locator('#message-count').textContent())[1]);
}

function rowsWithTopic(topic) {
  return page.locator('#message-rows .msg', { has: page.locator('.topic', { hasText: topic }) });
}

async function waitRowCount(locator, count, what) {
  await waitFor(what, async () => (await locator.count()) >= count);
}

async function startBridge(name, port) {
  bridge = start(name, bridgeBin, [
    '--mqtt-url', `tcp://127.0.0.1:${broker.port}`, '--listen', `127.0.0.1:${port}`,
    '--allow-publish', 'console-test/out/#', '--allow-publish', 'app/#', '--threads', '2',
    '--log-level', 'debug']);
  bridge.port = port;
  await waitFor('the bridge to be healthy', () => healthy(port));
}

before(async () => {
  mkdirSync(outDir, { recursive: true });
  const brokerPort = await freePort();
  const conf = path.join(outDir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  broker = start('mosquitto', 'mosquitto', ['-c', conf]);
  broker.port = brokerPort;
  await waitFor('mosquitto to listen', () => connects(brokerPort));
  // Retained before the page exists: the console gets it replayed on subscribe.
  await mqttPublish('console-test/in/retained', '{"kept": true}', ['-r']);

  await startBridge('bridge', await freePort());

  browser = await chromium.launch({
    executablePath: process.env.MWB_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
});

after(async () => {
  if (browser) await browser.close();
  // Only the processes this test started, newest first.
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  if (bridge) {
    const { code, signal } = await bridge.exited;
    assert.ok(code === 0 || signal === 'SIGTERM', `bridge exit: ${code} ${signal}`);
  }
  await Promise.all(children.map((child) => child.exited));
});

test('serves the console and client.js with their types and security headers', async () => {
  const base = `http://127.0.0.1:${bridge.port}`;
  const index = await fetch(`${base}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  assert.match(index.headers.get('content-security-policy'), /(^|; )connect-src 'self'(;|$)/);
  const client = await fetch(`${base}/client.js`);
  assert.equal(client.status, 200);
  assert.match(client.headers.get('content-type'), /^text\/javascript/);
  assert.match(await client.text(), /export class BridgeClient/);
});

test('a ?ws= pointing at another origin is refused, and the policy would block it anyway', async () => {
  // A listener that notes every connection: nothing may reach it.
  let reached = 0;
  const stranger = net.createServer((socket) => { reached += 1; socket.destroy(); });
  await new Promise((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  const { port } = stranger.address();
  const other = await browser.newPage();
  try {
    await other.goto(`http://127.0.0.1:${bridge.port}/?ws=${encodeURIComponent(`@127.0.0.1:${port}/ws`)}`);
    await waitFor('the refusal', async () =>
      (await other.locator('#ws-state').getAttribute('data-state')) === 'refused');
    assert.match(await other.locator('#connection-error').textContent(), /origin/);
    // Past the page's own check, the browser enforces connect-src 'self'.
    let settled = false;
    const blocked = await Promise.race([
      other.evaluate((url) => new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation',
          (event) => resolve(event.effectiveDirective), { once: true });
        try {
          new WebSocket(url);
        } catch (error) {
          resolve(error.name);
        }
      }), `ws://127.0.0.1:${port}/ws`),
      waitFor('a violation or a connection', () => settled || reached > 0)
        .then(() => 'a connection reached the other origin'),
    ]);
    settled = true;
    assert.ok(['connect-src', 'SecurityError'].includes(blocked), blocked);
    assert.equal(reached, 0);
  } finally {
    await other.close();
    await new Promise((resolve) => stranger.close(resolve));
  }
});

test('page loads, shows its session and subscribes to the filter in the URL', async () => {
  await page.goto(`http://127.0.0.1:${bridge.port}/?topic=${encodeURIComponent('console-test/in/#')}`);
  await waitFor('the WebSocket to open',
    async () => (await page.locator('#ws-state').getAttribute('data-state')) === 'open');
  const session = await page.locator('#session-id').textContent();
  // <instance-id>.<shard, 2 hex><22 base64url>: see include/mqttws/session_id.hpp.
  assert.match(session, /^[A-Za-z0-9_-]{1,64}\.[0-9a-f]{2}[A-Za-z0-9_-]{22}$/);
  assert.equal(await page.locator('#broker-state').getAttribute('data-state'), 'connected');
  await waitRowCount(page.locator('#filter-list li[data-state="active"]'), 1, 'the filter to be acked');
  assert.equal(await page.locator('#filter-list li code').textContent(), 'console-test/in/#');
});

test('the retained message is replayed with its flag', async () => {
  const rows = rowsWithTopic('console-test/in/retained');
  await waitRowCount(rows, 1, 'the retained message');
  assert.equal(await rows.first().locator('.retain').textContent(), 'retained');
});

test('a message published with mosquitto_pub appears in the table, JSON pretty-printed', async () => {
  await mqttPublish('console-test/in/kitchen', '{"celsius":21.5,"ok":true}');
  const rows = rowsWithTopic('console-test/in/kitchen');
  await waitRowCount(rows, 1, 'the published message');
  assert.equal(await rows.first().locator('pre').textContent(), '{\n  "celsius": 21.5,\n  "ok": true\n}');
  assert.equal(await rows.first().locator('.retain').textContent(), '');
});

test('filters are added and removed from the page', async () => {
  await page.fill('#filter-input', 'console-test/ui/+');
  await page.click('#subscribe-form button[type="submit"]');
  await waitRowCount(page.locator('#filter-list li[data-state="active"]'), 2, 'the new filter to be acked');
  await mqttPublish('console-test/ui/a', 'first');
  await waitRowCount(rowsWithTopic('console-test/ui/a'), 1, 'a message on the added filter');

  await page.click('#filter-list button[aria-label="unsubscribe console-test/ui/+"]');
  // The item leaves the list once the bridge acked the unsubscribe; the
  // bridge keeps broker order, so once a later message is shown, one on the
  // removed filter would be there too had it been delivered.
  await waitFor('the unsubscribe ack', async () => (await page.locator('#filter-list li').count()) === 1);
  await mqttPublish('console-test/ui/b', 'after unsubscribe');
  await mqttPublish('console-test/in/marker', 'marker');
  await waitRowCount(rowsWithTopic('console-test/in/marker'), 1, 'the marker message');
  assert.equal(await rowsWithTopic('console-test/ui/b').count(), 0);
});

test('pause holds new rows back and resume shows them', async () => {
  await page.click('#pause');
  await mqttPublish('console-test/in/paused', 'while paused');
  await waitFor('the message to wait', async () =>
    /1 waiting/.test(await page.locator('#message-count').textContent()));
  assert.equal(await rowsWithTopic('console-test/in/paused').count(), 0);
  await page.click('#pause');
  await waitRowCount(rowsWithTopic('console-test/in/paused'), 1, 'the held message after resume');
});

test('publish from the page reaches a real MQTT subscriber', async () => {
  // Line-buffered, or its "received SUBACK" would sit in a pipe buffer.
  const subscriber = start('mosquitto_sub', 'stdbuf', ['-oL', 'mosquitto_sub',
    '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'console-test/out/#', '-v', '-d', '-C', '1']);
  await waitFor('mosquitto_sub to be subscribed', () => /received SUBACK/.test(subscriber.output));
  await page.fill('#publish-topic', 'console-test/out/greeting');
  await page.fill('#publish-payload', '{"hello": "from the browser"}');
  await page.click('#publish-form button[type="submit"]');
  await waitFor('the publish ack',
    async () => (await page.locator('#publish-result').getAttribute('data-state')) === 'ok');
  await waitFor('the message at mosquitto_sub',
    () => subscriber.output.includes('console-test/out/greeting {"hello":"from the browser"}'));
  const { code } = await subscriber.exited;
  assert.equal(code, 0);
});

test('publish to a topic outside --allow-publish shows the refusal', async () => {
  await page.fill('#publish-topic', 'console-test/elsewhere');
  await page.click('#publish-form button[type="submit"]');
  await waitFor('the refusal',
    async () => (await page.locator('#publish-result').getAttribute('data-state')) === 'error');
  assert.match(await page.locator('#publish-result').textContent(), /^not_allowed: /);
});

test('the metrics summary shows the bridge\'s numbers', async () => {
  await waitFor('the metrics panel', async () => !(await page.locator('#metrics').isHidden()));
  const labels = await page.locator('#metric-list dt').allTextContents();
  assert.ok(labels.includes('clients'), labels.join(', '));
});

test('stays responsive at 1,000 messages/s: rows capped, every message counted', async () => {
  const before = await receivedCount();
  // The page notes its longest gap between animation frames (reported, not asserted).
  await page.evaluate(() => {
    window.longestFrameGap = 0;
    let last = performance.now();
    const step = (now) => {
      window.longestFrameGap = Math.max(window.longestFrameGap, now - last);
      last = now;
      if (!window.stopFrameWatch) requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  const total = 5000;
  // Main-thread time the page spent (reported, not asserted).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const mainThread = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics
    .filter(({ name }) => /^(Task|Script|Layout|RecalcStyle)Duration$/.test(name))
    .map(({ name, value }) => [name, value]));
  const startTimes = await mainThread();
  const publisher = start('mosquitto_pub-load', 'mosquitto_pub',
    ['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'console-test/in/load', '-l'], 'pipe');
  let sent = 0;
  // 10 lines every 10 ms: about 1,000 messages/s for five seconds.
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      let lines = '';
      for (let i = 0; i < 10 && sent < total; i += 1) lines += JSON.stringify({ seq: sent++, v: Math.random() }) + '\n';
      publisher.stdin.write(lines);
      if (sent >= total) {
        clearInterval(timer);
        publisher.stdin.end();
        resolve();
      }
    }, 10);
  });
  assert.equal((await publisher.exited).code, 0);
  await waitFor(`${total} more messages counted`, async () => (await receivedCount()) >= before + total);
  assert.equal(await receivedCount(), before + total);
  const endTimes = await mainThread();
  const spent = Object.keys(endTimes).map((name) => `${name} ${(endTimes[name] - startTimes[name]).toFixed(2)} s`);
  assert.equal(await page.locator('#message-rows .msg').count(), 500);
  // Still answers the user: pause and resume take effect.
  await page.click('#pause');
  assert.equal(await page.locator('#pause').textContent(), 'Resume');
  await page.click('#pause');
  const gap = await page.evaluate(() => { window.stopFrameWatch = true; return window.longestFrameGap; });
  console.log(`# ${total} messages at ~1,000/s: longest gap between frames ${gap.toFixed(0)} ms; ` +
    `main thread: ${spent.join(', ')}`);
});

test('after a bridge restart the page reconnects and subscribes again', async () => {
  const oldSession = await page.locator('#session-id').textContent();
  const errorsBefore = page.errors.length;
  bridge.kill('SIGTERM');
  const { code } = await bridge.exited;
  assert.equal(code, 0);
  await waitFor('the page to see the connection drop',
    async () => (await page.locator('#ws-state').getAttribute('data-state')) === 'closed');
  await startBridge('bridge-restarted', bridge.port);
  await waitFor('the WebSocket to open again',
    async () => (await page.locator('#ws-state').getAttribute('data-state')) === 'open');
  assert.notEqual(await page.locator('#session-id').textContent(), oldSession);
  // Retries (and /metrics polls) while the bridge was down are refused: expected here only.
  const outage = page.errors.splice(errorsBefore);
  assert.deepEqual(outage.filter((text) => !/ERR_CONNECTION_REFUSED/.test(text)), []);
  await waitRowCount(page.locator('#filter-list li[data-state="active"]'), 1, 'the filter acked again');
  await mqttPublish('console-test/in/after-restart', 'back');
  await waitRowCount(rowsWithTopic('console-test/in/after-restart'), 1, 'a message after the restart');
});

test('screenshot of the console is saved and not empty', async () => {
  const file = path.join(outDir, 'console.png');
  await page.screenshot({ path: file });
  assert.ok(statSync(file).size > 1000, `${file} is too small`);
  assert.deepEqual([...readFileSync(file).subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.deepEqual(page.errors, []);
});

// Not a check: the README's picture, with traffic that looks like a real site. Registered
// only when asked for (MWB_README_SCREENSHOT=<png>), so a normal run has nothing skipped.
if (process.env.MWB_README_SCREENSHOT) test('README screenshot', async () => {
  const shot = await browser.newPage({ viewport: { width: 1200, height: 880 } });
  await shot.goto(`http://127.0.0.1:${bridge.port}/?topic=${encodeURIComponent('sensors/#')}&topic=alerts`);
  await waitFor('the filters to be acked', async () =>
    (await shot.locator('#filter-list li[data-state="active"]').count()) === 2);
  await mqttPublish('sensors/garage/door', '{"open":false,"battery":87}', ['-r']);
  const rooms = ['kitchen', 'hall', 'office', 'bedroom'];
  for (let i = 0; i < 8; i += 1) {
    const room = rooms[i % rooms.length];
    await mqttPublish(`sensors/${room}/temp`,
      JSON.stringify({ celsius: Number((19 + ((i * 7) % 10) / 3).toFixed(1)), humidity: 40 + (i % 5) }));
  }
  await mqttPublish('alerts', 'hall window open for 10 minutes');
  await shot.fill('#publish-topic', 'app/lights');
  await shot.fill('#publish-payload', '{"room": "hall", "on": true}');
  await shot.click('#publish-form button[type="submit"]');
  await waitFor('the publish ack',
    async () => (await shot.locator('#publish-result').getAttribute('data-state')) === 'ok');
  await waitFor('the rate table', async () => (await shot.locator('#rate-rows tr').count()) > 0);
  await waitFor('the metrics', async () => !(await shot.locator('#metrics').isHidden()));
  await shot.screenshot({ path: process.env.MWB_README_SCREENSHOT });
  await shot.close();
});
