import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findCycles, forbiddenReach, readImportGraph } from '../helpers/import-graph';

const LIB = path.join(__dirname, '..', '..', 'lib');
const POLICY = path.join(LIB, 'policy');

/** What lib/policy must never reach: construct libraries and I/O. */
const IMPURE = /^(aws-cdk-lib|cdk8s|cdk8s-plus-\d+|constructs)(\/|$)|^(node:)?(fs|path|os|child_process|http|https|net)(\/|$)/;
const impure = (specifier: string) => IMPURE.test(specifier);
const rel = (chain: string[]) => chain.map(p => path.isAbsolute(p) ? path.relative(LIB, p) : p).join(' -> ');

/**
 * The files of lib/ that `start` reaches by any path (itself excluded) that `below` does not
 * accept: a layer's file that reaches one of them imports upward.
 */
function reachedAbove(graph: ReturnType<typeof readImportGraph>, start: string, below: (file: string) => boolean): string[] {
  const seen = new Set<string>([start]);
  const queue = [start];
  const above: string[] = [];
  while (queue.length > 0) {
    for (const t of graph.edges.get(queue.shift()!) ?? []) {
      if (path.isAbsolute(t) && !seen.has(t)) {
        seen.add(t);
        queue.push(t);
        if (!below(t)) {
          above.push(t);
        }
      }
    }
  }
  return above.sort();
}

const under = (dir: string) => (file: string) => file.startsWith(dir + path.sep);
const ERRORS = path.join(LIB, 'errors.ts');

describe('the import graph of lib/', () => {
  const graph = readImportGraph([LIB]);

  test('has no cycle (type-only imports included)', () => {
    expect(findCycles(graph).map(c => c.map(p => path.relative(LIB, p)))).toEqual([]);
  });

  test('lib/policy reaches no construct library and no I/O module by any path', () => {
    expect(forbiddenReach(graph, POLICY, impure).map(rel)).toEqual([]);
  });

  test('lib/private (helpers every layer uses) reaches no file of lib/ but its own and the errors', () => {
    const PRIVATE = path.join(LIB, 'private');
    const files = [...graph.edges.keys()].filter(under(PRIVATE));
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.flatMap(f => reachedAbove(graph, f, t => under(PRIVATE)(t) || t === ERRORS).map(t => rel([f, t])))).toEqual([]);
  });

  test('the placement lock reaches the policy and helpers only, never the workload, a renderer or the report that use it', () => {
    const LOCK = path.join(LIB, 'placement-lock.ts');
    expect(graph.edges.has(LOCK)).toBe(true);
    const below = (t: string) => under(POLICY)(t) || under(path.join(LIB, 'private'))(t) || t === ERRORS;
    expect(reachedAbove(graph, LOCK, below).map(t => path.relative(LIB, t))).toEqual([]);
  });

  test('reads every file of lib/ (the checks above see the whole tree)', () => {
    expect([...graph.edges.keys()].filter(f => f.startsWith(POLICY)).length).toBeGreaterThanOrEqual(5);
    expect(graph.edges.has(path.join(LIB, 'workload.ts'))).toBe(true);
  });
});

describe('the checks fail on a planted violation', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };

  test('an aws-cdk-lib import reached from the policy through a barrel and a helper is reported with its chain', () => {
    write('policy/engine.ts', "import { checkNumber } from '../private';\nexport const x = checkNumber;\n");
    write('private/index.ts', "export * from './validate';\n");
    write('private/validate.ts', "import { Token } from 'aws-cdk-lib';\nexport const checkNumber = Token.isUnresolved;\n");
    const chains = forbiddenReach(readImportGraph([dir]), path.join(dir, 'policy'), impure);
    expect(chains.map(c => c.map(p => path.isAbsolute(p) ? path.relative(dir, p) : p))).toEqual([
      ['policy/engine.ts', 'private/index.ts', 'private/validate.ts', 'aws-cdk-lib'],
    ]);
  });

  test('a helper that imports a layer above it through another helper is reported', () => {
    write('private/validate.ts', "import { describe } from './describe';\nexport const check = describe;\n");
    write('private/describe.ts', "import { Workload } from '../workload';\nexport const describe = Workload;\n");
    write('workload.ts', 'export class Workload {}\n');
    const graph = readImportGraph([dir]);
    const start = path.join(dir, 'private', 'validate.ts');
    expect(reachedAbove(graph, start, under(path.join(dir, 'private'))).map(t => path.relative(dir, t))).toEqual(['workload.ts']);
  });

  test('a type-only import cycle between two folders is reported', () => {
    write('a/index.ts', "export * from './a';\n");
    write('a/a.ts', "import type { B } from '../b/b';\nexport interface A { b?: B }\n");
    write('b/b.ts', "import type { A } from '../a';\nexport interface B { a?: A }\n");
    expect(findCycles(readImportGraph([dir])).map(c => c.map(p => path.relative(dir, p)))).toEqual([['a/a.ts', 'a/index.ts', 'b/b.ts']]);
  });
});
