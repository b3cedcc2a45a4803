/**
 * The live cluster view at /ui: nodes as boxes holding their pods coloured by phase, with
 * CPU and memory bars; Deployments' desired vs ready replicas over time; HPAs' CPU
 * utilisation vs target and replicas over time; the event stream. Everything arrives
 * through GraphQL subscriptions (graphql-ws) on this apiserver; node usage is read from
 * metrics.k8s.io when metrics-server is there. Bundled at build time (ui/build.mjs):
 * nothing is loaded from anywhere but the apiserver.
 */
import { createClient, type Client } from 'graphql-ws';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { apiUrl, authHeaders, initialToken, saveToken } from '../common/session.js';
import { boxAt, layoutNodes, PADDING, type Layout } from './layout.js';
import { ClusterModel, PHASES, type Phase, type Series, type ServerHistory, type WatchType } from './model.js';

const PHASE_COLOURS: Record<Phase, string> = {
  Running: '#2e9d4f',
  Pending: '#e0a800',
  Succeeded: '#4a78c2',
  Failed: '#d0392b',
  Unknown: '#888888',
  Terminating: '#9b59b6',
};
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
/** Series drawn per chart; the rest are listed in the table only. */
const MAX_SERIES = 6;

const model = new ClusterModel();
let token = initialToken();
let client: Client | undefined;
let connectedOnce = false;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

// --- subscriptions -----------------------------------------------------------------

const META = 'metadata { name namespace uid deletionTimestamp }';
const SUBSCRIPTIONS: Array<{ field: string; selection: string; apply: (type: WatchType, obj: never) => void }> = [
  {
    field: 'watchNodes',
    selection: `${META} spec { unschedulable podCIDR } status { allocatable conditions { type status } }`,
    apply: (t, o) => model.applyNode(t, o),
  },
  {
    field: 'watchPods',
    selection: `${META} spec { nodeName containers { resources { requests } } } status { phase podIP conditions { type status } }`,
    apply: (t, o) => model.applyPod(t, o),
  },
  {
    field: 'watchDeployments',
    selection: `${META} spec { replicas } status { replicas readyReplicas }`,
    apply: (t, o) => model.applyDeployment(t, o),
  },
  {
    field: 'watchHorizontalPodAutoscalers',
    selection: `${META} spec { minReplicas maxReplicas metrics { type resource { name target { averageUtilization } } } } status { currentReplicas desiredReplicas currentMetrics { type resource { name current { averageUtilization } } } }`,
    apply: (t, o) => model.applyHpa(t, o),
  },
  {
    field: 'watchEvents',
    selection: `${META} type reason message count lastTimestamp eventTime involvedObject { kind name namespace }`,
    apply: (t, o) => model.applyEvent(t, o),
  },
];

function setStatus(text: string, bad = false): void {
  const el = $('conn');
  el.textContent = text;
  el.className = bad ? 'bad' : '';
}

function connect(): void {
  void client?.dispose();
  connectedOnce = false;
  model.reset();
  const headers = authHeaders(token);
  client = createClient({
    url: apiUrl('graphql', 'ws'),
    // mercurius reads credentials for subscriptions from connection_init.
    connectionParams: headers,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connected: () => {
        // A reconnect resubscribes without a resourceVersion: every object comes again as ADDED.
        if (connectedOnce) model.reset();
        connectedOnce = true;
        setStatus('live');
      },
      closed: () => setStatus('disconnected, retrying…', true),
    },
  });
  for (const sub of SUBSCRIPTIONS) {
    client.subscribe<Record<string, { type: WatchType; object: never }>>(
      { query: `subscription { ${sub.field} { type object { ${sub.selection} } } }` },
      {
        next: (msg) => {
          if (msg.errors?.length) {
            setStatus(`${sub.field}: ${msg.errors[0]!.message}`, true);
            return;
          }
          const ev = msg.data?.[sub.field];
          if (ev) sub.apply(ev.type, ev.object);
        },
        error: (err) => setStatus(`${sub.field}: ${err instanceof Error ? err.message : 'closed'}`, true),
        complete: () => undefined,
      },
    );
  }
}

const SERIES = '{ key values { a b } }';

