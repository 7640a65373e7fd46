import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CloudFormationValidatePlugin, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation,
  Stage, ValidationRuleSource, Validations,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InferenceWorkloadValidationError } from '../errors';

/**
 * Options of `CachedCloudFormationValidatePlugin.cached()`.
 */
export interface CachedValidationOptions {
  /**
   * Folder of the cache: one small JSON file of findings per validated template content.
   * @default - `node_modules/.cache/inference-workload/cfn-validate` in the nearest folder,
   * from the working directory up, that has a `node_modules`; else a folder under the OS's
   * temporary directory
   */
  readonly cacheDirectory?: string;

  /**
   * Custom Rego rules, as `CloudFormationValidatePlugin`'s `regoRules` (part of the cache key).
   * @default - none
   */
  readonly regoRules?: ValidationRuleSource[];

  /**
   * Custom Guard rules, as `CloudFormationValidatePlugin`'s `guardRules` (part of the cache key).
   * @default - none
   */
  readonly guardRules?: ValidationRuleSource[];
}

/** Version of the cache file's shape; part of the key. */
const CACHE_FORMAT = 1;

/** What the plugin remembers about one template content. */
interface CacheEntry {
  readonly key: string;
  /** The engine's `version()`, reported as the plugin's version. */
  readonly engineVersion: string;
  readonly violations: CachedViolation[];
}

/** A violation of one template, without the template's path or stack (restored on a hit). */
interface CachedViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity?: string;
  readonly fix?: string;
  readonly ruleMetadata?: { [key: string]: string };
  readonly resources: Array<{ readonly resourceLogicalId?: string; readonly stack: boolean; readonly locations: string[] }>;
}

interface PluginState {
  readonly enabled: boolean;
  readonly cacheDirectory?: string;
  readonly props: { regoRules?: ValidationRuleSource[]; guardRules?: ValidationRuleSource[] };
  /** Hash of everything but the template that decides the findings. */
  readonly settingsKey: string;
  engineVersion?: string;
  hits: number;
  misses: number;
}

const STATE = new WeakMap<CachedCloudFormationValidatePlugin, PluginState>();

/** Engines built on a miss, one per rule settings, shared by every plugin in the process. */
const ENGINES = new Map<string, CloudFormationValidatePlugin>();

/** The apps (or stages) `register()` has already seen: it registers at most once per app. */
const REGISTERED = new WeakSet<Stage>();

/**
 * aws-cdk-lib's CloudFormation template validation, with its findings cached on disk.
 *
 * aws-cdk-lib (2.262 and later) validates every template at synth with a WebAssembly rule engine
 * (`CloudFormationValidatePlugin`): building the engine costs about 2–4 s of CPU and 300 MiB per
 * process, then about 2 ms per resource. This plugin validates each template content once: the
 * findings are stored in a file keyed by a hash of the template bytes, the aws-cdk-lib version,
 * the validator's version, the custom rules and the stack's account and region. On a hit the
 * engine is not built at all. On a miss it runs aws-cdk-lib's own plugin on that template, so the
 * findings are exactly the built-in plugin's; they are reported under the same plugin name, so
 * the `@aws-cdk/core:validateAgainstDefaultRules` flag still decides whether they fail synth
 * (`true`) or are printed as warnings.
 *
 * Registering it on an app replaces the built-in plugin (aws-cdk-lib runs one instance of
 * `CloudFormationValidatePlugin` per app, and this is one):
 *
 * ```ts
 * Validations.of(app).addPlugins(CachedCloudFormationValidatePlugin.cached());
 * ```
 *
 * `InferencePlatform` does this for its app unless the context key
 * `inference-workload:templateValidation` says otherwise (see `register()`); with that key set
 * (in `cdk.json`, for example), every `InferenceWorkload` does it for its app as the key says.
 * A corrupted or unreadable cache file is a miss; files are written atomically (temporary file,
 * then rename); nothing is downloaded.
 */
export class CachedCloudFormationValidatePlugin extends CloudFormationValidatePlugin {
  /** The context key read by `register()`: `cached` (default), `off` or `built-in`. */
  public static readonly CONTEXT_KEY: string = 'inference-workload:templateValidation';

  /**
   * Validation with the findings cached on disk.
   */
  public static cached(options: CachedValidationOptions = {}): CachedCloudFormationValidatePlugin {
    const props = { regoRules: options.regoRules, guardRules: options.guardRules };
    return CachedCloudFormationValidatePlugin.make({
      enabled: true,
      cacheDirectory: options.cacheDirectory ?? defaultCacheDirectory(),
      props,
      settingsKey: sha256(JSON.stringify({
        format: CACHE_FORMAT,
        awsCdkLib: packageVersion('aws-cdk-lib'),
        validator: validatorPackageVersion(),
        regoRules: options.regoRules ?? [],
        guardRules: options.guardRules ?? [],
      })),
      hits: 0,
      misses: 0,
    });
  }

