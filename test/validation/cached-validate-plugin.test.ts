import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, CloudFormationValidatePlugin, IPolicyValidationPluginBeta1, Stack, Validations } from 'aws-cdk-lib';
import { CONTEXT_ENV } from 'aws-cdk-lib/cx-api';
import { CachedCloudFormationValidatePlugin, InferencePlatform, InferenceWorkload, ModelImage, WorkloadTemplates } from '../../lib';
import { SHARED_VALIDATOR, SharedValidator } from '../setup/shared-validator';

// The one suite that runs aws-cdk-lib's live validator (the engine), and compares the cached
// plugin with it. Other suites validate through the cache (test/setup/validation.ts).

// test/setup/validation.ts sets the template validation context key for every app through
// CDK_CONTEXT_JSON, which would override the key this suite sets on its apps
delete process.env[CONTEXT_ENV];

const FLAG = '@aws-cdk/core:validateAgainstDefaultRules';

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Two stacks with the same known errors (the second stack's template differs only by a tag). */
function appWithErrors(outdir: string, context: Record<string, unknown> = {}, variant = ''): App {
  const app = new App({ outdir, context });
  for (const id of ['First', 'Second']) {
    const stack = new Stack(app, id);
    new CfnResource(stack, 'Fn', {
      type: 'AWS::Lambda::Function',
      properties: {
        Code: { ZipFile: 'exports.handler = async () => 1' },
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Role: 'arn:aws:iam::123456789012:role/example',
        MemorySize: 'abc', // F3012: not an integer
        Description: `${id}${variant}`,
      },
    });
    new CfnResource(stack, 'Queue', { type: 'AWS::SQS::Queue', properties: { Bogus: 1 } }); // F3002
  }
  return app;
}

/**
 * What aws-cdk-lib wrote about the validation: the plugin reports of validation-report.json,
 * without the stack traces of the constructs (they name the line of the test that built the app).
 */
function pluginReports(outdir: string): unknown {
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
  return JSON.parse(JSON.stringify(report.pluginReports, (key, value) => (key === 'stackTraces' ? undefined : value)));
}

describe('CachedCloudFormationValidatePlugin', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    // aws-cdk-lib prints the findings to stderr; the reports are compared instead
    stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => stderr.mockRestore());

  test('reports exactly the built-in plugin\'s findings, on a miss and on a hit, as warnings when the flag is unset', () => {
    const cache = tempDir('iw-cfn-cache-');
    const builtInOut = tempDir('iw-builtin-');
    appWithErrors(builtInOut).synth();
    const expected = pluginReports(builtInOut) as Array<{ pluginName: string; violations: Array<{ ruleName: string; severity: string }> }>;
    expect(expected).toHaveLength(1);
    expect(expected[0].pluginName).toBe('CloudFormation Validate');
    expect(expected[0].violations.map(v => [v.ruleName, v.severity]).sort()).toEqual([['F3002', 'warning'], ['F3012', 'warning']]);

    const miss = CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache });
    const missOut = tempDir('iw-miss-');
    const missApp = appWithErrors(missOut);
    Validations.of(missApp).addPlugins(miss);
    missApp.synth();
    expect(pluginReports(missOut)).toEqual(expected);
    expect([miss.cacheMisses, miss.cacheHits]).toEqual([2, 0]);

    const hit = CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache });
    const hitOut = tempDir('iw-hit-');
    const hitApp = appWithErrors(hitOut);
    Validations.of(hitApp).addPlugins(hit);
    hitApp.synth();
    expect(pluginReports(hitOut)).toEqual(expected);
    expect([hit.cacheMisses, hit.cacheHits]).toEqual([0, 2]);
    expect(fs.readdirSync(cache)).toHaveLength(2);
  });

  test('fails synth with the built-in plugin\'s findings when the flag is true, on a hit too', () => {
    const cache = tempDir('iw-cfn-cache-');
    const runs = [undefined, 'miss', 'hit'].map(kind => {
      const outdir = tempDir('iw-fatal-');
      const app = appWithErrors(outdir, { [FLAG]: true });
      const plugin = kind ? CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache }) : undefined;
      if (plugin) {
        Validations.of(app).addPlugins(plugin);
      }
      let message = '';
      try {
        app.synth();
      } catch (e) {
        // the report's path is printed absolute or relative to the working directory: both name the folder
        message = (e as Error).message.split(outdir).join('<outdir>').split(path.basename(outdir)).join('<outdir>');
      }
      expect(message).toContain("ERROR MemorySize: 'abc' is not of type 'integer' (CloudFormation Validate)");
      return { message, reports: pluginReports(outdir), misses: plugin?.cacheMisses, hits: plugin?.cacheHits };
    });
    const [builtIn, miss, hit] = runs;
    expect(JSON.stringify(builtIn.reports)).toContain('"severity":"error"');
    expect(miss.reports).toEqual(builtIn.reports);
    expect(hit.reports).toEqual(builtIn.reports);
    expect(miss.message).toBe(builtIn.message);
    expect(hit.message).toBe(builtIn.message);
    expect([miss.misses, hit.hits, hit.misses]).toEqual([2, 2, 0]);
  });

  test('a changed template or rule setting, or a corrupted cache file is a miss, never a crash', () => {
    const cache = tempDir('iw-cfn-cache-');
    const run = (plugin: CachedCloudFormationValidatePlugin, variant = '') => {
      const app = appWithErrors(tempDir('iw-key-'), {}, variant);
      Validations.of(app).addPlugins(plugin);
      app.synth();
      return [plugin.cacheMisses, plugin.cacheHits];
    };
    expect(run(CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache }))).toEqual([2, 0]);
    expect(run(CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache }))).toEqual([0, 2]);
    // a changed template
    expect(run(CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache }), '-changed')).toEqual([2, 0]);
    // another rule setting
    const guardRules = [{ name: 'queues-named', content: "rule queues_named { Resources.*[ Type == 'AWS::SQS::Queue' ].Properties.QueueName exists }" }];
    expect(run(CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache, guardRules }))).toEqual([2, 0]);
    // corrupted files: truncated JSON, valid JSON of the wrong shape
    const files = fs.readdirSync(cache).map(f => path.join(cache, f));
    expect(files).toHaveLength(6);
    for (const [i, f] of files.entries()) {
      fs.writeFileSync(f, i % 2 === 0 ? '{"key": "tru' : JSON.stringify({ key: 'x', violations: 'nope' }));
    }
    expect(run(CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache }))).toEqual([2, 0]);
    expect(run(CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache }))).toEqual([0, 2]);
    expect(fs.readdirSync(cache).filter(f => f.endsWith('.tmp'))).toEqual([]);
  });

  test('another account or region is a miss (the findings depend on the environment)', () => {
    const cache = tempDir('iw-cfn-cache-');
    const synthIn = (region: string) => {
      const app = new App({ outdir: tempDir('iw-env-') });
      const stack = new Stack(app, 'Env', { env: { account: '123456789012', region } });
      new CfnResource(stack, 'Queue', { type: 'AWS::SQS::Queue', properties: { Bogus: 1 } });
      const plugin = CachedCloudFormationValidatePlugin.cached({ cacheDirectory: cache });
      Validations.of(app).addPlugins(plugin);
      app.synth();
      return [plugin.cacheMisses, plugin.cacheHits];
    };
    expect(synthIn('us-east-1')).toEqual([1, 0]);
    expect(synthIn('eu-west-1')).toEqual([1, 0]);
    expect(synthIn('us-east-1')).toEqual([0, 1]);
  });

  test('disabled() reports nothing and replaces the built-in plugin', () => {
    const outdir = tempDir('iw-off-');
    const app = appWithErrors(outdir, { [FLAG]: true });
    const plugin = CachedCloudFormationValidatePlugin.disabled();
    Validations.of(app).addPlugins(plugin);
    expect(() => app.synth()).not.toThrow();
    expect(plugin.enabled).toBe(false);
    expect(plugin.cacheDirectory).toBeUndefined();
    expect(plugin).toBeInstanceOf(CloudFormationValidatePlugin);
  });
});

