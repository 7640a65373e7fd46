import { costChartDocument } from './chart';
import { decidingRule, describeBreakEven, formatNumber, formatPercent, formatUsd, normalizeNumbers } from './format';
import { SvgDocument } from './svg';
import type { PendingMove } from '../placement-lock';
import { PlacementDecision, PriceTableReference, RuleVerdict } from '../policy/decision';
import { ProfileField } from '../policy/profile';

/** File and folder names inside the output folder. @internal */
export const REPORT_FILES = {
  json: 'placement-report.json',
  markdown: 'placement-report.md',
  chartDir: 'placement-charts',
} as const;

/**
 * Version of the JSON report's shape; bumped on breaking changes. 3: the price tables and the
 * cost curves' utilization grid are written once for the report, not per workload.
 * @internal
 */
export const REPORT_VERSION = 4;

/** One workload as the report sees it. @internal */
export interface ReportedWorkload {
  /** Construct path, e.g. `InferencePlatform/LlmChat`. */
  readonly constructPath: string;
  /** Artifact id of the stack, e.g. `InferencePlatform`. */
  readonly stack: string;
  /** The workload name, e.g. `llm-chat`. */
  readonly workloadName: string;
  readonly decision: PlacementDecision;
  /** Manifest file inside the output folder, when placed on Kubernetes. */
  readonly manifestPath?: string;
  /** A move away from the placement lock, accepted for this synth and not yet recorded. */
  readonly pendingMove?: PendingMove;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** The chart file of a stack: `placement-charts/<stack>.svg` (one file per stack). @internal */
export function chartFile(stack: string): string {
  return `${REPORT_FILES.chartDir}/${safeName(stack)}.svg`;
}

/**
 * A workload's chart: its view inside its stack's chart file,
 * `placement-charts/<stack>.svg#<workload>`.
 * @internal
 */
export function chartPath(w: Pick<ReportedWorkload, 'stack' | 'workloadName'>): string {
  return `${chartFile(w.stack)}#${w.workloadName}`;
}

/** Sorts workloads by construct path (stable, locale-independent). @internal */
export function sortWorkloads(ws: Iterable<ReportedWorkload>): ReportedWorkload[] {
  return Array.from(ws).sort((a, b) => (a.constructPath < b.constructPath ? -1 : a.constructPath > b.constructPath ? 1 : 0));
}

/** Units of the profile fields, for the "assumed" line. */
const UNITS: Partial<Record<ProfileField, string>> = {
  memoryMiB: 'MiB',
  gpuMemoryGiB: 'GiB',
  modelSizeGiB: 'GiB',
  imageSizeGiB: 'GiB',
  requestDurationP99Ms: 'ms',
  peakRequestsPerSecond: 'req/s',
  coldStartToleranceMs: 'ms',
  nodeLocalStateGiB: 'GiB',
  requestPayloadKiB: 'KiB',
};

/**
 * The profile fields the user did not give and the policy assumed, with the value it assumed:
 * `{ imageSizeGiB: 1, requestPayloadKiB: 64, ... }`, as the decision records them. Empty for a
 * decision that does not record its profile (a custom policy).
 * @internal
 */
export function assumedDefaults(d: PlacementDecision): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const profile = d.profile as Record<string, unknown> | undefined;
  if (profile !== undefined) {
    for (const field of d.assumedProfileFields) {
      out[field] = profile[field];
    }
  }
  return out;
}

function describeAssumed(assumed: Record<string, unknown>): string {
  return Object.entries(assumed)
    .map(([k, v]) => `\`${k}\` ${typeof v === 'number' ? formatNumber(v, 3) : String(v)}${UNITS[k as ProfileField] ? ` ${UNITS[k as ProfileField]}` : ''}`)
    .join(', ');
}

/** What the workloads of one report share: its price tables and its cost curves' utilization grid. @internal */
export interface ReportShared {
  /** Each price table by its key (its name; `name (2)`, ... when two tables share a name). */
  readonly priceTables: Record<string, PriceTableReference>;
  /** Every utilization of any workload's cost curve, ascending. */
  readonly utilization: number[];
  /** The position of each utilization in `utilization`. */
  readonly utilizationIndex: ReadonlyMap<number, number>;
  /** The key of a workload's price table. */
  priceTableKey(d: PlacementDecision): string;
}

