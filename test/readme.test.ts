/**
 * Every ```ts block in README.md and in the pages under docs/ is compiled, and every complete one
 * is run, so the documentation cannot rot.
 *
 * - A block with `import` lines is a complete module: `inference-workload` resolves to
 *   `lib/`. It is type-checked, then run (with `test`/`describe` running their body at once
 *   and `toMatchSnapshot()` checking only that the value is plain JSON).
 * - A block without imports is a fragment: it is type-checked inside a block scope after a
 *   prelude that imports every export of `lib/`, `App`, `Stack`, `Duration` and `Size` from
 *   aws-cdk-lib, `Construct` from constructs, and declares `app`, `stack` and `scope`.
 *   Other free names: a lower-case one (a variable the surrounding text implies, e.g.
 *   `apiRole`) is declared `any`; a capitalised one is imported from the one well-known
 *   module that exports it (e.g. `SnsAction` from aws-cloudwatch-actions), and is an error
 *   if none does, so a misspelt library name still fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { format as formatText } from 'util';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const DOCS = path.join(ROOT, 'docs');
const WORK = path.join(ROOT, 'tmp-readme');
const LIB_INDEX = path.join(ROOT, 'lib', 'index.ts');

/** Modules searched for capitalised free names in fragments, in this order. */
const KNOWN_MODULES = [
  'aws-cdk-lib',
  'aws-cdk-lib/assertions',
  'aws-cdk-lib/aws-lambda',
  'aws-cdk-lib/aws-iam',
  'aws-cdk-lib/aws-ecr',
  'aws-cdk-lib/aws-ec2',
  'aws-cdk-lib/aws-kms',
  'aws-cdk-lib/aws-logs',
  'aws-cdk-lib/aws-sns',
  'aws-cdk-lib/aws-cloudwatch',
  'aws-cdk-lib/aws-cloudwatch-actions',
  'aws-cdk-lib/aws-apigatewayv2',
  'aws-cdk-lib/aws-eks',
  'cdk8s',
  'cdk8s-plus-28',
  'constructs',
];

interface Block {
  readonly index: number;
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence in the file. */
  readonly line: number;
  readonly code: string;
  readonly complete: boolean;
}

function extractBlocks(markdown: string, file = 'README.md', first = 0): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\b/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) {
      body.push(lines[i].slice(open[1].length));
    }
    const code = body.join('\n');
    blocks.push({ index: first + blocks.length, file, line: start + 1, code, complete: /^\s*import\s/m.test(code) });
  }
  return blocks;
}

/** Names exported by lib/index.ts, following `export * from` (parse only, no type-check). */
function libExports(file = LIB_INDEX, seen = new Set<string>()): string[] {
  if (seen.has(file)) {
    return [];
  }
  seen.add(file);
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  for (const stmt of sf.statements) {
    if (ts.isExportDeclaration(stmt) && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)) {
      if (stmt.exportClause && ts.isNamedExports(stmt.exportClause)) {
        names.push(...stmt.exportClause.elements.map(e => e.name.text));
        continue;
      }
      const target = path.resolve(path.dirname(file), stmt.moduleSpecifier.text);
      const resolved = [`${target}.ts`, path.join(target, 'index.ts')].find(f => fs.existsSync(f));
      if (resolved) {
        names.push(...libExports(resolved, seen));
      }
      continue;
    }
    const exported = ts.canHaveModifiers(stmt) && (ts.getModifiers(stmt) ?? []).some(m => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) {
      continue;
    }
    if ((ts.isClassDeclaration(stmt) || ts.isInterfaceDeclaration(stmt) || ts.isEnumDeclaration(stmt)
      || ts.isFunctionDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) && stmt.name) {
      names.push(stmt.name.text);
    } else if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) {
          names.push(d.name.text);
        }
      }
    }
  }
  return Array.from(new Set(names)).sort();
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  lib: ['lib.es2022.d.ts'],
  types: ['node', 'jest'],
  strict: true,
  esModuleInterop: true,
  experimentalDecorators: true,
  skipLibCheck: true,
  noEmit: true,
  // README snippets declare things to show them, not to use them
  noUnusedLocals: false,
  noUnusedParameters: false,
};

