import { decidingRule, describeBreakEven, formatUsd } from './format';
import { ReportedWorkload, sortWorkloads, totalsByTarget } from './render';

/** Where the files of a synth went, as the user would type the paths. @internal */
export interface SynthFiles {
  readonly report?: string;
  readonly charts?: string;
  readonly manifests?: string;
  /** Path of a nested Stage, to tell its lines from the app's. */
  readonly stage?: string;
}

/**
 * What `cdk synth` prints: a heading, one aligned line per workload (name, target, monthly cost,
 * break-even, deciding rule), then one summary line with the counts per target, the total and
 * where the files are.
 * @internal
 */
export function synthLines(ws: Iterable<ReportedWorkload>, files: SynthFiles): string[] {
  const sorted = sortWorkloads(ws);
  const prefix = files.stage ? `${files.stage}: ` : '';
  if (sorted.length === 0) {
    return [`${prefix}inference-workload: no workloads`];
  }
  const stacks = new Set(sorted.map(w => w.stack));
  const rows = sorted.map(w => {
    const d = w.decision;
    const c = d.chosenCost;
    return [
      stacks.size > 1 ? `${w.stack}/${w.workloadName}` : w.workloadName,
      d.target,
      c ? `${formatUsd(c.monthlyUsd)}/mo` : 'not priced',
      `break-even ${describeBreakEven(d)}`,
      `rule ${decidingRule(d)?.ruleId ?? 'none fired'}`,
    ];
  });
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  const totals = totalsByTarget(sorted);
  const total = totals.reduce((s, t) => s + t.monthlyUsd, 0);
  const counts = totals.map(t => `${t.workloads} on ${t.target}`).join(', ');
  const where = [
    files.report ? `report ${files.report}` : undefined,
    files.charts ? `charts ${files.charts}` : undefined,
    files.manifests ? `manifests ${files.manifests}` : undefined,
  ].filter(x => x !== undefined);
  return [
    `${prefix}inference-workload placed ${sorted.length} workload${sorted.length === 1 ? '' : 's'}:`,
    ...rows.map(r => `  ${line(r)}`),
    `${counts}; ${formatUsd(total)}/month in total.${where.length > 0 ? ` Files: ${where.join(', ')}` : ''}`,
  ];
}
