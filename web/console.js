// The web console at /: a live view of the bridge built on /client.js.
// Messages are queued as they arrive and drawn once per animation frame, the
// newest MAX_ROWS only, so 1,000 messages/s cost one DOM update per frame.
//
// URL parameters: ?topic=FILTER (repeatable; default: the last filters used
// here, else #), ?ws=/path (the bridge's --ws-path, default /ws; this
// origin only).
import { BridgeClient } from './client.js';
import {
  consoleSocketUrl, formatPayload, NewestQueue, TopicRates, parseMetrics, summarizeMetrics,
} from './console-model.js';

const MAX_ROWS = 500;
// At most ten table updates a second: nobody reads faster, and each update
// shifts every visible row (layout and paint), whatever the number of rows.
const MIN_RENDER_INTERVAL_MS = 100;
const METRICS_EVERY_MS = 5000;
const STORAGE_KEY = 'mqtt-ws-bridge.console.filters';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const socket = consoleSocketUrl(location, params.get('ws'));
// Refused: a client that never connects, so the page still builds.
const client = new BridgeClient(socket.url, { autoConnect: socket.url !== undefined });
const queue = new NewestQueue(MAX_ROWS);
const rates = new TopicRates(5);
let received = 0;
let dropped = 0;
let paused = false;
let frameRequested = false;
let lastRender = -Infinity;
const active = new Set();    // filters the bridge acked on this connection
const removing = new Set();  // unsubscribed, not yet acked

// --- connection and broker link ---

function setPill(element, state, text) {
  element.dataset.state = state;
  element.textContent = text;
}

client.on('state', ({ state, delay }) => {
  const text = state === 'closed' && delay !== undefined
    ? `WebSocket: closed, retrying in ${(delay / 1000).toFixed(1)} s`
    : `WebSocket: ${state}`;
  setPill($('ws-state'), state, text);
  if (state !== 'open') {
    active.clear();
    renderFilters();
    $('session-id').textContent = '…';
    setPill($('broker-state'), 'unknown', 'broker: unknown');
  }
});
client.on('welcome', ({ session }) => {
  $('session-id').textContent = session;
  setPill($('broker-state'), 'connected', 'broker: connected');
  renderFilters();
});
client.on('subscribed', ({ topics, recovered, reason, topic }) => {
  topics.forEach((t) => active.add(t));
  renderFilters();
  if (recovered !== undefined) showRecovery(recovered, reason, topic);
});
client.on('recovery', ({ reason, topic }) => showRecovery(false, reason, topic));

// After a reconnect, with --history: did the bridge give everything missed?
function showRecovery(recovered, reason, topic) {
  const pill = $('recovery-state');
  pill.hidden = false;
  if (recovered) {
    setPill(pill, 'connected', 'recovered: nothing missed');
  } else {
    setPill(pill, 'refused', `not recovered: ${reason}${topic ? ` (${topic})` : ''}`);
  }
}
client.on('status', ({ mqtt }) => setPill($('broker-state'), mqtt, `broker: ${mqtt}`));
client.on('dropped', ({ count }) => {
  dropped += count;
  updateCount();
});
client.on('error', (error) => {
  $('subscribe-error').textContent = `${error.code || 'error'}: ${error.message}`;
});

// --- topic filters ---

function initialFilters() {
  const fromUrl = params.getAll('topic');
  if (fromUrl.length > 0) return fromUrl;
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY));
    if (Array.isArray(saved)) return saved.filter((f) => typeof f === 'string');
  } catch {
    // no storage, or nothing saved: the default below
  }
  return ['#'];
}

function saveFilters() {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...client.filters]));
  } catch {
    // storage off: filters are still kept for this page's life
  }
}

function renderFilters() {
  const list = $('filter-list');
  const states = new Map([...client.filters].map((f) => [f, active.has(f) ? 'active' : 'pending']));
  removing.forEach((filter) => states.set(filter, 'removing'));
  const titles = { active: 'subscribed', pending: 'not subscribed yet', removing: 'unsubscribing' };
  list.replaceChildren(...[...states].map(([filter, state]) => {
    const item = document.createElement('li');
    item.dataset.state = state;
    item.title = titles[state];
    const name = document.createElement('code');
    name.textContent = filter;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '✕';
    remove.title = `unsubscribe ${filter}`;
    remove.setAttribute('aria-label', `unsubscribe ${filter}`);
    remove.addEventListener('click', () => removeFilter(filter));
    item.append(name, remove);
    return item;
  }));
}

async function addFilter(filter) {
  $('subscribe-error').textContent = '';
  const subscribing = client.subscribe(filter);
  renderFilters();
  try {
    await subscribing;
  } catch (error) {
    if (error.code !== 'disconnected') {
      $('subscribe-error').textContent = `${filter}: ${error.code}: ${error.message}`;
    }
  }
  saveFilters();
  renderFilters();
}

async function removeFilter(filter) {
  active.delete(filter);
  removing.add(filter);
  const unsubscribing = client.unsubscribe(filter);
  saveFilters();
  renderFilters();
  // Disconnected: nothing to undo, the filter is simply not subscribed again.
  await unsubscribing.catch(() => {});
  removing.delete(filter);
  renderFilters();
}

$('subscribe-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('filter-input');
  const filter = input.value.trim();
  if (filter === '') return;
  input.value = '';
  addFilter(filter);
});

// --- messages ---

