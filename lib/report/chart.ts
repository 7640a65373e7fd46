import { describeBreakEven, formatPercent, formatUsd } from './format';
import { SvgDocument, niceTicks } from './svg';
import { CostCurvePoint, OptionCost, PlacementDecision, PlacementTarget } from '../policy/decision';

/** Colours per known option id; others take the fallback palette in sorted order. */
const OPTION_COLOURS: Record<string, string> = {
  'lambda-on-demand': '#d95f02',
  'lambda-provisioned': '#7570b3',
  'kubernetes': '#1b9e77',
  'hybrid': '#e7298a',
  'lambda-managed-instances': '#66a61e',
};
const FALLBACK_COLOURS = ['#1f78b4', '#a6761d', '#66a61e', '#666666', '#e6ab02'];
/** Options in this order first (the order the cost model lists them), the rest alphabetically. */
const OPTION_ORDER = ['lambda-on-demand', 'lambda-provisioned', 'kubernetes', 'hybrid', 'lambda-managed-instances'];

const WIDTH = 960;
const HEIGHT = 560;
const PLOT = { left: 96, top: 84, right: 660, bottom: 464 };
const LEGEND_X = 690;

/** One series of the chart. @internal */
export interface ChartSeries {
  readonly option: string;
  readonly colour: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly feasible: boolean;
  readonly chosen: boolean;
  readonly excludedBy: string[];
}

/** What the chart needs besides the decision. @internal */
export interface CostChartInput {
  /** e.g. `llm-chat`. */
  readonly workloadName: string;
  /** e.g. `InferencePlatform/LlmChat`. */
  readonly constructPath: string;
  readonly decision: PlacementDecision;
}

/**
 * The option ids of a decision, in chart order: known ids first, then alphabetical.
 * @internal
 */
export function orderOptions(ids: Iterable<string>): string[] {
  const unique = Array.from(new Set(ids));
  const rank = (id: string) => {
    const i = OPTION_ORDER.indexOf(id);
    return i < 0 ? OPTION_ORDER.length : i;
  };
  return unique.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Groups the cost curve by option, sorted by utilization, with colours and styles.
 * @internal
 */
export function chartSeries(decision: PlacementDecision): ChartSeries[] {
  const curve: CostCurvePoint[] = (decision.costCurve ?? [])
    .filter(p => Number.isFinite(p.utilization) && Number.isFinite(p.monthlyUsd));
  const byOption = new Map<string, CostCurvePoint[]>();
  for (const p of curve) {
    const list = byOption.get(p.option) ?? [];
    list.push(p);
    byOption.set(p.option, list);
  }
  const costs = new Map<string, OptionCost>(decision.costs.map(c => [c.option, c]));
  const chosen = decision.chosenCost?.option;
  let fallback = 0;
  return orderOptions(byOption.keys()).map(option => {
    const cost = costs.get(option);
    const colour = OPTION_COLOURS[option] ?? FALLBACK_COLOURS[fallback++ % FALLBACK_COLOURS.length];
    const list = byOption.get(option)!;
    // a policy's curve usually comes in utilization order already (a stable sort keeps it)
    const sorted = isSortedByUtilization(list) ? list : list.slice().sort((a, b) => a.utilization - b.utilization);
    const points = sorted.map(p => [clamp01(p.utilization), Math.max(0, p.monthlyUsd)] as const);
    return {
      option,
      colour,
      points,
      feasible: cost?.feasible ?? true,
      chosen: option === chosen,
      excludedBy: cost?.excludedBy ?? [],
    };
  });
}

function isSortedByUtilization(points: readonly CostCurvePoint[]): boolean {
  for (let i = 1; i < points.length; i++) {
    if (!(points[i - 1].utilization <= points[i].utilization)) {
      return false;
    }
  }
  return true;
}

/**
 * Linear interpolation of a series at utilization `u` (points sorted by utilization).
 * @internal
 */
export function interpolate(points: ReadonlyArray<readonly [number, number]>, u: number): number | undefined {
  if (points.length === 0) {
    return undefined;
  }
  if (u <= points[0][0]) {
    return points[0][1];
  }
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    if (u <= x1) {
      return x1 === x0 ? y1 : y0 + (y1 - y0) * (u - x0) / (x1 - x0);
    }
  }
  return points[points.length - 1][1];
}

