import * as path from 'path';
import { packageSpecifier, PACKAGE_NAME, ROOT } from '../../bench/transpile';

describe('the benchmark requires the library as an installed package', () => {
  const app = path.join(ROOT, 'bench', 'apps', 'library-app.ts');
  const script = path.join(ROOT, 'bench', 'synth-once.ts');

  test('a relative path into lib/ becomes the package name', () => {
    expect(packageSpecifier(app, '../../lib')).toBe(`${PACKAGE_NAME}/lib`);
    expect(packageSpecifier(script, '../lib')).toBe(`${PACKAGE_NAME}/lib`);
    expect(packageSpecifier(script, '../lib/policy')).toBe(`${PACKAGE_NAME}/lib/policy`);
  });

  test('other specifiers are left as they are', () => {
    expect(packageSpecifier(app, '../mixed-workloads')).toBe('../mixed-workloads');
    expect(packageSpecifier(script, 'aws-cdk-lib')).toBe('aws-cdk-lib');
    expect(packageSpecifier(script, './library')).toBe('./library');
    // a folder whose name only starts with "lib"
    expect(packageSpecifier(script, '../library')).toBe('../library');
  });
});
