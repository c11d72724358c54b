// Sends COUNT messages "<prefix>-<i>" (application property n = i) to a queue with rhea, durable
// unless DURABILITY is "transient", then exits 0 once the broker accepted every one; 1 on a
// refusal, 2 at the deadline.
//   node send.js PORT USER PASSWORD ADDRESS COUNT PREFIX [durable|transient]
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
const connection = container.connect({ host: '127.0.0.1', port: Number(port), username, password,
                                       reconnect: false });
connection.open_sender({ target: { address, capabilities: ['queue'] } });