/** Axis label for money: `$950`, `$1.2k`, `$12k`, `$1.5M`. @internal */
export function formatUsdShort(v: number): string {
  const abs = Math.abs(v);
  const trim = (s: string) => s.replace(/\.0$/, '');
  if (abs >= 1_000_000) {
    return `$${trim((v / 1_000_000).toFixed(1))}M`;
  }
  if (abs >= 10_000) {
    return `$${Math.round(v / 1000)}k`;
  }
  if (abs >= 1_000) {
    return `$${trim((v / 1000).toFixed(1))}k`;
  }
  if (abs > 0 && abs < 10 && !Number.isInteger(v)) {
    return `$${trim(v.toFixed(2)).replace(/0$/, '')}`;
  }
  return `$${Math.round(v)}`;
}

/** The lines of a chart that do not depend on the workload. */
interface ChartFrame {
  /** The vertical grid lines (every 10%), inside the grid group. */
  readonly xGrid: readonly string[];
  /** The axes and the utilization ticks, each in its group. */
  readonly axesAndXTicks: readonly string[];
  /** The two axis titles. */
  readonly axisLabels: readonly string[];
}

let CHART_FRAME: ChartFrame | undefined;

/** The lines every chart shares, written by the same SVG writer once per process. */
function chartFrame(): ChartFrame {
  if (CHART_FRAME === undefined) {
    const x = (u: number) => PLOT.left + (PLOT.right - PLOT.left) * u;
    const grid = new SvgDocument(WIDTH, HEIGHT, '').group();
    for (let p = 0; p <= 100; p += 10) {
      grid.line(x(p / 100), PLOT.top, x(p / 100), PLOT.bottom);
    }
    const axes = new SvgDocument(WIDTH, HEIGHT, '');
    axes.group({ 'class': 'axes', 'stroke': '#333333', 'stroke-width': 1.5 });
    axes.line(PLOT.left, PLOT.bottom, PLOT.right, PLOT.bottom);
    axes.line(PLOT.left, PLOT.top, PLOT.left, PLOT.bottom);
    axes.end();
    axes.group({ 'class': 'x-ticks', 'font-size': 12, 'fill': '#333333', 'text-anchor': 'middle' });
    for (let p = 0; p <= 100; p += 10) {
      axes.text(x(p / 100), PLOT.bottom + 20, `${p}%`);
    }
    axes.end();
    const labels = new SvgDocument(WIDTH, HEIGHT, '');
    labels.text((PLOT.left + PLOT.right) / 2, PLOT.bottom + 48, 'Sustained utilization (average load ÷ peak capacity, %)',
      { 'font-size': 14, 'fill': '#111111', 'text-anchor': 'middle', 'class': 'x-label' });
    const yLabelX = 24;
    const yLabelY = (PLOT.top + PLOT.bottom) / 2;
    labels.text(yLabelX, yLabelY, 'Monthly cost (USD per month)',
      { 'font-size': 14, 'fill': '#111111', 'text-anchor': 'middle', 'class': 'y-label', 'transform': `rotate(-90 ${yLabelX} ${yLabelY})` });
    CHART_FRAME = {
      xGrid: grid.lines().slice(1), // without the group's opening line
      axesAndXTicks: axes.lines(),
      axisLabels: labels.lines(),
    };
  }
  return CHART_FRAME;
}

/**
 * Renders one workload's chart: monthly cost of each option across sustained utilization
 * 0–100%, the break-even marked with a vertical line, the workload's operating point
 * marked on the chosen option's curve, labelled axes and a legend.
 *
 * Without a cost curve the chart still renders axes and says why it has no lines; with
 * costs but no curve it marks each option's cost at the operating point.
 * @internal
 */
export function renderCostChart(input: CostChartInput): string {
  return costChartDocument(input).toString();
}