/**
 * The distinct price tables of the decisions, keyed by their content (a table's decisions usually
 * share one reference object: it is serialized once, not once per decision).
 */
class PriceTableKeys {
  /** Each table by its key (its name; `name (2)`, ... when two tables share a name). */
  public readonly tables: Record<string, PriceTableReference> = {};
  private readonly byText = new Map<string, string>();
  private readonly byObject = new Map<PriceTableReference, string>();

  /** The key of a table, added on first sight. */
  public keyOf(p: PriceTableReference): string {
    let key = this.byObject.get(p);
    if (key === undefined) {
      const text = JSON.stringify(p);
      key = this.byText.get(text);
      if (key === undefined) {
        key = p.name;
        for (let i = 2; key in this.tables; i++) {
          key = `${p.name} (${i})`;
        }
        this.tables[key] = p;
        this.byText.set(text, key);
      }
      this.byObject.set(p, key);
    }
    return key;
  }

  /** Number of distinct tables. */
  public get size(): number {
    return this.byText.size;
  }
}

/** The price tables and the utilization grid of the workloads' decisions. @internal */
export function reportShared(ws: readonly ReportedWorkload[]): ReportShared {
  const tables = new PriceTableKeys();
  const keyOf = new Map<PlacementDecision, string>();
  const grid = new Set<number>();
  for (const w of ws) {
    keyOf.set(w.decision, tables.keyOf(w.decision.priceTable));
    for (const point of w.decision.costCurve ?? []) {
      grid.add(point.utilization);
    }
  }
  const utilization = [...grid].sort((a, b) => a - b);
  return {
    priceTables: tables.tables,
    priceTableKey: d => keyOf.get(d)!,
    utilization,
    utilizationIndex: new Map(utilization.map((u, i) => [u, i])),
  };
}

/**
 * A workload's cost curve against the report's utilization grid: each option's monthly cost at
 * each utilization of the grid, `null` where the curve has no point.
 */
function curveOnGrid(d: PlacementDecision, shared: ReportShared): Record<string, Array<number | null>> {
  const out: Record<string, Array<number | null>> = {};
  const size = shared.utilization.length;
  for (const point of d.costCurve ?? []) {
    let row = out[point.option];
    if (row === undefined) {
      row = out[point.option] = new Array<number | null>(size).fill(null);
    }
    row[shared.utilizationIndex.get(point.utilization)!] = point.monthlyUsd;
  }
  return out;
}

/**
 * The machine-readable entry of one workload: target, deciding rule, rules with verdicts, costs
 * with line items, break-even, sizing, assumed defaults, the key of its price table, its cost
 * curve on the report's utilization grid and the files written for it.
 * @internal
 */
export function reportEntry(w: ReportedWorkload, shared: ReportShared = reportShared([w])): any {
  const d = w.decision;
  const chosen = d.chosenCost;
  // plain data, serialized once by renderReportJson (undefined fields are dropped there)
  return {
    constructPath: w.constructPath,
    stack: w.stack,
    workloadName: w.workloadName,
    target: d.target,
    policy: d.policyName,
    decidingRule: decidingRule(d)?.ruleId ?? null,
    verdict: d.verdict ?? null,
    sustainedUtilization: d.sustainedUtilization,
    breakEvenUtilization: d.breakEvenUtilization ?? null,
    breakEvens: d.breakEvens,
    chosenOption: chosen?.option ?? null,
    chosenMonthlyUsd: chosen?.monthlyUsd ?? null,
    assumedDefaults: assumedDefaults(w.decision),
    pendingMove: w.pendingMove === undefined ? undefined
      : { from: w.pendingMove.from, to: w.pendingMove.to, rule: w.pendingMove.rule, monthlyUsdDelta: w.pendingMove.monthlyUsdDelta },
    rules: d.rules.map(r => ({
      ruleId: r.ruleId,
      kind: r.kind,
      verdict: r.verdict,
      reason: r.reason,
      excludes: r.excludes,
      favours: r.favours,
    })),
    costs: d.costs.map(c => ({
      option: c.option,
      target: c.target,
      monthlyUsd: c.monthlyUsd,
      feasible: c.feasible,
      excludedBy: c.excludedBy,
      lineItems: c.lineItems.map(li => ({ label: li.label, monthlyUsd: li.monthlyUsd, basis: li.basis })),
    })),
    sizing: { lambda: d.lambda, kubernetes: d.kubernetes, hybrid: d.hybrid, managedInstances: d.managedInstances },
    priceTable: shared.priceTableKey(d),
    costCurve: curveOnGrid(d, shared),
    files: { chart: chartPath(w), manifest: w.manifestPath },
  };
}

