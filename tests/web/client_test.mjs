// web/client.js without a browser: backoff, answer matching, and the op/ack
// bookkeeping, driven through a scripted stand-in for the WebSocket.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BridgeClient, BridgeError, SUBPROTOCOL, backoffDelay, defaultUrl, isAnswer, isUncorrelatedReply,
} from '../../web/client.js';

// Records what the client sends; the test plays the bridge's part.
class ScriptedSocket {
  static all = [];

  constructor(url, protocol) {
    this.url = url;
    this.protocol = protocol;
    this.sent = [];
    ScriptedSocket.all.push(this);
  }

  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.closed = true; }
  receive(frame) { this.onmessage({ data: JSON.stringify(frame) }); }
  drop() { this.onclose({}); }
  lastOp() { return this.sent[this.sent.length - 1]; }
}

function newClient(options = {}) {
  ScriptedSocket.all = [];
  const client = new BridgeClient('ws://bridge.test/ws',
    { WebSocket: ScriptedSocket, reconnectMin: 1, reconnectMax: 4, ...options });
  return { client, socket: ScriptedSocket.all[0] };
}

test('backoff grows from min, doubling, capped at max, jittered within the range', () => {
  const low = () => 0;
  const high = () => 0.999999;
  assert.equal(backoffDelay(0, { min: 500, max: 30000, random: high }), 500);
  assert.equal(backoffDelay(1, { min: 500, max: 30000, random: high }), 1000);
  assert.equal(backoffDelay(3, { min: 500, max: 30000, random: high }), 4000);
  assert.equal(backoffDelay(20, { min: 500, max: 30000, random: high }), 30000);
  assert.equal(backoffDelay(1000, { min: 500, max: 30000, random: high }), 30000);
  assert.equal(backoffDelay(5, { min: 500, max: 30000, random: low }), 500);
  const half = backoffDelay(3, { min: 500, max: 30000, random: () => 0.5 });
  assert.ok(half > 500 && half < 4000, String(half));
});

test('the default URL follows the page: ws for http, wss for https', () => {
  assert.equal(defaultUrl({ protocol: 'http:', host: 'h:8080' }), 'ws://h:8080/ws');
  assert.equal(defaultUrl({ protocol: 'https:', host: 'h' }, '/bridge'), 'wss://h/bridge');
});

test('an answer matches by correlation data, never the request echoed back', () => {
  const session = 'S1';
  const echo = { topic: 'app/req', correlationData: 'c1', responseTopic: 'mqtt-ws-bridge/reply/i/S1' };
  const answer = { topic: 'mqtt-ws-bridge/reply/i/S1', correlationData: 'c1' };
  assert.equal(isAnswer(echo, session, 'c1'), false);
  assert.equal(isAnswer(answer, session, 'c1'), true);
  assert.equal(isAnswer(answer, session, 'c2'), false);
  assert.equal(isUncorrelatedReply({ topic: 'mqtt-ws-bridge/reply/i/S1' }, session), true);
  assert.equal(isUncorrelatedReply({ topic: 'sensors/S1x' }, session), false);
  assert.equal(isUncorrelatedReply(answer, session), false);
});

test('connects with the subprotocol and reports the welcome', () => {
  const { client, socket } = newClient();
  assert.equal(socket.protocol, SUBPROTOCOL);
  const seen = [];
  client.on('welcome', ({ session }) => seen.push(session));
  socket.receive({ type: 'welcome', session: 'S1' });
  assert.deepEqual(seen, ['S1']);
  assert.equal(client.connected, true);
  client.close();
});

test('ops settle by id: ack resolves, error rejects with the code', async () => {
  const { client, socket } = newClient();
  socket.receive({ type: 'welcome', session: 'S1' });
  const first = client.publish('a', 1);
  const second = client.publish('b', 2, { qos: 1 });
  const [op1, op2] = socket.sent;
  assert.deepEqual(op2, { op: 'publish', topic: 'b', payload: 2, qos: 1, retain: false, id: op2.id });
  socket.receive({ type: 'error', id: op2.id, code: 'not_allowed', message: 'no' });
  socket.receive({ type: 'ack', id: op1.id });
  await first;
  await assert.rejects(second, (error) => error instanceof BridgeError && error.code === 'not_allowed');
  client.close();
});