/** The document of `renderCostChart()`. @internal */
export function costChartDocument(input: CostChartInput): SvgDocument {
  const d = input.decision;
  const series = chartSeries(d);
  const util = clamp01(d.sustainedUtilization);
  const chosenSeries = series.find(s => s.chosen);
  const chosenCost = d.chosenCost;
  // the report's figure, not an interpolation of the curve: chart and report round the same number
  const operatingUsd = chosenCost?.monthlyUsd ?? (chosenSeries ? interpolate(chosenSeries.points, util) : undefined);
  const pointCosts = series.length === 0 ? d.costs.filter(c => Number.isFinite(c.monthlyUsd)) : [];

  // the y-scale is chosen from the feasible options: an infeasible option (a GPU model on
  // Lambda) may cost ten times more and would flatten every curve that matters; it is clipped
  const scaled = series.some(s => s.feasible) ? series.filter(s => s.feasible) : series;
  const scaledPoints = pointCosts.some(c => c.feasible) ? pointCosts.filter(c => c.feasible) : pointCosts;
  const values = [
    ...scaled.flatMap(s => s.points.map(p => p[1])),
    ...scaledPoints.map(c => c.monthlyUsd),
    operatingUsd ?? 0,
  ];
  const yTicks = niceTicks(0, Math.max(1, ...values) * 1.08, 6);
  const yMax = yTicks[yTicks.length - 1];
  const x = (u: number) => PLOT.left + (PLOT.right - PLOT.left) * u;
  const y = (usd: number) => PLOT.bottom - (PLOT.bottom - PLOT.top) * (Math.min(usd, yMax * 1.02) / yMax);
  const clipId = `plot-${input.workloadName.replace(/[^A-Za-z0-9_-]+/g, '-')}`;

  const title = `${input.workloadName}: monthly cost vs sustained utilization`;
  const svg = new SvgDocument(WIDTH, HEIGHT, `${title} (${input.constructPath})`);
  svg.rect(0, 0, WIDTH, HEIGHT, { fill: '#ffffff' });
  svg.clipRect(clipId, PLOT.left, PLOT.top - 2, PLOT.right - PLOT.left, PLOT.bottom - PLOT.top + 4);
  svg.text(PLOT.left, 32, title, { 'font-size': 20, 'font-weight': 'bold', 'fill': '#111111' });
  svg.text(PLOT.left, 56,
    `${input.constructPath} · placed on ${d.target} by ${d.policyName} · prices: ${d.priceTable.name} (${d.priceTable.region}, ${d.priceTable.effectiveDate})`,
    { 'font-size': 13, 'fill': '#555555' });

  // grid and axes; what is the same on every chart is written once per process (CHART_FRAME)
  const frame = chartFrame();
  svg.group({ 'class': 'grid', 'stroke': '#e3e3e3', 'stroke-width': 1 });
  for (const t of yTicks) {
    svg.line(PLOT.left, y(t), PLOT.right, y(t));
  }
  svg.raw(frame.xGrid);
  svg.end();
  svg.raw(frame.axesAndXTicks);
  svg.group({ 'class': 'y-ticks', 'font-size': 12, 'fill': '#333333', 'text-anchor': 'end' });
  for (const t of yTicks) {
    svg.text(PLOT.left - 8, y(t) + 4, formatUsdShort(t));
  }
  svg.end();
  svg.raw(frame.axisLabels);

  // cost curves: the chosen one last and thicker, infeasible ones dashed, clipped to the plot
  const drawOrder = [...series.filter(s => !s.chosen), ...series.filter(s => s.chosen)];
  const curves: Array<Array<readonly [number, number]>> = [];
  svg.group({ 'class': 'curves', 'clip-path': `url(#${clipId})` });
  for (const s of drawOrder) {
    const pts = s.points.map(([u, usd]) => [x(u), y(usd)] as const);
    curves.push(pts);
    svg.polyline(pts, {
      'class': `curve curve-${s.option}`,
      'stroke': s.colour,
      'stroke-width': s.chosen ? 4 : 2.5,
      'stroke-dasharray': s.feasible ? undefined : '8 5',
      'stroke-linejoin': 'round',
      'opacity': s.feasible ? 1 : 0.7,
    });
  }
  svg.end();

  // options above the scale: an arrow where each leaves the plot
  const offScale = series.filter(s => s.points.some(p => p[1] > yMax));
  if (offScale.length > 0) {
    svg.group({ class: 'off-scale' });
    for (const s of offScale) {
      const first = s.points.find(p => p[1] > yMax)!;
      const ax = x(first[0]);
      svg.path(`M${fmt(ax - 6)} ${fmt(PLOT.top + 2)}L${fmt(ax)} ${fmt(PLOT.top - 8)}L${fmt(ax + 6)} ${fmt(PLOT.top + 2)}Z`,
        { fill: s.colour });
    }
    svg.end();
  }

  // costs without a curve: one marker per option at the operating point
  if (pointCosts.length > 0) {
    svg.group({ class: 'cost-points' });
    let fallback = 0;
    for (const c of pointCosts) {
      const colour = OPTION_COLOURS[c.option] ?? FALLBACK_COLOURS[fallback++ % FALLBACK_COLOURS.length];
      svg.circle(x(util), y(c.monthlyUsd), 5, { 'fill': colour, 'stroke': '#ffffff', 'stroke-width': 1.5 });
    }
    svg.end();
  }

  // labels sit on a white box placed where no curve crosses it
  const taken: Box[] = [];
  const be = d.breakEvenUtilization;
  if (be !== undefined && Number.isFinite(be)) {
    const bx = x(clamp01(be));
    svg.group({ class: 'break-even' });
    svg.line(bx, PLOT.top, bx, PLOT.bottom, { 'stroke': '#111111', 'stroke-width': 1.5, 'stroke-dasharray': '4 4' });
    const serverless = series.filter(s => s.feasible && targetOf(d, s.option) === PlacementTarget.LAMBDA);
    const atBe = serverless.map(s => interpolate(s.points, clamp01(be))).filter((v): v is number => v !== undefined);
    if (atBe.length > 0) {
      svg.path(diamond(bx, y(Math.min(...atBe)), 7), { 'fill': '#111111', 'stroke': '#ffffff', 'stroke-width': 1.5 });
    }
    const text = `break-even ${formatPercent(be)}`;
    const box = placeLabel(text, 13, [
      [bx + 8, PLOT.top + 6], [bx - 8 - textWidth(text, 13) - 12, PLOT.top + 6],
      [bx + 8, PLOT.bottom - 30], [bx - 8 - textWidth(text, 13) - 12, PLOT.bottom - 30],
      [bx + 8, (PLOT.top + PLOT.bottom) / 2], [bx - 8 - textWidth(text, 13) - 12, (PLOT.top + PLOT.bottom) / 2],
    ], curves, taken);
    labelBox(svg, box, text, 13);
    svg.end();
  }

  if (operatingUsd !== undefined) {
    const ox = x(util);
    const oy = y(operatingUsd);
    const text = `this workload: ${formatPercent(util)}, ${formatUsd(operatingUsd)}/mo`;
    const w = textWidth(text, 13) + 12;
    const candidates: Array<[number, number]> = [];
    for (const dy of [-40, 18, -72, 50, -104, 82]) {
      candidates.push([ox + 14, oy + dy], [ox - 14 - w, oy + dy], [ox - w / 2, oy + dy]);
    }
    candidates.push([PLOT.left + 8, PLOT.top + 6], [PLOT.right - w - 8, PLOT.top + 6],
      [PLOT.left + 8, PLOT.top + 36], [PLOT.right - w - 8, PLOT.top + 36]);
    const box = placeLabel(text, 13, candidates, curves, taken, [ox, oy]);
    svg.group({ class: 'operating-point' });
    const near = [clampTo(ox, box.x, box.x + box.w), clampTo(oy, box.y, box.y + box.h)];
    if (Math.hypot(near[0] - ox, near[1] - oy) > 12) {
      svg.line(ox, oy, near[0], near[1], { 'stroke': '#111111', 'stroke-width': 1 });
    }
    svg.circle(ox, oy, 8, { 'fill': '#ffffff', 'stroke': '#111111', 'stroke-width': 3 });
    svg.circle(ox, oy, 3, { fill: '#111111' });
    labelBox(svg, box, text, 13, true);
    svg.end();
  }

  if (series.length === 0) {
    const why = d.costs.length === 0
      ? `no costs: policy ${d.policyName} did not price this workload`
      : 'no cost curve: points show each option at this workload\'s utilization';
    svg.text((PLOT.left + PLOT.right) / 2, (PLOT.top + PLOT.bottom) / 2, why,
      { 'font-size': 14, 'fill': '#777777', 'text-anchor': 'middle', 'class': 'no-curve' });
  }

  // legend
  svg.group({ 'class': 'legend', 'font-size': 13, 'fill': '#111111' });
  svg.text(LEGEND_X, PLOT.top, 'Options', { 'font-weight': 'bold' });
  let ly = PLOT.top + 26;
  const legendOptions: Array<{ option: string; colour: string; feasible: boolean; chosen: boolean; excludedBy: string[] }> = series.length > 0
    ? series
    : pointCosts.map((c, i) => ({
      option: c.option,
      colour: OPTION_COLOURS[c.option] ?? FALLBACK_COLOURS[i % FALLBACK_COLOURS.length],
      feasible: c.feasible,
      chosen: c.option === chosenCost?.option,
      excludedBy: c.excludedBy ?? [],
    }));
  for (const s of legendOptions) {
    svg.line(LEGEND_X, ly - 4, LEGEND_X + 28, ly - 4, {
      'stroke': s.colour,
      'stroke-width': s.chosen ? 4 : 2.5,
      'stroke-dasharray': s.feasible ? undefined : '8 5',
    });
    svg.text(LEGEND_X + 36, ly, `${s.option}${s.chosen ? ' (chosen)' : ''}`, { 'font-weight': s.chosen ? 'bold' : undefined });
    if (!s.feasible) {
      for (const line of wrapList('infeasible: ', s.excludedBy.length > 0 ? s.excludedBy : ['constraint'], 34)) {
        ly += 15;
        svg.text(LEGEND_X + 36, ly, line, { 'font-size': 11, 'fill': '#777777' });
      }
    }
    const seriesMax = series.find(x2 => x2.option === s.option)?.points.reduce((m, p) => Math.max(m, p[1]), 0);
    if (seriesMax !== undefined && seriesMax > yMax) {
      ly += 15;
      svg.text(LEGEND_X + 36, ly, `▲ off scale, up to ${formatUsdShort(seriesMax)}/mo`, { 'font-size': 11, 'fill': '#777777' });
    }
    ly += 24;
  }
  if (legendOptions.length === 0) {
    svg.text(LEGEND_X, ly, 'none priced', { fill: '#777777' });
    ly += 24;
  }
  ly += 8;
  if (operatingUsd !== undefined) {
    svg.circle(LEGEND_X + 14, ly - 5, 7, { 'fill': '#ffffff', 'stroke': '#111111', 'stroke-width': 3 });
    svg.circle(LEGEND_X + 14, ly - 5, 2.5, { fill: '#111111' });
    svg.text(LEGEND_X + 36, ly, `operating point (${formatPercent(util)})`);
    ly += 24;
  }
  if (be !== undefined && Number.isFinite(be)) {
    svg.line(LEGEND_X + 14, ly - 14, LEGEND_X + 14, ly + 4, { 'stroke': '#111111', 'stroke-width': 1.5, 'stroke-dasharray': '4 4' });
    svg.text(LEGEND_X + 36, ly, `break-even (${formatPercent(be)})`);
    ly += 24;
  } else {
    for (const line of wrapList('break-even: ', [describeBreakEven(d)], 40)) {
      svg.text(LEGEND_X, ly, line, { fill: '#777777' });
      ly += 18;
    }
  }
  svg.end();

  return svg;
}

