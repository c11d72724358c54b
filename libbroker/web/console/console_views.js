// The console's views: what each one reads from the API and how it shows it (console.js
// holds the helpers, the login and the navigation). Loaded first; called once logged in.
'use strict';

function remember(queues) {
  const now = Date.now() / 1000;
  const totals = {added: 0, acked: 0};
  const queuesNow = {};
  for (const q of queues) {
    totals.added += Number(q.messagesAdded);
    totals.acked += Number(q.messagesAcked);
    queuesNow[q.name] = {
      count: Number(q.messageCount),
      added: Number(q.messagesAdded),
      acked: Number(q.messagesAcked),
    };
  }
  state.history.push({t: now, ...totals, queues: queuesNow});
  if (state.history.length > CHART_POINTS) state.history.shift();
}

// [times, in/s, out/s] from the samples' counters; `of` picks {added, acked} from a sample
// (the broker's totals, or one queue's).
function rateSeries(of = (h) => h) {
  const h = state.history.filter((s) => of(s));
  const t = [], inRate = [], outRate = [];
  for (let i = 1; i < h.length; i++) {
    const dt = h[i].t - h[i - 1].t || 1;
    t.push(h[i].t);
    inRate.push(Math.max(0, (of(h[i]).added - of(h[i - 1]).added) / dt));
    outRate.push(Math.max(0, (of(h[i]).acked - of(h[i - 1]).acked) / dt));
  }
  return [t, inRate, outRate];
}

async function loadQueues() {
  const reply = await api('/api/queues');
  const queues = reply.result.data;
  remember(queues);
  return queues;
}

const views = {
  async status() {
    const [name, id, version, uptime, backup, connections, addresses, disk, queues] =
        await Promise.all([
          call('broker', 'getName'),
          call('broker', 'getNodeID'),
          call('broker', 'getVersion'),
          call('broker', 'getUptimeMillis'),
          call('broker', 'isBackup'),
          call('broker', 'getConnectionCount'),
          call('broker', 'getAddressNames'),
          call('broker', 'getDiskStoreUsage'),
          loadQueues(),
        ]);
    $('#broker-name').textContent = name;
    const messages = queues.reduce((n, q) => n + Number(q.messageCount), 0);
    facts('#status-facts', [
      ['Node ID', id],
      ['Version', version],
      ['Role', backup ? 'backup (active)' : 'primary'],
      ['Up for', `${Math.round(uptime / 1000)} s`],
      ['Connections', connections, 'status-connections'],
      ['Addresses', addresses.length],
      ['Queues', queues.length],
      ['Messages', messages, 'status-messages'],
      ['Disk store usage', disk < 0 ? 'unknown' : `${(disk * 100).toFixed(1)} %`],
    ]);
    chart('#rate-chart', 'messages/s', ['in (added)', 'out (acknowledged)'], rateSeries());
  },

  async queues() {
    const queues = await loadQueues();
    fill(
        '#queues-table', queues,
        [
          ['name'],
          ['address'],
          ['routingType'],
          ['consumerCount', 'num'],
          ['messageCount', 'num count'],
          ['messagesAdded', 'num'],
          ['messagesAcked', 'num'],
          ['deliveringCount', 'num'],
          ['paused'],
        ],
        (row, q) => {
          row.dataset.queue = q.name;
          row.className = 'clickable' + (q.name === state.queue ? ' selected' : '');
          row.onclick = () => selectQueue(q.name);
        });
    if (state.queue) {
      const of = (h) => h.queues[state.queue];
      const points = state.history.filter(of);
      chart(
          '#queue-chart', 'messages in the queue', ['messages'],
          [points.map((h) => h.t), points.map((h) => of(h).count)]);
      chart(
          '#queue-rate-chart', 'messages/s', ['in (added)', 'out (acknowledged)'], rateSeries(of));
    }
  },

  async addresses() {
    const reply = await api('/api/addresses');
    fill(
        '#addresses-table', reply.result.data,
        [
          ['name'],
          [(a) => JSON.parse(a.routingTypes).join(', ')],
          ['queueCount', 'num'],
          ['autoCreated'],
          ['addressSize', 'num'],
        ],
        (row, a) => {
          row.dataset.address = a.name;
        });
  },

  async connections() {
    const [connections, consumers] =
        await Promise.all([api('/api/connections'), api('/api/consumers')]);
    fill('#connections-table', connections.result.data, [
      ['connectionID'],
      ['protocol'],
      ['clientID'],
      ['users'],
      ['remoteAddress'],
      ['sessionCount', 'num'],
      ['creationTime'],
    ]);
    fill('#consumers-table', consumers.result.data, [
      ['connection'],
      ['protocol'],
      ['clientID'],
      ['user'],
      ['queue'],
      ['address'],
      ['filter'],
      ['messagesInTransit', 'num'],
    ]);
  },

  async ha() {
    const s = await call('broker', 'getHAState');
    drawTopology(s);
    facts('#ha-facts', [
      ['Policy', s.policy],
      ['Configured role', s.configuredRole],
      ['This node', `${s.name} (${s.nodeID})`],
      ['Serving as', s.backup ? 'backup that took over' : 'live'],
      ['Backup', s.backupConnector || 'none announced', 'ha-backup'],
      ['Failover on shutdown', s.failoverOnShutdown],
      ['Allow failback', s.allowFailback],
      ['Journal', s.journalDirectory],
      ['Bindings', s.bindingsDirectory],
      ['Paging', s.pagingDirectory],
      ['Large messages', s.largeMessagesDirectory],
      ['Node manager lock', s.nodeManagerLockDirectory],
    ]);
  },

  async log() {
    const lines = await call('broker', 'getLogTail', [200]);
    const pre = $('#log-lines');
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = lines.join('\n');
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  },
};

