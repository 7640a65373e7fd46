import * as cdk8s from 'cdk8s';

/*
 * Kubernetes manifests as YAML, byte for byte what `cdk8s.Yaml.stringify()` writes, in a fraction
 * of its time: the block layout of maps and lists is written here, and every scalar is written by
 * `cdk8s.Yaml.stringify()` itself, once per distinct value (manifests repeat their keys and most of
 * their values). A scalar's text does not depend on where it stands as long as it is on one line
 * and cannot be read as a document marker; a document with any other scalar (a string with a line
 * break, one that starts with `---`, `...` or `%`, a key longer than a simple key may be) or a
 * value that is not plain JSON, or a map or list referenced twice (the yaml package writes an
 * anchor and an alias for it), is written by `cdk8s.Yaml.stringify()` whole.
 * test/targets/kubernetes/yaml.test.ts compares the two on generated documents.
 */

/** Longest scalar text kept in the cache (longer ones are rare and cheap to miss). */
const MAX_CACHED_LENGTH = 256;
/** Most scalars kept; the cache starts over when full. */
const MAX_CACHED = 50_000;
/** A simple (implicit) key may be at most this long; a longer one is written as an explicit key. */
const MAX_IMPLICIT_KEY = 1024;

const scalars = new Map<string | number, string>();

/** Thrown inside the fast writer when a document needs the general one. */
class NeedsGeneralWriter extends Error {}
const GENERAL = new NeedsGeneralWriter();

/**
 * A string YAML writes as it is: a letter or `/` first, then letters, digits, `_`, `.`, `/` and
 * `-`, and `:` only between two of those (names, labels, image references, quantities like
 * `2350m`). Nothing of this shape is an indicator, a number, a date or a time in YAML 1.1.
 */
const PLAIN = /^[A-Za-z/][\w./-]*(?::[\w./-]+)*$/;
/**
 * What YAML 1.1 reads as something else among those (the yaml package's 1.1 schema, which cdk8s
 * uses): booleans, null, and an exponent without digits before it (`e5`, which the 1.1 float
 * pattern accepts). Written quoted.
 */
const WORDS = /^(?:[YyNn]|[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF|[Nn]ull|NULL|[eE][-+]?\d+)$/;

/** The scalar's text as `cdk8s.Yaml.stringify()` writes it, without the trailing line break. */
function scalarText(value: string | number): string {
  // the usual cases, without asking cdk8s
  if (typeof value === 'string' ? PLAIN.test(value) && !WORDS.test(value) : Number.isSafeInteger(value) && !Object.is(value, -0)) {
    return String(value);
  }
  let text = scalars.get(value);
  if (text === undefined) {
    text = cdk8s.Yaml.stringify(value).slice(0, -1);
    if (typeof value !== 'string' || value.length <= MAX_CACHED_LENGTH) {
      if (scalars.size >= MAX_CACHED) {
        scalars.clear();
      }
      scalars.set(value, text);
    }
  }
  return text;
}

/**
 * Line breaks (as YAML and as JavaScript's multiline `^` see them: the writer looks for document
 * markers at the start of any line) and a leading document marker: their text depends on the
 * indentation.
 */
const CONTEXT_DEPENDENT = /[\n\r\u2028\u2029]|^(?:---|\.\.\.|%)/;

function stringText(s: string): string {
  if (CONTEXT_DEPENDENT.test(s)) {
    throw GENERAL;
  }
  return scalarText(s);
}

/** An object the yaml package writes as a map: a plain object that is not iterable. */
function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !(Symbol.iterator in v);
}

/** A value on the same line as its key or dash, or undefined for a non-empty collection. */
function inline(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return stringText(v);
    case 'number':
      return scalarText(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      if (v === null) {
        return 'null';
      }
      if (Array.isArray(v)) {
        return v.length === 0 ? empty(v, '[]') : undefined;
      }
      if (!isPlainObject(v)) {
        throw GENERAL;
      }
      for (const _ in v) {
        return undefined;
      }
      return empty(v, '{}');
    default:
      throw GENERAL;
  }
}

/** The maps and lists of the document being written: one met twice gets an anchor from the yaml package. */
const seen = new Set<object>();

/** An empty map or list, unless the document holds it twice. */
function empty(v: object, text: string): string {
  if (seen.has(v)) {
    throw GENERAL;
  }
  seen.add(v);
  return text;
}

/** A non-empty map or list at `indent`, its first line without the indentation. */
function block(v: object, indent: string): string {
  if (seen.has(v)) {
    throw GENERAL;
  }
  seen.add(v);
  const inner = indent + '  ';
  let out = '';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      const text = inline(item);
      out += (i === 0 ? '- ' : `\n${indent}- `) + (text ?? block(item, inner));
    }
    return out;
  }
  let first = true;
  for (const key of Object.keys(v)) {
    const keyText = stringText(key);
    if (keyText.length > MAX_IMPLICIT_KEY) {
      throw GENERAL;
    }
    const value = (v as Record<string, unknown>)[key];
    const text = inline(value);
    out += (first ? '' : `\n${indent}`) + keyText + (text !== undefined ? `: ${text}` : `:\n${inner}${block(value as object, inner)}`);
    first = false;
  }
  return out;
}

function document(doc: unknown): string {
  if (doc === undefined) {
    return '\n';
  }
  try {
    const text = inline(doc);
    return (text ?? block(doc as object, '')) + '\n';
  } catch (e) {
    if (e === GENERAL) {
      return cdk8s.Yaml.stringify(doc);
    }
    throw e;
  } finally {
    seen.clear();
  }
}

/**
 * The documents as YAML, separated by `---`: the same bytes as `cdk8s.Yaml.stringify(...docs)`.
 * @internal
 */
export function stringifyManifest(...docs: unknown[]): string {
  return docs.map(document).join('---\n');
}

/**
 * A document without empty lists and null values: cdk8s-plus-28 writes fields the library never
 * sets as `[]` (a Service's `externalIPs`), which GitOps tools show as a difference from the live
 * object, where the API server drops them (the Kubernetes API types mark optional lists
 * `omitempty`: an empty list and an absent one are the same object,
 * https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#optional-vs-required).
 * Empty maps stay: `emptyDir: {}` and `podSelector: {}` mean something.
 * @internal
 */
export function withoutEmptyFields(doc: unknown): unknown {
  if (Array.isArray(doc)) {
    return doc.map(withoutEmptyFields);
  }
  if (doc === null || typeof doc !== 'object' || !isPlainObject(doc)) {
    return doc;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
      continue;
    }
    out[key] = withoutEmptyFields(value);
  }
  return out;
}
