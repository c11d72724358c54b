// The broker's web console: one page over the JSON API (/api/…), logged in with a session
// cookie. Every view polls while it is shown; nothing is kept in the browser but the last
// minutes of counters for the charts.
'use strict';

const POLL_MS = 2000;
const CHART_POINTS = 90;  // three minutes at POLL_MS

const $ = (sel) => document.querySelector(sel);
const state = {
  view: 'status',
  timer: null,
  queue: null,
  history: [],
  charts: {}
};

async function api(path, body) {
  const init = {headers: {'X-Artemis-Console': '1'}, credentials: 'same-origin'};
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401) {
    showLogin();
    throw new Error('not logged in');
  }
  const json = await res.json();
  if (!res.ok) throw new Error(json.error || res.statusText);
  return json;
}

async function call(resource, operation, args = []) {
  const reply = await api('/api/management', {resource, operation, args});
  if (!reply.succeeded) throw new Error(reply.result);
  return reply.result;
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text == null ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

function fill(table, items, columns, decorate) {
  const body = $(table).tBodies[0];
  body.replaceChildren();
  for (const item of items) {
    const row = body.insertRow();
    for (const [key, cls] of columns)
      cell(row, typeof key === 'function' ? key(item) : item[key], cls);
    if (decorate) decorate(row, item);
  }
}

function facts(list, pairs) {
  const dl = $(list);
  dl.replaceChildren();
  for (const [name, value, id] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    if (id) dd.id = id;
    dl.append(dt, dd);
  }
}

// A line chart of series over time; without uPlot (a build made without npm) a note instead.
function chart(target, title, labels, data) {
  const el = $(target);
  if (typeof uPlot === 'undefined') {
    if (!el.querySelector('.none')) {
      el.innerHTML = '<span class="none">Charts are not part of this build.</span>';
    }
    return;
  }
  const existing = state.charts[target];
  if (existing && existing.labels === labels.join()) {
    existing.plot.setData(data);
    return;
  }
  if (existing) existing.plot.destroy();
  el.replaceChildren();
  const colors = ['#2f6fb5', '#d9822b', '#3c9a5f'];
  const opts = {
    title,
    width: Math.max(320, el.clientWidth - 16),
    height: 220,
    series: [{}].concat(
        labels.map((label, i) => ({label, stroke: colors[i % colors.length], width: 2}))),
    axes: [{}, {size: 60}],
  };
  state.charts[target] = {labels: labels.join(), plot: new uPlot(opts, data, el)};
}

async function browseQueue() {
  const messages = await call(`queue.${state.queue}`, 'browse', [1, 50]);
  fill(
      '#browse-table', messages,
      [
        ['messageID'],
        ['priority', 'num'],
        ['durable'],
        [(m) => new Date(m.timestamp).toLocaleTimeString()],
        ['deliveryCount', 'num'],
        [(m) => Object.entries(m.properties).map(([k, v]) => `${k}=${v}`).join(', ')],
        [(m) =>
             ('text' in m            ? m.text :
                  'bodyPreview' in m ? m.bodyPreview :
                                       `(${m.type}, ${m.bodySize} bytes)`)],
      ],
      (row, m) => {
        row.dataset.message = m.messageID;
      });
}

async function selectQueue(name) {
  state.queue = name;
  $('#queue-detail').hidden = false;
  $('#queue-name').textContent = name;
  $('#send-result').textContent = '';
  await refresh();
  await browseQueue().catch(report);
}

function parseProperties(text) {
  const headers = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 1) throw new Error(`"${trimmed}" is not name=value`);
    headers[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return headers;
}

async function sendMessage(event) {
  event.preventDefault();
  const result = $('#send-result');
  result.className = '';
  result.textContent = 'sending…';
  try {
    const headers = parseProperties($('#send-properties').value);
    const id = await call(
        `queue.${state.queue}`, 'sendMessage',
        [headers, 3, $('#send-body').value, $('#send-durable').checked, null, null]);
    result.className = 'ok';
    result.textContent = `sent (message ${id})`;
    await refresh();
    await browseQueue();
  } catch (e) {
    result.className = 'error';
    result.textContent = e.message;
  }
}

function report(e) {
  if (e.message !== 'not logged in') console.warn(e);
}

async function refresh() {
  try {
    await views[state.view]();
  } catch (e) {
    report(e);
  }
}

function show(view) {
  state.view = view;
  for (const b of document.querySelectorAll('#nav button'))
    b.classList.toggle('active', b.dataset.view === view);
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== `view-${view}`;
  clearInterval(state.timer);
  refresh();
  state.timer = setInterval(refresh, POLL_MS);
}

function showLogin() {
  clearInterval(state.timer);
  $('#nav').hidden = true;
  $('#logout').hidden = true;
  $('#who').textContent = '';
  for (const s of document.querySelectorAll('.view')) s.hidden = true;
  $('#login').hidden = false;
}

function loggedIn(user) {
  $('#login').hidden = true;
  $('#nav').hidden = false;
  $('#logout').hidden = false;
  $('#who').textContent = user;
  show(state.view);
}

$('#login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('#login-error').textContent = '';
  const res = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-Artemis-Console': '1'},
    body: JSON.stringify({user: $('#login-user').value, password: $('#login-password').value}),
  });
  const reply = await res.json();
  if (res.ok)
    loggedIn(reply.user);
  else
    $('#login-error').textContent = reply.error;
});
$('#logout').addEventListener('click', async () => {
  await fetch(
      '/api/logout',
      {method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'}});
  showLogin();
});
for (const b of document.querySelectorAll('#nav button'))
  b.addEventListener('click', () => show(b.dataset.view));
$('#browse-refresh').addEventListener('click', () => browseQueue().catch(report));
$('#queue-purge').addEventListener('click', async () => {
  await call(`queue.${state.queue}`, 'removeAllMessages').catch(report);
  await refresh();
  await browseQueue().catch(report);
});
$('#send-form').addEventListener('submit', sendMessage);

api('/api/whoami').then((me) => loggedIn(me.user)).catch(() => showLogin());
