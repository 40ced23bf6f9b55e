/**
 * The topology picture as a standalone SVG 1.1 document (no script, no external reference, no
 * browser needed): client entry points at the top, the load balancer with its ports, the nodes
 * with theirs inside the cluster boundary, and one row per quorum queue showing the nodes its
 * replicas span. Layout is a fixed grid computed from the counts; text that does not fit its box
 * is shortened with an ellipsis (the full text stays in a <title> tooltip).
 */
import type { PicturePort, TopologyPicture } from './picture';
import { esc, fit, textWidth } from './svg-text';

const FONT = "'DejaVu Sans', Verdana, Arial, sans-serif";
const MONO = "'DejaVu Sans Mono', Menlo, Consolas, monospace";
const C = {
  ink: '#1f2933',
  muted: '#52606d',
  line: '#9aa5b1',
  boundary: '#7b8794',
  client: '#e4e7eb',
  lb: '#2f6fde',
  lbFill: '#e8f0fd',
  node: '#f46a00',
  nodeFill: '#fff4ec',
  replica: '#1b873f',
} as const;

/** Grid of the picture, in px. */
const L = {
  margin: 24,
  nodeW: 262,
  nodeGap: 20,
  /** Left of the node grid: the quorum queue names. */
  labelW: 250,
  portLine: 17,
  rowH: 26,
  /** Right of the node grid: the replica count of each quorum queue row. */
  noteW: 230,
} as const;

function portLine(p: PicturePort): string {
  return `${p.name} :${p.port}${p.published ? ` \u2190 ${p.published}` : ''}`;
}

function textEl(x: number, y: number, content: string, opts: { size?: number; weight?: string; fill?: string; anchor?: string; mono?: boolean; max?: number } = {}): string {
  const size = opts.size ?? 12;
  const shown = opts.max !== undefined ? fit(content, opts.max, size, opts.mono ?? false, opts.weight === 'bold') : content;
  const title = shown !== content ? `<title>${esc(content)}</title>` : '';
  return (
    `<text x="${x}" y="${y}" font-family="${esc(opts.mono ? MONO : FONT)}" font-size="${size}"` +
    `${opts.weight ? ` font-weight="${opts.weight}"` : ''} fill="${opts.fill ?? C.ink}"${opts.anchor ? ` text-anchor="${opts.anchor}"` : ''}>${title}${esc(shown)}</text>`
  );
}

function arrow(x1: number, y1: number, x2: number, y2: number, label?: string): string {
  const line = `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${C.line}" stroke-width="1.6" marker-end="url(#arrow)"/>`;
  return label ? `${line}${textEl((x1 + x2) / 2 + 6, (y1 + y2) / 2 + 4, label, { size: 11, fill: C.muted })}` : line;
}

