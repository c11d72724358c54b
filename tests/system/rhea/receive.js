// Receives COUNT messages from a queue with rhea and prints one JSON line per message:
// {"body": ..., "properties": {...}, "durable": bool}; exits 0 after COUNT, 2 at the deadline.
//   node receive.js PORT USER PASSWORD ADDRESS COUNT
// (environment RHEA_TRANSPORT=websocket: over a WebSocket)
'use strict';
const rhea = require('rhea');
const [port, username, password, address, count] = process.argv.slice(2);
const total = Number(count);
const deadline = setTimeout(() => {
  console.error('receive.js: deadline');
  process.exit(2);
}, 30000);
const container = rhea.create_container({ id: 'rhea-receiver' });
let received = 0;
container.on('message', (context) => {
  const m = context.message;
  const body = Buffer.isBuffer(m.body) ? m.body.toString() :
    (m.body && m.body.typecode === 0x75 ? m.body.content.toString() : m.body);
  console.log(JSON.stringify({ body, properties: m.application_properties || {},
                               durable: Boolean(m.durable) }));
  received += 1;
  if (received === total) {
    clearTimeout(deadline);
    context.connection.close();
  }
});
container.on('connection_error', (context) => {
  console.error('receive.js: connection error', String(context.connection.error));
  process.exit(1);
});
const options = { host: '127.0.0.1', port: Number(port), username, password, reconnect: false };
// RHEA_TRANSPORT=websocket: AMQP over a WebSocket (sub-protocol amqp), with the ws package.
if (process.env.RHEA_TRANSPORT === 'websocket')
  options.connection_details =
      container.websocket_connect(require('ws'))(`ws://127.0.0.1:${port}/`, ['amqp']);
const connection = container.connect(options);
connection.open_receiver({ source: { address, capabilities: ['queue'] }, credit_window: 100 });