  /**
   * No template validation: registered in place of the built-in plugin, it reports nothing and
   * never builds the engine. For very large apps whose templates are validated elsewhere.
   */
  public static disabled(): CachedCloudFormationValidatePlugin {
    return CachedCloudFormationValidatePlugin.make({ enabled: false, props: {}, settingsKey: '', hits: 0, misses: 0 });
  }

  /**
   * Registers template validation on the app of `scope`, as the context key `CONTEXT_KEY` says:
   * `cached` (default) registers `cached(options)`, `off` registers `disabled()`, `built-in`
   * registers nothing (aws-cdk-lib's own plugin runs). Registration happens when the app is
   * validated, after all user code ran, and is skipped when the app already has a
   * `CloudFormationValidatePlugin` of its own. Does nothing outside an `App` or `Stage`.
   *
   * @param scope any construct of the app
   * @param options options of the cached plugin
   */
  public static register(scope: IConstruct, options: CachedValidationOptions = {}): void {
    const root = scope.node.root;
    if (!Stage.isStage(root)) {
      return;
    }
    if (REGISTERED.has(root)) {
      return;
    }
    const mode = root.node.tryGetContext(CachedCloudFormationValidatePlugin.CONTEXT_KEY) ?? 'cached';
    if (!['cached', 'off', 'built-in'].includes(mode)) {
      throw new InferenceWorkloadValidationError(
        `'${CachedCloudFormationValidatePlugin.CONTEXT_KEY}' must be 'cached', 'off' or 'built-in', got ${JSON.stringify(mode)}`);
    }
    REGISTERED.add(root);
    if (mode === 'built-in') {
      return;
    }
    // validations run before the templates are validated, and after every construct was added
    root.node.addValidation({
      validate: () => {
        if (!hasValidatePlugin(root)) {
          Validations.of(root).addPlugins(mode === 'off' ? CachedCloudFormationValidatePlugin.disabled() : CachedCloudFormationValidatePlugin.cached(options));
        }
        return [];
      },
    });
  }

  /** Instances skip the base constructor, which would build the engine. */
  private static make(state: PluginState): CachedCloudFormationValidatePlugin {
    const plugin: CachedCloudFormationValidatePlugin = Object.create(CachedCloudFormationValidatePlugin.prototype);
    (plugin as { name: string }).name = CloudFormationValidatePlugin.PLUGIN_NAME;
    STATE.set(plugin, state);
    return plugin;
  }

  private constructor() {
    // never called: see make()
    super();
  }

  /** Whether templates are validated (false for `disabled()`). */
  public get enabled(): boolean {
    return stateOf(this).enabled;
  }

  /**
   * The cache folder.
   * @default - none (disabled)
   */
  public get cacheDirectory(): string | undefined {
    return stateOf(this).cacheDirectory;
  }

  /** Templates whose findings came from the cache so far. */
  public get cacheHits(): number {
    return stateOf(this).hits;
  }

  /** Templates validated by the engine so far. */
  public get cacheMisses(): number {
    return stateOf(this).misses;
  }

  /**
   * The validator's version (read from the cache when the engine was not needed).
   * @default - none when disabled
   */
  public get version(): string | undefined {
    const s = stateOf(this);
    if (!s.enabled) {
      return undefined; // reading the engine's version would load (compile) it
    }
    return s.engineVersion ?? super.version;
  }

  /** The rule ids the engine applies (builds the engine). */
  public get ruleIds(): string[] | undefined {
    return engineFor(stateOf(this)).ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const s = stateOf(this);
    if (!s.enabled) {
      return { success: true, violations: [] };
    }
    const violations: PolicyViolation[] = [];
    for (const stack of context.stackTemplates) {
      const { stackConstructPath, templatePath } = stack;
      const bytes = fs.readFileSync(templatePath);
      // aws-cdk-lib 2.278 gives each stack's account and region with its template
      // (aws-cdk-lib core/lib/validation/validation.d.ts, PolicyValidationStack)
      const key = sha256(JSON.stringify([s.settingsKey, stack.accountId ?? null, stack.region ?? null, sha256(bytes)]));
      const file = path.join(s.cacheDirectory!, `${key}.json`);
      let entry = readEntry(file, key);
      if (entry) {
        s.hits++;
      } else {
        s.misses++;
        const engine = engineFor(s);
        const report = engine.validate({ ...context, templatePaths: [templatePath], stackTemplates: [stack] });
        entry = { key, engineVersion: engine.version ?? '', violations: report.violations.map(v => toCached(v, stackConstructPath, templatePath)) };
        writeEntry(file, entry);
      }
      s.engineVersion = entry.engineVersion;
      // merge as the built-in plugin does: one violation per (rule, severity), resources in template order
      for (const cached of entry.violations) {
        const v = fromCached(cached, stackConstructPath, templatePath);
        const existing = violations.find(x => x.ruleName === v.ruleName && x.severity === v.severity);
        if (existing) {
          existing.violatingResources.push(...v.violatingResources);
        } else {
          violations.push(v);
        }
      }
    }
    return { success: violations.every(v => v.severity !== 'error' && v.severity !== 'fatal'), violations };
  }
}