function completeSource(b: Block, lib: string): string {
  return b.code.replace(/(from\s+|require\()(['"])inference-workload\2/g, `$1'${lib}'`);
}

function fragmentSource(b: Block, lib: string, exportsOfLib: string[], extraDeclarations: string[]): string {
  return [
    `import { ${exportsOfLib.join(', ')} } from '${lib}';`,
    "import { App, Duration, Size, Stack } from 'aws-cdk-lib';",
    "import { Construct } from 'constructs';",
    ...extraDeclarations,
    'declare const app: App;',
    'declare const stack: Stack;',
    'declare const scope: Construct;',
    '{',
    b.code,
    '}',
    'export {};',
  ].join('\n');
}

function diagnosticsOf(program: ts.Program, file: string): ts.Diagnostic[] {
  const sf = program.getSourceFile(file);
  return sf ? [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)] : [];
}

function missingNames(diags: ts.Diagnostic[]): string[] {
  // 2304: Cannot find name 'x'. 2552: Cannot find name 'x'. Did you mean 'y'?
  // 18004: No value exists in scope for the shorthand property 'x'.
  return Array.from(new Set(diags
    .filter(d => d.code === 2304 || d.code === 2552 || d.code === 18004)
    .map(d => /'([^']+)'/.exec(ts.flattenDiagnosticMessageText(d.messageText, '\n'))?.[1])
    .filter((n): n is string => n !== undefined)));
}

function declarationsFor(names: string[]): string[] {
  return names.flatMap(name => {
    if (/^[a-z_$]/.test(name)) {
      return [`declare const ${name}: any;`];
    }
    for (const mod of KNOWN_MODULES) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      if (Object.prototype.hasOwnProperty.call(require(mod), name)) {
        return [`import { ${name} } from '${mod}';`];
      }
    }
    return []; // stays an error
  });
}

function format(b: Block, diags: ts.Diagnostic[], offset: number): string {
  return diags.map(d => {
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const line = pos ? b.line + pos.line - offset : b.line;
    return `${b.file}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  }).join('\n');
}

/**
 * A compiler host that parses library and node_modules files once for every program of
 * this test, and always reads the generated block files afresh.
 */
const parsed = new Map<string, ts.SourceFile | undefined>();
function cachingHost(blockDir: string): ts.CompilerHost {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (path.resolve(fileName).startsWith(blockDir + path.sep)) {
      return read(fileName, languageVersion, onError, shouldCreate);
    }
    if (!parsed.has(fileName)) {
      parsed.set(fileName, read(fileName, languageVersion, onError, shouldCreate));
    }
    return parsed.get(fileName);
  };
  return host;
}

/**
 * Writes the blocks into `dir`, type-checks them in one program (two passes for the free
 * names of fragments) and returns the errors of each block, mapped to lines of its file.
 */
function typeCheck(bs: Block[], dir: string): Map<number, string> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const names = libExports();
  const file = (b: Block) => path.join(dir, `block-${String(b.index).padStart(3, '0')}.ts`);
  const lib = path.relative(dir, path.join(ROOT, 'lib')).split(path.sep).join('/');
  for (const b of bs) {
    fs.writeFileSync(file(b), b.complete ? completeSource(b, lib) : fragmentSource(b, lib, names, []));
  }
  const files = bs.map(file);
  const host = cachingHost(path.resolve(dir));
  let program = ts.createProgram(files, COMPILER_OPTIONS, host);
  const extras = new Map<number, string[]>();
  for (const b of bs.filter(x => !x.complete)) {
    const more = declarationsFor(missingNames(diagnosticsOf(program, file(b))));
    if (more.length > 0) {
      extras.set(b.index, more);
      fs.writeFileSync(file(b), fragmentSource(b, lib, names, more));
    }
  }
  if (extras.size > 0) {
    program = ts.createProgram(files, COMPILER_OPTIONS, host);
  }
  const result = new Map<number, string>();
  for (const b of bs) {
    // a fragment's prelude: 3 imports, the extra declarations, 3 declares and the opening brace
    const offset = b.complete ? -1 : 3 + (extras.get(b.index)?.length ?? 0) + 3;
    result.set(b.index, format(b, diagnosticsOf(program, file(b)), offset));
  }
  return result;
}

/** The Markdown pages under docs/, recursively, relative to the repository root. */
function docPages(dir = DOCS): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return docPages(full);
    return e.name.endsWith('.md') ? [path.relative(ROOT, full).split(path.sep).join('/')] : [];
  }).sort();
}

const blocks = [path.relative(ROOT, README), ...docPages()].reduce<Block[]>(
  (all, file) => [...all, ...extractBlocks(fs.readFileSync(path.join(ROOT, file), 'utf-8'), file, all.length)], []);

describe('README.md and docs/', () => {
  let errors: Map<number, string>;

  beforeAll(() => {
    errors = typeCheck(blocks, WORK);
  });

  afterAll(() => {
    fs.rmSync(WORK, { recursive: true, force: true });
  });

  test('have TypeScript examples, in the README and in docs/', () => {
    expect(blocks.filter(b => b.file === 'README.md').length).toBeGreaterThan(0);
    expect(blocks.filter(b => b.file.startsWith('docs/')).length).toBeGreaterThan(0);
  });

  test('every example is self-contained: its own imports and declarations, so it runs as copied', () => {
    expect(blocks.filter(b => !b.complete).map(b => `${b.file}:${b.line}`)).toEqual([]);
  });

  test.each(blocks.map(b => [b.file, b.line, b.complete ? 'module' : 'fragment', b] as const))(
    'the ts block of %s at line %i (%s) type-checks', (_file, _line, _kind, b) => {
      expect(errors.get(b.index)).toBe('');
    });

  const complete = blocks.filter(b => b.complete);
  if (complete.length > 0) {
    test.each(complete.map(b => [b.file, b.line, b] as const))('the complete ts block of %s at line %i runs', (_file, _line, b) => {
      const js = ts.transpileModule(b.code, { compilerOptions: { ...COMPILER_OPTIONS, noEmit: false } }).outputText;
      // the block's own imports, with `inference-workload` resolved to lib/
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const localRequire = (id: string) => (id === 'inference-workload' ? require('../lib') : require(id));
      const inline = (_name: string, fn?: () => unknown) => fn?.();
      const snapshotSafeExpect = (value: unknown) => {
        const matchers = expect(value);
        return new Proxy(matchers, {
          get: (target, prop) => (prop === 'toMatchSnapshot'
            ? () => expect(JSON.parse(JSON.stringify(value))).toEqual(value)
            : (target as any)[prop]),
        });
      };
      // what the block prints is the reader's to see, not the test run's: collected, and a block that
      // prints must print something
      const printed: string[] = [];
      const collect = (...args: unknown[]) => printed.push(formatText(...args));
      const blockConsole = { log: collect, warn: collect };
      const module = { exports: {} };
      const run = new Function('require', 'module', 'exports', 'test', 'it', 'describe', 'expect', 'console', js);
      run(localRequire, module, module.exports, inline, inline, inline, snapshotSafeExpect, blockConsole);
      if (/console\.(log|warn)\(/.test(b.code)) {
        expect(printed.join('\n').trim()).not.toBe('');
      }
    });
  }
});

describe('the README checker itself', () => {
  const dir = path.join(ROOT, 'tmp-readme-selftest');
  const sample = [
    'Text.',
    '```ts',
    "import { App, Stack } from 'aws-cdk-lib';",
    "import { InferenceWorkload } from 'inference-workload';",
    "new InferenceWorkload(new Stack(new App(), 'S'), 'W', { profile: { memoryMiB: 'big' } });",
    '```',
    '```ts',
    "const w = new InferenceWorkloadd(stack, 'W', {} as any);",
    '```',
    '```ts',
    "new InferenceWorkload(stack, 'W', { image: ModelImage.fromImageUri('r:1'), profile: { memoryMiB: 1, requestDurationP50Ms: 1, averageRequestsPerSecond: 1 } });",
    'someRole.grant(new SnsAction(pager));',
    '```',
    '```sh',
    'npm test',
    '```',
  ].join('\n');
  const bs = extractBlocks(sample);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('extracts ts blocks only and tells complete modules from fragments', () => {
    expect(bs.map(b => [b.line, b.complete])).toEqual([[2, true], [7, false], [10, false]]);
  });

  test('fails a complete block with a type error, a misspelt library name, and passes declared-free names', () => {
    const errs = typeCheck(bs, dir);
    expect(errs.get(0)).toMatch(/^README\.md:5: .*'image' is missing|^README\.md:5: .*Type 'string' is not assignable to type 'number'/);
    expect(errs.get(1)).toMatch(/^README\.md:8: Cannot find name 'InferenceWorkloadd'/);
    expect(errs.get(2)).toBe('');
  });
});