test('a disconnect rejects ops in flight; ops made meanwhile wait for the connection', async () => {
  const { client, socket } = newClient();
  const early = client.subscribe('early/#');  // before the welcome
  assert.equal(socket.sent.length, 0);
  socket.receive({ type: 'welcome', session: 'S1' });
  assert.deepEqual(socket.sent.map(({ op, topics }) => [op, topics]), [['subscribe', ['early/#']]]);
  socket.receive({ type: 'ack', id: socket.lastOp().id });
  await early;

  const inFlight = client.ping();
  socket.drop();
  await assert.rejects(inFlight, { code: 'disconnected' });
  const later = client.publish('a', 1);
  await new Promise((resolve) => client.on('state', ({ state }) => state === 'connecting' && resolve()));
  const again = ScriptedSocket.all[1];
  again.receive({ type: 'welcome', session: 'S2' });
  assert.deepEqual(again.sent.map(({ op }) => op), ['subscribe', 'publish']);
  again.receive({ type: 'ack', id: again.lastOp().id });
  await later;

  const never = client.ping();
  again.drop();
  await assert.rejects(never, { code: 'disconnected' });
  const queued = client.ping();
  client.close();
  await assert.rejects(queued, { code: 'disconnected' });
  await assert.rejects(client.ping(), { code: 'disconnected' });
});

test('filters are subscribed again after a reconnect', async () => {
  const { client, socket } = newClient();
  socket.receive({ type: 'welcome', session: 'S1' });
  const subscribed = client.subscribe(['a/#', 'b']);
  socket.receive({ type: 'ack', id: socket.lastOp().id });
  await subscribed;
  const refused = client.subscribe('bad/#/x');
  socket.receive({ type: 'error', id: socket.lastOp().id, code: 'invalid_filter', message: 'no' });
  await assert.rejects(refused, { code: 'invalid_filter' });

  const states = [];
  client.on('state', (event) => states.push(event));
  socket.drop();
  assert.equal(states[0].state, 'closed');
  assert.ok(states[0].delay >= 1 && states[0].delay <= 4);
  await new Promise((resolve) => client.on('state', ({ state }) => state === 'connecting' && resolve()));
  const again = ScriptedSocket.all[1];
  again.receive({ type: 'welcome', session: 'S2' });
  assert.deepEqual(again.lastOp(),
    { op: 'subscribe', topics: ['a/#', 'b'], recover: true, id: again.lastOp().id });
  client.close();
});

