/**
 * Compiles `lib/` and `bench/` to JavaScript under `.bench/js/` (transpile only, no type check,
 * no jsii), so that the measured child processes run plain `node` without a TypeScript compiler
 * in memory.
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

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return tsFiles(p);
    }
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Transpiles every `.ts` file of `lib/` and `bench/`; returns the number of files. */
export function transpileForBench(): number {
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  let count = 0;
  for (const folder of ['lib', 'bench']) {
    for (const file of tsFiles(path.join(ROOT, folder))) {
      const out = ts.transpileModule(fs.readFileSync(file, 'utf-8'), {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          experimentalDecorators: true,
        },
      });
      const target = path.join(OUT_DIR, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, out.outputText);
      count++;
    }
  }
  return count;
}
