import { SvgDocument, niceTicks } from './svg';
import { CostCurvePoint, formatPercent, formatUsd, OptionCost, PlacementDecision, PlacementTarget } from '../policy/decision';

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
/** A white outline under labels drawn over the curves, so they stay readable. */
const HALO = { 'stroke': '#ffffff', 'stroke-width': 4, 'stroke-linejoin': 'round', 'paint-order': 'stroke' } as const;

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
    const points = byOption.get(option)!
      .slice()
      .sort((a, b) => a.utilization - b.utilization)
      .map(p => [clamp01(p.utilization), Math.max(0, p.monthlyUsd)] as const);
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
  if (abs > 0 && abs < 10) {
    return `$${trim(v.toFixed(2)).replace(/0$/, '')}`;
  }
  return `$${Math.round(v)}`;
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
  const d = input.decision;
  const series = chartSeries(d);
  const util = clamp01(d.sustainedUtilization);
  const chosenSeries = series.find(s => s.chosen);
  const chosenCost = d.chosenCost;
  const operatingUsd = chosenSeries ? interpolate(chosenSeries.points, util) : chosenCost?.monthlyUsd;
  const pointCosts = series.length === 0 ? d.costs.filter(c => Number.isFinite(c.monthlyUsd)) : [];

  const values = [
    ...series.flatMap(s => s.points.map(p => p[1])),
    ...pointCosts.map(c => c.monthlyUsd),
    operatingUsd ?? 0,
  ];
  const yTicks = niceTicks(0, Math.max(1, ...values) * 1.05, 6);
  const yMax = yTicks[yTicks.length - 1];
  const x = (u: number) => PLOT.left + (PLOT.right - PLOT.left) * u;
  const y = (usd: number) => PLOT.bottom - (PLOT.bottom - PLOT.top) * (usd / yMax);

  const title = `${input.workloadName}: monthly cost vs sustained utilization`;
  const svg = new SvgDocument(WIDTH, HEIGHT, `${title} (${input.constructPath})`);
  svg.rect(0, 0, WIDTH, HEIGHT, { fill: '#ffffff' });
  svg.text(PLOT.left, 32, title, { 'font-size': 20, 'font-weight': 'bold', 'fill': '#111111' });
  svg.text(PLOT.left, 56,
    `${input.constructPath} · placed on ${d.target} by ${d.policyName} · prices: ${d.priceTable.name} (${d.priceTable.region}, ${d.priceTable.effectiveDate})`,
    { 'font-size': 13, 'fill': '#555555' });

  // grid and axes
  svg.group({ 'class': 'grid', 'stroke': '#e3e3e3', 'stroke-width': 1 });
  for (const t of yTicks) {
    svg.line(PLOT.left, y(t), PLOT.right, y(t));
  }
  for (let p = 0; p <= 100; p += 10) {
    svg.line(x(p / 100), PLOT.top, x(p / 100), PLOT.bottom);
  }
  svg.end();
  svg.group({ 'class': 'axes', 'stroke': '#333333', 'stroke-width': 1.5 });
  svg.line(PLOT.left, PLOT.bottom, PLOT.right, PLOT.bottom);
  svg.line(PLOT.left, PLOT.top, PLOT.left, PLOT.bottom);
  svg.end();
  svg.group({ 'class': 'x-ticks', 'font-size': 12, 'fill': '#333333', 'text-anchor': 'middle' });
  for (let p = 0; p <= 100; p += 10) {
    svg.text(x(p / 100), PLOT.bottom + 20, `${p}%`);
  }
  svg.end();
  svg.group({ 'class': 'y-ticks', 'font-size': 12, 'fill': '#333333', 'text-anchor': 'end' });
  for (const t of yTicks) {
    svg.text(PLOT.left - 8, y(t) + 4, formatUsdShort(t));
  }
  svg.end();
  svg.text((PLOT.left + PLOT.right) / 2, PLOT.bottom + 48, 'Sustained utilization (average load ÷ peak capacity, %)',
    { 'font-size': 14, 'fill': '#111111', 'text-anchor': 'middle', 'class': 'x-label' });
  const yLabelX = 24;
  const yLabelY = (PLOT.top + PLOT.bottom) / 2;
  svg.text(yLabelX, yLabelY, 'Monthly cost (USD per month)',
    { 'font-size': 14, 'fill': '#111111', 'text-anchor': 'middle', 'class': 'y-label', 'transform': `rotate(-90 ${yLabelX} ${yLabelY})` });

  // cost curves: the chosen one last and thicker, infeasible ones dashed
  const drawOrder = [...series.filter(s => !s.chosen), ...series.filter(s => s.chosen)];
  svg.group({ class: 'curves' });
  for (const s of drawOrder) {
    svg.polyline(s.points.map(([u, usd]) => [x(u), y(usd)] as const), {
      'class': `curve curve-${s.option}`,
      'stroke': s.colour,
      'stroke-width': s.chosen ? 4 : 2.5,
      'stroke-dasharray': s.feasible ? undefined : '8 5',
      'stroke-linejoin': 'round',
      'opacity': s.feasible ? 1 : 0.7,
    });
  }
  svg.end();

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

  // break-even
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
    svg.text(bx + (be > 0.8 ? -6 : 6), PLOT.top + 16, `break-even ${formatPercent(be)}`,
      { 'font-size': 13, 'font-weight': 'bold', 'fill': '#111111', 'text-anchor': be > 0.8 ? 'end' : 'start', ...HALO });
    svg.end();
  }

  // operating point
  if (operatingUsd !== undefined) {
    const ox = x(util);
    const oy = y(operatingUsd);
    const right = util > 0.6;
    svg.group({ class: 'operating-point' });
    svg.circle(ox, oy, 8, { 'fill': '#ffffff', 'stroke': '#111111', 'stroke-width': 3 });
    svg.circle(ox, oy, 3, { fill: '#111111' });
    svg.text(ox + (right ? -14 : 14), oy - 12, `this workload: ${formatPercent(util)}, ${formatUsd(operatingUsd)}/mo`,
      { 'font-size': 13, 'font-weight': 'bold', 'fill': '#111111', 'text-anchor': right ? 'end' : 'start', ...HALO });
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
    svg.text(LEGEND_X, ly, 'no break-even in 0–100%', { fill: '#777777' });
    ly += 24;
  }
  svg.end();

  return svg.toString();
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
