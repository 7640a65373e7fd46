import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The import graph of a TypeScript source tree, read with the compiler's own pre-processor:
 * every `import`, `import type`, `export ... from` and `require()` is an edge, type-only ones
 * included (a type-only cycle is still a cycle in the design).
 */
export interface ImportGraph {
  /** Absolute path of each source file -> the specifiers it imports, resolved when relative. */
  readonly edges: Map<string, string[]>;
}

/** Resolves a relative specifier to a .ts file or a folder's index.ts; other specifiers stay as written. */
function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) {
    return specifier;
  }
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error(`cannot resolve ${specifier} from ${from}`);
}

/** Reads the graph of every .ts file reachable from `roots` (files or folders). */
export function readImportGraph(roots: string[]): ImportGraph {
  const edges = new Map<string, string[]>();
  const queue = roots.flatMap(r => fs.statSync(r).isDirectory() ? listTs(r) : [path.resolve(r)]);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (edges.has(file)) {
      continue;
    }
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map(i => resolve(file, i.fileName));
    edges.set(file, targets);
    queue.push(...targets.filter(t => path.isAbsolute(t)));
  }
  return { edges };
}

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.resolve(dir, e.name);
    return e.isDirectory() ? listTs(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every cycle, one per strongly connected component of more than one file (or a file importing itself). */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of (graph.edges.get(v) ?? []).filter(t => graph.edges.has(t))) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.edges.get(v) ?? []).includes(v)) {
        cycles.push(component.sort());
      }
    }
  };
  for (const v of graph.edges.keys()) {
    if (!index.has(v)) {
      visit(v);
    }
  }
  return cycles;
}

/**
 * The import chains by which any file under `from` reaches a forbidden module (by any path,
 * through barrels and other folders), one chain per (file, forbidden module).
 */
export function forbiddenReach(graph: ImportGraph, from: string, forbidden: (specifier: string) => boolean): string[][] {
  const chains: string[][] = [];
  const prefix = path.resolve(from) + path.sep;
  for (const start of [...graph.edges.keys()].filter(f => f.startsWith(prefix))) {
    // breadth-first: the shortest chain to each forbidden module
    const parent = new Map<string, string>([[start, '']]);
    const queue = [start];
    const found = new Set<string>();
    while (queue.length > 0) {
      const file = queue.shift()!;
      for (const t of graph.edges.get(file) ?? []) {
        if (parent.has(t)) {
          continue;
        }
        parent.set(t, file);
        if (!path.isAbsolute(t) && forbidden(t) && !found.has(t)) {
          found.add(t);
          const chain = [t];
          for (let p = file; p !== ''; p = parent.get(p)!) {
            chain.unshift(p);
          }
          chains.push(chain);
        } else if (path.isAbsolute(t)) {
          queue.push(t);
        }
      }
    }
  }
  return chains;
}