/** A label's box in chart coordinates. @internal */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Approximate width of a bold sans-serif text run (no font metrics in Node). @internal */
export function textWidth(text: string, fontSize: number): number {
  return Math.ceil(text.length * fontSize * 0.56);
}

/** Whether the segment p0–p1 crosses the box (Liang–Barsky). @internal */
export function segmentHitsBox(p0: readonly [number, number], p1: readonly [number, number], b: Box): boolean {
  const dx = p1[0] - p0[0];
  const dy = p1[1] - p0[1];
  let t0 = 0;
  let t1 = 1;
  // the four edges (left, right, top, bottom) as (p, q) pairs, without allocating them: this runs
  // for every segment of every curve against every candidate box of every label
  for (let edge = 0; edge < 4; edge++) {
    const p = edge === 0 ? -dx : edge === 1 ? dx : edge === 2 ? -dy : dy;
    const q = edge === 0 ? p0[0] - b.x : edge === 1 ? b.x + b.w - p0[0] : edge === 2 ? p0[1] - b.y : b.y + b.h - p0[1];
    if (p === 0) {
      if (q < 0) {
        return false;
      }
    } else {
      const r = q / p;
      if (p < 0) {
        t0 = Math.max(t0, r);
      } else {
        t1 = Math.min(t1, r);
      }
      if (t0 > t1) {
        return false;
      }
    }
  }
  return true;
}

