import { renderCostChart } from './chart';
import { formatPercent, formatUsd, PlacementDecision } from '../policy/decision';

/** File names inside the cloud assembly. @internal */
export const REPORT_FILES = {
  json: 'placement-report.json',
  markdown: 'placement-report.md',
  chartDir: 'placement-charts',
} as const;

/** Version of the JSON report's shape; bumped on breaking changes. @internal */
export const REPORT_VERSION = 1;

/** One workload as the report sees it. @internal */
export interface ReportedWorkload {
  /** Construct path, e.g. `InferencePlatform/LlmChat`. */
  readonly constructPath: string;
  /** Artifact id of the stack, e.g. `InferencePlatform`. */
  readonly stack: string;
  /** The workload name, e.g. `llm-chat`. */
  readonly workloadName: string;
  readonly decision: PlacementDecision;
  /** Manifest file inside the assembly, when placed on Kubernetes. */
  readonly manifestPath?: string;
}

/** The chart's path inside the cloud assembly: `placement-charts/<stack>-<workload>.svg`. @internal */
export function chartPath(w: Pick<ReportedWorkload, 'stack' | 'workloadName'>): string {
  const safeStack = w.stack.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${REPORT_FILES.chartDir}/${safeStack}-${w.workloadName}.svg`;
}

/** Sorts workloads by construct path (stable, locale-independent). @internal */
export function sortWorkloads(ws: Iterable<ReportedWorkload>): ReportedWorkload[] {
  return Array.from(ws).sort((a, b) => (a.constructPath < b.constructPath ? -1 : a.constructPath > b.constructPath ? 1 : 0));
}

/**
 * The machine-readable entry of one workload: target, rules with verdicts, costs with line
 * items, break-even, sizing, price table and the files written for it.
 * @internal
 */
export function reportEntry(w: ReportedWorkload): any {
  const d = w.decision;
  const chosen = d.chosenCost;
  return JSON.parse(JSON.stringify({
    constructPath: w.constructPath,
    stack: w.stack,
    workloadName: w.workloadName,
    target: d.target,
    policy: d.policyName,
    sustainedUtilization: d.sustainedUtilization,
    breakEvenUtilization: d.breakEvenUtilization ?? null,
    chosenOption: chosen?.option ?? null,
    chosenMonthlyUsd: chosen?.monthlyUsd ?? null,
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
    priceTable: d.priceTable,
    costCurve: d.costCurve ?? [],
    files: { chart: chartPath(w), manifest: w.manifestPath },
  }));
}

/** The whole JSON report: stable key order, workloads sorted by path, no timestamps. @internal */
export function renderReportJson(ws: Iterable<ReportedWorkload>): string {
  const report = {
    reportVersion: REPORT_VERSION,
    generator: 'inference-workload',
    workloads: sortWorkloads(ws).map(reportEntry),
  };
  return JSON.stringify(report, undefined, 2) + '\n';
}

/** Escapes a Markdown table cell. @internal */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.map(mdCell).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map(r => `| ${r.map(mdCell).join(' | ')} |`),
  ];
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) {
    return v.length === 0 ? 'none' : v.map(x => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join('; ');
  }
  if (v !== null && typeof v === 'object') {
    return JSON.stringify(v);
  }
  return String(v);
}

/**
 * The Markdown section of one workload (heading level 2), with a link to its chart when
 * `chartLink` is given.
 * @internal
 */
export function renderWorkloadMarkdown(w: ReportedWorkload, options: { chartLink?: string; headingLevel?: number } = {}): string {
  const d = w.decision;
  const h = '#'.repeat(options.headingLevel ?? 2);
  const be = d.breakEvenUtilization === undefined ? 'none (one side is infeasible or always cheaper)' : formatPercent(d.breakEvenUtilization);
  const chosen = d.chosenCost;
  const out: string[] = [];
  out.push(`${h} ${w.workloadName} (\`${w.constructPath}\`)`);
  out.push('');
  out.push(`**Placed on ${d.target}** by policy \`${d.policyName}\`${chosen ? `, option \`${chosen.option}\` at ${formatUsd(chosen.monthlyUsd)}/month` : ''}.`
    + ` Sustained utilization ${formatPercent(d.sustainedUtilization)}; break-even ${be}.`);
  out.push('');
  if (options.chartLink) {
    out.push(`![${w.workloadName}: monthly cost of each option against sustained utilization](${options.chartLink})`);
    out.push('');
  }
  out.push(`${h}# Rules`);
  out.push('');
  out.push(...mdTable(['rule', 'kind', 'verdict', 'reason'], d.rules.map(r => [`\`${r.ruleId}\``, r.kind, r.verdict, r.reason])));
  out.push('');
  out.push(`${h}# Costs`);
  out.push('');
  if (d.costs.length === 0) {
    out.push(`Not priced: policy \`${d.policyName}\` reported no costs.`);
  } else {
    out.push(...mdTable(['option', 'target', 'monthly (USD)', 'feasible'], d.costs.map(c => [
      `\`${c.option}\``, c.target, formatUsd(c.monthlyUsd), c.feasible ? 'yes' : `no (${(c.excludedBy ?? []).join(', ') || 'constraint'})`,
    ])));
    for (const c of d.costs) {
      if (c.lineItems.length === 0) {
        continue;
      }
      out.push('');
      out.push(`Line items of \`${c.option}\`:`);
      out.push('');
      out.push(...mdTable(['line', 'monthly (USD)', 'basis'], c.lineItems.map(li => [li.label, formatUsd(li.monthlyUsd), li.basis])));
    }
  }
  out.push('');
  out.push(`${h}# Sizing`);
  out.push('');
  const sizing: Array<[string, object | undefined]> = [['lambda', d.lambda], ['kubernetes', d.kubernetes], ['hybrid', d.hybrid], ['managed instances', d.managedInstances]];
  const rows = sizing.flatMap(([platform, s]) => (s ? Object.entries(s).map(([k, v]) => [platform, `\`${k}\``, describeValue(v)]) : []));
  if (rows.length === 0) {
    out.push('No sizing.');
  } else {
    out.push(...mdTable(['platform', 'field', 'value'], rows));
  }
  out.push('');
  out.push(`${h}# Prices`);
  out.push('');
  const p = d.priceTable;
  out.push(`Price table \`${p.name}\` (${p.region}), effective ${p.effectiveDate}, in ${p.currency}; source: ${p.source}.`);
  if (w.manifestPath) {
    out.push('');
    out.push(`Kubernetes manifests: \`${w.manifestPath}\`.`);
  }
  return out.join('\n');
}