/** The SVG document for a picture (pure). */
export function topologySvg(p: TopologyPicture): string {
  const n = p.nodes.length;
  const nodesW = n * L.nodeW + (n - 1) * L.nodeGap;
  const hasQueues = p.quorumQueues.length > 0;
  const gridX = L.margin + 16 + (hasQueues ? L.labelW : 0);
  const width = Math.max(gridX + nodesW + (hasQueues ? L.noteW : 16) + L.margin, 760);
  const nodeX = (i: number): number => gridX + i * (L.nodeW + L.nodeGap);
  const nodeMid = (i: number): number => nodeX(i) + L.nodeW / 2;
  const center = gridX + nodesW / 2;
  const out: string[] = [];

  // Title.
  let y = L.margin + 18;
  out.push(textEl(L.margin, y, p.title, { size: 20, weight: 'bold', max: width - 2 * L.margin }));
  y += 22;
  out.push(textEl(L.margin, y, p.subtitle, { size: 13, fill: C.muted, max: width - 2 * L.margin }));

  // Client entry points, side by side above the cluster.
  y += 26;
  const clientW = Math.min(340, Math.max(...p.clients.map((c) => Math.max(textWidth(c.url, 12, true), textWidth(c.name, 12, false, true)))) + 30);
  const clientsW = p.clients.length * clientW + (p.clients.length - 1) * 16;
  const clientX0 = Math.max(L.margin, Math.min(center - clientsW / 2, width - L.margin - clientsW));
  const clientTop = y;
  const clientH = 46;
  p.clients.forEach((c, i) => {
    const x = clientX0 + i * (clientW + 16);
    out.push(`<rect x="${x}" y="${y}" width="${clientW}" height="${clientH}" rx="8" fill="${C.client}" stroke="${C.line}"/>`);
    out.push(textEl(x + 14, y + 19, c.name, { size: 12, weight: 'bold', max: clientW - 28 }));
    out.push(textEl(x + 14, y + 36, c.url, { size: 12, mono: true, max: clientW - 28 }));
  });
  y += clientH;

  // Cluster boundary (drawn first so everything sits on top of it).
  const boundaryTop = y + 34;
  const boundaryIndex = out.length;
  y = boundaryTop + 30;

  // Load balancer.
  let lbBottom: number | undefined;
  if (p.loadBalancer) {
    const lb = p.loadBalancer;
    const lines = lb.ports.map(portLine);
    const lbW = Math.min(width - 2 * L.margin - 32, Math.max(380, ...lines.map((l) => textWidth(l, 12, true) + 32), textWidth(`load balancer: ${lb.title}`, 13, false, true) + 32, textWidth(lb.balancing, 11, false) + 32));
    const lbH = 44 + lines.length * L.portLine + 8;
    const x = center - lbW / 2;
    p.clients.forEach((_, i) => out.push(arrow(clientX0 + i * (clientW + 16) + clientW / 2, clientTop + clientH, center - 60 + i * 120 / Math.max(1, p.clients.length - 1), y - 2)));
    out.push(`<rect x="${x}" y="${y}" width="${lbW}" height="${lbH}" rx="8" fill="${C.lbFill}" stroke="${C.lb}" stroke-width="1.5"/>`);
    out.push(`<rect x="${x}" y="${y}" width="${lbW}" height="24" rx="8" fill="${C.lb}"/><rect x="${x}" y="${y + 12}" width="${lbW}" height="12" fill="${C.lb}"/>`);
    out.push(textEl(x + 12, y + 17, `load balancer: ${lb.title}`, { size: 13, weight: 'bold', fill: '#ffffff', max: lbW - 24 }));
    lines.forEach((l, i) => out.push(textEl(x + 12, y + 42 + i * L.portLine, l, { size: 12, mono: true, max: lbW - 24 })));
    out.push(textEl(x + 12, y + 42 + lines.length * L.portLine, lb.balancing, { size: 11, fill: C.muted, max: lbW - 24 }));
    lbBottom = y + lbH;
    y = lbBottom + 56;
  } else {
    y += 30;
  }

  // Nodes, with the arrows that reach them.
  const nodeTop = y;
  const nodeH = 50 + 4 * L.portLine;
  p.nodes.forEach((node, i) => {
    const x = nodeX(i);
    if (lbBottom !== undefined) out.push(arrow(center, lbBottom, nodeMid(i), nodeTop - 2));
    else out.push(arrow(clientX0 + clientsW / 2, clientTop + clientH, nodeMid(i), nodeTop - 2));
    out.push(`<rect x="${x}" y="${nodeTop}" width="${L.nodeW}" height="${nodeH}" rx="8" fill="${C.nodeFill}" stroke="${C.node}" stroke-width="1.5"/>`);
    out.push(`<rect x="${x}" y="${nodeTop}" width="${L.nodeW}" height="24" rx="8" fill="${C.node}"/><rect x="${x}" y="${nodeTop + 12}" width="${L.nodeW}" height="12" fill="${C.node}"/>`);
    out.push(textEl(x + 10, nodeTop + 17, node.title, { size: 13, weight: 'bold', fill: '#ffffff', max: L.nodeW - 20 }));
    out.push(textEl(x + 10, nodeTop + 40, node.nodeName, { size: 11, mono: true, fill: C.muted, max: L.nodeW - 20 }));
    node.ports.forEach((port, j) => out.push(textEl(x + 10, nodeTop + 58 + j * L.portLine, portLine(port), { size: 11, mono: true, max: L.nodeW - 20 })));
  });
  // The Erlang distribution links every node with every other: one bracket under the row says so.
  y = nodeTop + nodeH + 12;
  if (n > 1) {
    out.push(`<path d="M ${nodeMid(0)} ${y - 8} V ${y} H ${nodeMid(n - 1)} V ${y - 8}" fill="none" stroke="${C.node}" stroke-width="1.2" stroke-dasharray="4 3"/>`);
    out.push(textEl(center, y + 15, 'one cluster: every node connects to every other (Erlang distribution, port 25672)', { size: 11, fill: C.muted, anchor: 'middle', max: nodesW }));
    y += 24;
  }

  // Quorum queues: a row each, a dot on every node column a replica may sit on.
  if (hasQueues) {
    y += 22;
    out.push(textEl(L.margin + 16, y, 'quorum queues (Raft replicas)', { size: 13, weight: 'bold' }));
    p.nodes.forEach((node, i) => out.push(textEl(nodeMid(i), y, node.title, { size: 11, fill: C.muted, anchor: 'middle', max: L.nodeW })));
    y += 10;
    p.quorumQueues.forEach((q, r) => {
      const rowY = y + r * L.rowH;
      if (r % 2 === 0) out.push(`<rect x="${L.margin + 8}" y="${rowY}" width="${gridX + nodesW - L.margin}" height="${L.rowH}" fill="#f5f7fa"/>`);
      const cy = rowY + L.rowH / 2;
      const label = q.policy ? `${q.label}  \u00b7 policy ${q.policy}` : q.label;
      out.push(textEl(L.margin + 16, cy + 4, label, { size: 12, mono: true, max: L.labelW - 16 }));
      const all = q.replicas >= n;
      out.push(`<line x1="${nodeMid(0)}" y1="${cy}" x2="${nodeMid(n - 1)}" y2="${cy}" stroke="${C.replica}" stroke-width="2"${all ? '' : ' stroke-dasharray="3 3"'}/>`);
      p.nodes.forEach((_, i) => out.push(`<circle cx="${nodeMid(i)}" cy="${cy}" r="6" fill="${all ? C.replica : '#ffffff'}" stroke="${C.replica}" stroke-width="2"/>`));
      const note = all ? `${q.replicas} replica(s), one per node` : `${q.replicas} replicas on any ${q.replicas} of ${n} nodes`;
      out.push(textEl(nodeMid(n - 1) + 14, cy + 4, note, { size: 11, fill: C.muted, max: Math.max(0, width - nodeMid(n - 1) - 14 - L.margin) }));
    });
    y += p.quorumQueues.length * L.rowH + 6;
    const majority = `a queue stays available while a majority of its replicas runs`;
    out.push(textEl(L.margin + 16, y + 14, majority, { size: 11, fill: C.muted }));
    y += 20;
  }
  for (const f of p.footnotes) {
    y += 16;
    out.push(textEl(L.margin + 16, y, f, { size: 11, fill: C.muted }));
  }

  const boundaryBottom = y + 16;
  out.splice(
    boundaryIndex,
    0,
    `<rect x="${L.margin}" y="${boundaryTop}" width="${width - 2 * L.margin}" height="${boundaryBottom - boundaryTop}" rx="12" fill="none" stroke="${C.boundary}" stroke-width="1.2" stroke-dasharray="8 5"/>`,
    textEl(L.margin + 14, boundaryTop + 18, p.boundary, { size: 12, weight: 'bold', fill: C.boundary }),
  );
  const height = boundaryBottom + L.margin;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${esc(p.title)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${C.line}"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
