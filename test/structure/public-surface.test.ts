import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as pkg from '../../package.json';

const ROOT = path.join(__dirname, '..', '..');
const INDEX = path.join(ROOT, 'lib', 'index.ts');

/** The package's runtime exports: user-facing classes and enums, nothing internal. */
const RUNTIME_EXPORTS = [
  'CacheSidecar', 'CacheSidecarType', 'CacheVolume', 'CacheVolumeType', 'CachedCloudFormationValidatePlugin', 'CpuArchitecture', 'GpuLabelFormat',
  'GpuNodeLabels', 'InferencePlatform', 'InferenceTesting', 'InferenceWorkload', 'InferenceWorkloadValidationError', 'LambdaCode', 'LambdaEntryPoint',
  'ModelCredentials', 'ModelImage', 'ModelServer', 'PlacementDecision', 'PlacementPolicy', 'PlacementReport', 'PlacementTarget', 'PreStopAction', 'PriceTable',
  'RuleKind', 'RuleVerdict',
  'ScalingMetric', 'WorkloadTemplates', 'ZoneSpread',
];

/** Type-checks one snippet that imports from 'inference-workload' (mapped to lib/index.ts); returns its diagnostics. */
function compile(snippets: Record<string, string>): Map<string, string[]> {
  const files = new Map(Object.entries(snippets).map(([name, text]) => [path.join(ROOT, 'test', `__surface_${name}.ts`), text]));
  const options: ts.CompilerOptions = {
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
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = f => files.get(path.resolve(f)) ?? read(f);
  host.fileExists = f => files.has(path.resolve(f)) || exists(f);
  const program = ts.createProgram([...files.keys()], options, host);
  const result = new Map<string, string[]>();
  for (const [file] of files) {
    const source = program.getSourceFile(file)!;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    result.set(path.basename(file, '.ts').replace('__surface_', ''), diagnostics.map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n')));
  }
  return result;
}

/** Every name a module under lib/ exports (by the compiler's own reading), with its file. */
function exportedNamesOfEveryModule(): Map<string, string> {
  const program = ts.createProgram([INDEX, ...ts.sys.readDirectory(path.join(ROOT, 'lib'), ['.ts'])], { skipLibCheck: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const names = new Map<string, string>();
  for (const source of program.getSourceFiles().filter(s => s.fileName.includes('/lib/') && !s.fileName.includes('node_modules'))) {
    const symbol = checker.getSymbolAtLocation(source);
    for (const e of symbol ? checker.getExportsOfModule(symbol) : []) {
      if (!names.has(e.name)) {
        names.set(e.name, path.relative(ROOT, source.fileName));
      }
    }
  }
  return names;
}

describe('the public surface', () => {
  test('the package exports user-facing classes and enums only at runtime', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(Object.keys(require('../../lib')).sort()).toEqual(RUNTIME_EXPORTS);
  });

  test('internals do not compile when imported from the package; InferenceWorkloadValidationError does', () => {
    const all = exportedNamesOfEveryModule();
    const publicNames = new Set(compileExportsOfIndex());
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

/** The names lib/index.ts exports (values and types). */
function compileExportsOfIndex(): string[] {
  const program = ts.createProgram([INDEX], { skipLibCheck: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  return checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!).map(s => s.name);
}
