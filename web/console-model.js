// The console's logic that needs no page: payload text, per-topic rates,
// the kept-rows queue, the /metrics summary and the WebSocket URL. Tested
// with node --test.

// Text shown for a msg's payload: JSON pretty-printed, strings as they are,
// binary (base64 on the wire) labelled, all cut at `limit` characters.
export function formatPayload(msg, limit = 4000) {
  let text;
  if (msg.payloadEncoding === 'base64') {
    text = `base64: ${msg.payload}`;
  } else if (typeof msg.payload === 'string') {
    text = msg.payload;
  } else {
    text = JSON.stringify(msg.payload, null, 2) ?? String(msg.payload);
  }
  if (text.length > limit) {
    text = `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
  }
  return text;
}

// Keeps the newest `capacity` items pushed since the last take(); older ones
// are counted as skipped, never rendered (the page cannot show 1,000 rows a
// second anyway, and must not grow without bound while paused).
export class NewestQueue {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = [];
    this.skipped = 0;
  }

  push(item) {
    this.items.push(item);
    // Trim in chunks: one splice per `capacity` pushes, not one shift each.
    if (this.items.length >= 2 * this.capacity) {
      const excess = this.items.length - this.capacity;
      this.items.splice(0, excess);
      this.skipped += excess;
    }
  }

  get length() {
    return Math.min(this.items.length, this.capacity);
  }

  // The newest items, oldest first, and empties the queue.
  take() {
    const excess = Math.max(0, this.items.length - this.capacity);
    this.skipped += excess;
    const items = excess > 0 ? this.items.slice(excess) : this.items;
    this.items = [];
    return items;
  }
}

// Messages per second by topic over a sliding window of whole seconds.
export class TopicRates {
  constructor(windowSeconds = 5) {
    this.windowSeconds = windowSeconds;
    this.current = new Map();
    this.history = [];  // one Map per finished second, oldest first
  }

  count(topic) {
    this.current.set(topic, (this.current.get(topic) || 0) + 1);
  }

  // Ends the current second (call once a second).
  tick() {
    this.history.push(this.current);
    if (this.history.length > this.windowSeconds) this.history.shift();
    this.current = new Map();
  }

  // [{topic, rate}] highest first, at most `limit`; and the total rate.
  top(limit = 10) {
    const totals = new Map();
    for (const second of this.history) {
      for (const [topic, n] of second) totals.set(topic, (totals.get(topic) || 0) + n);
    }
    const seconds = Math.max(1, this.history.length);
    let total = 0;
    const rows = [];
    for (const [topic, n] of totals) {
      total += n;
      rows.push({ topic, rate: n / seconds });
    }
    rows.sort((a, b) => b.rate - a.rate || a.topic.localeCompare(b.topic));
    return { rows: rows.slice(0, limit), total: total / seconds };
  }
}

// Prometheus text format -> Map(metric name -> sum of its samples). Labels
// are summed over: the console shows totals (e.g. drops of every reason).
export function parseMetrics(text) {
  const sums = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    sums.set(match[1], (sums.get(match[1]) || 0) + value);
  }
  return sums;
}

// The few numbers the console shows, by label; a metric the bridge does not
// export is left out rather than shown as 0.
export const METRIC_SUMMARY = [
  ['clients', 'mwb_clients'],
  ['subscriptions', 'mwb_subscriptions'],
  ['from MQTT', 'mwb_mqtt_messages_total'],
  ['deliveries', 'mwb_deliveries_total'],
  ['dropped', 'mwb_dropped_total'],
  ['client publishes', 'mwb_client_publishes_total'],
  ['MQTT reconnects', 'mwb_mqtt_reconnects_total'],
];

export function summarizeMetrics(sums) {
  return METRIC_SUMMARY.filter(([, name]) => sums.has(name))
    .map(([label, name]) => ({ label, name, value: sums.get(name) }));
}

// The WebSocket URL for the page's ?ws= (default /ws): a path, or a ws:/wss:
// URL, on the page's own origin only. `{ url }`, or `{ error }` to show.
// Anything else would have the bridge's own page, and its subscription to #,
// talk to whatever host a link names ("@host" after the page's authority,
// "//host", a backslash, another scheme or port, credentials).
export function consoleSocketUrl(location, ws) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const origin = `${scheme}//${location.host}`;
  const wanted = ws ?? '/ws';
  const refused = {
    error: `?ws=${wanted} is not on this page's origin (${origin}): the console connects only ` +
      'to the bridge that serves it; give a path such as ?ws=/ws',
  };
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(wanted);
  if (!absolute && !wanted.startsWith('/')) return refused;
  let url;
  try {
    url = new URL(wanted, `${origin}/`);
  } catch {
    return refused;
  }
  if (url.protocol !== scheme || url.host !== location.host || url.username !== '' ||
    url.password !== '') {
    return refused;
  }
  return { url: url.href };
}
