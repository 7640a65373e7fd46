/**
 * Renders workloads for the metrics and drain simulations: one workload (or the example app) in its
 * own app, with its manifests, the prerequisites the library declared for its stack (the synth
 * warnings' text) and its CloudFormation template.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from '../../../examples/app';
import { InferenceWorkload, InferenceWorkloadProps, ModelImage } from '../../../lib';
import { importedVpc } from '../../helpers/fixtures';
import { Manifest, readManifestFiles } from '../../helpers/kubernetes';

/** A rendered workload. */
export interface RenderedWorkload {
  readonly workload: InferenceWorkload;
  readonly manifests: Manifest[];
  /** Every warning of the workload's stack, joined (the declared prerequisites among them). */
  readonly prerequisites: string;
  /** The stack's CloudFormation template. */
  readonly template: any;
}

export const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

function stackWarnings(assembly: ReturnType<App['synth']>, stackName: string): string {
  return assembly.getStackByName(stackName).messages.filter(m => m.level === 'warning').map(m => String(m.entry.data)).join('\n');
}

/** One workload in its own app (the hybrid's VPC and an overflow image with the Lambda Web Adapter given). */
export function renderWorkload(props: Omit<InferenceWorkloadProps, 'image'> & { image?: ModelImage }): RenderedWorkload {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-')) });
  const stack = new Stack(app, 'Conformance');
  const workload = new InferenceWorkload(stack, 'Workload', { image: IMAGE, hybrid: { vpc: importedVpc(stack), overflowWebAdapter: {} }, ...props });
  const assembly = app.synth();
  return {
    workload,
    manifests: workload.chart!.toJson() as Manifest[],
    prerequisites: stackWarnings(assembly, stack.stackName),
    template: assembly.getStackByName(stack.stackName).template,
  };
}

/** The example app's workloads with a Kubernetes half, as `npx cdk synth` writes them. */
export function renderExampleApp(): RenderedWorkload[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-example-'));
  const app = buildExampleApp(new App({ outdir }));
  const assembly = app.synth();
  const files = readManifestFiles(outdir);
  return app.node.findAll().filter((c): c is InferenceWorkload => c instanceof InferenceWorkload && c.manifestPath !== undefined).map(w => {
    const stack = Stack.of(w);
    return {
      workload: w,
      manifests: files.find(f => f.file === path.join(outdir, w.manifestPath!))!.manifests,
      prerequisites: stackWarnings(assembly, stack.stackName),
      template: assembly.getStackByName(stack.stackName).template,
    };
  });
}

/** The model server preset a Deployment runs, recognised from its configuration. */
export function serverOf(manifests: Manifest[]): string {
  const server = manifests.find(m => m.kind === 'Deployment')!.spec.template.spec.containers.find((c: any) => c.name === 'model-server');
  const env = new Set((server.env ?? []).map((e: any) => e.name));
  return (server.args ?? []).includes('tritonserver') ? 'triton'
    : env.has('VLLM_CACHE_ROOT') ? 'vllm'
      : env.has('HUGGINGFACE_HUB_CACHE') ? 'tgi'
        : 'generic';
}
