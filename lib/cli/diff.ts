import { CliError, CliIo, describeJsonError, EXIT } from './explain';
import { formatUsd } from '../report/format';

/** @internal */
export const DIFF_USAGE = `Usage: inference-workload diff <before/placement-report.json> <after/placement-report.json> [--json]

Compares two placement reports (written by cdk synth): the workloads that move between
targets, the change of each workload's monthly cost and deciding rule, the workloads added
and removed, and the change of the total.

Options:
  --json       print the differences as JSON (for scripts)
  -h, --help   show this help

Exit codes: 0 compared (whether or not anything changed), 1 unreadable report, 2 usage error.`;

/** A workload as both reports describe it. @internal */
interface Entry {
  readonly constructPath: string;
  readonly target: string;
  readonly monthlyUsd: number | null;
  readonly decidingRule: string | null;
}

/** One workload's change. @internal */
export interface WorkloadChange {
  readonly constructPath: string;
  readonly change: 'moved' | 'changed' | 'added' | 'removed';
  readonly before?: Entry;
  readonly after?: Entry;
  /** after - before, USD per month (0 for a removed workload's after, and so on). */
  readonly monthlyUsdDelta: number;
}

/** The differences between two reports. @internal */
export interface ReportDiff {
  readonly changes: WorkloadChange[];
  readonly unchanged: number;
  readonly totalBeforeUsd: number;
  readonly totalAfterUsd: number;
}

function entries(json: any, file: string): Map<string, Entry> {
  if (json === null || typeof json !== 'object' || !Array.isArray(json.workloads)) {
    throw new CliError(`${file} is not a placement report (no "workloads" array); pass cdk.out/placement-report.json`, EXIT.invalidInput);
  }
  const out = new Map<string, Entry>();
  for (const w of json.workloads) {
    if (typeof w?.constructPath !== 'string' || typeof w?.target !== 'string') {
      throw new CliError(`${file} has a workload without "constructPath" and "target": ${JSON.stringify(w).slice(0, 120)}`, EXIT.invalidInput);
    }
    const rule = w.decidingRule ?? (Array.isArray(w.rules) ? w.rules.find((r: any) => r.verdict === 'fired')?.ruleId : undefined) ?? null;
    out.set(w.constructPath, { constructPath: w.constructPath, target: w.target, monthlyUsd: w.chosenMonthlyUsd ?? null, decidingRule: rule });
  }
  return out;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Compares two parsed reports. @internal */
export function diffReports(before: any, after: any, files: [string, string] = ['before', 'after']): ReportDiff {
  const a = entries(before, files[0]);
  const b = entries(after, files[1]);
  const paths = Array.from(new Set([...a.keys(), ...b.keys()])).sort();
  const changes: WorkloadChange[] = [];
  let unchanged = 0;
  for (const p of paths) {
    const x = a.get(p);
    const y = b.get(p);
    const delta = round2((y?.monthlyUsd ?? 0) - (x?.monthlyUsd ?? 0));
    if (!x) {
      changes.push({ constructPath: p, change: 'added', after: y, monthlyUsdDelta: delta });
    } else if (!y) {
      changes.push({ constructPath: p, change: 'removed', before: x, monthlyUsdDelta: delta });
    } else if (x.target !== y.target) {
      changes.push({ constructPath: p, change: 'moved', before: x, after: y, monthlyUsdDelta: delta });
    } else if (delta !== 0 || x.decidingRule !== y.decidingRule) {
      changes.push({ constructPath: p, change: 'changed', before: x, after: y, monthlyUsdDelta: delta });
    } else {
      unchanged++;
    }
  }
  const total = (m: Map<string, Entry>) => round2(Array.from(m.values()).reduce((s, e) => s + (e.monthlyUsd ?? 0), 0));
  return { changes, unchanged, totalBeforeUsd: total(a), totalAfterUsd: total(b) };
}

function signedUsd(n: number): string {
  return `${n < 0 ? '-' : '+'}${formatUsd(Math.abs(n))}`;
}

/** The differences for a person: one line per changed workload, then the totals. @internal */
export function formatDiff(d: ReportDiff): string {
  const lines: string[] = [];
  const cost = (e?: Entry) => (e?.monthlyUsd === null || e?.monthlyUsd === undefined ? 'not priced' : `${formatUsd(e.monthlyUsd)}/mo`);
  for (const c of d.changes) {
    const { before: x, after: y } = c;
    switch (c.change) {
      case 'moved':
        lines.push(`moved    ${c.constructPath}: ${x!.target} -> ${y!.target} (rule ${x!.decidingRule ?? 'none'} -> ${y!.decidingRule ?? 'none'}), `
          + `${cost(x)} -> ${cost(y)} (${signedUsd(c.monthlyUsdDelta)})`);
        break;
      case 'changed':
        lines.push(`changed  ${c.constructPath}: ${y!.target}, ${cost(x)} -> ${cost(y)} (${signedUsd(c.monthlyUsdDelta)})`
          + (x!.decidingRule !== y!.decidingRule ? `, rule ${x!.decidingRule ?? 'none'} -> ${y!.decidingRule ?? 'none'}` : ''));
        break;
      case 'added':
        lines.push(`added    ${c.constructPath}: ${y!.target}, ${cost(y)}, rule ${y!.decidingRule ?? 'none'}`);
        break;
      case 'removed':
        lines.push(`removed  ${c.constructPath}: was ${x!.target}, ${cost(x)}`);
        break;
    }
  }
  if (d.changes.length === 0) {
    lines.push('No placement changed.');
  }
  lines.push(`${d.changes.length} changed, ${d.unchanged} unchanged; total ${formatUsd(d.totalBeforeUsd)}/mo -> ${formatUsd(d.totalAfterUsd)}/mo `
    + `(${signedUsd(round2(d.totalAfterUsd - d.totalBeforeUsd))})`);
  return lines.join('\n') + '\n';
}

/** `inference-workload diff`. @internal */
export function runDiff(argv: string[], io: CliIo): number {
  const args = argv.slice(1);
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout(DIFF_USAGE + '\n');
    return EXIT.ok;
  }
  const json = args.includes('--json');
  const unknown = args.find(a => a.startsWith('-') && a !== '--json');
  if (unknown) {
    throw new CliError(`unknown option ${unknown}\n\n${DIFF_USAGE}`, EXIT.usage);
  }
  const files = args.filter(a => !a.startsWith('-'));
  if (files.length !== 2) {
    throw new CliError(`expected two placement reports, got ${files.length}\n\n${DIFF_USAGE}`, EXIT.usage);
  }
  const [before, after] = files.map(f => {
    let text: string;
    try {
      text = io.readFile(f);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`cannot read placement report ${f}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, EXIT.invalidInput);
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new CliError(`${f} is not valid JSON: ${describeJsonError(e as Error, text)}`, EXIT.invalidInput);
    }
  });
  const d = diffReports(before, after, [files[0], files[1]]);
  io.stdout(json ? JSON.stringify(d, undefined, 2) + '\n' : formatDiff(d));
  return EXIT.ok;
}