client.on('message', (msg) => {
  received += 1;
  rates.count(msg.topic);
  queue.push({ time: new Date(), msg });
  requestRender();
});

function requestRender() {
  if (paused || frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(render);
}

function cell(tag, text, className) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.textContent = text;
  return element;
}

// One message as a grid row of divs, not a <tr>: rows can then skip
// rendering while off screen (content-visibility), which keeps 500 kept
// rows cheap when new ones push them down every frame.
function row({ time, msg }) {
  const element = document.createElement('div');
  element.className = 'msg';
  element.setAttribute('role', 'row');
  const payload = document.createElement('div');
  payload.className = 'payload';
  payload.append(cell('pre', formatPayload(msg)));
  element.append(
    cell('span', time.toTimeString().slice(0, 8) + '.' + String(time.getMilliseconds()).padStart(3, '0'),
      'time'),
    cell('span', msg.topic, 'topic'),
    payload,
    cell('span', String(msg.qos ?? ''), 'qos'),
    cell('span', msg.retain ? 'retained' : '', 'retain'));
  for (const child of element.children) child.setAttribute('role', 'cell');
  return element;
}

function render(now) {
  frameRequested = false;
  if (paused) return;
  if (now - lastRender < MIN_RENDER_INTERVAL_MS) {
    requestRender();
    return;
  }
  lastRender = now;
  const batch = queue.take();
  if (batch.length > 0) {
    const fragment = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= 0; i -= 1) fragment.append(row(batch[i]));
    const body = $('message-rows');
    body.prepend(fragment);
    while (body.childElementCount > MAX_ROWS) body.lastElementChild.remove();
  }
  updateCount();
}

function updateCount() {
  const parts = [`${received} received`, `${$('message-rows').childElementCount} shown`];
  if (queue.skipped > 0) parts.push(`${queue.skipped} not drawn`);
  if (dropped > 0) parts.push(`${dropped} dropped by the bridge (slow client)`);
  if (paused && queue.length > 0) parts.push(`${queue.length} waiting`);
  $('message-count').textContent = parts.join(' · ');
}

$('pause').addEventListener('click', () => {
  paused = !paused;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
  $('pause').setAttribute('aria-pressed', String(paused));
  updateCount();
  requestRender();
});

$('clear').addEventListener('click', () => {
  $('message-rows').replaceChildren();
  queue.take();
  updateCount();
});

// --- per-topic rates ---

setInterval(() => {
  rates.tick();
  const { rows, total } = rates.top(8);
  $('total-rate').textContent = `${total.toFixed(1)} msg/s`;
  $('rate-rows').replaceChildren(...rows.map(({ topic, rate }) => {
    const tr = document.createElement('tr');
    tr.append(cell('td', topic, 'topic'), cell('td', `${rate.toFixed(1)}/s`, 'rate'));
    return tr;
  }));
  if (paused) updateCount();
}, 1000);

// --- publish ---

$('publish-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const topic = $('publish-topic').value.trim();
  const text = $('publish-payload').value;
  let payload = text;
  if ($('publish-json').checked) {
    try {
      payload = JSON.parse(text);
    } catch {
      // not JSON: sent as the string it is
    }
  }
  const result = $('publish-result');
  result.dataset.state = 'pending';
  result.textContent = `publishing to ${topic}…`;
  try {
    await client.publish(topic, payload, {
      qos: Number($('publish-qos').value),
      retain: $('publish-retain').checked,
    });
    result.dataset.state = 'ok';
    result.textContent = `published to ${topic} at ${new Date().toTimeString().slice(0, 8)}`;
  } catch (error) {
    result.dataset.state = 'error';
    result.textContent = `${error.code}: ${error.message}`;
  }
});

// --- the bridge's metrics summary ---

let lastMessages = null;
let metricsTimer = null;

async function refreshMetrics() {
  let response;
  try {
    response = await fetch('/metrics', { cache: 'no-store' });
  } catch {
    return;  // the bridge is away; the WebSocket state already says so
  }
  if (response.status === 401 || response.status === 403 || response.status === 404) {
    // Protected by --http-admin-token (or not served): no summary here.
    $('metrics').hidden = true;
    clearInterval(metricsTimer);
    return;
  }
  if (!response.ok) return;
  const sums = parseMetrics(await response.text());
  const items = summarizeMetrics(sums);
  const messages = sums.get('mwb_mqtt_messages_total');
  if (messages !== undefined && lastMessages !== null) {
    items.splice(3, 0, {
      label: 'MQTT msg/s',
      value: Math.max(0, (messages - lastMessages) / (METRICS_EVERY_MS / 1000)).toFixed(1),
    });
  }
  if (messages !== undefined) lastMessages = messages;
  $('metric-list').replaceChildren(...items.flatMap(({ label, value }) => {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    return [dt, dd];
  }));
  $('metrics').hidden = items.length === 0;
}

refreshMetrics();
metricsTimer = setInterval(refreshMetrics, METRICS_EVERY_MS);

// --- start ---

for (const filter of initialFilters()) client.filters.add(filter);
saveFilters();
renderFilters();
if (socket.error) {
  setPill($('ws-state'), 'refused', 'WebSocket: refused');
  $('connection-error').textContent = socket.error;
  $('connection-error').hidden = false;
  for (const control of document.querySelectorAll('form :is(input, textarea, select, button)')) {
    control.disabled = true;
  }
}
