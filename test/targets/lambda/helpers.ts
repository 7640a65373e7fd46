import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CachedCloudFormationValidatePlugin, CpuArchitecture, LambdaSizing, ModelImage, PlacementDecision, PlacementTarget } from '../../../lib';
import { LambdaRendering, renderLambda } from '../../../lib/targets/lambda/lambda-target';
import { checkLambdaOptions, LambdaTargetOptions } from '../../../lib/targets/lambda/options';

/** Context that turns the bundled CloudFormation validator's findings into synth errors. */
export const STRICT_CONTEXT = { '@aws-cdk/core:validateAgainstDefaultRules': true };

export const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/classifier:1.4.2');

export const SIZING: LambdaSizing = {
  memoryMiB: 2048,
  timeoutSeconds: 3,
  ephemeralStorageMiB: 1024,
  architecture: CpuArchitecture.ARM64,
  provisionedConcurrencyMin: 2,
  provisionedConcurrencyMax: 16,
  utilizationTarget: 0.7,
  peakConcurrency: 16,
};

/** A Lambda decision built directly, for renderer-level tests. */
export function lambdaDecision(sizing: Partial<LambdaSizing> = {}): PlacementDecision {
  return new PlacementDecision({
    target: PlacementTarget.LAMBDA,
    policyName: 'test',
    rules: [],
    costs: [],
    sustainedUtilization: 0.05,
    priceTable: { name: 'none', region: 'n/a', effectiveDate: 'n/a', source: 'test', currency: 'USD' },
    lambda: { ...SIZING, ...sizing },
  });
}

/**
 * A stack in an app whose synth fails on CloudFormation schema errors. Its app registers template
 * validation as the test run's context says (test/setup/validation.ts), as an app with an
 * `InferenceWorkload` does: the renderers here run without one.
 */
export function strictStack(): Stack {
  const stack = new Stack(new App({ context: STRICT_CONTEXT }), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  CachedCloudFormationValidatePlugin.register(stack);
  return stack;
}

export interface Rendered {
  readonly stack: Stack;
  readonly scope: Construct;
  readonly rendering: LambdaRendering;
}

/** Renders sizing + options under a `Workload` construct in a strict stack. */
export function render(sizing: Partial<LambdaSizing> = {}, options: LambdaTargetOptions = {}): Rendered {
  const stack = strictStack();
  const scope = new Construct(stack, 'Workload');
  const rendering = renderLambda(scope, { workloadName: 'classifier', image: IMAGE, sizing: { ...SIZING, ...sizing }, options: checkLambdaOptions(options) });
  return { stack, scope, rendering };
}

/** A temporary directory with the given files. */
export function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-lambda-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Scrubs volatile hashes (asset hashes, version logical ids) from a template for snapshots. */
export function scrubHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template)
    .replace(/[0-9a-f]{64}/g, '[ASSET-HASH]')
    .replace(/CurrentVersion[0-9A-Fa-f]{8,}/g, 'CurrentVersion[HASH]'));
}
