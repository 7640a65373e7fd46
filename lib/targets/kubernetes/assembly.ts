import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { stringifyManifest, withoutEmptyFields } from './yaml';
import { PlacementReport } from '../../report/placement-report';

/** Folder inside the output folder (`cdk.out` by default) that holds the Kubernetes manifests. */
export const MANIFEST_DIR = 'kubernetes';

/**
 * The path, relative to the output folder, of a workload's manifest file:
 * `kubernetes/<stack artifact id>/<workload name>.k8s.yaml`.
 */
export function manifestRelativePath(scope: Construct, workloadName: string): string {
  return path.posix.join(MANIFEST_DIR, Stack.of(scope).artifactId, `${workloadName}.k8s.yaml`);
}

/**
 * Hands the chart to the app's placement report, which writes every manifest (without empty fields)
 * as one YAML file per workload into the output folder at synth (the chart is read then, after every change),
 * leaves unchanged files untouched and removes the files of workloads that are gone.
 * @internal
 */
export function writeChartOnSynth(scope: Construct, chart: cdk8s.Chart, relativePath: string): void {
  PlacementReport.of(scope)._addManifest(scope, relativePath, () => stringifyManifest(...chart.toJson().map(withoutEmptyFields)));
}