function svg(tag, attrs, text) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

// This node, the backup announced to it, and the shared store both use, as boxes and lines.
function drawTopology(s) {
  const root = $('#ha-diagram');
  root.replaceChildren();
  const node = (x, title, sub, active, id) => {
    const g = svg('g', {id});
    g.append(svg('rect', {
      x,
      y: 20,
      width: 220,
      height: 80,
      rx: 8,
      fill: active ? '#e3f3e8' : '#f1f1f1',
      stroke: active ? '#3c9a5f' : '#999',
      'stroke-width': 2
    }));
    g.append(svg('text', {x: x + 110, y: 52, 'text-anchor': 'middle', 'font-weight': 600}, title));
    g.append(svg('text', {x: x + 110, y: 76, 'text-anchor': 'middle'}, sub));
    root.append(g);
  };
  node(
      40, s.backup ? 'live (was backup)' : 'live', s.liveConnector || s.name, true, 'ha-live-node');
  if (s.backupConnector) {
    node(380, 'backup', s.backupConnector, false, 'ha-backup-node');
    root.append(
        svg('line', {x1: 260, y1: 60, x2: 380, y2: 60, stroke: '#555', 'stroke-dasharray': '6 4'}));
    root.append(svg('text', {x: 320, y: 50, 'text-anchor': 'middle'}, 'announced'));
  } else {
    root.append(
        svg('text', {x: 490, y: 64, 'text-anchor': 'middle', fill: '#777'}, 'no backup announced'));
  }
  if (s.policy === 'shared-store') {
    root.append(
        svg('rect',
            {x: 230, y: 170, width: 180, height: 60, rx: 30, fill: '#eef3fa', stroke: '#2f6fb5'}));
    root.append(svg('text', {x: 320, y: 205, 'text-anchor': 'middle'}, 'shared store'));
    root.append(svg('line', {x1: 150, y1: 100, x2: 270, y2: 172, stroke: '#2f6fb5'}));
    if (s.backupConnector)
      root.append(svg('line', {x1: 490, y1: 100, x2: 370, y2: 172, stroke: '#2f6fb5'}));
  }
}
