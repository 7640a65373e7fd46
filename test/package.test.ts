/**
 * The npm package holds what a user needs and nothing else: read from `npm pack --dry-run --json`
 * (the files npm would publish, with .npmignore applied).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

describe('the npm package', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf-8', timeout: 120_000 });
  const files: string[] = r.status === 0 ? JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path) : [];

  test('npm pack runs', () => {
    expect(r.stderr).not.toMatch(/npm ERR!/);
    expect(r.status).toBe(0);
  });

  test('ships the CLI, the jsii assembly\'s metadata and the user docs', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'API.md', 'bin/inference-workload']));
  });

  test.each([
    ['the cloud assembly', /^cdk\.out\//],
    ['the app config', /^cdk(\.context)?\.json$/],
    ['CI files', /^\.ci\//],
    ['examples (they import ../lib, which is not shipped)', /^examples\//],
    ['developer scripts', /^scripts\//],
    ['design notes and screenshots', /^docs\//],
    ['TypeScript sources and tests', /^(lib|test)\//],
    ['benchmarks', /^\.?bench\//],
    ['projen\'s own files', /^(\.projen\/|\.projenrc\.ts|projenrc\/)/],
    ['scratch folders', /^tmp-/],
  ])('leaves out %s', (_what, pattern) => {
    expect(files.filter(f => pattern.test(f))).toEqual([]);
  });

  test('ships compiled JavaScript and declarations only under build/', () => {
    expect(files.filter(f => f.startsWith('build/') && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
  });
});
