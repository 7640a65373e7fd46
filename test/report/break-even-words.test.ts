/*
 * One break-even vocabulary: for every workload of the example app, the chosen option's break-even
 * against each alternative is printed in the same words by the decision's summary line, the
 * Markdown report (table row and section), what synth prints and the CLI's explanation.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildExampleApp } from '../../examples/app';
import { InferenceWorkload, PlacementReport } from '../../lib';
import { runCli } from '../../lib/cli';
import { EXIT } from '../../lib/cli/explain';
import { describeBreakEvens } from '../../lib/policy/explain';
import { synthLines } from '../../lib/report/console';
import { repositoryCliIo } from '../helpers/cli-io';

const ROOT = path.join(__dirname, '..', '..');

describe('the break-even is worded once', () => {
  const context = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf-8')).context;
  const app = buildExampleApp(new App({ context, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'be-words-')) }));
  const workloads = app.node.findAll().filter((c): c is InferenceWorkload => c instanceof InferenceWorkload);
  const report = PlacementReport.of(app);
  const markdown = report.renderMarkdown();
  const printed = synthLines(workloads.map(w => ({
    constructPath: w.node.path, stack: 'InferencePlatform', workloadName: w.workloadName, decision: w.decision,
  })), {}).join('\n');

  test('the machine-readable report names each workload\'s verdict, as the decision does', () => {
    const entries = JSON.parse(report.renderJson()).workloads as Array<{ constructPath: string; verdict: string | null }>;
    expect(entries).toHaveLength(workloads.length);
    for (const w of workloads) {
      expect(entries.find(e => e.constructPath === w.node.path)?.verdict).toBe(w.decision.verdict);
    }
    // the example shows every verdict
    expect(new Set(entries.map(e => e.verdict))).toEqual(new Set(['stay', 'jump', 'wait', 'avoid']));
  });

  test('every alternative of a Managed Instances placement is named, not Lambda against Kubernetes', () => {
    const tagger = workloads.find(w => w.node.id === 'ImageTagger')!;
    expect(describeBreakEvens(tagger.decision)).toBe('vs lambda-provisioned 17.6%, vs kubernetes 67.3%, vs hybrid none in 0-100%');
  });

  test.each(workloads.map(w => [w.node.id, w] as const))('%s', (_id, w) => {
    const words = describeBreakEvens(w.decision);
    expect(words).not.toMatch(/n\/a/);
    expect(w.decision.summary()).toContain(`break-even ${words}]`);
    expect(markdown).toContain(`| ${words} |`);
    expect(markdown).toContain(`, break-even ${words}.`);
    expect(printed).toMatch(new RegExp(`\\b${w.workloadName}\\b.*break-even ${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const given = Object.fromEntries(Object.entries(w.decision.profile!).filter(([f]) => !w.decision.assumedProfileFields.includes(f)));
    const { io, stdout } = repositoryCliIo(given);
    expect(runCli(['explain', 'profile.json'], io)).toBe(EXIT.ok);
    expect(stdout()).toContain(`break-even: ${words}\n`);
  });
});
