/**
 * Compiles `lib/` and `bench/` to JavaScript under `.bench/js/` (transpile only, no type check,
 * no jsii), so that the measured child processes run plain `node` without a TypeScript compiler
 * in memory.
 *
 * The library is laid out as users run it, an installed package:
 * `.bench/js/node_modules/inference-workload/lib/`, which the benchmark apps (`.bench/js/bench/`,
 * user code) require by the package's name. Where code lives changes what aws-cdk-lib does with
 * it: every construct records the stack that created it, and aws-cdk-lib keeps the frames of
 * code outside `node_modules` one by one, while it folds a dependency's frames into one line. Run
 * from `lib/` next to the apps, the library's frames counted as the app's own: at 1,000 workloads,
 * 10 MiB more live heap after construction, about 45 MiB more peak memory and 1-2% more CPU than
 * when installed (2026-11-30, five interleaved runs of each layout).
 */
import * as fs from 'fs';
import * as path from 'path';
// a dev-time script: typescript is a devDependency on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import * as ts from 'typescript';

/** The repository root. */
export const ROOT = path.join(__dirname, '..');
/** Where the JavaScript goes. */
export const OUT_DIR = path.join(ROOT, '.bench', 'js');
/** The package name the benchmark apps require the library by. */
export const PACKAGE_NAME = 'inference-workload';
/** Where the library's package goes. */
export const PACKAGE_DIR = path.join(OUT_DIR, 'node_modules', PACKAGE_NAME);

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return tsFiles(p);
    }
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * A relative `require()` of the library from a benchmark file, as the package's name
 * (`../lib` → `inference-workload/lib`, `../../lib/policy` → `inference-workload/lib/policy`);
 * other specifiers unchanged.
 */
export function packageSpecifier(fromFile: string, specifier: string): string {
  if (!specifier.startsWith('.')) {
    return specifier;
  }
  const target = path.relative(ROOT, path.resolve(path.dirname(fromFile), specifier)).split(path.sep).join('/');
  return target === 'lib' || target.startsWith('lib/') ? `${PACKAGE_NAME}/${target}` : specifier;
}

/** Transpiles every `.ts` file of `lib/` and `bench/`; returns the number of files. */
export function transpileForBench(): number {
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  let count = 0;
  for (const folder of ['lib', 'bench']) {
    for (const file of tsFiles(path.join(ROOT, folder))) {
      let js = ts.transpileModule(fs.readFileSync(file, 'utf-8'), {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          experimentalDecorators: true,
        },
      }).outputText;
      const relative = path.relative(ROOT, file).replace(/\.ts$/, '.js');
      let target: string;
      if (folder === 'lib') {
        target = path.join(PACKAGE_DIR, relative);
      } else {
        target = path.join(OUT_DIR, relative);
        js = js.replace(/require\("([^"]+)"\)/g, (_call, specifier: string) => `require(${JSON.stringify(packageSpecifier(file, specifier))})`);
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, js);
      count++;
    }
  }
  // what a published package has: its name and entry point (dependencies resolve from the
  // repository's node_modules, above .bench/)
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).version;
  writeJson(path.join(PACKAGE_DIR, 'package.json'), { name: PACKAGE_NAME, version, main: 'lib/index.js' });
  // the apps' own package: without it, the repository's package.json (the same name, with
  // "exports") would be their package scope and Node would resolve the name to the repository
  writeJson(path.join(OUT_DIR, 'package.json'), { name: `${PACKAGE_NAME}-bench-apps`, private: true });
  return count;
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, undefined, 2)}\n`);
}
