/**
 * Jest setup (every test file): aws-cdk-lib's CloudFormation template validation stays ON in
 * every test, through the on-disk cache and one validator engine per jest process.
 *
 * Why on everywhere (and not off except in a few suites): every synth validates its templates,
 * a finding is either a synth error (`@aws-cdk/core:validateAgainstDefaultRules`, as in the
 * target suites' strict stacks) or a warning printed to the console, and a test that prints fails
 * (test/setup/quiet.ts). So every test that synthesizes asserts that its templates have no
 * finding; turning validation off would silently drop that from all but a sample of templates.
 *
 * What makes it cheap, with public API only:
 * - every app of the run gets the context key `inference-workload:templateValidation` = `cached`
 *   through `CDK_CONTEXT_JSON` (aws-cdk-lib's `cxapi.CONTEXT_ENV`, how the CDK CLI hands context
 *   to an app), so each app that declares an `InferenceWorkload` registers
 *   `CachedCloudFormationValidatePlugin.cached()` (`Validations.of(app).addPlugins`, see
 *   `CachedCloudFormationValidatePlugin.register()`), as `InferencePlatform` does by default:
 *   each template content is validated once, its findings kept under
 *   `node_modules/.cache/inference-workload/cfn-validate` for later runs. Apps without a
 *   workload (a few suites' plain stacks) run aws-cdk-lib's built-in plugin, live;
 * - on a miss the live engine validates it, and the engine is built once per jest process, not
 *   once per test file: test/setup/environment.ts holds aws-cdk-lib's `@aws/cloudformation-validate`
 *   outside the test files' sandboxes, and the mock below hands every test file that same module
 *   (its `CompositeEngine` returns the process's engine for the configuration). Measured on the 2-core
 *   machine, a run with an empty cache took 105–120 s with an engine per test file; with the
 *   shared engine all validation of a cold run costs about 9 s of CPU.
 *
 * Context from `CDK_CONTEXT_JSON` overrides an app's `context` prop: a suite that sets the key on
 * its apps itself deletes the variable first (test/validation). jest gives each test file its own
 * copy of `process.env`, so this setting stays inside the test files.
 *
 * The cache returns the live validator's findings, on a miss and on a hit: test/validation runs
 * the built-in plugin (the same engine, live) against the cached one and compares the reports.
 * Run with another environment (`--env node`), each test file builds its own engine again: slower,
 * same findings.
 */
import { CONTEXT_ENV } from 'aws-cdk-lib/cx-api';
import { SHARED_VALIDATOR, SharedValidator } from './shared-validator';
import { CachedCloudFormationValidatePlugin } from '../../lib/validation';

const shared = (globalThis as unknown as Record<symbol, SharedValidator | undefined>)[SHARED_VALIDATOR];
if (shared) {
  // aws-cdk-lib loads the validator lazily, on the first template validated on a miss
  jest.mock(shared.modulePath, () => shared.load());
}

process.env[CONTEXT_ENV] = JSON.stringify({
  ...JSON.parse(process.env[CONTEXT_ENV] ?? '{}'),
  [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: 'cached',
});
