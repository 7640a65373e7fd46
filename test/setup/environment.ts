/**
 * Jest test environment: jest's own node environment, plus one CloudFormation validator engine
 * per jest process (worker), shared by every test file that process runs.
 *
 * jest gives every test file a fresh module registry, so without this each file that synthesizes
 * a template the on-disk cache has not seen loads aws-cdk-lib's validator (`@aws/cloudformation-
 * validate`, WebAssembly) again and builds and warms up a new engine: about 1.5–4 s of CPU per
 * file, 40 s or more of a run that starts with an empty cache. This module is loaded once per jest
 * process (outside the test files' sandboxes), so the validator module and its engines it holds
 * live as long as the process. test/setup/validation.ts points the test files'
 * `@aws/cloudformation-validate` at it. The engine is aws-cdk-lib's own, unchanged: only its
 * construction is shared (one engine per rule configuration, as `new RegoEngine(config)` would
 * build). Every template is still validated, by the live engine on a cache miss.
 */
import * as path from 'path';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import { SHARED_VALIDATOR, SharedValidator } from './shared-validator';

const MODULE_PATH = require.resolve('@aws/cloudformation-validate', {
  paths: [path.dirname(require.resolve('aws-cdk-lib/package.json'))],
});

let shared: unknown;
/** The process's engines, one per rule configuration. */
const engines = new Map<string, unknown>();
/** How many times aws-cdk-lib asked this process for an engine (`new RegoEngine(config)`). */
let requested = 0;

function load(): unknown {
  if (shared === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const real = require(MODULE_PATH);
    // called with `new` by aws-cdk-lib's CloudFormationValidatePlugin: returning an object from a
    // constructor makes it the result of `new`
    function RegoEngine(config?: unknown): unknown {
      requested++;
      const key = JSON.stringify(config ?? {});
      if (!engines.has(key)) {
        engines.set(key, new real.RegoEngine(config));
      }
      return engines.get(key);
    }
    shared = { ...real, RegoEngine };
  }
  return shared;
}

export default class SharedValidatorEnvironment extends NodeEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const validator: SharedValidator = { modulePath: MODULE_PATH, load, engines: () => ({ requested, configurations: [...engines.keys()] }) };
    (this.global as unknown as Record<symbol, SharedValidator>)[SHARED_VALIDATOR] = validator;
  }
}