function stateOf(plugin: CachedCloudFormationValidatePlugin): PluginState {
  const s = STATE.get(plugin);
  if (!s) {
    throw new InferenceWorkloadValidationError('CachedCloudFormationValidatePlugin must be created with cached() or disabled()');
  }
  return s;
}

function engineFor(s: PluginState): CloudFormationValidatePlugin {
  let engine = ENGINES.get(s.settingsKey);
  if (!engine) {
    engine = new CloudFormationValidatePlugin(s.props);
    ENGINES.set(s.settingsKey, engine);
  }
  return engine;
}

function hasValidatePlugin(stage: IConstruct): boolean {
  // aws-cdk-lib keeps a stage's plugins in `_validationPlugins`; read defensively
  const plugins = (stage as { _validationPlugins?: unknown })._validationPlugins;
  return Array.isArray(plugins) && plugins.some(p => p instanceof CloudFormationValidatePlugin);
}

function toCached(v: PolicyViolation, stackConstructPath: string, templatePath: string): CachedViolation {
  return {
    ruleName: v.ruleName,
    description: v.description,
    severity: v.severity,
    fix: v.fix,
    ruleMetadata: v.ruleMetadata,
    resources: v.violatingResources.map(r => {
      if (r.templatePath !== templatePath || (r.constructPath !== undefined && r.constructPath !== stackConstructPath)) {
        throw new InferenceWorkloadValidationError(`unexpected violating resource from CloudFormationValidatePlugin: ${JSON.stringify(r)}`);
      }
      return { resourceLogicalId: r.resourceLogicalId, stack: r.constructPath !== undefined, locations: [...r.locations] };
    }),
  };
}

function fromCached(c: CachedViolation, stackConstructPath: string, templatePath: string): PolicyViolation {
  return {
    ruleName: c.ruleName,
    description: c.description,
    severity: c.severity,
    fix: c.fix,
    violatingResources: c.resources.map(r => ({
      resourceLogicalId: r.resourceLogicalId,
      constructPath: r.stack ? stackConstructPath : undefined,
      templatePath,
      locations: [...r.locations],
    })),
    ruleMetadata: c.ruleMetadata,
  };
}

/** The entry in `file`, or undefined when missing, unreadable, corrupted or for another key. */
function readEntry(file: string, key: string): CacheEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch {
    return undefined; // missing or corrupted: a miss
  }
  return isEntry(parsed) && parsed.key === key ? parsed : undefined;
}

function isEntry(x: any): x is CacheEntry {
  const str = (v: unknown) => typeof v === 'string';
  const optStr = (v: unknown) => v === undefined || typeof v === 'string';
  return x !== null && typeof x === 'object' && str(x.key) && str(x.engineVersion) && Array.isArray(x.violations)
    && x.violations.every((v: any) => v !== null && typeof v === 'object' && str(v.ruleName) && str(v.description)
      && optStr(v.severity) && optStr(v.fix)
      && (v.ruleMetadata === undefined || (v.ruleMetadata !== null && typeof v.ruleMetadata === 'object'))
      && Array.isArray(v.resources) && v.resources.every((r: any) => r !== null && typeof r === 'object'
        && optStr(r.resourceLogicalId) && typeof r.stack === 'boolean' && Array.isArray(r.locations) && r.locations.every(str)));
}

/** Writes atomically: a temporary file in the same folder, then a rename. */
function writeEntry(file: string, entry: CacheEntry): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file);
  } catch {
    // a cache that cannot be written (read-only folder, full disk) only costs the next run a miss
    fs.rmSync(tmp, { force: true });
  }
}

function sha256(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function packageVersion(name: string): string {
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf-8')).version;
}

/** The version of aws-cdk-lib's bundled validator package, read without loading it. */
function validatorPackageVersion(): string {
  const cdkDir = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  const file = require.resolve('@aws/cloudformation-validate/package.json', { paths: [cdkDir] });
  return JSON.parse(fs.readFileSync(file, 'utf-8')).version;
}

function defaultCacheDirectory(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) {
      return path.join(dir, 'node_modules', '.cache', 'inference-workload', 'cfn-validate');
    }
    if (path.dirname(dir) === dir) {
      return path.join(os.tmpdir(), 'inference-workload-cache', 'cfn-validate');
    }
  }
}
