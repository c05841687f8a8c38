// mqtt-ws-bridge browser client: protocol mode (subprotocol mqtt-ws-bridge.v1)
// over one WebSocket, with reconnect, re-subscribe and promise-based ops.
// An ES module with no dependencies; served by the bridge at /client.js.
//
//   import { BridgeClient } from '/client.js';
//   const client = new BridgeClient();              // ws(s)://<this host>/ws
//   client.on('message', (msg) => console.log(msg.topic, msg.payload));
//   await client.subscribe('sensors/#');
//   await client.publish('app/requests', { hello: 1 });
//   const answer = await client.request('app/requests', 'ping');
//
// Events (client.on(name, handler); on() returns a function that removes it):
//   'state'   {state: 'connecting'|'open'|'closed', attempt, delay}   the WebSocket
//   'welcome' {session}                                           after every (re)connect
//   'status'  {mqtt: 'connected'|'disconnected'}                   the bridge's broker link
//   'subscribed' {topics, recovered, reason, topic}  the bridge acked these filters (also
//                                    after a reconnect; then `recovered` says whether it gave
//                                    everything missed meanwhile, and if not, why and where)
//   'recovery' {recovered: false, reason, topic}  a recovery under way lost messages after all
//   'message' msg                    a broker message (Node-RED msg fields, see README)
//   'dropped' {count}                messages the bridge dropped for this slow client
//   'error'   Error                  a failed re-subscribe or a frame that is not JSON
//
// Recovery (a bridge run with --history): the client keeps, per topic, the
// position of the last message it got, and passes them back when it
// subscribes again after a reconnect; the bridge then sends exactly what was
// missed, or says recovered: false (then the retained state follows, to start
// again from). Option `recover: false` turns this off.

export const SUBPROTOCOL = 'mqtt-ws-bridge.v1';

// Exponential backoff with "full jitter": a random delay between min and
// min(max, min * 2^attempt), so many clients dropped together do not come
// back in step. `random` returns [0, 1).
export function backoffDelay(attempt, { min = 500, max = 30000, random = Math.random } = {}) {
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30));
  return Math.round(min + random() * Math.max(0, ceiling - min));
}

// The WebSocket URL of the bridge that served this page.
export function defaultUrl(location = globalThis.location, path = '/ws') {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

// An error the bridge answered with (code: bad_json, not_allowed, ...), or
// 'disconnected' / 'timeout' from this client.
export class BridgeError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'BridgeError';
    this.code = code;
  }
}

// True when `msg` answers the request that sent `correlationData` from
// `session`: the same correlation data, and not the request itself coming
// back through the broker (that one carries our reply topic as its own).
export function isAnswer(msg, session, correlationData) {
  if (isOwnRequest(msg, session)) return false;
  return msg.correlationData === correlationData;
}

// A request of ours, echoed back: its responseTopic is this session's reply topic.
export function isOwnRequest(msg, session) {
  return typeof msg.responseTopic === 'string' && msg.responseTopic.endsWith(`/${session}`);
}

// An answer that carries no correlation data but came on this session's
// reply topic (<reply-prefix>/<instance-id>/<session>).
export function isUncorrelatedReply(msg, session) {
  return msg.correlationData === undefined && !isOwnRequest(msg, session) &&
    typeof msg.topic === 'string' && msg.topic.endsWith(`/${session}`);
}