test('after a reconnect the positions kept are passed back, and the answer is told', async () => {
  const { client, socket } = newClient();
  socket.receive({ type: 'welcome', session: 'S1' });
  const subscribed = client.subscribe('h/#');
  assert.equal(socket.lastOp().recover, true);
  socket.receive({
    type: 'ack', id: socket.lastOp().id,
    positions: { 'h/a': { offset: 4, epoch: '00000000000000aa' } },
  });
  await subscribed;
  socket.receive({ type: 'message', topic: 'h/a', payload: 'x', offset: 5, epoch: '00000000000000aa' });
  socket.receive({ type: 'message', topic: 'h/b', payload: 'y', offset: 1, epoch: '00000000000000bb' });
  socket.receive({ type: 'message', topic: 'h/c', payload: 'no history' });

  const told = [];
  client.on('subscribed', (event) => told.push(event));
  socket.drop();
  await new Promise((resolve) => client.on('state', ({ state }) => state === 'connecting' && resolve()));
  const again = ScriptedSocket.all[1];
  again.receive({ type: 'welcome', session: 'S2' });
  assert.deepEqual(again.lastOp().since, {
    'h/a': { offset: 5, epoch: '00000000000000aa' },
    'h/b': { offset: 1, epoch: '00000000000000bb' },
  });
  again.receive({ type: 'ack', id: again.lastOp().id, recovered: true, positions: {} });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(told, [{ topics: ['h/#'], recovered: true }]);

  // Not recovered: the reason reaches the app, and the ack's positions are the new start.
  again.drop();
  await new Promise((resolve) => client.on('state', ({ state }) => state === 'connecting' && resolve()));
  const third = ScriptedSocket.all[2];
  third.receive({ type: 'welcome', session: 'S3' });
  third.receive({
    type: 'ack', id: third.lastOp().id, recovered: false, reason: 'epoch_changed', topic: 'h/a',
    positions: { 'h/a': { offset: 1, epoch: '00000000000000cc' } },
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(told[1], { topics: ['h/#'], recovered: false, reason: 'epoch_changed', topic: 'h/a' });
  assert.deepEqual(client.positions.get('h/a'), { offset: 1, epoch: '00000000000000cc' });
  client.close();
});

test('recover: false subscribes without positions', async () => {
  const { client, socket } = newClient({ recover: false });
  socket.receive({ type: 'welcome', session: 'S1' });
  const subscribed = client.subscribe('h/#');
  assert.deepEqual(socket.lastOp(), { op: 'subscribe', topics: ['h/#'], id: socket.lastOp().id });
  socket.receive({ type: 'ack', id: socket.lastOp().id });
  await subscribed;
  client.close();
});

test('request resolves with the answer routed back, not the echo', async () => {
  const { client, socket } = newClient();
  socket.receive({ type: 'welcome', session: 'S1' });
  const answer = client.request('app/req', 'hi');
  const op = socket.lastOp();
  assert.equal(op.topic, 'app/req');
  assert.equal(typeof op.correlationData, 'string');
  socket.receive({ type: 'ack', id: op.id });
  socket.receive({
    type: 'message', topic: 'app/req', payload: 'hi', correlationData: op.correlationData,
    responseTopic: 'mqtt-ws-bridge/reply/i/S1',
  });
  socket.receive({
    type: 'message', topic: 'mqtt-ws-bridge/reply/i/S1', payload: 'hello back',
    correlationData: op.correlationData,
  });
  const msg = await answer;
  assert.equal(msg.payload, 'hello back');
  assert.equal(msg.type, undefined);
  client.close();
});

test('request times out without an answer', async () => {
  const { client, socket } = newClient();
  socket.receive({ type: 'welcome', session: 'S1' });
  const answer = client.request('app/req', 'hi', { timeout: 5 });
  socket.receive({ type: 'ack', id: socket.lastOp().id });
  await assert.rejects(answer, { code: 'timeout' });
  client.close();
});

test('request on an MQTT 3.1.1 bridge rejects at once with the bridge\'s not_supported', async () => {
  const { client, socket } = newClient();
  socket.receive({ type: 'welcome', session: 'S1' });
  const answer = client.request('app/req', 'hi', { timeout: 60000 });
  socket.receive({
    type: 'error', id: socket.lastOp().id, code: 'not_supported',
    message: 'MQTT 3.1.1 carries no correlationData and no responseTopic',
  });
  await assert.rejects(answer, (error) => error instanceof BridgeError && error.code === 'not_supported');
  assert.equal(client.requests.length, 0);
  client.close();
});

test('status, message and dropped frames become events', () => {
  const { client, socket } = newClient();
  const events = [];
  for (const name of ['status', 'message', 'dropped']) client.on(name, (e) => events.push([name, e]));
  socket.receive({ type: 'welcome', session: 'S1' });
  socket.receive({ type: 'status', mqtt: 'disconnected' });
  socket.receive({ type: 'message', topic: 't', payload: { a: 1 }, retain: true });
  socket.receive({ type: 'dropped', count: 3 });
  assert.deepEqual(events, [
    ['status', { mqtt: 'disconnected' }],
    ['message', { topic: 't', payload: { a: 1 }, retain: true }],
    ['dropped', { count: 3 }],
  ]);
  assert.equal(client.mqtt, 'disconnected');
  client.close();
});