describe('the validator engine of the test run (test/setup/environment.ts)', () => {
  test('is aws-cdk-lib\'s, built once per rule configuration and jest process, not once per test file', () => {
    const shared = (globalThis as unknown as Record<symbol, SharedValidator | undefined>)[SHARED_VALIDATOR];
    expect(shared).toBeDefined();
    // the module aws-cdk-lib loads in this test file is the process's, not a fresh copy
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require(shared!.modulePath)).toBe(shared!.load());
    const guardRules = [{ name: 'queues-named', content: "rule queues_named { Resources.*[ Type == 'AWS::SQS::Queue' ].Properties.QueueName exists }" }];
    // aws-cdk-lib 2.278 asks for its engine on the plugin's first validation (initializeEngine in
    // core/lib/validation/cloudformation-validate-plugin.js), with the built-in rules of the
    // template's resource types and the plugin's own rules as the configuration
    const templatePath = path.join(tempDir('engine-'), 'S.template.json');
    fs.writeFileSync(templatePath, JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } } } }));
    const validateWith = (props?: ConstructorParameters<typeof CloudFormationValidatePlugin>[0]) => new CloudFormationValidatePlugin(props)
      .validate({ templatePaths: [templatePath], stackTemplates: [{ stackConstructPath: 'S', templatePath, accountId: undefined, region: undefined }], appConstruct: new App() });
    // every plugin asks the process for its engine, and gets the one of its rule configuration
    // (built by this file's earlier tests, or by another file this process ran)
    validateWith();
    validateWith({ guardRules });
    const start = shared!.engines();
    expect(start.configurations.filter(c => c.includes('queues_named'))).toHaveLength(1);
    validateWith();
    validateWith({});
    validateWith({ guardRules });
    expect(validateWith({ guardRules }).success).toBe(true);
    expect(shared!.engines()).toEqual({ requested: start.requested + 4, configurations: start.configurations });
  });
});

