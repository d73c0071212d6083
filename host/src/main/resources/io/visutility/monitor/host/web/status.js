// The status page: reads the JSON API every 2 s and updates the page in place. Every string that
// comes from a client (model names, versions, reasons) is set as text, never as HTML.
'use strict';

(function () {
  const TOKEN_KEY = 'visutility.monitor.token';
  const REFRESH_MS = 2000;
  const SPARKLINES = 50;
  let token = takeToken();
  let timer = null;

  /** The token from the URL fragment (#token=...), which is then removed from the address bar, or the kept one. */
  function takeToken() {
    const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  class Unauthorized extends Error {}

  async function api(path) {
    const headers = token ? { Authorization: 'Bearer ' + token } : {};
    const response = await fetch(path, { headers, cache: 'no-store' });
    if (response.status === 401) {
      throw new Unauthorized('the token is missing or wrong');
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.error || path + ': HTTP ' + response.status);
    }
    return response.json();
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function fmt(value, digits) {
    if (value === null || value === undefined) {
      return '–';
    }
    if (typeof value === 'number') {
      return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
        ? value.toExponential(2) : String(+value.toFixed(digits === undefined ? 3 : digits));
    }
    return String(value);
  }

  function time(value) {
    return value ? value.replace('T', ' ').replace('Z', ' UTC') : '–';
  }

  function healthBadge(holder, health) {
    const badge = el('span', health, 'health health-' + health);
    holder.replaceChildren(badge);
  }

  /** Replaces a table body's rows; rows are keyed so that unchanged ones are not rebuilt. */
  function fillRows(tbody, rows) {
    const wanted = document.createDocumentFragment();
    for (const cells of rows) {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = el('td', cell.text, cell.className);
        if (cell.badge) {
          healthBadge(td, cell.badge);
        }
        tr.appendChild(td);
      }
      wanted.appendChild(tr);
    }
    tbody.replaceChildren(wanted);
  }

  function showToken(problem) {
    document.getElementById('content').hidden = true;
    const form = document.getElementById('token-form');
    form.hidden = false;
    document.getElementById('token-problem').textContent = problem || '';
    document.getElementById('status-line').textContent = 'a token is needed to show data';
    document.getElementById('token-input').focus();
  }

  function setupTokenForm(start) {
    document.getElementById('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      token = document.getElementById('token-input').value;
      sessionStorage.setItem(TOKEN_KEY, token);
      document.getElementById('token-form').hidden = true;
      start();
    });
  }

  /** Runs refresh now and every 2 s; a 401 stops it and asks for the token. */
  function loop(refresh) {
    const run = async () => {
      try {
        await refresh();
        document.getElementById('content').hidden = false;
        document.getElementById('status-line').textContent = 'updated ' + new Date().toLocaleTimeString();
        document.body.dataset.ready = 'true';
        timer = setTimeout(run, REFRESH_MS);
      } catch (error) {
        if (error instanceof Unauthorized) {
          sessionStorage.removeItem(TOKEN_KEY);
          token = null;
          showToken(document.getElementById('token-input').value ? 'That token was refused.' : '');
          return;
        }
        document.getElementById('status-line').textContent = error instanceof TypeError
          ? 'cannot reach the monitor: ' + error.message : error.message;
        timer = setTimeout(run, REFRESH_MS);
      }
    };
    clearTimeout(timer);
    run();
  }

  // ---- charts ----

  function chartWidth(container) {
    return Math.max(300, Math.floor(container.clientWidth || 560) - 20);
  }

  const sparks = new Map();

  function sparkline(cell, key, series) {
    let spark = sparks.get(key);
    const data = [series.t, series.score.some((v) => v !== null) ? series.score : series.p95];
    if (!spark) {
      spark = new uPlot({
        width: 160, height: 36, legend: { show: false }, cursor: { show: false },
        axes: [{ show: false }, { show: false }], scales: { x: { time: true } },
        series: [{}, { stroke: '#3465a4', width: 1.5, spanGaps: true, points: { show: false } }],
      }, data, cell);
      sparks.set(key, spark);
    } else {
      if (spark.root.parentNode !== cell) {
        cell.replaceChildren(spark.root);
      }
      spark.setData(data);
    }
  }

  // ---- the overview ----

  const modelRows = new Map();

  function modelRow(model) {
    const key = JSON.stringify([model.model, model.version]);
    let row = modelRows.get(key);
    if (!row) {
      const tr = document.createElement('tr');
      const link = el('a', model.model);
      link.href = '/model?model=' + encodeURIComponent(model.model) + '&version=' + encodeURIComponent(model.version);
      const name = el('td');
      name.appendChild(link);
      tr.appendChild(name);
      const cells = {};
      for (const field of ['version', 'health', 'events', 'last_event', 'latency_p95_ms', 'last_drift', 'last_p_value',
        'score', 'last_trigger', 'spark']) {
        cells[field] = tr.appendChild(el('td'));
      }
      cells.version.textContent = model.version;
      row = { tr, cells, key, name: model.model };
      modelRows.set(key, row);
    }
    const c = row.cells;
    healthBadge(c.health, model.health);
    c.events.textContent = model.events;
    c.events.className = 'num';
    c.last_event.textContent = time(model.last_event);
    for (const field of ['latency_p95_ms', 'last_drift', 'last_p_value', 'score']) {
      c[field].textContent = fmt(model[field]);
      c[field].className = 'num';
    }
    c.last_trigger.textContent = time(model.last_trigger);
    return row;
  }

  async function refreshOverview() {
    const [models, observers, plugins, reloads] = await Promise.all([
      api('/v1/models'), api('/v1/observers'), api('/v1/plugins'), api('/v1/reloads')]);
    const filter = document.getElementById('filter').value.trim().toLowerCase();
    const tbody = document.querySelector('#models tbody');
    const seen = new Set();
    const shown = [];
    for (const model of models.models) {
      const row = modelRow(model);
      seen.add(row.key);
      if (!filter || model.model.toLowerCase().includes(filter)) {
        shown.push([row, model]);
      }
    }
    for (const [key, row] of modelRows) {
      if (!seen.has(key)) {
        row.tr.remove();
        modelRows.delete(key);
        sparks.delete(key);
      }
    }
    // appendChild moves a row that is already there: the order follows the API (health, then name)
    // without rebuilding the rows, so nothing flickers.
    const visible = new Set(shown.map(([row]) => row.tr));
    for (const row of modelRows.values()) {
      if (!visible.has(row.tr)) {
        row.tr.remove();
      }
    }
    for (const [row] of shown) {
      tbody.appendChild(row.tr);
    }
    document.getElementById('models-empty').hidden = models.models.length > 0;
    const series = await Promise.all(shown.slice(0, SPARKLINES).map(([, model]) =>
      api('/v1/series?model=' + encodeURIComponent(model.model) + '&version=' + encodeURIComponent(model.version)
        + '&range=1h').catch((error) => { if (error instanceof Unauthorized) { throw error; } return null; })));
    shown.slice(0, SPARKLINES).forEach(([row], i) => {
      if (series[i]) {
        sparkline(row.cells.spark, row.key, series[i]);
      }
    });

    const lanes = observers.observers.concat([Object.assign({}, observers.status_lane, { name: '(host) status' })]);
    fillRows(document.querySelector('#observers tbody'), lanes.map((o) => [
      { text: o.name }, { text: o.mode }, { text: o.received, className: 'num' },
      { text: o.delivered, className: 'num' }, { text: o.failed, className: o.failed ? 'num bad' : 'num' },
      { text: o.queued, className: 'num' }, { text: o.paused ? 'paused' : '', className: o.paused ? 'bad' : '' },
      { text: droppedText(o), className: o.dropped ? 'bad' : '' },
      { text: o.processing_p99_seconds === null ? '–'
        : o.processing_p99_seconds < 0 ? '> 5 s' : '≤ ' + fmt(o.processing_p99_seconds * 1000) + ' ms' }]));
    fillRows(document.querySelector('#plugins tbody'), plugins.plugins.map((p) => [
      { text: p.id }, { text: p.version }, { text: p.jar },
      { text: p.observer_types.concat(p.strategy_types).join(', ') },
      { text: p.sha256 ? p.sha256.slice(0, 16) + '…' : '–', className: 'hash' }]));
    fillRows(document.querySelector('#failed tbody'), plugins.failed.length
      ? plugins.failed.map((f) => [{ text: f.jar }, { text: f.reason, className: 'bad' }])
      : [[{ text: 'none' }, { text: '' }]]);
    fillRows(document.querySelector('#reloads tbody'), reloads.reloads.length === 0 ? [[{ text: 'none yet' }]]
      : reloads.reloads.map((r) => [
      { text: time(r.at) }, { text: r.kind }, { text: r.ok ? 'applied' : 'failed', className: r.ok ? '' : 'bad' },
      { text: r.subject }, { text: r.message }]));
  }

  function droppedText(lane) {
    if (!lane.dropped) {
      return '0';
    }
    return lane.dropped + ' (' + Object.entries(lane.dropped_by_reason).filter(([, n]) => n > 0)
      .map(([reason, n]) => reason + ' ' + n).join(', ') + ')';
  }

  // ---- one model version ----

  const CHARTS = {
    latency: {
      series: [
        { label: 'p50', stroke: '#4e9a06', column: 'p50' },
        { label: 'p95', stroke: '#c4a000', column: 'p95' },
        { label: 'p99', stroke: '#cc0000', column: 'p99' }],
    },
    drift: { series: [{ label: 'drift', stroke: '#3465a4', column: 'drift' }] },
    pvalue: { log: true, series: [{ label: 'p-value', stroke: '#75507b', column: 'p_value' }] },
    score: {
      series: [
        { label: 'score', stroke: '#3465a4', column: 'score' },
        { label: 'threshold', stroke: '#cc0000', dash: [6, 4], threshold: true },
        { label: 'trigger', stroke: '#cc0000', fill: '#cc0000', triggers: true }],
    },
  };

  const charts = {};
  const ranges = {};

  function setupCharts() {
    for (const figure of document.querySelectorAll('figure.chart')) {
      const name = figure.dataset.chart;
      ranges[name] = '1h';
      const switcher = el('span', null, 'range');
      for (const range of ['1h', '24h']) {
        const button = el('button', range);
        button.type = 'button';
        button.dataset.range = range;
        button.setAttribute('aria-pressed', String(range === '1h'));
        button.addEventListener('click', () => {
          ranges[name] = range;
          for (const other of switcher.querySelectorAll('button')) {
            other.setAttribute('aria-pressed', String(other === button));
          }
          loop(refreshModel);
        });
        switcher.appendChild(button);
      }
      figure.querySelector('figcaption').appendChild(switcher);
    }
  }

  function columns(name, series) {
    const spec = CHARTS[name];
    const data = [series.t];
    for (const s of spec.series) {
      if (s.threshold) {
        data.push(series.t.map(() => series.threshold));
      } else if (s.triggers) {
        const at = new Set(series.triggers);
        data.push(series.t.map((t, i) => (at.has(t) ? (series.score[i] === null ? series.threshold : series.score[i]) : null)));
      } else if (spec.log) {
        // a p-value of 0 has no logarithm: drawn at the bottom of the scale
        data.push(series[s.column].map((v) => (v === null ? null : Math.max(v, 1e-12))));
      } else {
        data.push(series[s.column]);
      }
    }
    return data;
  }

  function drawChart(name, series) {
    const figure = document.querySelector('figure[data-chart="' + name + '"]');
    const data = columns(name, series);
    const points = data.slice(1).filter((_, i) => !CHARTS[name].series[i].threshold && !CHARTS[name].series[i].triggers)
      .reduce((n, column) => n + column.filter((v) => v !== null).length, 0);
    figure.dataset.points = String(points);
    if (name === 'score') {
      figure.dataset.triggers = String(series.triggers.length);
    }
    let chart = charts[name];
    if (!chart || chart.range !== series.range) {
      if (chart) {
        chart.plot.destroy();
      }
      const spec = CHARTS[name];
      const plot = new uPlot({
        width: chartWidth(figure), height: 220,
        scales: { x: { time: true }, y: spec.log ? { distr: 3 } : {} },
        series: [{}].concat(spec.series.map((s) => {
          const options = { label: s.label, stroke: s.stroke, width: 1.5, spanGaps: true };
          if (s.dash) {
            options.dash = s.dash;
          }
          if (s.triggers) {
            // markers only: no line between triggers
            Object.assign(options, { spanGaps: false, paths: () => null,
              points: { show: true, size: 12, fill: s.fill, stroke: s.stroke } });
          }
          return options;
        })),
      }, data, figure);
      chart = { plot, range: series.range };
      charts[name] = chart;
    } else {
      chart.plot.setData(data);
    }
  }

  async function refreshModel() {
    const params = new URLSearchParams(location.search);
    const model = params.get('model');
    const version = params.get('version');
    if (!model || !version) {
      throw new Error('the address needs ?model=M&version=V');
    }
    document.getElementById('model-name').textContent = model;
    document.getElementById('model-version').textContent = version;
    document.title = model + ' ' + version + ' - VisuTility Monitor';
    const base = '/v1/series?model=' + encodeURIComponent(model) + '&version=' + encodeURIComponent(version) + '&range=';
    const wanted = [...new Set(Object.values(ranges))];
    const [models, ...series] = await Promise.all([api('/v1/models')].concat(wanted.map((r) => api(base + r))));
    const byRange = {};
    wanted.forEach((r, i) => { byRange[r] = series[i]; });
    const summary = models.models.find((m) => m.model === model && m.version === version);
    if (summary) {
      healthBadge(document.getElementById('model-health'), summary.health);
      document.getElementById('model-facts').textContent = summary.events + ' events; last event '
        + time(summary.last_event) + '; last trigger ' + time(summary.last_trigger);
      fillRows(document.querySelector('#verdicts tbody'), summary.observers.map((o) => [
        { text: o.observer }, { text: o.strategy }, { badge: o.health },
        { text: fmt(o.score), className: 'num' }, { text: o.reason }, { text: time(o.at) }]));
    }
    // visible before the first drawing, so that the charts take the width of their boxes
    document.getElementById('content').hidden = false;
    for (const name of Object.keys(CHARTS)) {
      drawChart(name, byRange[ranges[name]]);
    }
  }

  // ---- start ----

  function start() {
    if (document.body.dataset.page === 'model') {
      loop(refreshModel);
    } else {
      loop(refreshOverview);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    setupTokenForm(start);
    if (document.body.dataset.page === 'model') {
      setupCharts();
    } else {
      document.getElementById('filter').addEventListener('input', () => loop(refreshOverview));
    }
    start();
  });
}());
