import {
  BreakEven, CostLineItem, HybridSizing, KubernetesSizing, LambdaSizing, ManagedInstancesSizing, OptionCost,
  PlacementTarget, PriceTableReference, RuleOutcome, RuleVerdict, Verdict,
} from './decision-parts';
import { groupThousands } from '../private/numbers';

/*
 * The decision in words: the one-line summary and the explanation table. Both read the decision's
 * values and compute nothing of the policy's.
 */

/** What the explanation reads of a decision. */
export interface DecisionText {
  readonly target: PlacementTarget;
  readonly policyName: string;
  readonly verdict?: Verdict;
  readonly sustainedUtilization: number;
  readonly breakEvenUtilization?: number;
  readonly breakEvens?: BreakEven[];
  readonly priceTable: PriceTableReference;
  readonly rules: RuleOutcome[];
  readonly costs: OptionCost[];
  readonly chosenCost?: OptionCost;
  readonly lambda?: LambdaSizing;
  readonly kubernetes?: KubernetesSizing;
  readonly hybrid?: HybridSizing;
  readonly managedInstances?: ManagedInstancesSizing;
}

/** Formats USD with two decimals and thousands separators, deterministic across locales. */
export function formatUsd(x: number): string {
  const [whole, cents] = x.toFixed(2).split('.');
  return `$${groupThousands(whole)}.${cents}`;
}

/** Formats a 0–1 ratio as a percentage with one decimal. */
export function formatPercent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/**
 * The chosen option's break-evens, the one wording the summary line, the explanation, the report
 * and the CLI print: `vs kubernetes 37.5%, vs hybrid none in 0-100%`.
 */
export function describeBreakEvens(d: Pick<DecisionText, 'target' | 'breakEvens' | 'breakEvenUtilization' | 'costs'>): string {
  const be = (versus: string, u: number | undefined) => `vs ${versus} ${u === undefined ? 'none in 0-100%' : formatPercent(u)}`;
  if (d.breakEvens !== undefined) {
    return d.breakEvens.length === 0 ? 'none (no feasible alternative)' : d.breakEvens.map(b => be(b.versus, b.utilization)).join(', ');
  }
  // a custom policy's decision: the Lambda-Kubernetes break-even it may carry
  if (d.costs.length === 0) {
    return 'not priced';
  }
  const infeasible = [PlacementTarget.LAMBDA, PlacementTarget.KUBERNETES].find(t => !d.costs.some(c => c.target === t && c.feasible));
  return infeasible !== undefined ? `none (${infeasible} infeasible)`
    : be(d.target === PlacementTarget.LAMBDA ? 'kubernetes' : 'lambda', d.breakEvenUtilization);
}

/** One line: target, the rules that fired, the monthly cost of each option and the break-even. */
export function summaryLine(d: DecisionText): string {
  const fired = d.rules.filter(r => r.verdict === RuleVerdict.FIRED).map(r => r.ruleId).join(', ') || 'none';
  const costs = d.costs
    .map(c => `${c.option} ${formatUsd(c.monthlyUsd)}/mo${c.feasible ? '' : ' (infeasible)'}`)
    .join(', ');
  return `placed on ${d.target} by ${d.policyName}${d.verdict ? ` (${d.verdict})` : ''} [rules: ${fired}] [costs: ${costs || 'not priced'}] `
    + `[utilization ${formatPercent(d.sustainedUtilization)}, break-even ${describeBreakEvens(d)}]`;
}

/** A short human-readable table: the rules with verdicts and reasons, then the costs compared. */
export function explanation(d: DecisionText): string {
  const lines: string[] = [];
  const chosen = d.chosenCost;
  lines.push(`Target: ${d.target} (policy: ${d.policyName}${d.verdict ? `, verdict: ${d.verdict}` : ''})${chosen ? `, rendered as ${chosen.option} at ${formatUsd(chosen.monthlyUsd)}/mo` : ''}`);
  lines.push(`Sustained utilization: ${formatPercent(d.sustainedUtilization)}; break-even: ${describeBreakEvens(d)}`);
  lines.push(`Prices: ${d.priceTable.name} (${d.priceTable.region}, ${d.priceTable.effectiveDate}, ${d.priceTable.currency})`);
  for (const s of sizingLines(d)) {
    lines.push(s);
  }
  lines.push('');
  lines.push(table(['rule', 'kind', 'verdict', 'reason'], d.rules.map(r => [r.ruleId, r.kind, r.verdict, r.reason])));
  if (d.costs.length > 0) {
    lines.push('');
    lines.push(table(['option', 'target', 'monthly', 'feasible'], d.costs.map(c => [
      c.option, c.target, formatUsd(c.monthlyUsd), c.feasible ? 'yes' : `no (${(c.excludedBy ?? []).join(', ')})`,
    ])));
  }
  if (chosen && chosen.lineItems.length > 0) {
    lines.push('');
    lines.push(`${chosen.option}, line by line:`);
    lines.push(lineItemTable(chosen.lineItems));
  }
  return lines.join('\n');
}

/** The line items of an option as a table: item, monthly, basis. */
export function lineItemTable(items: CostLineItem[]): string {
  return table(['item', 'monthly', 'basis'], items.map(i => [i.label, formatUsd(i.monthlyUsd), i.basis]));
}

function sizingLines(d: DecisionText): string[] {
  const out: string[] = [];
  if (d.lambda) {
    const l = d.lambda;
    out.push(`Lambda${d.hybrid ? ' (control plane)' : ''}: ${l.memoryMiB} MiB ${l.architecture}, timeout ${l.timeoutSeconds} s, `
      + `provisioned concurrency ${l.provisionedConcurrencyMin}-${l.provisionedConcurrencyMax} at ${l.utilizationTarget} utilization`);
  }
  if (d.kubernetes) {
    const k = d.kubernetes;
    out.push(`Kubernetes${d.hybrid ? ' (data plane)' : ''}: ${k.replicasMin}-${k.replicasMax} replica(s) on ${k.instanceType}`
      + `${k.gpuProduct ? ` (${k.gpuCount} x ${k.gpuProduct})` : ''}, ${k.cpuMillis}m CPU, ${k.memoryMiB} MiB`);
  }
  if (d.managedInstances) {
    const m = d.managedInstances;
    out.push(`Lambda Managed Instances: ${m.minExecutionEnvironments}-${m.maxExecutionEnvironments} environment(s) of ${m.memoryMiB} MiB / `
      + `${m.vcpuPerEnvironment} vCPU x ${m.perEnvironmentMaxConcurrency} request(s) on ${m.instanceType} (${m.architecture}), `
      + `CPU target ${Math.round(m.cpuUtilizationTarget * 100)}%`);
  }
  if (d.hybrid) {
    const h = d.hybrid;
    out.push(`Hybrid: warm floor ${h.dataPlaneFloorReplicas} replica(s), tail above ${h.overflowThresholdRequestsPerSecond} req/s `
      + `${h.overflowToLambda ? 'overflows to Lambda' : 'scales the data plane'}`);
  }
  return out;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [fmt(header), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}
