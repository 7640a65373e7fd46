import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildExampleApp } from '../../examples/app';
import { InferenceWorkload } from '../../lib';
import { runCli } from '../../lib/cli';
import { EXIT } from '../../lib/cli/explain';
import { decidingRule } from '../../lib/report/format';
import { repositoryCliIo } from '../helpers/cli-io';

const ROOT = path.join(__dirname, '..', '..');

describe('the CLI answers what synth answers', () => {
  // the example app as `cdk synth` runs it: with the context of the repository's cdk.json
  const context = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf-8')).context;
  const app = buildExampleApp(new App({ context, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'agree-')) }));
  const workloads = app.node.findAll().filter((c): c is InferenceWorkload => c instanceof InferenceWorkload);

  test('the example app has workloads to compare', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(3);
  });

  test.each(workloads.map(w => [w.node.path, w] as const))('%s', (_path, w) => {
    // the profile as given: the decision's resolved profile without the fields the policy assumed
    const { io, stdout } = repositoryCliIo(givenProfile(w));
    expect(runCli(['explain', 'profile.json', '--json'], io)).toBe(EXIT.ok);
    const cli = JSON.parse(stdout());
    expect(cli.policySource).toBe(`context of ${path.join(ROOT, 'cdk.json')}`);
    const d = cli.decision;
    const fromCli = { target: d.target, policy: d.policyName ?? d.policy, rule: cli.decidingRule, costs: d.costs };
    const s = w.decision;
    const fromSynth = { target: s.target, policy: s.policyName, rule: decidingRule(s)?.ruleId ?? null, costs: s.costs };
    expect(fromCli).toEqual(JSON.parse(JSON.stringify(fromSynth)));
  });
});

function givenProfile(w: InferenceWorkload): Record<string, unknown> {
  const assumed = new Set(w.decision.assumedProfileFields);
  return Object.fromEntries(Object.entries(w.decision.profile!).filter(([field]) => !assumed.has(field)));
}
