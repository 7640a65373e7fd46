/**
 * The README's Install section says what CI runs: its build commands are the ones
 * scripts/install-check.sh runs (in .ci/run, after `npm ci`), the tarball it names is the one
 * `package:js` writes, and `build` packages JavaScript only, so it needs nothing but the npm
 * registry. The install itself (tarball into a new CDK app, then synth) is
 * scripts/install-check.sh's, run by .ci/run: it builds the library, which takes too long here.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks;
const script = fs.readFileSync(path.join(ROOT, 'scripts', 'install-check.sh'), 'utf-8');
const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf-8');

/** The commands of the sh blocks of a README section, split at `&&`. */
function commandsOf(section: string): string[][] {
  const body = readme.split(new RegExp(`^## ${section}$`, 'm'))[1]?.split(/^## /m)[0] ?? '';
  return Array.from(body.matchAll(/```sh\n([\s\S]*?)```/g)).map(m => m[1].trim().split('\n')
    .flatMap(l => l.split('&&')).map(c => c.trim()).filter(c => c !== ''));
}

describe('README Install', () => {
  const [build, install] = commandsOf('Install');

  test('builds from a source checkout with npm ci, then the compile and package:js tasks', () => {
    expect(build?.[0]).toMatch(/^git clone \S+\.git$/);
    expect(build?.slice(1)).toEqual(['cd inference-workload', 'npm ci', 'npx projen compile', 'npx projen package:js']);
  });

  test('CI runs those commands: npm ci in .ci/run, then scripts/install-check.sh runs the rest', () => {
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^scripts\/install-check\.sh$/m);
    for (const command of build.slice(3)) {
      expect(script).toMatch(new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
  });

  test('installs the tarball package:js writes', () => {
    expect(install).toEqual(['npm install <path>/dist/js/inference-workload@<version>.jsii.tgz']);
    // jsii-pacmak writes <outdir>/js/<name>@<version>.jsii.tgz
    expect(pkg.jsii.outdir).toBe('dist');
    expect(tasks['package:js'].steps).toEqual([{ execArgs: ['jsii-pacmak', '-v', '--target', 'js'] }]);
    expect(script).toContain('TARBALL="$ROOT/dist/js/inference-workload@$VERSION.jsii.tgz"');
    expect(pkg.name).toBe('inference-workload');
  });

  test('names the version the package has, a 0.x release', () => {
    expect(pkg.version).toMatch(/^0\.[1-9]\d*\.\d+$|^0\.\d+\.[1-9]\d*$/);
    expect(readme).toContain(`inference-workload@${pkg.version}.jsii.tgz`);
  });

  test('build packages JavaScript only: the other languages need their registries and are package-all', () => {
    expect(tasks.build.steps).toContainEqual({ spawn: 'package' });
    expect(tasks.package.steps).toEqual([{ spawn: 'package:js' }]);
    expect(tasks['package-all'].steps.map((s: { spawn: string }) => s.spawn)).toEqual(expect.arrayContaining(['package:java', 'package:python']));
  });

  test('npm test lints without rewriting files', () => {
    const eslint = tasks.eslint.steps.flatMap((s: { exec?: string; execArgs?: string[] }) => s.execArgs ?? [s.exec]);
    expect(tasks.test.steps).toContainEqual({ spawn: 'eslint' });
    expect(eslint).not.toContain('--fix');
  });
});