/** Whether any curve, or any box already taken, overlaps the box. @internal */
export function boxCollides(b: Box, curves: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, taken: ReadonlyArray<Box>): boolean {
  const inPlot = b.x >= PLOT.left + 2 && b.x + b.w <= PLOT.right - 2 && b.y >= PLOT.top && b.y + b.h <= PLOT.bottom - 2;
  if (!inPlot) {
    return true;
  }
  if (taken.some(t => b.x < t.x + t.w && t.x < b.x + b.w && b.y < t.y + t.h && t.y < b.y + b.h)) {
    return true;
  }
  for (const pts of curves) {
    for (let i = 1; i < pts.length; i++) {
      if (segmentHitsBox(pts[i - 1], pts[i], b)) {
        return true;
      }
    }
  }
  return false;
}

/**
 * The first candidate box (top-left corners) that no curve and no other label overlaps; failing
 * that, the candidate nearest to `anchor` inside the plot. The chosen box is added to `taken`.
 */
function placeLabel(
  text: string, fontSize: number, candidates: Array<[number, number]>,
  curves: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, taken: Box[], anchor?: [number, number],
): Box {
  const w = textWidth(text, fontSize) + 12;
  const h = fontSize + 10;
  const boxes = candidates.map(([bx, by]) => ({ x: bx, y: by, w, h }));
  let box = boxes.find(b => !boxCollides(b, curves, taken));
  if (!box && anchor) {
    // nothing free next to the anchor: the free spot of the plot nearest to it (a leader line joins them)
    const [ax, ay] = anchor;
    const free: Box[] = [];
    for (let gy = PLOT.top + 4; gy + h <= PLOT.bottom - 4; gy += 12) {
      for (let gx = PLOT.left + 6; gx + w <= PLOT.right - 6; gx += 16) {
        const b = { x: gx, y: gy, w, h };
        if (!boxCollides(b, curves, taken)) {
          free.push(b);
        }
      }
    }
    const distance = (b: Box) => Math.hypot(clampTo(ax, b.x, b.x + b.w) - ax, clampTo(ay, b.y, b.y + b.h) - ay);
    box = free.sort((a, b) => distance(a) - distance(b))[0];
  }
  if (!box) {
    const inside = boxes.filter(b => b.x >= PLOT.left && b.x + b.w <= PLOT.right && b.y >= PLOT.top && b.y + b.h <= PLOT.bottom);
    const [ax, ay] = anchor ?? [PLOT.left, PLOT.top];
    box = (inside.length > 0 ? inside : boxes)
      .slice()
      .sort((a, b) => Math.hypot(a.x - ax, a.y - ay) - Math.hypot(b.x - ax, b.y - ay))[0];
  }
  taken.push(box);
  return box;
}

