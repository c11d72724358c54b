// Sends COUNT messages "<prefix>-<i>" (application property n = i) to a queue with rhea, durable
// unless DURABILITY is "transient", then exits 0 once the broker accepted every one; 1 on a
// refusal, 2 at the deadline.
//   node send.js PORT USER PASSWORD ADDRESS COUNT PREFIX [durable|transient]
// (environment RHEA_TRANSPORT=websocket: over a WebSocket)
'use strict';
const rhea = require('rhea');
const [port, username, password, address, count, prefix, durability] = process.argv.slice(2);
const durable = durability !== 'transient';
const total = Number(count);
const deadline = setTimeout(() => {
  console.error('send.js: deadline');
  process.exit(2);
}, 30000);
const container = rhea.create_container({ id: 'rhea-sender' });
let sent = 0;
let accepted = 0;
container.on('sendable', (context) => {
  while (context.sender.sendable() && sent < total) {
    context.sender.send({body: `${prefix}-${sent}`, durable, application_properties: {n: sent}});
    sent += 1;
  }
});
container.on('accepted', (context) => {
  accepted += 1;
  if (accepted === total) {
    clearTimeout(deadline);
    context.connection.close();
  }
});
container.on('rejected', (context) => {
  console.error('send.js: rejected', JSON.stringify(context.delivery.remote_state));
  process.exit(1);
});
container.on('connection_error', (context) => {
  console.error('send.js: connection error', String(context.connection.error));
  process.exit(1);
});
const options = { host: '127.0.0.1', port: Number(port), username, password, reconnect: false };
// RHEA_TRANSPORT=websocket: AMQP over a WebSocket (sub-protocol amqp), with the ws package.
if (process.env.RHEA_TRANSPORT === 'websocket')
  options.connection_details =
      container.websocket_connect(require('ws'))(`ws://127.0.0.1:${port}/`, ['amqp']);
const connection = container.connect(options);
connection.open_sender({ target: { address, capabilities: ['queue'] } });