/** The charts' past, kept by the apiserver (GraphQL chartHistory), read once when the page opens. */
async function loadHistory(): Promise<void> {
  try {
    const res = await fetch(apiUrl('graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(token) },
      body: JSON.stringify({ query: `{ chartHistory { times deployments ${SERIES} hpaUtilization ${SERIES} hpaReplicas ${SERIES} } }` }),
    });
    const body = (await res.json()) as { data?: { chartHistory?: ServerHistory } | null };
    const history = body.data?.chartHistory;
    if (!history) return;
    model.loadHistory(history);
    const chart = $('chart-deployments');
    chart.dataset.history = String(history.times.length);
    chart.dataset.historySeries = history.deployments.map((d) => d.key).join(' ');
  } catch {
    // No history (an older apiserver, no permission): the charts start now.
  }
}

async function pollMetrics(): Promise<void> {
  try {
    const res = await fetch(apiUrl('apis/metrics.k8s.io/v1beta1/nodes'), { headers: authHeaders(token) });
    if (!res.ok) {
      $('metrics').textContent = 'usage: metrics.k8s.io not available (requests vs allocatable shown)';
      return;
    }
    const list = (await res.json()) as { items?: Array<{ metadata: { name: string }; usage?: { cpu?: string; memory?: string } }> };
    model.setNodeUsage(list.items ?? []);
    $('metrics').textContent = 'usage: from metrics.k8s.io (dark bar); requests vs allocatable (light bar)';
  } catch {
    $('metrics').textContent = 'usage: metrics.k8s.io not reachable';
  }
}

// --- the nodes canvas --------------------------------------------------------------

let layout: Layout | undefined;

function bar(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, requested: number, used: number | undefined, colour: string): void {
  ctx.fillStyle = '#e6e6e6';
  ctx.fillRect(x, y, w, h);
  ctx.fillStyle = colour + '66';
  ctx.fillRect(x, y, Math.min(1, requested) * w, h);
  if (used !== undefined) {
    ctx.fillStyle = colour;
    ctx.fillRect(x, y, Math.min(1, used) * w, h);
  }
}