/** Monthly totals per target: workload count and chosen cost. @internal */
export function totalsByTarget(ws: Iterable<ReportedWorkload>): Array<{ target: string; workloads: number; monthlyUsd: number }> {
  const totals = new Map<string, { workloads: number; monthlyUsd: number }>();
  for (const w of ws) {
    const t = totals.get(w.decision.target) ?? { workloads: 0, monthlyUsd: 0 };
    t.workloads++;
    t.monthlyUsd += w.decision.chosenCost?.monthlyUsd ?? 0;
    totals.set(w.decision.target, t);
  }
  return Array.from(totals.entries())
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([target, t]) => ({ target, workloads: t.workloads, monthlyUsd: Math.round(t.monthlyUsd * 100) / 100 }));
}

/** The whole JSON report: stable key order, workloads sorted by path, no timestamps. @internal */
export function renderReportJson(ws: Iterable<ReportedWorkload>): string {
  const sorted = sortWorkloads(ws);
  const shared = reportShared(sorted);
  const report = {
    reportVersion: REPORT_VERSION,
    generator: 'inference-workload',
    totals: totalsByTarget(sorted),
    priceTables: shared.priceTables,
    costCurveUtilization: shared.utilization,
    workloads: [],
  };
  // indented to the workloads, then one workload per line: a tenth of the bytes and the time of
  // indenting every level, and still one line of the file per workload for grep and diff
  const head = JSON.stringify(report, undefined, 2);
  if (sorted.length === 0) {
    return head + '\n';
  }
  const entries = sorted.map(w => `    ${JSON.stringify(reportEntry(w, shared))}`).join(',\n');
  return `${head.slice(0, -'[]\n}'.length)}[\n${entries}\n  ]\n}\n`;
}

const MD_SPECIAL = /[\\|\n]/;

