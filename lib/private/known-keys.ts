/**
 * Refuses keys an input object does not have, naming the closest valid one. TypeScript callers are
 * protected by excess-property checks; JavaScript callers and JSON-loaded input are not, and a
 * misspelt optional key (`gpuCont`) would otherwise be ignored in silence. Pure: no construct
 * library and no I/O, so lib/policy may use it.
 */

/**
 * The keys of a struct: each `true`, or, for a struct (or a list of structs) inside it, that
 * struct's own key table.
 */
export interface KnownKeys {
  /** The struct's name, as the API documents it (e.g. `WorkloadProfile`). */
  readonly typeName: string;
  readonly keys: { readonly [key: string]: true | KnownKeys };
}

/**
 * A key table for `T`: every key of `T` must be listed and no other (the compiler checks both),
 * so the table cannot drift from the interface.
 */
export function knownKeysOf<T>(typeName: string, keys: { readonly [K in keyof Required<T>]: true | KnownKeys }): KnownKeys {
  return { typeName, keys };
}

/**
 * One problem per key of `value` (and of the structs inside it) that its table does not list:
 * `'<prefix><key>' is not a <Type> field (did you mean '<closest>'?), got <value>`. Values that are
 * not plain objects are left to the field's own check.
 */
export function unknownKeyProblems(value: unknown, table: KnownKeys, prefix: string, describe: (v: unknown) => string): string[] {
  if (!isPlainObject(value)) {
    return [];
  }
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const inner = table.keys[key];
    if (inner === undefined) {
      const near = closest(key, Object.keys(table.keys));
      const article = /^[AEIOU]/.test(table.typeName) ? 'an' : 'a';
      problems.push(`'${prefix}${key}' is not ${article} ${table.typeName} field${near ? ` (did you mean '${near}'?)` : ''}, got ${describe(v)}`);
    } else if (inner !== true) {
      if (Array.isArray(v)) {
        v.forEach((item, i) => problems.push(...unknownKeyProblems(item, inner, `${prefix}${key}[${i}].`, describe)));
      } else {
        problems.push(...unknownKeyProblems(v, inner, `${prefix}${key}.`, describe));
      }
    }
  }
  return problems;
}

/** An object literal or JSON object (not a class instance such as a construct or a `Duration`). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The candidate nearest to `word` by edit distance (case-insensitive), when it is near enough to
 * be a likely misspelling: at most 2 edits, or a third of the word's length for longer words.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