function drawNodes(): void {
  const canvas = $<HTMLCanvasElement>('nodes');
  const width = canvas.parentElement!.clientWidth;
  const nodes = model.nodeSummaries();
  layout = layoutNodes(nodes, width);
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, width * dpr);
  canvas.height = Math.max(1, layout.height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${layout.height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, layout.height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  let podsDrawn = 0;
  for (const b of layout.boxes) {
    const n = b.node;
    ctx.fillStyle = n.ready ? (n.unschedulable ? '#fff4e0' : '#ffffff') : '#fde2e0';
    ctx.fillRect(b.x, b.y, b.w, b.h);
    ctx.strokeStyle = n.ready ? '#b8c2cc' : '#d0392b';
    ctx.strokeRect(b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1);
    let y = b.y + PADDING;
    const x = b.x + PADDING;
    const w = b.w - 2 * PADDING;
    if (layout.showNames) {
      ctx.fillStyle = '#222';
      ctx.fillText(n.name + (n.unschedulable ? ' (cordoned)' : ''), x, y, w);
      y += layout.header;
    }
    const cpuUsed = n.usage && n.cpuAllocMilli > 0 ? n.usage.cpuMilli / n.cpuAllocMilli : undefined;
    const memUsed = n.usage && n.memAllocBytes > 0 ? n.usage.memBytes / n.memAllocBytes : undefined;
    bar(ctx, x, y, w, layout.barHeight, n.cpuAllocMilli > 0 ? n.cpuRequestedMilli / n.cpuAllocMilli : 0, cpuUsed, '#1f77b4');
    y += layout.barHeight + 2;
    bar(ctx, x, y, w, layout.barHeight, n.memAllocBytes > 0 ? n.memRequestedBytes / n.memAllocBytes : 0, memUsed, '#8c564b');
    y += layout.barHeight + 2;
    if (layout.mode === 'pods') {
      const s = layout.podSize;
      n.pods.forEach((p, i) => {
        ctx.fillStyle = PHASE_COLOURS[p.phase];
        ctx.fillRect(x + (i % layout!.podsPerRow) * (s + 1), y + Math.floor(i / layout!.podsPerRow) * (s + 1), s, s);
        podsDrawn++;
      });
    } else {
      // Aggregated: one stacked bar of the node's pods by phase.
      const total = n.pods.length;
      let at = x;
      for (const phase of PHASES) {
        const count = n.phases[phase];
        if (!count) continue;
        const segment = (count / Math.max(total, 1)) * w;
        ctx.fillStyle = PHASE_COLOURS[phase];
        ctx.fillRect(at, y, segment, 8);
        at += segment;
      }
      podsDrawn += total;
    }
  }
  canvas.dataset.nodesDrawn = String(layout.boxes.length);
  canvas.dataset.podsDrawn = String(podsDrawn);
  canvas.dataset.mode = layout.mode;
}

function showTooltip(ev: MouseEvent): void {
  const tip = $('tooltip');
  const canvas = $<HTMLCanvasElement>('nodes');
  const rect = canvas.getBoundingClientRect();
  const box = layout && boxAt(layout, ev.clientX - rect.left, ev.clientY - rect.top);
  if (!box) {
    tip.hidden = true;
    return;
  }
  const n = box.node;
  const pct = (a: number, b: number): string => (b > 0 ? `${Math.round((a / b) * 100)}%` : '–');
  const lines = [
    `${n.name}${n.ready ? '' : ' (NotReady)'}${n.unschedulable ? ' (SchedulingDisabled)' : ''}`,
    `podCIDR ${n.podCIDR ?? '–'}`,
    `CPU requests ${n.cpuRequestedMilli}m / ${n.cpuAllocMilli}m (${pct(n.cpuRequestedMilli, n.cpuAllocMilli)})` +
      (n.usage ? `, used ${n.usage.cpuMilli}m` : ''),
    `memory requests ${pct(n.memRequestedBytes, n.memAllocBytes)}` + (n.usage ? `, used ${pct(n.usage.memBytes, n.memAllocBytes)}` : ''),
    `${n.pods.length} pods: ` + PHASES.filter((p) => n.phases[p]).map((p) => `${n.phases[p]} ${p}`).join(', '),
    ...n.pods.slice(0, 12).map((p) => `  ${p.namespace}/${p.name} ${p.phase}${p.podIP ? ' ' + p.podIP : ''}`),
    ...(n.pods.length > 12 ? [`  … ${n.pods.length - 12} more`] : []),
  ];
  tip.textContent = lines.join('\n');
  tip.hidden = false;
  tip.style.left = `${ev.pageX + 12}px`;
  tip.style.top = `${ev.pageY + 12}px`;
}

// --- charts ------------------------------------------------------------------------

interface Chart {
  plot: uPlot;
  keys: string;
}
const charts = new Map<string, Chart>();

/** The series with the largest latest values, at most MAX_SERIES. */
function topSeries(series: Map<string, Series>): Series[] {
  const last = (s: Series): number => {
    const v = s.values[s.values.length - 1];
    return Math.max(v?.a ?? -1, v?.b ?? -1);
  };
  return [...series.values()].sort((x, y) => last(y) - last(x) || x.key.localeCompare(y.key)).slice(0, MAX_SERIES);
}

function drawChart(id: string, series: Map<string, Series>, labels: [string, string], unit: string): void {
  const el = $(id);
  const shown = topSeries(series);
  el.hidden = shown.length === 0;
  el.dataset.series = String(shown.length);
  el.dataset.points = String(model.times.length);
  if (shown.length === 0) {
    charts.get(id)?.plot.destroy();
    charts.delete(id);
    el.replaceChildren();
    return;
  }
  const keys = shown.map((s) => s.key).join('|');
  const data: uPlot.AlignedData = [
    model.times,
    ...shown.flatMap((s) => [s.values.map((v) => v.a), s.values.map((v) => v.b)]),
  ] as uPlot.AlignedData;
  let chart = charts.get(id);
  if (!chart || chart.keys !== keys) {
    chart?.plot.destroy();
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: 180,
      scales: { x: { time: true } },
      axes: [{}, { label: unit }],
      series: [
        {},
        ...shown.flatMap((s, i) => [
          { label: `${s.key} ${labels[0]}`, stroke: PALETTE[i % PALETTE.length], width: 2 },
          { label: `${s.key} ${labels[1]}`, stroke: PALETTE[i % PALETTE.length], width: 1, dash: [5, 4] },
        ]),
      ],
    };
    el.replaceChildren();
    chart = { plot: new uPlot(opts, data, el), keys };
    charts.set(id, chart);
  } else {
    chart.plot.setData(data);
  }
}

