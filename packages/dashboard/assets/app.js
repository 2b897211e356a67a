// otelkit dashboard — one static script, no framework, no dependencies.
// Every value from the server reaches the DOM through textContent / createTextNode / attributes
// of elements made here; no HTML string is ever parsed. All URLs are relative (any sub-path).
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_POINTS = 900;
  const MAX_LOGS = 1000;

  const state = {
    window: localStorage.getItem('otelkit.window') || '1m',
    tab: 'overview',
    snap: null,
    red: null,
    points: [],
    runtime: null,
    runtimeHist: [],
    resources: [],
    alerts: { active: [], history: [] },
    health: null,
    traces: [],
    logs: [],
    logSeq: 0,
    logsPaused: false,
    logFilter: { level: '', text: '' },
    sort: { http: { key: 'count', dir: -1 }, methods: { key: 'count', dir: -1 } },
    filter: { http: '', methods: '' },
    selectedTrace: null,
    traceDetail: null,
    selectedSpan: null,
    traceQuery: { errors: false, minMs: '', route: '' },
    config: null,
  };

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    if (props) {
      for (const k of Object.keys(props)) {
        const v = props[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = String(v);
        else if (k === 'on') for (const ev of Object.keys(v)) el.addEventListener(ev, v[ev]);
        else if (k === 'dataset') for (const d of Object.keys(v)) el.dataset[d] = String(v[d]);
        else if (k === 'style') for (const s of Object.keys(v)) el.style.setProperty(s, String(v[s]));
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children) {
      if (c === undefined || c === null || c === false) continue;
      if (Array.isArray(c)) append(el, c);
      else if (typeof c === 'object') el.appendChild(c);
      else el.appendChild(document.createTextNode(String(c)));
    }
  }

  function s(tag, attrs) {
    const el = document.createElementNS(SVG, tag);
    for (const k of Object.keys(attrs || {})) el.setAttribute(k, String(attrs[k]));
    return el;
  }

  function set(el, ...children) {
    el.replaceChildren();
    append(el, children);
  }

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- formatting

  function fmtMs(seconds) {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
    if (seconds === 0) return '0 ms';
    const ms = seconds * 1000;
    if (ms < 1) return `${ms.toFixed(2)} ms`;
    if (ms < 10) return `${ms.toFixed(1)} ms`;
    if (ms < 1000) return `${Math.round(ms)} ms`;
    return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  }
  function fmtMillis(ms) {
    return fmtMs(ms === null || ms === undefined ? null : ms / 1000);
  }
  function fmtRate(r) {
    if (!Number.isFinite(r)) return '–';
    if (r === 0) return '0';
    if (r < 0.1) return r.toFixed(3);
    if (r < 10) return r.toFixed(2);
    if (r < 1000) return r.toFixed(1);
    return `${(r / 1000).toFixed(1)}k`;
  }
  function fmtPct(p, digits = 1) {
    if (p === null || p === undefined || !Number.isFinite(p)) return '–';
    return `${p.toFixed(p > 0 && p < 0.1 ? 2 : digits)} %`;
  }
  function fmtBytes(b) {
    if (b === null || b === undefined || !Number.isFinite(b)) return '–';
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = b;
    while (v >= 1024 && i < u.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${u[i]}`;
  }
  function fmtCount(n) {
    if (!Number.isFinite(n)) return '–';
    return n >= 10000 ? `${(n / 1000).toFixed(1)}k` : String(Math.round(n));
  }
  function fmtNum(n) {
    if (n === null || n === undefined || !Number.isFinite(n)) return '–';
    if (Math.abs(n) >= 1000) return fmtCount(n);
    return Number.isInteger(n) ? String(n) : n.toFixed(2);
  }
  function ago(t) {
    const s = Math.max(0, (Date.now() - t) / 1000);
    if (s < 60) return `${Math.round(s)} s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    if (s < 86400) return `${(s / 3600).toFixed(1)} h ago`;
    return `${(s / 86400).toFixed(1)} d ago`;
  }
  function dur(ms) {
    const s = Math.round(ms / 1000);
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
    return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  }
  function clock(t) {
    const d = new Date(t);
    const p = (n, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }
  const WINDOW_LABEL = { '10s': '10 s', '1m': '1 min', '15m': '15 min' };

  // ---------------------------------------------------------------- charts (inline SVG)

  // A chart is drawn once its holder is in the page, at the holder's real width (a stretched
  // viewBox would squash the axis labels).
  function chart(series, opts) {
    const holder = h('div', { class: 'chart-holder' });
    charts.push([holder, series, opts]);
    return holder;
  }

  let charts = [];
  function drawCharts() {
    const pending = charts;
    charts = [];
    for (const [holder, series, opts] of pending) {
      if (!holder.isConnected) continue;
      holder.replaceChildren(drawChart(series, opts, Math.max(200, holder.clientWidth)));
    }
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = 10 ** Math.floor(Math.log10(v));
    for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  function drawChart(series, opts, W) {
    const H = 150;
    const L = 52;
    const R = 8;
    const T = 8;
    const B = 18;
    const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' });
    if (opts.label) svg.setAttribute('aria-label', opts.label);
    let xmin = Number.POSITIVE_INFINITY;
    let xmax = Number.NEGATIVE_INFINITY;
    let ymax = opts.ymin === undefined ? 0 : opts.ymin;
    for (const ser of series)
      for (const [x, y] of ser.points) {
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        if (Number.isFinite(y) && y > ymax) ymax = y;
      }
    if (
      !Number.isFinite(xmin) ||
      xmax - xmin < 1 ||
      !series.some((x) => x.points.some((p) => Number.isFinite(p[1])))
    ) {
      const t = s('text', { x: W / 2, y: H / 2, class: 'axis', 'text-anchor': 'middle' });
      t.textContent = opts.empty || 'collecting…';
      svg.appendChild(t);
      return svg;
    }
    ymax = opts.niceMax ? opts.niceMax(ymax * 1.05) : niceMax(ymax * 1.05);
    const X = (x) => L + ((x - xmin) / (xmax - xmin)) * (W - L - R);
    const Y = (y) => T + (1 - y / ymax) * (H - T - B);
    // Grid lines on round values: 4 steps for 1/2/4/8 × 10ⁿ, 3 for 1.5/3/6, 5 for 2.5/5.
    const mant = ymax / 10 ** Math.floor(Math.log10(ymax));
    const steps = [1.5, 3, 6].some((m) => Math.abs(mant - m) < 1e-9)
      ? 3
      : [2.5, 5].some((m) => Math.abs(mant - m) < 1e-9)
        ? 5
        : 4;
    for (let i = 0; i <= steps; i++) {
      const v = (ymax * i) / steps;
      const y = Y(v);
      svg.appendChild(s('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'grid-line' }));
      const t = s('text', { x: L - 6, y: y + 3, class: 'axis', 'text-anchor': 'end' });
      t.textContent = opts.fmt(v);
      svg.appendChild(t);
    }
    const t0 = s('text', { x: L, y: H - 4, class: 'axis' });
    t0.textContent = `-${dur(xmax - xmin)}`;
    svg.appendChild(t0);
    const t1 = s('text', { x: W - R, y: H - 4, class: 'axis', 'text-anchor': 'end' });
    t1.textContent = 'now';
    svg.appendChild(t1);
    series.forEach((ser, i) => {
      const pts = ser.points.filter((p) => Number.isFinite(p[1]));
      if (pts.length === 0) return;
      const line = pts.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
      if (i === 0 && opts.area !== false) {
        const area = `${X(pts[0][0]).toFixed(1)},${Y(0)} ${line} ${X(pts[pts.length - 1][0]).toFixed(1)},${Y(0)}`;
        svg.appendChild(s('polygon', { points: area, class: `area ${ser.cls}` }));
      }
      svg.appendChild(s('polyline', { points: line, class: `line ${ser.cls}`, fill: 'none' }));
    });
    return svg;
  }

  // ---------------------------------------------------------------- panels

  function card(title, note, ...body) {
    return h(
      'div',
      { class: 'card' },
      h('h2', null, title, h('span', { class: 'note muted', text: note || '' })),
      ...body,
    );
  }

  function kpi(label, value, unit, sub, cls) {
    return h(
      'div',
      { class: `card kpi ${cls || ''}` },
      h('div', { class: 'label', text: label }),
      h('div', { class: 'value' }, value, unit ? h('span', { class: 'unit', text: unit }) : null),
      sub ? h('div', { class: 'sub', text: sub }) : null,
    );
  }

  function splitUnit(text) {
    const i = text.lastIndexOf(' ');
    return i === -1 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
  }

  function coveredNote(red) {
    if (!red) return '';
    const want = { '10s': 10000, '1m': 60000, '15m': 900000 }[red.window];
    const label = WINDOW_LABEL[red.window];
    if (red.coveredMillis + 1500 < want) return `last ${dur(red.coveredMillis)} (of ${label})`;
    // No snapshot delimits the window yet (nobody watched before): since the series started.
    if (red.coveredMillis > want * 1.1 + 16000)
      return `since start, ${dur(red.coveredMillis)} (${label} fills in)`;
    return `last ${label}`;
  }

  function flowView(red) {
    const f = red ? red.flow : [0, 0, 0, 0, 0];
    const total = f.reduce((a, b) => a + b, 0);
    const names = ['1xx', '2xx', '3xx', '4xx', '5xx'];
    const bar = h('div', { class: 'bar', role: 'img', 'aria-label': 'requests by status class' });
    names.forEach((n, i) => {
      if (f[i] > 0)
        bar.appendChild(
          h('span', {
            class: `sw-${n}`,
            title: `${n}: ${f[i]}`,
            style: { width: `${(f[i] / total) * 100}%` },
          }),
        );
    });
    const legend = h('div', { class: 'legend' });
    names.forEach((n, i) => {
      if (i === 0 && f[0] === 0) return;
      legend.appendChild(
        h(
          'span',
          { class: `sw-${n}` },
          `${n} `,
          h('b', { text: fmtCount(f[i]) }),
          h('span', { class: 'muted', text: total ? ` (${((f[i] / total) * 100).toFixed(1)} %)` : '' }),
        ),
      );
    });
    return h(
      'div',
      { class: 'flow' },
      h('div', { class: 'muted', text: `${fmtCount(total)} requests in` }),
      bar,
      legend,
    );
  }

  function renderOverview() {
    const el = $('panel-overview');
    const red = state.red;
    const t = red ? red.total : null;
    const [rv, ru] = [fmtRate(t ? t.rate : 0), 'req/s'];
    const lat = (v) => splitUnit(fmtMs(v));
    const [p50v, p50u] = lat(t?.p50);
    const [p95v, p95u] = lat(t?.p95);
    const [p99v, p99u] = lat(t?.p99);
    const errPct = t ? t.errorPct : 0;
    const note = coveredNote(red);
    const rt = state.runtime;
    const activeAlerts = state.alerts.active.length;
    const health = state.health;
    const pts = state.points;
    set(
      el,
      h(
        'div',
        { class: 'grid kpis' },
        kpi('Throughput', rv, ru, note),
        kpi('p50 latency', p50v, p50u, note),
        kpi('p95 latency', p95v, p95u, note),
        kpi('p99 latency', p99v, p99u, note),
        kpi(
          'Errors',
          fmtPct(errPct).replace(' %', ''),
          '%',
          t ? `${fmtCount(Math.round((t.count * errPct) / 100))} of ${fmtCount(t.count)}` : note,
          errPct >= 5 ? 'bad' : errPct > 0 ? 'warn' : '',
        ),
        kpi(
          'Alerts',
          String(activeAlerts),
          'active',
          health ? `live ${health.live} · ready ${health.ready}` : '',
          activeAlerts > 0 ? 'bad' : '',
        ),
      ),
      h(
        'div',
        { class: 'grid two' },
        card(
          'Requests per second',
          'per second, since the page opened',
          chart([{ cls: 's1', points: pts.map((p) => [p.t, p.rate]) }], {
            fmt: fmtRate,
            label: 'requests per second',
          }),
        ),
        card(
          'Latency p95',
          'per second, since the page opened',
          chart([{ cls: 's2', points: pts.map((p) => [p.t, p.p95 === null ? Number.NaN : p.p95]) }], {
            fmt: fmtMs,
            label: 'p95 latency',
            empty: 'no requests since the page opened',
          }),
        ),
      ),
      h(
        'div',
        { class: 'grid two' },
        card('Request flow', note, flowView(red)),
        card(
          'Runtime',
          rt ? (rt.source === 'monitor' ? 'resource monitor' : 'process (monitor off)') : '',
          rt
            ? h(
                'div',
                { class: 'stats-row' },
                stat('CPU (process)', rt.cpu.process === null ? '–' : fmtPct(rt.cpu.process)),
                stat('RSS', fmtBytes(rt.memory.rss)),
                stat('Heap used', fmtBytes(rt.memory.heapUsed)),
                stat('Event loop p99', rt.eventLoop.p99 === null ? '–' : fmtMillis(rt.eventLoop.p99)),
                stat('Uptime', dur(rt.uptimeSeconds * 1000)),
              )
            : h('div', { class: 'empty', text: 'waiting for data' }),
        ),
      ),
      card(
        'Busiest routes',
        note,
        redTable('http', red ? red.routes.slice(0, 8) : [], red ? red.routesHidden : 0, true),
      ),
    );
  }

  function stat(label, value) {
    return h(
      'div',
      { class: 'stat' },
      h('div', { class: 'label', text: label }),
      h('div', { class: 'value', text: value }),
    );
  }

  const COLUMNS = [
    ['name', 'Route', false],
    ['rate', 'Rate /s', true],
    ['p50', 'p50', true],
    ['p95', 'p95', true],
    ['p99', 'p99', true],
    ['errorPct', 'Errors', true],
    ['count', 'Count', true],
  ];

  function redTable(kind, rows, hidden, compact) {
    const sort = state.sort[kind];
    const filter = compact ? '' : state.filter[kind].toLowerCase();
    const overflow = hidden > 0 ? rows[rows.length - 1] : null;
    let body = hidden > 0 ? rows.slice(0, -1) : rows.slice();
    if (filter) body = body.filter((r) => r.name.toLowerCase().includes(filter));
    if (!compact) {
      body.sort((a, b) => {
        const x = a[sort.key];
        const y = b[sort.key];
        if (typeof x === 'string') return x < y ? -sort.dir : x > y ? sort.dir : 0;
        return ((x === null ? -1 : x) - (y === null ? -1 : y)) * sort.dir;
      });
    }
    const head = h('tr');
    for (const [key, label, num] of COLUMNS) {
      const th = h('th', {
        class: `${num ? 'num ' : ''}${compact ? '' : 'sortable'}`,
        text: key === 'name' && kind === 'methods' ? 'Method' : label,
        scope: 'col',
      });
      if (!compact) {
        if (sort.key === key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
        th.addEventListener('click', () => {
          state.sort[kind] = { key, dir: sort.key === key ? -sort.dir : key === 'name' ? 1 : -1 };
          render();
        });
      }
      head.appendChild(th);
    }
    const tbody = h('tbody');
    const line = (r, cls) =>
      h(
        'tr',
        { class: cls || '' },
        h('td', { class: 'name', text: r.name }),
        h('td', { class: 'num', text: fmtRate(r.rate) }),
        h('td', { class: 'num', text: fmtMs(r.p50) }),
        h('td', { class: 'num', text: fmtMs(r.p95) }),
        h('td', { class: 'num', text: fmtMs(r.p99) }),
        h('td', { class: `num ${r.errorPct > 0 ? 'err' : ''}`, text: fmtPct(r.errorPct) }),
        h('td', { class: 'num', text: fmtCount(r.count) }),
      );
    for (const r of body) tbody.appendChild(line(r));
    if (overflow && !compact) tbody.appendChild(line(overflow, 'overflow'));
    if (body.length === 0 && !overflow)
      tbody.appendChild(
        h(
          'tr',
          null,
          h('td', {
            colspan: 7,
            class: 'empty',
            text: kind === 'http' ? 'No requests in this window.' : 'No @monitored calls in this window.',
          }),
        ),
      );
    return h('table', { class: `red ${kind}`, dataset: { kind } }, h('thead', null, head), tbody);
  }

  function renderRed(kind) {
    const el = $(`panel-${kind}`);
    const red = state.red;
    const rows = red ? (kind === 'http' ? red.routes : red.methods) : [];
    const hidden = red ? (kind === 'http' ? red.routesHidden : red.methodsHidden) : 0;
    const existing = el.querySelector('input.filter');
    const input =
      existing ||
      h('input', {
        type: 'text',
        class: 'filter',
        placeholder: kind === 'http' ? 'Filter routes' : 'Filter methods',
        'aria-label': 'filter',
        on: {
          input: (e) => {
            state.filter[kind] = e.target.value;
            render();
          },
        },
      });
    const title = kind === 'http' ? 'HTTP routes' : '@monitored methods';
    const note = `${coveredNote(red)}${hidden > 0 ? ` · top ${state.snap ? state.snap.topN : ''} of ${rows.length - 1 + hidden}` : ''}`;
    const tableHolder = h('div', null, redTable(kind, rows, hidden, false));
    if (existing) {
      const holder = el.querySelector('.table-holder');
      set(holder, tableHolder);
      const n = el.querySelector('h2 .note');
      if (n) n.textContent = note;
      return;
    }
    set(
      el,
      card(
        title,
        note,
        h('div', { class: 'toolbar' }, input),
        h('div', { class: 'table-holder' }, tableHolder),
      ),
    );
  }

  function meterBar(frac) {
    const pct = Math.max(0, Math.min(1, frac || 0)) * 100;
    return h(
      'div',
      { class: `meter ${pct > 90 ? 'bad' : pct > 75 ? 'warn' : ''}` },
      h('span', { style: { width: `${pct}%` } }),
    );
  }

  function renderRuntime() {
    const el = $('panel-runtime');
    const rt = state.runtime;
    if (!rt) return set(el, card('Runtime', '', h('div', { class: 'empty', text: 'waiting for data' })));
    const m = rt.memory;
    const hist = state.runtimeHist;
    const cores = rt.cpu.limitCores ? `quota ${rt.cpu.limitCores} cores` : 'no CPU quota';
    set(
      el,
      rt.source === 'process'
        ? h('div', {
            class: 'notice',
            text: 'The resource monitor is off (config resources.enabled): only memory is shown, read from the process.',
          })
        : null,
      h(
        'div',
        { class: 'grid kpis' },
        kpi('CPU · process', rt.cpu.process === null ? '–' : rt.cpu.process.toFixed(1), '%', 'of one core'),
        kpi(
          'CPU · host',
          rt.cpu.host === null ? '–' : rt.cpu.host.toFixed(1),
          '%',
          `${cores}${rt.cpu.load1 !== null ? ` · load ${rt.cpu.load1.toFixed(2)}` : ''}`,
        ),
        kpi(
          'Event loop p99',
          ...splitUnit(fmtMillis(rt.eventLoop.p99)),
          rt.eventLoop.max !== null
            ? `max ${fmtMillis(rt.eventLoop.max)} · p50 ${fmtMillis(rt.eventLoop.p50)}`
            : '',
          rt.eventLoop.p99 > 200 ? 'bad' : rt.eventLoop.p99 > 50 ? 'warn' : '',
        ),
        kpi(
          'Event loop busy',
          rt.eventLoop.utilization === null ? '–' : (rt.eventLoop.utilization * 100).toFixed(1),
          '%',
          'utilisation',
        ),
        kpi(
          'GC time',
          rt.gcPercent === null ? '–' : rt.gcPercent.toFixed(2),
          '%',
          rt.gcCount !== null ? `${rt.gcCount} collections` : '',
        ),
        kpi(
          'Uptime',
          dur(rt.uptimeSeconds * 1000),
          '',
          rt.handles !== null ? `${rt.handles} handles · ${rt.fds} fds` : '',
        ),
      ),
      h(
        'div',
        { class: 'grid three' },
        card(
          'Memory',
          '',
          h(
            'div',
            { class: 'kv' },
            ...kv('RSS', fmtBytes(m.rss)),
            ...kv('Heap used', `${fmtBytes(m.heapUsed)} of ${fmtBytes(m.heapLimit)} limit`),
            ...kv('Heap total', fmtBytes(m.heapTotal)),
            ...kv('External', fmtBytes(m.external)),
            ...kv('Host memory', m.hostPercent === null ? '–' : fmtPct(m.hostPercent)),
            ...kv('Container limit', m.limit === null ? 'none' : fmtBytes(m.limit)),
          ),
          meterBar(m.heapUsed / m.heapLimit),
        ),
        card(
          'CPU',
          'process (blue) · host (purple), %',
          chart(
            [
              { cls: 's1', points: hist.map((p) => [p[0], p[1]]) },
              { cls: 's2', points: hist.map((p) => [p[0], p[4] === undefined ? Number.NaN : p[4]]) },
            ],
            { fmt: (v) => `${v.toFixed(0)}%`, label: 'CPU' },
          ),
        ),
        card(
          'RSS',
          '',
          chart([{ cls: 's2', points: hist.map((p) => [p[0], p[2]]) }], { fmt: fmtBytes, label: 'RSS' }),
        ),
        card(
          'Event-loop delay p99',
          '',
          chart([{ cls: 's3', points: hist.map((p) => [p[0], p[3]]) }], {
            fmt: fmtMillis,
            label: 'event loop delay',
          }),
        ),
      ),
    );
  }

  function kv(k, v) {
    return [h('div', { class: 'k', text: k }), h('div', { class: 'v', text: v })];
  }

  const RES_ORDER = [
    'size',
    'max',
    'in_use',
    'idle',
    'waiting',
    'usage',
    'acquire_wait',
    'errors',
    'healthy',
  ];
  // `connection_pool_in_use` → `in_use`: the kind is in the card's header already.
  const resKey = (k) => k.replace(/^(connection_pool|pool|worker_pool|queue)_/, '');

  function resValue(k, v) {
    if (k === 'usage') return fmtPct(v * 100);
    if (k === 'healthy') return v ? 'yes' : 'no';
    if (k.endsWith('_seconds') || k === 'acquire_wait') return fmtMs(v);
    return fmtNum(v);
  }

  function renderResources() {
    const el = $('panel-resources');
    const list = state.resources;
    if (!list.length)
      return set(
        el,
        card(
          'Resources',
          '',
          h('div', {
            class: 'empty',
            text: 'No resources registered (config pools: { … } creates the resource manager; register pools or turn discovery on).',
          }),
        ),
      );
    set(
      el,
      h(
        'div',
        { class: 'grid cards' },
        list.map((r) => {
          const values = {};
          for (const k of Object.keys(r.values)) values[resKey(k)] = r.values[k];
          const keys = Object.keys(values).sort((a, b) => {
            const x = RES_ORDER.indexOf(a);
            const y = RES_ORDER.indexOf(b);
            return (x === -1 ? 99 : x) - (y === -1 ? 99 : y) || (a < b ? -1 : 1);
          });
          const max = values.max ?? values.size;
          return h(
            'div',
            { class: 'card res-card', dataset: { resource: r.id } },
            h(
              'div',
              { class: 'head' },
              h('span', { class: 'name', text: r.name }),
              h('span', { class: 'badge', text: r.type }),
              // The alert level; a resource its own check calls unhealthy is flagged even without an alert.
              r.level === 'ok' && values.healthy === 0
                ? h('span', { class: 'badge critical', text: 'unhealthy' })
                : h('span', { class: `badge ${r.level}`, text: r.level }),
            ),
            h(
              'div',
              { class: 'kv' },
              keys.slice(0, 16).map((k) => kv(k.replace(/_/g, ' '), resValue(k, values[k]))),
            ),
            values.in_use !== undefined && max ? meterBar(values.in_use / max) : null,
          );
        }),
      ),
    );
  }

  function renderAlerts() {
    const el = $('panel-alerts');
    const hl = state.health;
    const a = state.alerts;
    const activeRows = a.active.map((x) =>
      h(
        'tr',
        null,
        h('td', null, h('span', { class: `badge ${x.level}`, text: x.level })),
        h('td', { class: 'name', text: x.alert }),
        h('td', { class: 'num', text: `${fmtNum(x.value)} vs ${fmtNum(x.threshold)}` }),
        h('td', { text: ago(x.since) }),
        h('td', { text: x.forMillis ? dur(x.forMillis) : '–' }),
      ),
    );
    const histRows = a.history.map((x) =>
      h(
        'tr',
        null,
        h('td', { class: 'mono', text: clock(x.timestamp) }),
        h(
          'td',
          null,
          h('span', {
            class: `badge ${x.state === 'resolved' ? 'ok' : x.level}`,
            text: x.state === 'resolved' ? `resolved (${x.level})` : x.level,
          }),
        ),
        h('td', { class: 'name', text: x.alert }),
        h('td', { class: 'num', text: fmtNum(x.value) }),
        h('td', { text: x.message || '' }),
      ),
    );
    set(
      el,
      h(
        'div',
        { class: 'grid two' },
        card(
          'Health',
          'same checks as /health/*',
          hl
            ? h(
                'div',
                null,
                h(
                  'div',
                  { class: 'health-big' },
                  h(
                    'div',
                    { class: `pill ${hl.live}`, dataset: { health: 'live' } },
                    `Live: ${hl.live === 'fail' ? 'FAILING' : hl.live === 'warn' ? 'DEGRADED' : 'OK'}`,
                    h('small', { text: 'liveness' }),
                  ),
                  h(
                    'div',
                    { class: `pill ${hl.ready}`, dataset: { health: 'ready' } },
                    `Ready: ${hl.ready === 'fail' ? 'NOT READY' : hl.ready === 'warn' ? 'DEGRADED' : 'OK'}`,
                    h('small', { text: 'readiness' }),
                  ),
                ),
                h(
                  'table',
                  { class: 'checks' },
                  h(
                    'thead',
                    null,
                    h(
                      'tr',
                      null,
                      h('th', { text: 'Check' }),
                      h('th', { text: 'Kinds' }),
                      h('th', { text: 'Status' }),
                      h('th', { class: 'num', text: 'Took' }),
                      h('th', { text: 'Message' }),
                    ),
                  ),
                  h(
                    'tbody',
                    null,
                    hl.checks.length
                      ? hl.checks.map((c) =>
                          h(
                            'tr',
                            null,
                            h('td', { class: 'name', text: c.name }),
                            h('td', { class: 'muted', text: c.kinds.join(', ') }),
                            h('td', null, h('span', { class: `badge ${c.status}`, text: c.status })),
                            h('td', { class: 'num', text: fmtMillis(c.durationMillis) }),
                            h('td', { text: c.message || '' }),
                          ),
                        )
                      : h('tr', null, h('td', { colspan: 5, class: 'empty', text: 'No checks registered.' })),
                  ),
                ),
              )
            : h('div', { class: 'empty', text: 'waiting for data' }),
        ),
        card(
          'Active alerts',
          `${a.active.length}`,
          h(
            'table',
            { class: 'alerts-active' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { text: 'Level' }),
                h('th', { text: 'Alert' }),
                h('th', { class: 'num', text: 'Value vs threshold' }),
                h('th', { text: 'Since' }),
                h('th', { text: 'For' }),
              ),
            ),
            h(
              'tbody',
              null,
              activeRows.length
                ? activeRows
                : h('tr', null, h('td', { colspan: 5, class: 'empty', text: 'Nothing firing.' })),
            ),
          ),
        ),
      ),
      card(
        'Recent transitions',
        'last 20',
        h(
          'table',
          { class: 'alerts-history' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { text: 'Time' }),
              h('th', { text: 'State' }),
              h('th', { text: 'Alert' }),
              h('th', { class: 'num', text: 'Value' }),
              h('th', { text: 'Message' }),
            ),
          ),
          h(
            'tbody',
            null,
            histRows.length
              ? histRows
              : h('tr', null, h('td', { colspan: 5, class: 'empty', text: 'No alert has fired yet.' })),
          ),
        ),
      ),
    );
  }

  // ---------------------------------------------------------------- traces

  function traceQueryUrl() {
    const q = new URLSearchParams();
    if (state.traceQuery.errors) q.set('errors', '1');
    if (state.traceQuery.minMs) q.set('minMs', state.traceQuery.minMs);
    if (state.traceQuery.route) q.set('route', state.traceQuery.route);
    q.set('limit', '100');
    return `api/traces?${q}`;
  }

  let traceListLoaded = false;
  async function loadTraces() {
    const r = await fetch(traceQueryUrl(), {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (!r.ok) return;
    const body = await r.json();
    state.traces = body.traces;
    state.bufferOn = body.buffer;
    state.traceSelection = body.selection;
    traceListLoaded = true;
    if (state.tab === 'traces') renderTraces();
  }

  async function openTrace(id) {
    state.selectedTrace = id;
    state.selectedSpan = null;
    const r = await fetch(`api/traces/${encodeURIComponent(id)}`, { credentials: 'same-origin' });
    state.traceDetail = r.ok ? await r.json() : { missing: true, traceId: id };
    if (location.hash !== '#traces') location.hash = '#traces';
    else renderTraces();
  }

  function filtersActive() {
    return state.traceQuery.errors || state.traceQuery.minMs || state.traceQuery.route;
  }

  /** Which traces the span ring keeps (dashboard.buffer), in the card's subtitle. */
  function traceRule() {
    const b = state.snap?.buffer;
    if (!b || typeof b.tracesPerSecond !== 'number') return 'from the span ring; newest first';
    return `kept: every error and slow (≥ ${b.slowMillis} ms) trace, others up to ${b.tracesPerSecond}/s; newest first`;
  }

  function renderTraces() {
    const el = $('panel-traces');
    if (state.snap && state.snap.buffer === false) {
      return set(
        el,
        card(
          'Recent traces',
          '',
          h('div', { class: 'empty', text: 'The span ring is off (dashboard.buffer: false).' }),
        ),
      );
    }
    let toolbar = el.querySelector('.toolbar.traces');
    if (!toolbar) {
      const update = () => {
        void loadTraces();
      };
      toolbar = h(
        'div',
        { class: 'toolbar traces' },
        h(
          'label',
          null,
          h('input', {
            type: 'checkbox',
            class: 'f-errors',
            on: {
              change: (e) => {
                state.traceQuery.errors = e.target.checked;
                update();
              },
            },
          }),
          'errors only',
        ),
        h(
          'label',
          null,
          'slower than',
          h('input', {
            type: 'number',
            min: '0',
            class: 'f-min',
            placeholder: 'ms',
            on: {
              input: (e) => {
                state.traceQuery.minMs = e.target.value;
                update();
              },
            },
          }),
          'ms',
        ),
        h('input', {
          type: 'text',
          class: 'f-route',
          placeholder: 'Route or name',
          'aria-label': 'route',
          on: {
            input: (e) => {
              state.traceQuery.route = e.target.value;
              update();
            },
          },
        }),
        h('span', { class: 'spacer' }),
        h('span', { class: 'muted count' }),
      );
      set(
        el,
        card('Recent traces', traceRule(), toolbar, h('div', { class: 'trace-list' })),
        h('div', { class: 'trace-detail' }),
      );
    }
    // the rule comes with the snapshot, which may arrive after the panel was first drawn
    const note = el.querySelector('.card .note');
    if (note) note.textContent = traceRule();
    const list = state.traces;
    const skipped = state.traceSelection ? state.traceSelection.tracesSkipped : 0;
    toolbar.querySelector('.count').textContent =
      `${list.length} trace${list.length === 1 ? '' : 's'}` +
      (skipped > 0 ? ` · ${skipped} ordinary not kept` : '');
    const rows = list.map((t) =>
      h(
        'tr',
        {
          class: `clickable ${state.selectedTrace === t.traceId ? 'selected' : ''}`,
          dataset: { trace: t.traceId },
          on: { click: () => void openTrace(t.traceId) },
        },
        h('td', { class: 'mono', text: clock(t.start) }),
        h(
          'td',
          { class: 'name' },
          t.name,
          t.route && !t.name.includes(t.route) ? h('span', { class: 'muted', text: `  ${t.route}` }) : null,
        ),
        h('td', { class: 'num', text: fmtMillis(t.durationMillis) }),
        h('td', { class: 'num', text: String(t.spans) }),
        h(
          'td',
          null,
          t.errors
            ? h('span', { class: 'badge error', text: `${t.errors} error${t.errors > 1 ? 's' : ''}` })
            : h('span', { class: 'badge ok', text: t.status ? String(t.status) : 'ok' }),
        ),
      ),
    );
    set(
      el.querySelector('.trace-list'),
      h(
        'table',
        { class: 'traces' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { text: 'Started' }),
            h('th', { text: 'Root span' }),
            h('th', { class: 'num', text: 'Duration' }),
            h('th', { class: 'num', text: 'Spans' }),
            h('th', { text: 'Status' }),
          ),
        ),
        h(
          'tbody',
          null,
          rows.length
            ? rows
            : h(
                'tr',
                null,
                h('td', {
                  colspan: 5,
                  class: 'empty',
                  text: filtersActive() ? 'No trace matches the filters.' : 'No spans ended yet.',
                }),
              ),
        ),
      ),
    );
    renderTraceDetail(el.querySelector('.trace-detail'));
  }

  function renderTraceDetail(holder) {
    const d = state.traceDetail;
    if (!d) return set(holder);
    if (d.missing)
      return set(
        holder,
        card('Trace', d.traceId, h('div', { class: 'empty', text: 'This trace is no longer in the ring.' })),
      );
    const total = Math.max(d.durationMillis, 0.001);
    const wf = h('div', { class: 'waterfall' });
    for (const sp of d.waterfall) {
      // never past the trace's end: the minimum width (and a child that ends a hair after its
      // parent) must not draw a bar outside its parent's
      const left = Math.min(Math.max((sp.offsetMillis / total) * 100, 0), 99.7);
      const width = Math.min(Math.max((sp.durationMillis / total) * 100, 0.3), 100 - left);
      const bar = h('div', {
        class: `wf-bar ${sp.critical ? 'critical' : ''} ${sp.error ? 'error' : ''}`,
        style: {
          left: `${left}%`,
          width: `${width}%`,
        },
        title: `${sp.name}: ${fmtMillis(sp.durationMillis)}`,
      });
      wf.appendChild(
        h(
          'div',
          {
            class: `wf-row ${state.selectedSpan === sp.spanId ? 'selected' : ''}`,
            dataset: { span: sp.spanId, depth: sp.depth },
            on: {
              click: () => {
                state.selectedSpan = sp.spanId;
                renderTraces();
              },
            },
          },
          h(
            'div',
            { class: 'wf-name', style: { 'padding-left': `${sp.depth * 16}px` }, title: sp.name },
            h('span', { class: 'wf-kind', text: sp.kind }),
            sp.error ? h('span', { class: 'err', text: '⚠ ' }) : null,
            sp.name,
          ),
          h('div', { class: 'wf-track' }, bar),
          h('div', { class: 'wf-dur', text: fmtMillis(sp.durationMillis) }),
        ),
      );
    }
    const sel = d.waterfall.find((x) => x.spanId === state.selectedSpan) || d.waterfall[0];
    const attrs = sel ? Object.keys(sel.attributes) : [];
    const detail = sel
      ? card(
          'Span',
          sel.name,
          h(
            'div',
            { class: 'kv' },
            kv('span id', sel.spanId),
            kv('kind', sel.kind),
            kv('duration', fmtMillis(sel.durationMillis)),
            kv('status', sel.error ? `error${sel.statusMessage ? `: ${sel.statusMessage}` : ''}` : 'ok'),
            sel.scope ? kv('scope', sel.scope) : [],
            attrs.map((k) => kv(k, sel.attributes[k])),
            sel.events.map((e) => kv(`event +${fmtMillis(e.offsetMillis)}`, e.name)),
          ),
        )
      : null;
    set(
      holder,
      h(
        'div',
        { class: 'grid two' },
        card(
          'Waterfall',
          `${d.waterfall.length} spans · ${fmtMillis(d.durationMillis)} · critical path in solid colour`,
          wf,
        ),
        detail,
      ),
      card('Log lines of this trace', `${d.logs.length}`, logTable(d.logs, false)),
    );
  }

  // ---------------------------------------------------------------- logs

  const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

  function logTable(entries, withTrace) {
    const rows = entries.map((e) =>
      h(
        'tr',
        null,
        h('td', { class: 'mono', text: clock(e.time) }),
        h('td', null, h('span', { class: `badge ${e.level}`, text: e.level })),
        h(
          'td',
          { class: 'msg' },
          e.msg,
          e.fields
            ? h('span', {
                class: 'fields',
                text: e.fields,
                title: 'click to expand',
                on: { click: (ev) => ev.currentTarget.classList.toggle('open') },
              })
            : null,
        ),
        withTrace
          ? h(
              'td',
              null,
              e.traceId
                ? h('button', {
                    type: 'button',
                    class: 'link-btn',
                    text: e.traceId.slice(0, 8),
                    title: e.traceId,
                    on: { click: () => void openTrace(e.traceId) },
                  })
                : null,
            )
          : null,
      ),
    );
    return h(
      'table',
      { class: 'logs' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { text: 'Time' }),
          h('th', { text: 'Level' }),
          h('th', { text: 'Message' }),
          withTrace ? h('th', { text: 'Trace' }) : null,
        ),
      ),
      h(
        'tbody',
        null,
        rows.length
          ? rows
          : h('tr', null, h('td', { colspan: withTrace ? 4 : 3, class: 'empty', text: 'No log lines.' })),
      ),
    );
  }

  function renderLogs() {
    const el = $('panel-logs');
    if (state.snap && state.snap.buffer === false)
      return set(
        el,
        card(
          'Log tail',
          '',
          h('div', { class: 'empty', text: 'The log ring is off (dashboard.buffer: false).' }),
        ),
      );
    let toolbar = el.querySelector('.toolbar.logs-bar');
    if (!toolbar) {
      const levelSel = h(
        'select',
        {
          class: 'f-level',
          'aria-label': 'minimum level',
          on: {
            change: (e) => {
              state.logFilter.level = e.target.value;
              renderLogs();
            },
          },
        },
        h('option', { value: '', text: 'all levels' }),
        LEVELS.map((l) => h('option', { value: l, text: `${l} and above` })),
      );
      toolbar = h(
        'div',
        { class: 'toolbar logs-bar' },
        levelSel,
        h('input', {
          type: 'text',
          class: 'f-text',
          placeholder: 'Filter text',
          'aria-label': 'text filter',
          on: {
            input: (e) => {
              state.logFilter.text = e.target.value;
              renderLogs();
            },
          },
        }),
        h('button', {
          type: 'button',
          class: 'btn pause',
          on: {
            click: () => {
              state.logsPaused = !state.logsPaused;
              renderLogs();
            },
          },
        }),
        h('span', { class: 'spacer' }),
        h('span', { class: 'muted count' }),
      );
      set(el, card('Log tail', 'live, newest last', toolbar, h('div', { class: 'log-holder' })));
    }
    toolbar.querySelector('.pause').textContent = state.logsPaused ? 'Resume' : 'Pause';
    if (state.logsPaused && el.querySelector('.log-holder table')) {
      toolbar.querySelector('.count').textContent = 'paused';
      return;
    }
    const min = state.logFilter.level ? LEVELS.indexOf(state.logFilter.level) : -1;
    const text = state.logFilter.text.toLowerCase();
    const shown = state.logs.filter(
      (e) =>
        (min < 0 || LEVELS.indexOf(e.level) >= min) &&
        (!text || e.msg.toLowerCase().includes(text) || e.fields.toLowerCase().includes(text)),
    );
    toolbar.querySelector('.count').textContent = `${shown.length} of ${state.logs.length} lines`;
    set(el.querySelector('.log-holder'), logTable(shown.slice(-300), true));
  }

  // ---------------------------------------------------------------- config

  async function loadConfig() {
    const r = await fetch('api/config', { credentials: 'same-origin' });
    if (!r.ok) return;
    state.config = await r.json();
    if (state.tab === 'config') renderConfig();
  }

  function renderConfig() {
    const el = $('panel-config');
    const c = state.config;
    if (!c) {
      set(el, card('Config', '', h('div', { class: 'empty', text: 'loading…' })));
      void loadConfig();
      return;
    }
    const ex = c.exporters;
    const tr = ex.tracing || {};
    const rows = [];
    for (const e of tr.exporters || []) rows.push(['traces', e.type, e.exported, e.failed, '']);
    rows.push([
      'traces (queue)',
      'batch',
      tr.exported,
      tr.failed,
      `dropped ${tr.dropped ?? 0} · queued ${tr.queued ?? 0}`,
    ]);
    const me = ex.metrics || {};
    if (me.exports) rows.push(['metrics', 'push', me.exports.succeeded, me.exports.failed, '']);
    if (me.scrapes) rows.push(['metrics', 'scrapes', me.scrapes.served, me.scrapes.failed, '']);
    const lo = ex.logging || {};
    for (const o of lo.outputs || [])
      rows.push([
        'logs',
        o.type,
        o.delivered ?? o.lines,
        o.errors,
        `dropped ${o.dropped ?? 0}${o.buffered ? ` · buffered ${o.buffered}` : ''}`,
      ]);
    const actions = state.snap?.actions;
    set(
      el,
      h(
        'div',
        { class: 'grid two' },
        card(
          'Versions',
          '',
          h(
            'div',
            { class: 'kv' },
            Object.keys(c.versions).map((k) => kv(k, c.versions[k] || 'not found')),
          ),
        ),
        card(
          'Exporters',
          'delivered / failed',
          h(
            'table',
            null,
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { text: 'Signal' }),
                h('th', { text: 'Exporter' }),
                h('th', { class: 'num', text: 'OK' }),
                h('th', { class: 'num', text: 'Failed' }),
                h('th', { text: '' }),
              ),
            ),
            h(
              'tbody',
              null,
              rows.map((r) =>
                h(
                  'tr',
                  null,
                  h('td', { text: r[0] }),
                  h('td', { class: 'name', text: r[1] }),
                  h('td', { class: 'num', text: fmtNum(r[2]) }),
                  h('td', { class: `num ${r[3] > 0 ? 'err' : ''}`, text: fmtNum(r[3]) }),
                  h('td', { class: 'muted', text: r[4] }),
                ),
              ),
            ),
          ),
        ),
      ),
      actions
        ? card(
            'Actions',
            'POST, same origin only',
            h(
              'div',
              { class: 'toolbar' },
              h('button', {
                type: 'button',
                class: 'btn primary',
                text: 'CPU profile (3 s)',
                on: { click: (e) => void cpuProfile(e.target) },
              }),
              h('span', {
                class: 'muted profile-status',
                text: 'Downloads a .cpuprofile (open it in Chrome DevTools → Performance).',
              }),
            ),
          )
        : null,
      card('Summary', '', h('pre', { class: 'block', text: c.summary })),
      card(
        'Effective config',
        'secrets masked',
        h('pre', { class: 'block', text: JSON.stringify(c.config, null, 2) }),
      ),
    );
  }

  // ---------------------------------------------------------------- profiler

  async function renderProfiler() {
    const el = $('panel-profiler');
    const r = await fetch('api/profiler', { credentials: 'same-origin' });
    if (!r.ok) return;
    const p = await r.json();
    if (state.tab !== 'profiler') return;
    if (!p.enabled)
      return set(
        el,
        card(
          'Profiler',
          '',
          h('div', {
            class: 'empty',
            text: 'No Profiler was given: createDashboard(monitoring, { profiler }) shows a Profiler of @otelkit/tracing here.',
          }),
        ),
      );
    const rows = p.names.map((n) =>
      h(
        'tr',
        null,
        h('td', { class: 'name', text: n.name }),
        h('td', { class: 'num', text: fmtCount(n.count) }),
        h('td', { class: 'num', text: fmtMillis(n.totalMillis) }),
        h('td', { class: 'num', text: fmtMillis(n.meanMillis) }),
        h('td', { class: 'num', text: fmtMillis(n.p50Millis) }),
        h('td', { class: 'num', text: fmtMillis(n.p95Millis) }),
        h('td', { class: 'num', text: fmtMillis(n.p99Millis) }),
        h('td', { class: 'num', text: fmtMillis(n.maxMillis) }),
        h('td', { class: `num ${n.errors > 0 ? 'err' : ''}`, text: fmtCount(n.errors) }),
      ),
    );
    set(
      el,
      card(
        'Profiler',
        `${p.traces} traces over ${fmtMillis(p.totalTimeMillis)}${p.discarded ? ` · ${p.discarded} discarded` : ''}`,
        h(
          'div',
          { class: 'toolbar' },
          h('button', {
            type: 'button',
            class: 'btn',
            text: 'Download Chrome trace',
            on: { click: () => void download('api/profiler/chrome-trace', 'profile.json') },
          }),
          h('span', { class: 'muted', text: 'Open it in ui.perfetto.dev or chrome://tracing.' }),
        ),
        h(
          'table',
          { class: 'profiler' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Name', 'Count', 'Total', 'Mean', 'p50', 'p95', 'p99', 'Max', 'Errors'].map((t, i) =>
                h('th', { class: i ? 'num' : '', text: t }),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            rows.length
              ? rows
              : h('tr', null, h('td', { colspan: 9, class: 'empty', text: 'Nothing profiled yet.' })),
          ),
        ),
      ),
    );
  }

  async function download(url, name) {
    const r = await fetch(url, { credentials: 'same-origin' });
    if (!r.ok) return;
    const blob = await r.blob();
    const a = h('a', { download: name });
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  async function cpuProfile(btn) {
    btn.disabled = true;
    const status = btn.parentNode.querySelector('.profile-status');
    status.textContent = 'profiling…';
    try {
      const r = await fetch('api/actions/cpu-profile?seconds=3', {
        method: 'POST',
        credentials: 'same-origin',
      });
      if (!r.ok) {
        status.textContent = `refused: ${(await r.text()).trim()}`;
        return;
      }
      const blob = await r.blob();
      const a = h('a', { download: `cpu-${Date.now()}.cpuprofile` });
      a.href = URL.createObjectURL(blob);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
      status.textContent = `done (${fmtBytes(blob.size)})`;
    } catch {
      status.textContent = 'failed';
    } finally {
      btn.disabled = false;
    }
  }

  // ---------------------------------------------------------------- tabs, theme, stream

  function render() {
    const tab = state.tab;
    for (const a of document.querySelectorAll('#tabs a')) a.classList.toggle('active', a.dataset.tab === tab);
    for (const p of document.querySelectorAll('.panel')) p.hidden = p.dataset.panel !== tab;
    for (const b of document.querySelectorAll('#windows button'))
      b.classList.toggle('active', b.dataset.window === state.window);
    const alertsTab = document.querySelector('#tabs a[data-tab="alerts"]');
    const n = state.alerts.active.length + (state.health && state.health.ready === 'fail' ? 1 : 0);
    const badge = alertsTab.querySelector('.badge');
    if (n > 0) {
      if (badge) badge.textContent = String(n);
      else alertsTab.appendChild(h('span', { class: 'badge critical', text: String(n) }));
    } else if (badge) badge.remove();
    renderTab(tab);
    drawCharts();
  }

  function renderTab(tab) {
    switch (tab) {
      case 'overview':
        return renderOverview();
      case 'http':
        return renderRed('http');
      case 'methods':
        return renderRed('methods');
      case 'runtime':
        return renderRuntime();
      case 'resources':
        return renderResources();
      case 'alerts':
        return renderAlerts();
      case 'traces':
        if (!traceListLoaded) void loadTraces();
        return renderTraces();
      case 'logs':
        return renderLogs();
      case 'config':
        return renderConfig();
      case 'profiler':
        // Read on demand (when the tab opens), not with every frame.
        if (!profilerShown) {
          profilerShown = true;
          void renderProfiler();
        }
        return;
    }
  }

  let profilerShown = false;

  function onHash() {
    profilerShown = false;
    const t = location.hash.replace('#', '') || 'overview';
    state.tab = document.querySelector(`#tabs a[data-tab="${CSS.escape(t)}"]`) ? t : 'overview';
    render();
  }

  function applyTheme() {
    const mode = localStorage.getItem('otelkit.theme') || 'auto';
    if (mode === 'auto') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', mode);
    $('theme').textContent = mode === 'auto' ? '◐ auto' : mode === 'dark' ? '☾ dark' : '☀ light';
    $('theme').title = 'Theme: auto (system) → light → dark';
  }

  function pushLogs(entries) {
    for (const e of entries) {
      if (e.seq <= state.logSeq) continue;
      state.logs.push(e);
      state.logSeq = e.seq;
    }
    if (state.logs.length > MAX_LOGS) state.logs.splice(0, state.logs.length - MAX_LOGS);
  }

  function pushRuntime(rt) {
    if (rt?.source !== 'monitor') return;
    const last = state.runtimeHist[state.runtimeHist.length - 1];
    if (!last || last[0] < rt.t)
      state.runtimeHist.push([rt.t, rt.cpu.process, rt.memory.rss, rt.eventLoop.p99, rt.cpu.host]);
    if (state.runtimeHist.length > MAX_POINTS)
      state.runtimeHist.splice(0, state.runtimeHist.length - MAX_POINTS);
  }

  function applySnapshot(snap) {
    state.snap = snap;
    $('service').textContent = snap.service;
    document.title = `${snap.service} · otelkit dashboard`;
    state.red = snap.red;
    state.points = snap.points.slice(-MAX_POINTS);
    state.runtime = snap.runtime;
    state.runtimeHist = snap.runtimeHistory.map((p) => [p[0], p[1], p[2], p[3], undefined]);
    pushRuntime(snap.runtime);
    state.resources = snap.resources;
    state.alerts = snap.alerts;
    state.health = snap.health;
    if (!filtersActive()) state.traces = snap.traces;
    pushLogs(snap.logs);
    render();
  }

  function applyFrame(f) {
    state.red = f.red;
    state.points.push(f.point);
    if (state.points.length > MAX_POINTS) state.points.splice(0, state.points.length - MAX_POINTS);
    state.runtime = f.runtime;
    pushRuntime(f.runtime);
    state.resources = f.resources;
    state.alerts = f.alerts;
    if (f.health) state.health = f.health;
    if (f.traces && !filtersActive()) state.traces = f.traces;
    pushLogs(f.logs);
    if (state.tab === 'logs' && state.logsPaused) return;
    render();
  }

  let source = null;
  let retryTimer = null;
  function setConn(cls, text) {
    const c = $('conn');
    c.className = `conn ${cls}`;
    $('conn-text').textContent = text;
  }

  function connect() {
    if (source) source.close();
    clearTimeout(retryTimer);
    setConn('', 'connecting');
    const es = new EventSource(`./?window=${encodeURIComponent(state.window)}`);
    source = es;
    es.addEventListener('snapshot', (e) => {
      setConn('live', 'live');
      applySnapshot(JSON.parse(e.data));
    });
    es.addEventListener('message', (e) => {
      setConn('live', 'live');
      applyFrame(JSON.parse(e.data));
    });
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CLOSED) {
        // Refused (401, 503) or gone: try again ourselves, gently.
        setConn('down', 'disconnected');
        retryTimer = setTimeout(connect, 3000);
      } else setConn('down', 'reconnecting');
    });
  }

  function init() {
    applyTheme();
    $('theme').addEventListener('click', () => {
      const order = ['auto', 'light', 'dark'];
      const cur = localStorage.getItem('otelkit.theme') || 'auto';
      localStorage.setItem('otelkit.theme', order[(order.indexOf(cur) + 1) % order.length]);
      applyTheme();
    });
    for (const b of document.querySelectorAll('#windows button')) {
      b.addEventListener('click', () => {
        state.window = b.dataset.window;
        localStorage.setItem('otelkit.window', state.window);
        render();
        connect();
      });
    }
    if (!['10s', '1m', '15m'].includes(state.window)) state.window = '1m';
    window.addEventListener('hashchange', onHash);
    onHash();
    connect();
  }

  init();
})();
