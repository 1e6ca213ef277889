// The operator's dashboard: reads the JSON API under /api/ (docs/console.md) and draws it.
// Every value that came from the server goes into the page with textContent, never as markup.
'use strict';

(function () {
  const REFRESH_MS = 30000;

  const OUTCOME_COLORS = {
    'xfr': '#2f6fdb', 'cvq-answered': '#1a9e8f', 'cvr-answered': '#6cc4e8', 'no-common-dialect': '#e8903a',
    'dropped': '#8e5bd1', 'out': '#7b8794', 'incomplete': '#b9c2cc'
  };
  const VERDICT_COLORS = {
    'current': '#2e9d57', 'upgrade-offered': '#e0a21b', 'below-minimum': '#d64545', 'unknown': '#7b8794',
    'rejected-420': '#8c1c1c', 'none': '#b9c2cc', 'not-decided': '#b9c2cc'
  };
  const PALETTE = ['#2f6fdb', '#1a9e8f', '#e8903a', '#8e5bd1', '#d64545', '#e0a21b', '#6cc4e8', '#2e9d57', '#7b8794',
    '#c76bb0', '#5b6ee1', '#b9c2cc'];

  const state = {
    range: { last: '24h' },
    node: '',
    timer: null,
    busy: false,
    refreshes: 0,
    charts: {}
  };

  const $ = (id) => document.getElementById(id);

  // --- talking to the API -----------------------------------------------------------------------

  class ApiError extends Error {
  }

  async function api(path, options) {
    const response = await fetch(path, Object.assign({ headers: { 'Accept': 'application/json' } }, options || {}));
    if (response.status === 401) {
      window.location.assign('/login');
      throw new ApiError('Your session has ended: log in again.');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      throw new ApiError(body && typeof body.error === 'string' ? body.error : response.status + ' ' + response.statusText);
    }
    return body;
  }

  function rangeQuery() {
    const p = new URLSearchParams();
    Object.keys(state.range).forEach((k) => p.set(k, state.range[k]));
    if (state.node) {
      p.set('node', state.node);
    }
    return p.toString();
  }

  // --- building the page ------------------------------------------------------------------------

  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') {
        e.className = v;
      } else {
        e.setAttribute(k, String(v));
      }
    });
    return e;
  }

  function row(cells, data) {
    const tr = el('tr');
    Object.entries(data || {}).forEach(([k, v]) => tr.setAttribute('data-' + k, String(v)));
    cells.forEach((c) => tr.appendChild(c instanceof Node ? c : el('td', c)));
    return tr;
  }

  function cell(child, attrs) {
    const td = el('td', null, attrs);
    td.appendChild(child);
    return td;
  }

  function num(n) {
    const td = el('td', Number(n).toLocaleString('en-US'), { class: 'num' });
    return td;
  }

  function share(n, total) {
    return el('td', total > 0 ? (100 * n / total).toFixed(1) + ' %' : '–', { class: 'num' });
  }

  function fill(table, rows, empty) {
    const body = table.tBodies[0];
    body.replaceChildren(...rows);
    if (rows.length === 0) {
      const cols = table.tHead ? table.tHead.rows[0].cells.length : 2;
      body.appendChild(row([el('td', empty || 'Nothing in this range.', { colspan: cols, class: 'muted' })]));
    }
  }

  function badge(verdict) {
    return el('span', verdict, { class: 'badge verdict-' + verdict.replace(/[^a-z0-9-]/g, '') });
  }

  function label(point) {
    const t = point.start;   // 2026-12-01T10:00:00Z
    return point.period === 'day' ? t.slice(5, 10) + (state.step === 'hour' ? ' (day)' : '') : t.slice(5, 10) + ' ' + t.slice(11, 16);
  }

  function color(map, key, i) {
    if (map[key]) {
      return map[key];
    }
    if (key.startsWith('rejected-')) {
      return '#d64545';
    }
    return PALETTE[i % PALETTE.length];
  }

  function chart(id, config) {
    if (typeof window.Chart !== 'function') {
      return null;
    }
    if (!state.charts[id]) {
      config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options);
      state.charts[id] = new window.Chart($(id), config);
    } else {
      state.charts[id].data = config.data;
    }
    state.charts[id].update('none');
    return state.charts[id];
  }

  // --- the panels -------------------------------------------------------------------------------

  function renderStatus(s) {
    $('config-version').textContent = s.config.version;
    $('config-version').setAttribute('data-version', s.config.version);
    $('config-source').textContent = s.config.source;
    const reload = $('last-reload');
    if (s.config.lastReload) {
      const r = s.config.lastReload;
      reload.replaceChildren(el('span', r.ok ? 'ok' : 'failed', { class: 'badge ' + (r.ok ? 'good' : 'bad') }),
        el('span', ' ' + r.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z') + ' '), el('div', r.message, { class: 'message' }));
      reload.setAttribute('data-ok', r.ok);
    } else {
      reload.textContent = 'none since start';
      reload.removeAttribute('data-ok');
    }
    const health = $('health');
    health.textContent = s.health.status === 'up' ? 'up' : 'down: ' + s.health.reasons.join('; ');
    health.className = 'badge ' + (s.health.status === 'up' ? 'good' : 'bad');
    health.setAttribute('data-status', s.health.status);
    fill($('ns'), s.health.notificationServers.map((t) => row([el('td', t.target),
      cell(el('span', t.healthy ? 'healthy' : 'unhealthy', { class: 'badge ' + (t.healthy ? 'good' : 'bad') }))],
    { target: t.target, healthy: t.healthy })));
    $('open-tcp').textContent = s.openConnections.tcp;
    $('open-http').textContent = s.openConnections.http;
    $('census-node').textContent = s.census.enabled ? s.census.node : 'census off';
    $('updated').textContent = 'as of ' + s.now.slice(11, 19) + ' UTC';
  }

  function renderHandshakes(h) {
    state.step = h.step;
    $('total').textContent = Number(h.total).toLocaleString('en-US');
    $('total').setAttribute('data-total', h.total);
    $('range-label').textContent = h.from.replace('T', ' ').slice(0, 16) + ' – ' + h.to.replace('T', ' ').slice(0, 16) + ' UTC'
      + (h.node ? ', node ' + h.node : '') + ' (' + (h.step === 'hour' ? 'hourly' : 'daily') + ')';
    const outcomes = Object.keys(h.totals);
    chart('chart-outcomes', {
      type: 'bar',
      data: {
        labels: h.points.map(label),
        datasets: outcomes.map((o, i) => ({
          label: o, data: h.points.map((p) => p.counts[o]), backgroundColor: color(OUTCOME_COLORS, o, i), stack: 'all'
        }))
      },
      options: { scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom' } } }
    });
    fill($('outcomes'), outcomes.map((o, i) => row([
      cell(el('span', null, { class: 'swatch', 'data-color': color(OUTCOME_COLORS, o, i) })),
      el('td', o), num(h.totals[o])], { outcome: o, count: h.totals[o] })));
    paintSwatches($('outcomes'));
  }

  function paintSwatches(root) {
    root.querySelectorAll('.swatch').forEach((s) => { s.style.backgroundColor = s.getAttribute('data-color'); });
  }

  function renderVerdicts(v) {
    const shown = ['upgrade-offered', 'below-minimum'];
    chart('chart-verdicts', {
      type: 'line',
      data: {
        labels: v.points.map(label),
        datasets: shown.map((name) => ({
          label: name, data: v.points.map((p) => p.counts[name] || 0), borderColor: VERDICT_COLORS[name],
          backgroundColor: VERDICT_COLORS[name], pointRadius: 2, tension: 0.2
        }))
      },
      options: { scales: { x: { ticks: { maxRotation: 0, autoSkip: true } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom' } } }
    });
    fill($('verdicts'), Object.keys(v.totals).map((name) => row([cell(badge(name)), num(v.totals[name])],
      { verdict: name, count: v.totals[name] })));
  }

  function renderDialects(d) {
    chart('chart-dialects', {
      type: 'doughnut',
      data: {
        labels: d.dialects.map((x) => x.dialect),
        datasets: [{ data: d.dialects.map((x) => x.conversations), backgroundColor: d.dialects.map((x, i) => PALETTE[i % PALETTE.length]) }]
      },
      options: { plugins: { legend: { position: 'right' } } }
    });
    fill($('dialects'), d.dialects.map((x) => row([el('td', x.dialect === '-' ? '- (before VER)' : x.dialect), num(x.conversations),
      share(x.conversations, d.total)], { dialect: x.dialect, count: x.conversations })));
  }

  function renderLocales(l) {
    fill($('locales'), l.locales.map((x) => row([el('td', x.locale === '-' ? '- (none sent)' : x.locale), el('td', x.tag || ''),
      el('td', x.language || ''), num(x.conversations), share(x.conversations, l.total)],
    { locale: x.locale, tag: x.tag || '', language: x.language || '', count: x.conversations })));
  }

  function renderBuilds(b, total) {
    $('builds-policy').textContent = '(verdicts of configuration version ' + b.configVersion + ')';
    fill($('builds'), b.builds.map((x) => {
      const verdict = el('td');
      verdict.appendChild(badge(x.verdict));
      const parts = Object.entries(x.verdicts);
      if (parts.length > 1) {
        verdict.appendChild(el('span', ' ' + parts.map(([k, n]) => k + ' ' + n).join(' · '), { class: 'muted' }));
      }
      return row([el('td', x.library === '-' ? '- (no CVR/CVQ)' : x.library), el('td', x.build), num(x.conversations),
        share(x.conversations, total), verdict],
      { library: x.library, build: x.build, count: x.conversations, verdict: x.verdict });
    }));
  }

  function renderNodes(n) {
    fill($('nodes'), n.nodes.map((x) => row([el('td', x.node + (x.local ? ' (this one)' : '')), num(x.conversations)],
      { node: x.node, count: x.conversations })));
    // a member that went silent or runs an older policy than the latest is flagged
    fill($('members'), (n.members || []).map((m) => {
      const state = m.stopped ? 'stopped' : m.stale ? 'silent' : m.behind ? 'older policy' : 'ok';
      return row([el('td', m.name), el('td', m.address || ''),
        el('td', m.policySource + (m.policyVersion !== null && m.policyVersion !== undefined ? ' v' + m.policyVersion : '')),
        el('td', m.lastSeen), el('td', state)], { member: m.name, state: state });
    }));
    const select = $('node');
    const known = new Set(Array.from(select.options).map((o) => o.value));
    n.nodes.forEach((x) => {
      if (!known.has(x.node)) {
        select.appendChild(el('option', x.node, { value: x.node }));
      }
    });
  }

  function showError(message) {
    const e = $('error');
    e.textContent = message || '';
    e.hidden = !message;
  }

  async function refresh() {
    if (state.busy) {
      return;
    }
    state.busy = true;
    const q = rangeQuery();
    try {
      const [status, handshakes, verdicts, dialects, locales, builds, nodes] = await Promise.allSettled([
        api('/api/status'), api('/api/handshakes?' + q), api('/api/verdicts?' + q), api('/api/dialects?' + q),
        api('/api/locales?' + q), api('/api/builds?limit=20&' + q),
        api('/api/nodes?' + new URLSearchParams(Object.entries(state.range)).toString())]);
      const errors = [];
      const take = (result, render) => {
        if (result.status === 'fulfilled') {
          render(result.value);
        } else if (!errors.includes(result.reason.message)) {
          errors.push(result.reason.message);
        }
      };
      take(status, renderStatus);
      take(handshakes, renderHandshakes);
      take(verdicts, renderVerdicts);
      take(dialects, renderDialects);
      take(locales, renderLocales);
      take(builds, (b) => renderBuilds(b, handshakes.status === 'fulfilled' ? handshakes.value.total : 0));
      take(nodes, renderNodes);
      showError(errors.join(' · '));
    } finally {
      state.busy = false;
      state.refreshes += 1;
      document.documentElement.setAttribute('data-refreshes', state.refreshes);
    }
  }

  // --- controls ---------------------------------------------------------------------------------

  function pressRange(last) {
    document.querySelectorAll('.ranges button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.last === last)));
  }

  function schedule() {
    if (state.timer) {
      clearInterval(state.timer);
      state.timer = null;
    }
    if ($('auto-refresh').checked) {
      state.timer = setInterval(refresh, REFRESH_MS);
    }
  }

  // --- the policy preview -----------------------------------------------------------------------

  async function preview(event) {
    event.preventDefault();
    const error = $('preview-error');
    const result = $('preview-result');
    const button = $('preview-run');
    button.disabled = true;
    error.hidden = true;
    try {
      const days = $('preview-days').value || '7';
      const p = await api('/api/preview?' + new URLSearchParams({ days: days }).toString(), {
        method: 'POST',
        headers: { 'Accept': 'application/json', 'Content-Type': 'application/yaml; charset=utf-8' },
        body: $('candidate').value
      });
      renderPreview(p);
      result.hidden = false;
    } catch (e) {
      result.hidden = true;
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  function renderPreview(p) {
    const result = $('preview-result');
    result.setAttribute('data-changed', p.changed);
    result.setAttribute('data-conversations', p.conversations);
    const summary = $('preview-summary');
    summary.replaceChildren(
      el('strong', Number(p.changed).toLocaleString('en-US'), { id: 'preview-changed' }),
      el('span', ' of ' + Number(p.conversations).toLocaleString('en-US') + ' conversations with a client report in the last '
        + p.days + ' day(s) would change verdict.'
        + (p.skipped > 0 ? ' ' + p.skipped + ' not decided (client text folded into "other").' : '')
        + (p.deadRules > 0 ? ' ' + p.deadRules + ' rule(s) match nothing.' : '')));
    fill($('preview-verdicts'), p.verdicts.map((c) => {
      const changed = c.from !== c.to;
      return row([cell(badge(c.from)), el('td', changed ? '→' : '='),
        cell(badge(c.to)), num(c.conversations)],
      { from: c.from, to: c.to, count: c.conversations, changed: changed });
    }));
    $('preview-verdicts').querySelectorAll('tr[data-changed="true"]').forEach((tr) => tr.classList.add('changed'));
    const notes = { 'matches': '', 'dead': 'dead: matches no client', 'names-archs': 'names archs: the census keeps none' };
    fill($('preview-rules'), p.rules.map((r) => row([el('td', r.position), el('td', r.rule, { class: 'rule' }), num(r.conversations),
      el('td', notes[r.status] || r.status, { class: r.status === 'matches' ? '' : 'warn' })],
    { position: r.position, status: r.status, count: r.conversations })));
    fill($('preview-unknown'), p.unknown.map((u) => row([el('td', u.library), el('td', u.build), num(u.conversations)],
      { library: u.library, build: u.build, count: u.conversations })), 'None: every build has a rule.');
  }

  // --- start ------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('.ranges button').forEach((b) => b.addEventListener('click', () => {
      state.range = { last: b.dataset.last };
      $('range-from').value = '';
      $('range-to').value = '';
      pressRange(b.dataset.last);
      refresh();
    }));
    $('custom-range').addEventListener('submit', (event) => {
      event.preventDefault();
      const range = {};
      if ($('range-from').value.trim()) {
        range.from = $('range-from').value.trim();
      }
      if ($('range-to').value.trim()) {
        range.to = $('range-to').value.trim();
      }
      state.range = range;
      pressRange(null);
      refresh();
    });
    $('node').addEventListener('change', () => {
      state.node = $('node').value;
      refresh();
    });
    $('auto-refresh').addEventListener('change', schedule);
    $('preview-form').addEventListener('submit', preview);
    refresh();
    schedule();
  });
}());