describe('CachedCloudFormationValidatePlugin.register', () => {
  const image = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');
  // every plugin added to an app goes through the public Validations.addPlugins (each test has one app)
  let addPlugins: jest.SpyInstance<void, IPolicyValidationPluginBeta1[]>;
  beforeEach(() => {
    addPlugins = jest.spyOn(Validations.prototype, 'addPlugins');
  });
  afterEach(() => addPlugins.mockRestore());
  const registered = () => addPlugins.mock.calls.flat().filter(p => p instanceof CloudFormationValidatePlugin);

  test('InferencePlatform registers the cached plugin on its app when the app is validated', () => {
    const app = new App({ outdir: tempDir('iw-reg-') });
    new InferencePlatform(app, 'P').addWorkload('Classifier', WorkloadTemplates.spikyClassifier({ image }));
    expect(registered()).toHaveLength(0);
    app.synth();
    const plugins = registered();
    expect(plugins).toHaveLength(1);
    expect((plugins[0] as CachedCloudFormationValidatePlugin).enabled).toBe(true);
  });

  test('an InferenceWorkload registers the cached plugin once on its app, as a platform does', () => {
    const app = new App({ outdir: tempDir('iw-reg-') });
    const stack = new Stack(app, 'S');
    new InferenceWorkload(stack, 'A', WorkloadTemplates.spikyClassifier({ image }));
    new InferenceWorkload(stack, 'B', WorkloadTemplates.spikyClassifier({ image }));
    app.synth();
    expect(registered().map(p => (p as CachedCloudFormationValidatePlugin).enabled)).toEqual([true]);
    addPlugins.mockClear();

    const off = new App({ outdir: tempDir('iw-reg-'), context: { [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: 'off' } });
    new InferenceWorkload(new Stack(off, 'S'), 'A', WorkloadTemplates.spikyClassifier({ image }));
    off.synth();
    expect(registered().map(p => (p as CachedCloudFormationValidatePlugin).enabled)).toEqual([false]);
  });

  test.each([
    ['off', false],
    ['cached', true],
  ])('context %s registers a plugin with enabled = %s', (mode, enabled) => {
    const app = new App({ outdir: tempDir('iw-reg-'), context: { [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: mode } });
    new InferencePlatform(app, 'P').addWorkload('Classifier', WorkloadTemplates.spikyClassifier({ image }));
    app.synth();
    expect(registered().map(p => (p as CachedCloudFormationValidatePlugin).enabled)).toEqual([enabled]);
  });

  test('context built-in registers nothing, and a plugin of the user\'s own is kept', () => {
    const builtIn = new App({ outdir: tempDir('iw-reg-'), context: { [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: 'built-in' } });
    new InferencePlatform(builtIn, 'P');
    builtIn.synth();
    expect(registered()).toHaveLength(0);

    const own = new App({ outdir: tempDir('iw-reg-') });
    new InferencePlatform(own, 'P');
    const mine = CachedCloudFormationValidatePlugin.disabled();
    Validations.of(own).addPlugins(mine); // added after the platform: still the only one
    own.synth();
    expect(registered()).toEqual([mine]);
  });

  test.each([
    [undefined, [true]],
    ['cached', [true]],
    ['off', [false]],
    ['built-in', []],
  ])('an InferenceWorkload in a plain stack registers as the context key %s says (cached when it is unset)', (mode, enabled) => {
    const context = mode === undefined ? {} : { [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: mode };
    const app = new App({ outdir: tempDir('iw-reg-'), context });
    const stack = new Stack(app, 'Serving');
    new InferenceWorkload(stack, 'Classifier', WorkloadTemplates.spikyClassifier({ image }));
    new InferenceWorkload(stack, 'Ranker', WorkloadTemplates.spikyClassifier({ image }));
    app.synth();
    expect(registered().map(p => (p as CachedCloudFormationValidatePlugin).enabled)).toEqual(enabled);
  });

  test('fails on an unknown context value', () => {
    const app = new App({ context: { [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: 'sometimes' } });
    expect(() => new InferencePlatform(app, 'P'))
      .toThrow("'inference-workload:templateValidation' must be 'cached', 'off' or 'built-in', got \"sometimes\"");
    expect(() => new InferenceWorkload(new Stack(app, 'Serving'), 'Classifier', WorkloadTemplates.spikyClassifier({ image })))
      .toThrow("'inference-workload:templateValidation' must be 'cached', 'off' or 'built-in', got \"sometimes\" (in Serving/Classifier)");
  });
});
