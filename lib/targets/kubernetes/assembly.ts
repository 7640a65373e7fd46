import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';

/** Folder inside the cloud assembly (`cdk.out`) that holds the Kubernetes manifests. */
export const MANIFEST_DIR = 'kubernetes';

/**
 * The path, relative to the cloud assembly, of a workload's manifest file:
 * `kubernetes/<stack artifact id>/<workload name>.k8s.yaml`.
 */
export function manifestRelativePath(scope: Construct, workloadName: string): string {
  return path.posix.join(MANIFEST_DIR, Stack.of(scope).artifactId, `${workloadName}.k8s.yaml`);
}

/**
 * Writes the chart's manifests as one YAML file into the cloud assembly when the CDK app
 * synthesizes, so `cdk synth` alone produces them (ready for GitOps tools).
 * @internal
 */
export function writeChartOnSynth(scope: Construct, chart: cdk8s.Chart, relativePath: string): void {
  attachCustomSynthesis(scope, {
    onSynthesize(session) {
      const file = path.join(session.outdir, relativePath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, cdk8s.Yaml.stringify(...chart.toJson()));
    },
  });
}
