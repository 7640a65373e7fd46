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
 * construction is shared (one engine per rule configuration, as `new CompositeEngine(config)` would
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
/** How many times aws-cdk-lib asked this process for an engine (`new CompositeEngine(config)`). */
let requested = 0;

function load(): unknown {
  if (shared === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const real = require(MODULE_PATH);
    // called with `new` by aws-cdk-lib's CloudFormationValidatePlugin (aws-cdk-lib 2.278 builds a
    // `CompositeEngine`: core/lib/validation/cloudformation-validate-plugin.js): returning an object
    // from a constructor makes it the result of `new`. The config is rebuilt in this realm (the
    // validator accepts only plain objects, and a test file's objects come from its sandbox), and the
    // plugin's `free()` of an engine it replaces must not free the engine other test files share.
    const plain = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
    function CompositeEngine(config?: unknown): unknown {
      requested++;
      const key = JSON.stringify(config ?? {});
      if (!engines.has(key)) {
        const engine = new real.CompositeEngine(plain(config));
        engines.set(key, Object.create(engine, {
          free: { value: () => undefined },
          validateTemplate: { value: (template: unknown, options?: unknown) => engine.validateTemplate(template, plain(options)) },
        }));
      }
      return engines.get(key);
    }
    shared = { ...real, CompositeEngine };
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
