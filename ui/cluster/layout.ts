/**
 * Where the cluster view draws each node box and how big a pod square is. Pure, so it is
 * tested in Node. Boxes shrink as nodes grow in number: at a few nodes each box shows its
 * name, two bars (CPU and memory) and one square per pod; at hundreds the name goes to
 * the tooltip; when a pod square would be smaller than 3 px the box draws one stacked bar
 * of its pods' phases instead ("bars" mode), so a 1,000-node cluster is one canvas of a
 * thousand small boxes, not tens of thousands of elements.
 */
import type { NodeSummary } from './model.js';

export interface LayoutBox {
  x: number;
  y: number;
  w: number;
  h: number;
  node: NodeSummary;
}

export interface Layout {
  boxes: LayoutBox[];
  /** Canvas height needed. */
  height: number;
  /** Side of one pod square (pods mode). */
  podSize: number;
  podsPerRow: number;
  mode: 'pods' | 'bars';
  /** Whether boxes are wide enough to print the node name. */
  showNames: boolean;
  /** Geometry inside a box, shared by every box. */
  header: number;
  barHeight: number;
}

export const GAP = 6;
const PAD = 3;

/** The narrowest box for this many nodes. */
function minBoxWidth(n: number): number {
  if (n <= 24) return 200;
  if (n <= 100) return 120;
  if (n <= 400) return 64;
  return 34;
}

export function layoutNodes(nodes: NodeSummary[], width: number): Layout {
  const n = nodes.length;
  const usable = Math.max(40, width);
  const cols = Math.max(1, Math.min(n || 1, Math.floor((usable + GAP) / (minBoxWidth(n) + GAP))));
  const boxW = Math.floor((usable + GAP) / cols) - GAP;
  const showNames = boxW >= 90;
  const header = showNames ? 16 : 0;
  const barHeight = boxW >= 90 ? 5 : 3;
  const maxPods = Math.max(4, ...nodes.map((x) => x.pods.length));
  const inner = boxW - 2 * PAD;

  // The largest square (≤ 12 px) that fits every node's pods in at most ~3/4 of the width in rows.
  let podSize = 12;
  let podsPerRow = Math.max(1, Math.floor((inner + 1) / (podSize + 1)));
  while (podSize > 3) {
    podsPerRow = Math.max(1, Math.floor((inner + 1) / (podSize + 1)));
    const rows = Math.ceil(maxPods / podsPerRow);
    if (rows * (podSize + 1) <= Math.max(24, boxW * 0.75)) break;
    podSize--;
  }
  podsPerRow = Math.max(1, Math.floor((inner + 1) / (podSize + 1)));
  const rowsNeeded = Math.ceil(maxPods / podsPerRow);
  const mode: Layout['mode'] = rowsNeeded * (podSize + 1) > Math.max(24, boxW * 0.75) ? 'bars' : 'pods';
  const podArea = mode === 'pods' ? rowsNeeded * (podSize + 1) : 8;
  const boxH = PAD + header + 2 * (barHeight + 2) + podArea + PAD;

  const boxes: LayoutBox[] = nodes.map((node, i) => ({
    x: (i % cols) * (boxW + GAP),
    y: Math.floor(i / cols) * (boxH + GAP),
    w: boxW,
    h: boxH,
    node,
  }));
  const rows = Math.ceil(n / cols);
  return { boxes, height: rows === 0 ? 0 : rows * (boxH + GAP) - GAP, podSize, podsPerRow, mode, showNames, header, barHeight };
}

/** The box under a point, if any (for the tooltip). */
export function boxAt(layout: Layout, x: number, y: number): LayoutBox | undefined {
  return layout.boxes.find((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h);
}

export const PADDING = PAD;
