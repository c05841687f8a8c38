// Soak load: CLIENTS WebSocket clients that keep connecting, subscribing
// (by URL and by protocol op) and disconnecting for DURATION seconds, while
// counting what they receive. Prints one JSON line at the end.
'use strict';
const WebSocket = require('ws');

const [url, clients, duration] = [process.argv[2], +process.argv[3], +process.argv[4]];
const deadline = Date.now() + duration * 1000;
const stats = { connects: 0, messages: 0, errors: 0, closes_by_server: 0 };

function cycle(i) {
  if (Date.now() >= deadline) return;
  const protocol = i % 2 === 0;
  const ws = protocol
    ? new WebSocket(`${url}?topic=soak/${i % 50}/%23`, 'mqtt-ws-bridge.v1')
    : new WebSocket(`${url}/soak/%23`);
  const lifetime = 500 + Math.random() * 3000;
  let closing = false;
  ws.on('open', () => {
    stats.connects++;
    if (protocol) ws.send(JSON.stringify({ op: 'subscribe', id: 1, topics: ['soak/+/x'] }));
    setTimeout(() => { closing = true; ws.close(); }, lifetime);
  });
  ws.on('message', () => stats.messages++);
  ws.on('error', () => stats.errors++);
  ws.on('close', () => {
    if (!closing) stats.closes_by_server++;
    setTimeout(() => cycle(i), Math.random() * 200);
  });
}

for (let i = 0; i < clients; i++) setTimeout(() => cycle(i), Math.random() * 1000);
setTimeout(() => { console.log(JSON.stringify(stats)); process.exit(0); }, duration * 1000 + 5000);