function randomId() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === 'function') {
    return globalThis.crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class BridgeClient {
  // options: url, reconnectMin (ms), reconnectMax (ms), requestTimeout (ms),
  // WebSocket (a constructor, for environments without a global one),
  // autoConnect (false: call connect() yourself).
  constructor(url, options = {}) {
    if (typeof url === 'object' && url !== null) [url, options] = [undefined, url];
    this.url = url || options.url || defaultUrl();
    this.options = {
      reconnectMin: 500, reconnectMax: 30000, requestTimeout: 30000, recover: true, ...options,
    };
    this.WebSocket = options.WebSocket || globalThis.WebSocket;
    this.session = null;
    this.mqtt = null;            // 'connected' | 'disconnected' once known
    this.state = 'closed';
    this.filters = new Set();    // what to (re)subscribe after every connect
    this.positions = new Map();  // topic -> {offset, epoch} of the last message got
    this.handlers = new Map();
    this.pending = new Map();    // op id -> {resolve, reject}: sent, awaiting ack or error
    this.queued = [];            // ops made while not connected, sent after the next welcome
    this.requests = [];          // pending request() answers, oldest first
    this.nextId = 1;
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
    if (options.autoConnect !== false) this.connect();
  }

  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(handler);
    return () => this.off(event, handler);
  }

  off(event, handler) {
    const set = this.handlers.get(event);
    if (set) set.delete(handler);
  }

  emit(event, detail) {
    for (const handler of [...(this.handlers.get(event) || [])]) {
      try {
        handler(detail);
      } catch (error) {
        // One faulty handler must not stop the others or the client.
        setTimeout(() => { throw error; });
      }
    }
  }

  connect() {
    this.stopped = false;
    clearTimeout(this.timer);
    if (this.socket) return;
    this.setState('connecting');
    const socket = new this.WebSocket(this.url, SUBPROTOCOL);
    this.socket = socket;
    socket.onmessage = (event) => this.onFrame(event.data);
    socket.onclose = () => this.onClose(socket);
    // An error is always followed by close; that is where we act.
    socket.onerror = () => {};
  }

  // Closes for good: no reconnect until connect() is called again. Ops not
  // yet answered are rejected.
  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    const queued = this.queued.splice(0);
    queued.forEach(({ reject }) => reject(new BridgeError('disconnected', 'client closed')));
    const socket = this.socket;
    if (socket) {
      socket.close(1000, 'client closed');
      this.onClose(socket);
    }
    this.setState('closed');
  }

  get connected() {
    return this.state === 'open';
  }

  // Adds filters (a string or an array) and subscribes them; they are
  // subscribed again after every reconnect. Resolves on the bridge's ack.
  // Every op made while not connected waits for the connection; one in
  // flight when the connection drops is rejected with code 'disconnected'.
  async subscribe(filters) {
    const list = [].concat(filters);
    const added = list.filter((filter) => !this.filters.has(filter));
    added.forEach((filter) => this.filters.add(filter));
    try {
      const ack = await this.send(this.subscribeOp(list, false));
      this.emit('subscribed', { topics: list, ...this.tookPositions(ack, false) });
    } catch (error) {
      // Refused (invalid filter, too many): not kept. Disconnected: kept, and
      // subscribed on the next connect.
      if (error.code !== 'disconnected') added.forEach((filter) => this.filters.delete(filter));
      throw error;
    }
  }

  async unsubscribe(filters) {
    const list = [].concat(filters);
    list.forEach((filter) => this.filters.delete(filter));
    await this.send({ op: 'unsubscribe', topics: list });
  }

  // Publishes to MQTT; resolves when the bridge acks (the broker accepted it
  // for QoS >= 1). options: qos, retain, broadcast, correlationData.
  publish(topic, payload, options = {}) {
    return this.send({ op: 'publish', topic, payload, qos: 0, retain: false, ...options });
  }

  ping() {
    return this.send({ op: 'ping' });
  }

  // Publishes `payload` to `topic` with fresh correlation data and resolves
  // with the answer routed back to this session: the next message carrying
  // that correlation data, or (for backends that do not copy it) the next
  // message on this session's reply topic. options: timeout (ms), qos.
  // A bridge on MQTT 3.1.1 cannot carry correlation data or a reply topic: it
  // refuses the publish and the promise rejects with code 'not_supported'.
  request(topic, payload, options = {}) {
    const { timeout = this.options.requestTimeout, ...publishOptions } = options;
    const correlationData = randomId();
    return new Promise((resolve, reject) => {
      const entry = { correlationData, resolve, reject, timer: null };
      const settle = () => {
        clearTimeout(entry.timer);
        this.requests = this.requests.filter((other) => other !== entry);
      };
      entry.resolve = (msg) => { settle(); resolve(msg); };
      entry.reject = (error) => { settle(); reject(error); };
      entry.timer = setTimeout(
        () => entry.reject(new BridgeError('timeout', `no answer on ${topic} within ${timeout} ms`)),
        timeout);
      this.requests.push(entry);
      this.publish(topic, payload, { ...publishOptions, correlationData }).catch(entry.reject);
    });
  }

  // --- internals ---

  // A subscribe op; after a reconnect it passes back the positions kept.
  subscribeOp(topics, again) {
    if (!this.options.recover) return { op: 'subscribe', topics };
    if (!again || this.positions.size === 0) return { op: 'subscribe', topics, recover: true };
    return { op: 'subscribe', topics, since: Object.fromEntries(this.positions) };
  }

  // What an ack of a subscribe says about recovery. Positions it carries are
  // where the client starts from, unless it is recovering (the messages
  // replayed then carry their own).
  tookPositions(ack, again) {
    if (!ack) return {};
    const recovering = again && 'recovered' in ack;
    if (ack.positions && !(recovering && ack.recovered)) {
      for (const [topic, position] of Object.entries(ack.positions)) {
        this.positions.set(topic, position);
      }
    }
    if (!recovering) return {};
    return ack.recovered ? { recovered: true }
      : { recovered: false, reason: ack.reason, topic: ack.topic };
  }

  keepPosition(msg) {
    if (typeof msg.offset !== 'number' || typeof msg.epoch !== 'string') return;
    const known = this.positions.get(msg.topic);
    if (!known || known.epoch !== msg.epoch || known.offset < msg.offset) {
      this.positions.set(msg.topic, { offset: msg.offset, epoch: msg.epoch });
    }
  }

  send(op) {
    if (this.stopped) {
      return Promise.reject(new BridgeError('disconnected', 'client closed'));
    }
    return new Promise((resolve, reject) => {
      if (this.connected) {
        this.transmit(op, { resolve, reject });
      } else {
        this.queued.push({ op, resolve, reject });
      }
    });
  }

  transmit(op, entry) {
    const id = this.nextId++;
    this.pending.set(id, entry);
    this.socket.send(JSON.stringify({ ...op, id }));
  }

  setState(state, extra = {}) {
    this.state = state;
    this.emit('state', { state, ...extra });
  }

  onFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (error) {
      this.emit('error', new BridgeError('bad_frame', `not JSON: ${String(data).slice(0, 80)}`));
      return;
    }
    switch (frame.type) {
      case 'welcome':
        this.onWelcome(frame.session);
        break;
      case 'ack':
      case 'error':
        this.settle(frame);
        break;
      case 'status':
        this.mqtt = frame.mqtt;
        this.emit('status', { mqtt: frame.mqtt });
        break;
      case 'message':
        this.onMessage(frame);
        break;
      case 'dropped':
        this.emit('dropped', { count: frame.count });
        break;
      case 'recovery':
        this.emit('recovery', { recovered: frame.recovered, reason: frame.reason, topic: frame.topic });
        break;
      default:
        break;
    }
  }

  onWelcome(session) {
    this.session = session;
    this.attempt = 0;
    // The bridge says "disconnected" right after the welcome when its broker
    // link is down; until then, it is up.
    this.mqtt = 'connected';
    this.setState('open');
    this.emit('welcome', { session });
    // Filters held before this connection, then the ops made while there
    // was none (a queued subscribe brings its own filters).
    const queued = this.queued.splice(0);
    const queuedTopics = new Set(queued.filter(({ op }) => op.op === 'subscribe')
      .flatMap(({ op }) => op.topics));
    const topics = [...this.filters].filter((filter) => !queuedTopics.has(filter));
    if (topics.length > 0) {
      this.send(this.subscribeOp(topics, true)).then(
        (ack) => this.emit('subscribed', { topics, ...this.tookPositions(ack, true) }),
        (error) => this.emit('error', error));
    }
    queued.forEach(({ op, resolve, reject }) => this.transmit(op, { resolve, reject }));
  }

  settle(frame) {
    const entry = this.pending.get(frame.id);
    if (!entry) return;
    this.pending.delete(frame.id);
    if (frame.type === 'ack') {
      entry.resolve(frame);
    } else {
      entry.reject(new BridgeError(frame.code, frame.message));
    }
  }

  onMessage(frame) {
    const { type, ...msg } = frame;
    this.keepPosition(msg);
    const answered = this.requests.find((entry) => isAnswer(msg, this.session, entry.correlationData)) ||
      (isUncorrelatedReply(msg, this.session) ? this.requests[0] : undefined);
    this.emit('message', msg);
    if (answered) answered.resolve(msg);
  }

  onClose(socket) {
    if (socket !== this.socket) return;
    socket.onmessage = socket.onclose = socket.onerror = null;
    this.socket = null;
    this.session = null;
    const error = new BridgeError('disconnected', 'connection to the bridge lost');
    const pending = [...this.pending.values()];
    this.pending.clear();
    pending.forEach((entry) => entry.reject(error));
    [...this.requests].forEach((entry) => entry.reject(error));
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, {
      min: this.options.reconnectMin,
      max: this.options.reconnectMax,
    });
    this.attempt += 1;
    this.setState('closed', { attempt: this.attempt, delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
