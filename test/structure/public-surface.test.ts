import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as pkg from '../../package.json';

const ROOT = path.join(__dirname, '..', '..');
const INDEX = path.join(ROOT, 'lib', 'index.ts');

/** The package's runtime exports: user-facing classes and enums, nothing internal. */
const RUNTIME_EXPORTS = [
  'CacheSidecar', 'CacheSidecarType', 'CacheVolume', 'CacheVolumeType', 'CachedCloudFormationValidatePlugin', 'ClusterDns', 'ClusterFlavor', 'CpuArchitecture', 'GpuLabelFormat',
  'GpuNodeLabels', 'InferencePlatform', 'InferenceTesting', 'InferenceWorkload', 'InferenceWorkloadValidationError', 'IpFamily', 'LambdaCode', 'LambdaEntryPoint',
  'LoadBalancerIntegration', 'ManagedInstancesVpcEndpoints', 'MetricsStack', 'ModelCredentials', 'ModelImage', 'ModelServer', 'PlacementDecision', 'PlacementPolicy', 'PlacementReport', 'PlacementTarget', 'PreStopAction', 'PriceTable',
  'RuleKind', 'RuleVerdict',
  'ScalingMetric', 'Verdict', 'WorkloadTemplates', 'ZoneSpread',
];

/**
 * The options of every program of this test: one set, so that the files parsed (and bound) for one
 * program are valid in the next. 'inference-workload' resolves to lib/index.ts.
 */
const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  resolveJsonModule: true,
  types: [],
  baseUrl: ROOT,
  paths: { 'inference-workload': ['lib/index.ts'] },
};

/** Files parsed by one program of this test, reused by the next (lib/ and aws-cdk-lib are parsed once). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** A compiler host that serves `snippets` (absolute path to text) and parses every other file once. */
function host(snippets = new Map<string, string>()): ts.CompilerHost {
  const h = ts.createCompilerHost(OPTIONS);
  const read = h.readFile.bind(h);
  const exists = h.fileExists.bind(h);
  const getSourceFile = h.getSourceFile.bind(h);
  h.readFile = f => snippets.get(path.resolve(f)) ?? read(f);
  h.fileExists = f => snippets.has(path.resolve(f)) || exists(f);
  h.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (snippets.has(path.resolve(fileName))) {
      return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    }
    if (!parsed.has(fileName)) {
      parsed.set(fileName, getSourceFile(fileName, languageVersion, onError, shouldCreate));
    }
    return parsed.get(fileName);
  };
  return h;
}

/** Type-checks snippets that import from 'inference-workload'; returns the diagnostics of each. */
function compile(snippets: Record<string, string>): Map<string, string[]> {
  const files = new Map(Object.entries(snippets).map(([name, text]) => [path.join(ROOT, 'test', `__surface_${name}.ts`), text]));
  const program = ts.createProgram([...files.keys()], OPTIONS, host(files));
  const result = new Map<string, string[]>();
  for (const [file] of files) {
    const source = program.getSourceFile(file)!;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    result.set(path.basename(file, '.ts').replace('__surface_', ''), diagnostics.map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n')));
  }
  return result;
}

interface Exports {
  /** Every name a module under lib/ exports (by the compiler's own reading), with its file. */
  readonly ofEveryModule: Map<string, string>;
  /** The names lib/index.ts exports (values and types). */
  readonly ofIndex: string[];
}

/** What lib/ exports, read from one program of every module under lib/. */
function exportsOfLib(): Exports {
  const program = ts.createProgram([INDEX, ...ts.sys.readDirectory(path.join(ROOT, 'lib'), ['.ts'])], OPTIONS, host());
  const checker = program.getTypeChecker();
  const ofEveryModule = new Map<string, string>();
  for (const source of program.getSourceFiles().filter(s => s.fileName.includes('/lib/') && !s.fileName.includes('node_modules'))) {
    const symbol = checker.getSymbolAtLocation(source);
    for (const e of symbol ? checker.getExportsOfModule(symbol) : []) {
      if (!ofEveryModule.has(e.name)) {
        ofEveryModule.set(e.name, path.relative(ROOT, source.fileName));
      }
    }
  }
  const ofIndex = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!).map(s => s.name);
  return { ofEveryModule, ofIndex };
}

describe('the public surface', () => {
  test('the package exports user-facing classes and enums only at runtime', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(Object.keys(require('../../lib')).sort()).toEqual(RUNTIME_EXPORTS);
  });

  test('internals do not compile when imported from the package; InferenceWorkloadValidationError does', () => {
    const { ofEveryModule: all, ofIndex } = exportsOfLib();
    const publicNames = new Set(ofIndex);
    const internals = [...all.keys()].filter(n => !publicNames.has(n));
    // the internals users were able to import before: renderers, checks, helpers, limits
    expect(internals).toEqual(expect.arrayContaining([
      'renderLambda', 'renderKubernetes', 'renderHybrid', 'deliverKubernetes', 'addGpuLimit', 'checkLambdaOptions',
      'checkKubernetesOptions', 'checkHybridOptions', 'resolveProfile', 'MAX_MANIFEST_BYTES', 'ResolvedProfile', 'RENDERERS',
    ]));
    const snippets: Record<string, string> = {
      ok: "import { InferenceWorkloadValidationError, InferenceWorkload } from 'inference-workload';\n"
        + 'export const isValidationError = (e: unknown) => e instanceof InferenceWorkloadValidationError;\nexport type W = InferenceWorkload;\n',
    };
    for (const name of internals) {
      snippets[`internal_${name}`] = `import { ${name} } from 'inference-workload';\nexport const x: unknown = ${name} as unknown;\n`;
    }
    const diagnostics = compile(snippets);
    expect(diagnostics.get('ok')).toEqual([]);
    const compiled = internals.filter(n => diagnostics.get(`internal_${n}`)!.every(d => !/has no exported member|declares '.*' locally/.test(d)));
    expect(compiled).toEqual([]);
    // the generated API reference documents no internal symbol (each documented type has an anchor)
    const api = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
    expect(api).toContain('id="inference-workload.InferenceWorkload"');
    expect(internals.filter(n => api.includes(`id="inference-workload.${n}"`))).toEqual([]);
  });

  test('the package has one entry point: internals cannot be imported by path', () => {
    expect(Object.keys((pkg as { exports: Record<string, unknown> }).exports).sort()).toEqual(['.', './.jsii', './package.json']);
  });
});