function labelBox(svg: SvgDocument, b: Box, text: string, fontSize: number, bold = true): void {
  svg.rect(b.x, b.y, b.w, b.h, { 'fill': '#ffffff', 'fill-opacity': 0.94, 'stroke': '#999999', 'stroke-width': 1, 'rx': 3 });
  svg.text(b.x + 6, b.y + b.h - 7, text, { 'font-size': fontSize, 'font-weight': bold ? 'bold' : undefined, 'fill': '#111111' });
}

function clampTo(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function fmt(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}

/**
 * Joins `items` after `head` with ", ", breaking into lines of at most `width` characters
 * (an item longer than the width gets a line of its own).
 * @internal
 */
export function wrapList(head: string, items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = head;
  items.forEach((item, i) => {
    const piece = item + (i < items.length - 1 ? ',' : '');
    if (line.trim().length > 0 && line.length + piece.length > width && line !== head) {
      lines.push(line.trimEnd());
      line = '  ';
    }
    line += piece + ' ';
  });
  lines.push(line.trimEnd());
  return lines;
}

function targetOf(d: PlacementDecision, option: string): PlacementTarget | undefined {
  const cost = d.costs.find(c => c.option === option);
  if (cost) {
    return cost.target;
  }
  if (option === 'lambda-managed-instances') {
    return PlacementTarget.LAMBDA_MANAGED_INSTANCES;
  }
  return option.startsWith('lambda') ? PlacementTarget.LAMBDA : undefined;
}

function diamond(cx: number, cy: number, r: number): string {
  const f = (n: number) => (Math.round(n * 100) / 100).toString();
  return `M${f(cx)} ${f(cy - r)}L${f(cx + r)} ${f(cy)}L${f(cx)} ${f(cy + r)}L${f(cx - r)} ${f(cy)}Z`;
}

function clamp01(u: number): number {
  return Math.min(1, Math.max(0, u));
}
