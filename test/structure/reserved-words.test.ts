/**
 * One name per concept, in every language. A name that a jsii language reserves (`lambda` in
 * Python, `default` in C#/Java/Go, `fixed` and `namespace` in C#, `type` in Go) keeps its natural
 * TypeScript name and is escaped by jsii-pacmak where needed (Python `lambda_`, Java `doDefault()`);
 * the build silences only jsii's reserved-word warning (.projenrc.ts). No second name for the same
 * member, no member hidden from jsii to make room for one.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const LIB = path.join(ROOT, 'lib');

// jsii's own list of reserved words (not in its package exports, hence the file path)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isReservedName } = require(path.join(ROOT, 'node_modules', 'jsii', 'lib', 'reserved-words.js')) as {
  isReservedName(name: string): string[] | undefined;
};

/** Declarations hidden from jsii for a reason other than a name: the only ones allowed. */
const HIDDEN_FROM_JSII: Record<string, string> = {
  // JSON.stringify's hook; jsii languages call toJson(), the one JSON form
  'PlacementDecision.toJSON': 'a JavaScript protocol method',
  // jsii types cannot extend Error
  'InferenceWorkloadValidationError': 'extends Error',
};

interface Member {
  readonly owner: string;
  readonly name: string;
  readonly isStatic: boolean;
  /** The declared type (a method's return type), as written. */
  readonly type: string;
  readonly isMethod: boolean;
  readonly hidden: boolean;
}

function libFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return libFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

const hiddenFromJsii = (node: ts.Node) => ts.getJSDocTags(node).some(t => t.tagName.text === 'jsii' && String(t.comment ?? '').trim() === 'ignore');
const hasModifier = (node: ts.Node, kind: ts.SyntaxKind) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some(m => m.kind === kind);

/** Public members of every class and interface exported under lib/, read from the source. */
function publicMembers(): { members: Member[]; hiddenTypes: string[] } {
  const members: Member[] = [];
  const hiddenTypes: string[] = [];
  for (const file of libFiles(LIB)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const statement of source.statements) {
      const isType = ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement);
      if (!isType || !statement.name || !hasModifier(statement, ts.SyntaxKind.ExportKeyword)) continue;
      const owner = statement.name.text;
      if (hiddenFromJsii(statement)) hiddenTypes.push(owner);
      for (const m of statement.members as ts.NodeArray<ts.ClassElement | ts.TypeElement>) {
        if (!m.name || !ts.isIdentifier(m.name)) continue;
        const hidden = hasModifier(m, ts.SyntaxKind.PrivateKeyword) || hasModifier(m, ts.SyntaxKind.ProtectedKeyword);
        if (hidden || m.name.text.startsWith('_')) continue;
        const type = (m as { type?: ts.TypeNode }).type?.getText(source) ?? '';
        const isMethod = ts.isMethodDeclaration(m) || ts.isMethodSignature(m);
        members.push({ owner, name: m.name.text, isStatic: hasModifier(m, ts.SyntaxKind.StaticKeyword), type, isMethod, hidden: hiddenFromJsii(m) });
      }
    }
  }
  return { members, hiddenTypes };
}

const api = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
const { members, hiddenTypes } = publicMembers();
// members of the package's public types (the ones API.md documents), not of internal exports
const reserved = members.filter(m => isReservedName(m.name) !== undefined && api.includes(`id="inference-workload.${m.owner}"`));

/** `lambdaOptions` and `sidecarType` extend `lambda` and `type`: the name with a word before or after it. */
function extendsName(name: string, base: string): boolean {
  const capitalized = base[0].toUpperCase() + base.slice(1);
  return new RegExp(`^${base}[A-Z]`).test(name) || new RegExp(`[a-z]${capitalized}$`).test(name);
}

describe('one name per concept', () => {
  test('the source holds the members that carry reserved names (the reading works)', () => {
    expect(reserved.map(m => `${m.owner}.${m.name}`)).toEqual(expect.arrayContaining([
      'PlacementPolicy.default', 'PlacementPolicy.fixed', 'InferenceWorkloadProps.lambda', 'KubernetesTargetOptions.namespace',
      'CacheSidecar.type', 'CacheVolume.type',
    ]));
  });

  test('no member whose name a language reserves has a twin: a sibling of the same type whose name extends it (lambdaOptions, sidecarType)', () => {
    const twins = reserved.flatMap(r => members
      .filter(m => m.owner === r.owner && m.isStatic === r.isStatic && m.type === r.type
        && m.name !== r.name && extendsName(m.name, r.name))
      .map(m => `${r.owner}.${r.name} / ${m.name}`));
    expect(twins).toEqual([]);
  });

  test('only the declarations listed here are hidden from jsii, none of them to free a name', () => {
    const hidden = [...members.filter(m => m.hidden).map(m => `${m.owner}.${m.name}`), ...hiddenTypes];
    expect(hidden.sort()).toEqual(Object.keys(HIDDEN_FROM_JSII).sort());
  });

  test('API.md documents every reserved-name member under that one name, and no member as an alias of another', () => {
    for (const m of reserved) {
      const anchor = m.isMethod ? `${m.owner}.${m.name}"` : `${m.owner}.property.${m.name}"`;
      expect({ member: `${m.owner}.${m.name}`, inApi: api.includes(`id="inference-workload.${anchor}`) }).toEqual({ member: `${m.owner}.${m.name}`, inApi: true });
    }
    expect(api).not.toMatch(/the same as `\w+`|under a name no language reserves|in languages where `?\w+`? is reserved/);
  });
});