/** Escapes a Markdown table cell. @internal */
export function mdCell(s: string): string {
  if (!MD_SPECIAL.test(s)) {
    return s;
  }
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(header: string[], rows: string[][], align?: Array<'l' | 'r'>): string[] {
  return [
    `| ${header.map(mdCell).join(' | ')} |`,
    `|${header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map(r => `| ${r.map(mdCell).join(' | ')} |`),
  ];
}

/** A sizing field's value in the Markdown report (not an error message's value: see private/validate.ts). */
function describeSizingValue(v: unknown): string {
  if (Array.isArray(v)) {
    return v.length === 0 ? 'none' : v.map(x => (typeof x === 'object' ? JSON.stringify(x) : describeSizingValue(x))).join('; ');
  }
  if (v !== null && typeof v === 'object') {
    return JSON.stringify(v);
  }
  return typeof v === 'number' ? formatNumber(v, 3) : String(v);
}

/**
 * The Markdown section of one workload (heading level 2 by default): the decision in one
 * sentence, its chart, the rules that fired, the options compared, the chosen option's line
 * items and sizing, and the defaults the policy assumed.
 * @internal
 */
export function renderWorkloadMarkdown(
  w: ReportedWorkload,
  options: { chartLink?: string; headingLevel?: number; prices?: boolean } = {},
): string {
  const d = w.decision;
  const h = '#'.repeat(options.headingLevel ?? 2);
  const chosen = d.chosenCost;
  const rule = decidingRule(d);
  const out: string[] = [];
  out.push(`${h} ${w.workloadName}`);
  out.push('');
  out.push(`\`${w.constructPath}\`: **${d.target}**${chosen ? ` (\`${chosen.option}\`, ${formatUsd(chosen.monthlyUsd)}/month)` : ''}`
    + ` by policy \`${d.policyName}\`, deciding rule \`${rule?.ruleId ?? 'none'}\`.`
    + ` Sustained utilization ${formatPercent(d.sustainedUtilization)}, break-even ${describeBreakEven(d)}.`);
  out.push('');
  if (options.chartLink) {
    out.push(`![${w.workloadName}: monthly cost of each option against sustained utilization](${options.chartLink})`);
    out.push('');
  }
  const fired = d.rules.filter(r => r.verdict === RuleVerdict.FIRED);
  const others = d.rules.filter(r => r.verdict !== RuleVerdict.FIRED);
  out.push(...mdTable(['rule fired', 'reason'], fired.map(r => [`\`${r.ruleId}\``, normalizeNumbers(r.reason)])));
  if (fired.length === 0) {
    out.push('| none | |');
  }
  if (others.length > 0) {
    out.push('');
    out.push(`Also evaluated: ${others.map(r => `\`${r.ruleId}\` (${r.verdict})`).join(', ')}.`);
  }
  out.push('');
  if (d.costs.length === 0) {
    out.push(`Not priced: policy \`${d.policyName}\` reported no costs.`);
  } else {
    out.push(...mdTable(['option', 'monthly', 'feasible'], d.costs.map(c => [
      `\`${c.option}\`${c.option === chosen?.option ? ' (chosen)' : ''}`,
      formatUsd(c.monthlyUsd),
      c.feasible ? 'yes' : `no: ${(c.excludedBy ?? []).join(', ') || 'constraint'}`,
    ]), ['l', 'r', 'l']));
    if (chosen && chosen.lineItems.length > 0) {
      out.push('');
      out.push(...mdTable([`\`${chosen.option}\` line item`, 'monthly', 'basis'],
        chosen.lineItems.map(li => [li.label, formatUsd(li.monthlyUsd), normalizeNumbers(li.basis)]), ['l', 'r', 'l']));
    }
  }
  const sizing: Array<[string, object | undefined]> = [['lambda', d.lambda], ['kubernetes', d.kubernetes], ['hybrid', d.hybrid], ['managed instances', d.managedInstances]];
  for (const [platform, s] of sizing) {
    if (s) {
      out.push('');
      out.push(`Sizing (${platform}): ${Object.entries(s).map(([k, v]) => `\`${k}\` ${describeSizingValue(v)}`).join(', ')}.`);
    }
  }
  if (d.kubernetes?.floorBasis !== undefined) {
    out.push('');
    out.push(`Autoscaling floor (kubernetes): \`minReplicas\` ${d.kubernetes.replicasMin}, \`maxReplicas\` ${d.kubernetes.replicasMax} at the peak; ${d.kubernetes.floorBasis}.`);
  }
  const assumed = assumedDefaults(w.decision);
  if (Object.keys(assumed).length > 0) {
    out.push('');
    out.push(`Assumed (not in the profile, defaults): ${describeAssumed(assumed)}.`);
  }
  if (options.prices !== false) {
    const p = d.priceTable;
    out.push('');
    out.push(`Prices: \`${p.name}\` (${p.region}), effective ${p.effectiveDate}, ${p.currency}; source: ${p.source}.`);
  }
  if (w.manifestPath) {
    out.push('');
    out.push(`Kubernetes manifests: \`${w.manifestPath}\`.`);
  }
  return out.join('\n');
}

/**
 * The whole Markdown report: the decisions at a glance (one row per workload, with the deciding
 * rule), totals per target, then one short section per workload.
 * @internal
 */
