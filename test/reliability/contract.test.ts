import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from '../../examples/app';
import { InferenceWorkload } from '../../lib';
import { readManifestFiles } from '../helpers/kubernetes';

/**
 * Construct ids, CloudFormation logical ids and Kubernetes object names are a contract: changing
 * one makes CloudFormation (or a GitOps tool) delete and re-create the resource in users' accounts
 * and clusters — a new function, a new alias with cold provisioned concurrency, a Deployment that
 * loses its pods. This test pins them for the example app.
 *
 * If it fails, do not just regenerate the pin: either keep the old ids (e.g. with an explicit id or
 * `overrideLogicalId`), or write a migration note in CHANGELOG.md explaining what gets
 * replaced, then regenerate with `UPDATE_CONTRACT=1 npx jest test/reliability/contract.test.ts`.
 */
const PIN = path.join(__dirname, 'contract.example-app.json');

interface Contract {
  readonly workloads: Record<string, { target: string; name: string }>;
  readonly cloudformation: Record<string, { logicalId: string; type: string }>;
  readonly kubernetes: Record<string, string[]>;
}

function currentContract(): Contract {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-contract-'));
  const app = buildExampleApp(new App({ outdir }));
  app.synth();
  const workloads: Contract['workloads'] = {};
  const cloudformation: Contract['cloudformation'] = {};
  for (const c of app.node.findAll()) {
    if (c instanceof InferenceWorkload) {
      workloads[c.node.path] = { target: c.decision.target, name: c.workloadName };
    }
    if (CfnResource.isCfnResource(c)) {
      cloudformation[c.node.path] = { logicalId: Stack.of(c).getLogicalId(c), type: c.cfnResourceType };
    }
  }
  const kubernetes: Contract['kubernetes'] = {};
  for (const f of readManifestFiles(outdir)) {
    kubernetes[path.relative(outdir, f.file)] = f.manifests.map(m => `${m.apiVersion}/${m.kind} ${m.metadata?.namespace ?? 'default'}/${m.metadata?.name}`);
  }
  return { workloads: sorted(workloads), cloudformation: sorted(cloudformation), kubernetes: sorted(kubernetes) };
}

function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

const MIGRATION_NOTE = 'changing construct paths, logical ids or Kubernetes object names REPLACES users\' resources; '
  + 'keep the old ids or add a migration note, then regenerate the pin (see the comment at the top of this test)';

describe('contract stability of the example app', () => {
  const current = currentContract();
  if (process.env.UPDATE_CONTRACT === '1') {
    fs.writeFileSync(PIN, JSON.stringify(current, undefined, 2) + '\n');
  }
  const pinned: Contract = JSON.parse(fs.readFileSync(PIN, 'utf-8'));

  test('covers Lambda, Kubernetes, hybrid and Lambda Managed Instances placements', () => {
    expect(new Set(Object.values(pinned.workloads).map(w => w.target))).toEqual(new Set(['lambda', 'kubernetes', 'hybrid', 'lambda-managed-instances']));
  });

  test.each(['workloads', 'cloudformation', 'kubernetes'] as const)('%s are unchanged', (section) => {
    const removedOrChanged = Object.entries(pinned[section])
      .filter(([key, value]) => JSON.stringify((current[section] as any)[key]) !== JSON.stringify(value))
      .map(([key, value]) => `${key}: pinned ${JSON.stringify(value)}, now ${JSON.stringify((current[section] as any)[key])}`);
    const added = Object.keys(current[section]).filter(key => !(key in pinned[section]));
    expect({ removedOrChanged, added, why: MIGRATION_NOTE }).toEqual({ removedOrChanged: [], added: [], why: MIGRATION_NOTE });
  });
});