/** The whole Markdown report: a summary table, then one section per workload. @internal */
export function renderReportMarkdown(ws: Iterable<ReportedWorkload>): string {
  const sorted = sortWorkloads(ws);
  const out: string[] = [];
  out.push('# Placement report');
  out.push('');
  out.push('Written by inference-workload at `cdk synth`. Each workload\'s section lists the rules the policy evaluated,');
  out.push('the monthly cost of every option with its line items, the break-even utilization, the sizing handed to the');
  out.push('renderer and the price table (with its date) the figures come from. Machine-readable: `placement-report.json`.');
  out.push('');
  if (sorted.length === 0) {
    out.push('No workloads.');
    return out.join('\n') + '\n';
  }
  out.push(...mdTable(['workload', 'construct path', 'target', 'option', 'monthly (USD)', 'utilization', 'break-even'], sorted.map(w => {
    const c = w.decision.chosenCost;
    const be = w.decision.breakEvenUtilization;
    return [w.workloadName, `\`${w.constructPath}\``, w.decision.target, c?.option ?? 'n/a', c ? formatUsd(c.monthlyUsd) : 'n/a',
      formatPercent(w.decision.sustainedUtilization), be === undefined ? 'n/a' : formatPercent(be)];
  })));
  for (const w of sorted) {
    out.push('');
    out.push(renderWorkloadMarkdown(w, { chartLink: chartPath(w) }));
  }
  return out.join('\n') + '\n';
}

/** Every chart of the report, keyed by its path inside the assembly. @internal */
export function renderCharts(ws: Iterable<ReportedWorkload>): Map<string, string> {
  const charts = new Map<string, string>();
  for (const w of sortWorkloads(ws)) {
    charts.set(chartPath(w), renderCostChart({ workloadName: w.workloadName, constructPath: w.constructPath, decision: w.decision }));
  }
  return charts;
}