// --- tables ------------------------------------------------------------------------

function cell(tr: HTMLTableRowElement, text: string, cls?: string): void {
  const td = tr.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
}

function drawTables(): void {
  const deployments = $<HTMLTableSectionElement>('deployments-body');
  deployments.replaceChildren();
  for (const s of [...model.deploymentSeries.values()].sort((a, b) => a.key.localeCompare(b.key))) {
    const v = s.values[s.values.length - 1];
    if (!v || v.a === null) continue;
    const tr = deployments.insertRow();
    tr.dataset.name = s.key;
    cell(tr, s.key);
    cell(tr, `${v.b ?? 0}/${v.a}`, v.b === v.a ? 'ok' : 'warn');
  }
  const hpas = $<HTMLTableSectionElement>('hpas-body');
  hpas.replaceChildren();
  $('hpas-empty').hidden = model.hpaUtilSeries.size > 0;
  for (const s of [...model.hpaUtilSeries.values()].sort((a, b) => a.key.localeCompare(b.key))) {
    const u = s.values[s.values.length - 1];
    const r = model.hpaReplicaSeries.get(s.key)?.values.at(-1);
    if (!u || !r || r.a === null) continue;
    const tr = hpas.insertRow();
    tr.dataset.name = s.key;
    cell(tr, s.key);
    cell(tr, `${u.a === null ? '<unknown>' : `${u.a}%`}/${u.b === null ? '–' : `${u.b}%`}`);
    cell(tr, `${r.a}${r.b !== null && r.b !== r.a ? ` → ${r.b}` : ''}`);
  }
  const events = $<HTMLTableSectionElement>('events-body');
  events.replaceChildren();
  for (const e of model.events().slice(0, 50)) {
    const tr = events.insertRow();
    cell(tr, e.time ? new Date(e.time).toLocaleTimeString([], { hour12: false }) : '');
    cell(tr, e.type, e.type === 'Warning' ? 'warn' : '');
    cell(tr, e.reason);
    cell(tr, e.object);
    cell(tr, e.message + (e.count > 1 ? ` (x${e.count})` : ''));
  }
  const c = model.counts();
  const unplaced = model.unplacedPods().length;
  $('summary').textContent =
    `${c.nodes} nodes (${c.readyNodes} Ready) · ${c.pods} pods: ` +
    PHASES.filter((p) => c.phases[p]).map((p) => `${c.phases[p]} ${p}`).join(', ') +
    (unplaced ? ` · ${unplaced} not on a node` : '') +
    ` · ${c.deployments} deployments · ${c.hpas} HPAs`;
}

// --- page --------------------------------------------------------------------------

let drawnVersion = -1;
function frame(): void {
  if (model.version !== drawnVersion) {
    drawnVersion = model.version;
    drawNodes();
    drawTables();
    drawChart('chart-deployments', model.deploymentSeries, ['desired', 'ready'], 'replicas');
    drawChart('chart-hpa-util', model.hpaUtilSeries, ['current', 'target'], 'CPU %');
    drawChart('chart-hpa-replicas', model.hpaReplicaSeries, ['current', 'desired'], 'replicas');
  }
  // At most 4 redraws a second, however fast events come.
  setTimeout(() => requestAnimationFrame(frame), 250);
}

function legend(): void {
  const el = $('legend');
  for (const p of PHASES) {
    const span = document.createElement('span');
    const sw = document.createElement('i');
    sw.style.background = PHASE_COLOURS[p];
    span.append(sw, p);
    el.append(span);
  }
}

function main(): void {
  legend();
  const form = $<HTMLFormElement>('token-form');
  const input = $<HTMLInputElement>('token');
  input.value = token;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    token = input.value.trim();
    saveToken(token);
    connect();
    void pollMetrics();
    void loadHistory();
  });
  $('nodes').addEventListener('mousemove', showTooltip);
  $('nodes').addEventListener('mouseleave', () => ($('tooltip').hidden = true));
  window.addEventListener('resize', () => (drawnVersion = -1));
  connect();
  void pollMetrics();
  setInterval(() => void pollMetrics(), 15_000);
  model.sample(Date.now() / 1000);
  setInterval(() => model.sample(Date.now() / 1000), 2_000);
  void loadHistory();
  requestAnimationFrame(frame);
}

main();