export function renderReportMarkdown(ws: Iterable<ReportedWorkload>): string {
  const sorted = sortWorkloads(ws);
  const out: string[] = [];
  out.push('# Placement report');
  out.push('');
  out.push('Written by inference-workload at `cdk synth`; machine-readable: `placement-report.json`. Figures are monthly, in USD.');
  out.push('');
  if (sorted.length === 0) {
    out.push('No workloads.');
    return out.join('\n') + '\n';
  }
  out.push(...mdTable(['workload', 'target', 'monthly', 'utilization', 'break-even', 'deciding rule'], sorted.map(w => {
    const c = w.decision.chosenCost;
    return [`[${w.workloadName}](#${w.workloadName})`, w.decision.target + (c && c.option !== w.decision.target ? ` (\`${c.option}\`)` : ''), c ? formatUsd(c.monthlyUsd) : 'n/a',
      formatPercent(w.decision.sustainedUtilization), describeBreakEven(w.decision), `\`${decidingRule(w.decision)?.ruleId ?? 'none'}\``];
  }), ['l', 'l', 'r', 'r', 'r', 'l']));
  out.push('');
  const totals = totalsByTarget(sorted);
  const all = totals.reduce((s, t) => s + t.monthlyUsd, 0);
  out.push(...mdTable(['target', 'workloads', 'monthly'], [
    ...totals.map(t => [t.target, String(t.workloads), formatUsd(t.monthlyUsd)]),
    ['**total**', `**${sorted.length}**`, `**${formatUsd(all)}**`],
  ], ['l', 'r', 'r']));
  const pending = sorted.filter(w => w.pendingMove !== undefined);
  if (pending.length > 0) {
    out.push('');
    out.push('Pending moves (accepted for this synth, not yet in the placement lock: run `npx inference-workload lock`):');
    out.push('');
    out.push(...pending.map(w => {
      const m = w.pendingMove!;
      const delta = Number.isNaN(m.monthlyUsdDelta) ? 'cost delta unknown' : `${m.monthlyUsdDelta <= 0 ? 'saves' : 'costs'} ${formatUsd(Math.abs(m.monthlyUsdDelta))}/mo`;
      return `- ${w.workloadName}: ${m.from} → ${m.to} (\`${m.rule}\`, ${delta})`;
    }));
  }
  // one price table for the whole app is stated once, above the sections
  const tables = new PriceTableKeys();
  for (const w of sorted) {
    tables.keyOf(w.decision.priceTable);
  }
  const shared = tables.size === 1;
  if (shared) {
    const p = sorted[0].decision.priceTable;
    out.push('');
    out.push(`Prices: \`${p.name}\` (${p.region}), effective ${p.effectiveDate}, ${p.currency}; source: ${p.source}.`);
  }
  for (const w of sorted) {
    out.push('');
    out.push(renderWorkloadMarkdown(w, { chartLink: chartPath(w), prices: !shared }));
  }
  return out.join('\n') + '\n';
}

/**
 * The charts of the report, one SVG file per stack: each workload's chart is a view of that file
 * (`<stack>.svg#<workload>` shows it alone). Keyed by the file's path inside the output folder.
 * @internal
 */
export function renderCharts(ws: Iterable<ReportedWorkload>): Map<string, string> {
  return new Map(chartFiles(ws));
}

/** The chart files of `renderCharts()`, each rendered when the caller asks for the next. @internal */
export function* chartFiles(ws: Iterable<ReportedWorkload>): Generator<[string, string]> {
  const byStack = new Map<string, ReportedWorkload[]>();
  for (const w of sortWorkloads(ws)) {
    const list = byStack.get(w.stack) ?? [];
    list.push(w);
    byStack.set(w.stack, list);
  }
  for (const [stack, list] of byStack) {
    yield [chartFile(stack), combineCharts(stack, list.map(w => ({
      id: w.workloadName,
      chart: costChartDocument({ workloadName: w.workloadName, constructPath: w.constructPath, decision: w.decision }),
    })))];
  }
}

/**
 * Stacks single charts vertically into one document, each under a `<view>` named after it so that
 * `file.svg#<id>` shows one chart alone (SVG fragment identifiers).
 * @internal
 */
export function combineCharts(title: string, charts: Array<{ id: string; chart: SvgDocument }>): string {
  const width = Math.max(0, ...charts.map(c => c.chart.width));
  const height = charts.reduce((s, c) => s + c.chart.height, 0);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `  <title>Placement charts of ${escapeText(title)}</title>`,
  ];
  let y = 0;
  for (const c of charts) {
    const { width: w, height: h } = c.chart;
    const id = escapeText(c.id);
    out.push(`  <view id="${id}" viewBox="0 ${y} ${w} ${h}"/>`);
    for (const line of c.chart.nestedLines(`id="chart-${id}" x="0" y="${y}"`)) {
      out.push(line);
    }
    y += h;
  }
  out.push('</svg>', '');
  return out.join('\n');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
