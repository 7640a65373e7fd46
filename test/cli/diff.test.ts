import { runCli } from '../../lib/cli';
import { diffReports, formatDiff } from '../../lib/cli/diff';
import { CliIo, EXIT } from '../../lib/cli/explain';

function report(...ws: Array<[string, string, number | null, string]>) {
  const workloads = ws.map(([constructPath, target, chosenMonthlyUsd, decidingRule]) => ({ constructPath, target, chosenMonthlyUsd, decidingRule }));
  return { reportVersion: 2, workloads };
}

function fakeIo(files: Record<string, string>) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    readFile: f => {
      if (!(f in files)) {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      }
      return files[f];
    },
    writeFile: () => undefined,
    stdout: t => { out.stdout += t; },
    stderr: t => { out.stderr += t; },
  };
  return { io, out };
}

const BEFORE = report(['P/Chat', 'lambda', 100, 'economics.break-even'], ['P/Ocr', 'kubernetes', 450, 'constraint.payload'], ['P/Old', 'lambda', 10, 'band.spiky'], ['P/Same', 'lambda', 5, 'band.spiky']);
const AFTER = report(['P/Chat', 'kubernetes', 80.5, 'economics.break-even'], ['P/Ocr', 'kubernetes', 460, 'constraint.payload'], ['P/New', 'hybrid', 1000, 'band.hybrid'], ['P/Same', 'lambda', 5, 'band.spiky']);

describe('diffReports', () => {
  test('lists moved, changed, added and removed workloads with cost deltas and rules', () => {
    const d = diffReports(BEFORE, AFTER);
    expect(d.changes.map(c => [c.constructPath, c.change, c.monthlyUsdDelta])).toEqual([
      ['P/Chat', 'moved', -19.5], ['P/New', 'added', 1000], ['P/Ocr', 'changed', 10], ['P/Old', 'removed', -10],
    ]);
    expect(d.unchanged).toBe(1);
    expect(d.totalBeforeUsd).toBe(565);
    expect(d.totalAfterUsd).toBe(1545.5);
    expect(formatDiff(d)).toBe([
      'moved    P/Chat: lambda -> kubernetes (rule economics.break-even -> economics.break-even), $100.00/mo -> $80.50/mo (-$19.50)',
      'added    P/New: hybrid, $1,000.00/mo, rule band.hybrid',
      'changed  P/Ocr: kubernetes, $450.00/mo -> $460.00/mo (+$10.00)',
      'removed  P/Old: was lambda, $10.00/mo',
      '4 changed, 1 unchanged; total $565.00/mo -> $1,545.50/mo (+$980.50)',
      '',
    ].join('\n'));
  });

  test('says when nothing changed', () => {
    expect(formatDiff(diffReports(BEFORE, BEFORE))).toBe('No placement changed.\n0 changed, 4 unchanged; total $565.00/mo -> $565.00/mo (+$0.00)\n');
  });
});

describe('inference-workload diff', () => {
  test('prints JSON for scripts with --json', () => {
    const { io, out } = fakeIo({ 'a.json': JSON.stringify(BEFORE), 'b.json': JSON.stringify(AFTER) });
    expect(runCli(['diff', 'a.json', 'b.json', '--json'], io)).toBe(EXIT.ok);
    expect(JSON.parse(out.stdout).changes[0]).toMatchObject({ constructPath: 'P/Chat', change: 'moved', before: { target: 'lambda' }, after: { target: 'kubernetes' } });
  });

  test.each([
    [['diff', 'a.json'], EXIT.usage, 'expected two placement reports, got 1'],
    [['diff', 'a.json', 'missing.json'], EXIT.invalidInput, 'cannot read placement report missing.json: no such file'],
    [['diff', 'a.json', 'profile.json'], EXIT.invalidInput, 'profile.json is not a placement report (no "workloads" array)'],
    [['diff', 'a.json', 'a.json', '--yaml'], EXIT.usage, 'unknown option --yaml'],
  ])('fails for %p', (argv, code, message) => {
    const { io, out } = fakeIo({ 'a.json': JSON.stringify(BEFORE), 'profile.json': '{"memoryMiB": 1}' });
    expect(runCli(argv, io)).toBe(code);
    expect(out.stderr).toContain(message);
  });
});
