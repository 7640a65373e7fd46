/*
 * The profile's field list is written once, in PROFILE_FIELDS (lib/policy/profile.ts). Two other
 * lists must name exactly the same fields: the public `WorkloadProfile` interface and the
 * templates' `WorkloadProfileOverrides` (jsii has no Partial, so it is spelt out). These tests fail
 * when one of them drifts:
 *
 * - at compile time (`tsc -p test/tsconfig.json`): PROFILE_FIELDS `satisfies
 *   Record<keyof WorkloadProfile, ...>`, so a missing or extra field in the table is an error in
 *   lib/policy/profile.ts; and the `Exact<...>` assertions below stop compiling ("Type 'true' is
 *   not assignable to type 'false'") when the overrides name a field the profile lacks or miss one;
 * - under jest (which only transpiles): the interfaces are read from their source files and
 *   compared with the table's keys;
 * - and the last test compiles a snippet with a drifted interface to show the assertion fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { WorkloadProfile } from '../../lib/policy';
import { PROFILE_FIELDS } from '../../lib/policy/profile';
import { WorkloadProfileOverrides } from '../../lib/templates';

/** `true` when A and B are the same type, else `false`. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const TABLE_NAMES_EVERY_FIELD: Exact<keyof typeof PROFILE_FIELDS, keyof WorkloadProfile> = true;
const OVERRIDES_NAME_EVERY_FIELD: Exact<keyof WorkloadProfileOverrides, keyof WorkloadProfile> = true;
const OVERRIDES_HAVE_THE_SAME_TYPES: Exact<Required<WorkloadProfileOverrides>, Required<WorkloadProfile>> = true;

const ROOT = path.join(__dirname, '..', '..');

/** The member names of an interface, read from its source file (no type checking). */
function interfaceMembers(file: string, name: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf-8'), ts.ScriptTarget.Latest);
  const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!decl) {
    throw new Error(`interface ${name} not found in ${file}`);
  }
  return decl.members.map(m => (m.name as ts.Identifier).text).sort();
}

describe('the profile field list', () => {
  test('the compile-time assertions hold', () => {
    expect([TABLE_NAMES_EVERY_FIELD, OVERRIDES_NAME_EVERY_FIELD, OVERRIDES_HAVE_THE_SAME_TYPES]).toEqual([true, true, true]);
  });

  test('WorkloadProfile names exactly the fields of the table', () => {
    expect(interfaceMembers('lib/policy/profile.ts', 'WorkloadProfile')).toEqual(Object.keys(PROFILE_FIELDS).sort());
  });

  test('WorkloadProfileOverrides names exactly the fields of the table', () => {
    expect(interfaceMembers('lib/templates/workload-templates.ts', 'WorkloadProfileOverrides')).toEqual(Object.keys(PROFILE_FIELDS).sort());
  });

  test('the exact-fields assertion fails to compile on a drifted interface', () => {
    const snippet = [
      'type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
      'interface Profile { readonly memoryMiB: number; readonly cpuFallbackSlowdown?: number }',
      'interface Overrides { readonly memoryMiB?: number }',
      'export const same: Exact<keyof Overrides, keyof Profile> = true;',
    ].join('\n');
    const file = 'drift.ts';
    const options: ts.CompilerOptions = { noEmit: true, strict: true, noLib: true, types: [] };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.getSourceFile = (name, target) => name === file ? ts.createSourceFile(name, snippet, target) : undefined;
    host.readFile = name => name === file ? snippet : readFile(name);
    host.fileExists = name => name === file;
    const program = ts.createProgram([file], options, host);
    const errors = ts.getPreEmitDiagnostics(program).filter(d => d.file?.fileName === file);
    expect(errors.map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual(["Type 'true' is not assignable to type 'false'."]);
  });
});
