import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * Single source of truth for package.json, tsconfig, jest and eslint.
 * Change things here and run `npx projen`; never edit the generated files.
 */
const project = new awscdk.AwsCdkConstructLibrary({
  name: 'inference-workload',
  description: 'One construct that places an ML inference workload on AWS Lambda, a Kubernetes GPU deployment, or a hybrid of both, by an explainable cost and constraint policy.',
  author: 'inference-workload engineers',
  authorAddress: 'maintainers@inference-workload.dev',
  repositoryUrl: 'https://github.com/inference-workload/inference-workload.git',
  license: 'Apache-2.0',
  projenrcTs: true,
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  // what CI runs the suite on (.ci/run: jest under Node 22 and 24): the active LTS lines. aws-cdk-lib
  // 2.278.0 and its bundled @aws/cloudformation-validate ask for Node >= 20.0.0 (their package.json
  // `engines`), so the floor is ours, not theirs: Node 20 is end-of-life since 2026-04-30
  // (https://github.com/nodejs/release#release-schedule), and 22.15.0 is the 22.x release the
  // validator asked for before aws-cdk-lib 2.278 (unchanged, to keep the tested range)
  minNodeVersion: '22.15.0',

  // a lib/ source tree compiled into build/
  srcdir: 'lib',
  libdir: 'build',
  entrypoint: 'build/index.js',
  testdir: 'test',

  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',

  // the dev dependency and the peer floor: aws-cdk-lib >= 2.262 bundles the CloudFormation
  // schema validator run at synth; 2.278.0 is what `cdk init` installs today
  cdkVersion: '2.278.0',
  constructsVersion: '10.5.1',
  peerDeps: ['cdk8s@^2.70.0', 'cdk8s-plus-28@^2.5.6'],
  devDeps: [
    // the CLI must read aws-cdk-lib 2.278's cloud assembly schema 55: @aws-cdk/cloud-assembly-schema
    // 55.0.0's cli-version.json names CLI 2.1145.0 as its release
    'aws-cdk@^2.1145.0',
    'cdk8s@^2.70.0',
    'cdk8s-plus-28@^2.5.6',
    'cdk-nag@^3.0.0',
    'fast-check@^4.0.0',
    // the test environment extends jest's node environment (test/setup/environment.ts)
    'jest-environment-node@^30.5.2',
    'kubernetes-models@^4.5.0',
    'ts-node@^10.9.2',
    '@aws-cdk/lambda-layer-kubectl-v28@^2.2.1',
  ],

  // no GitHub workflows or release pipeline yet
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  docgen: true,

  // `npm test` reports lint errors without rewriting files; `npx projen eslint:fix` rewrites them
  eslintOptions: { dirs: ['lib'], devdirs: ['test', 'build-tools'], commandOptions: { fix: false } },

  jest: true,
  jestOptions: {
    // projen's default `jest --updateSnapshot` would make every snapshot test pass
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      collectCoverage: false,
      // a test that prints to the console fails (test/setup/quiet.ts)
      setupFilesAfterEnv: ['<rootDir>/test/setup/quiet.ts'],
      // template validation through the on-disk cache (test/validation runs the live validator)
      setupFiles: ['<rootDir>/test/setup/validation.ts'],
      // jest's node environment, plus one validator engine per jest process (not per test file)
      testEnvironment: '<rootDir>/test/setup/environment.ts',
    },
  },
  // type-checking is done once by `tsc --noEmit` (see the test task) instead of per test file:
  // test/tsconfig.json sets `isolatedModules`, which makes ts-jest transpile only

  // no source maps in the package: inline maps (projen's default) were most of its JavaScript bytes
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },

  gitignore: ['cdk.out', '/tmp-*', '.bench/', '/node_modules'],
  npmignoreEnabled: true,

  // `inference-workload explain <profile.json>`: a JS shim that runs lib/cli (ts-node) or build/cli
  bin: { 'inference-workload': 'bin/inference-workload' },

  // the other languages' packages, named as a user of each would look for them; CI here builds
  // JavaScript only (the registries are not reachable), a release pipeline with the toolchains
  // runs `npx projen package-all`
  publishToPypi: { distName: 'inference-workload', module: 'inference_workload' },
  publishToMaven: {
    javaPackage: 'dev.inferenceworkload',
    mavenGroupId: 'dev.inference-workload',
    mavenArtifactId: 'inference-workload',
  },
  // a namespace must not share the name of the InferenceWorkload class in it (C# resolves the namespace first)
  publishToNuget: { dotNetNamespace: 'InferenceWorkloads', packageId: 'InferenceWorkloads' },
  publishToGo: { moduleName: 'github.com/inference-workload/inference-workload-go', packageName: 'inferenceworkload' },
});

// a 0.x version until the first release (projen writes 0.0.0 outside a release build)
project.package.addVersion('0.1.0');

// `build` packages JavaScript only, so it succeeds on any machine with the npm registry; the other
// languages' packages need their toolchains and registries (Maven Central, PyPI, NuGet) and are
// their own task, `npx projen package-all`
project.tasks.tryFind('package')!.reset();
project.tasks.tryFind('package')!.spawn(project.tasks.tryFind('package:js')!);

// `npm test` lints without rewriting; this task applies eslint's fixes
project.addTask('eslint:fix', { description: 'Runs eslint with --fix (rewrites files)' })
  .spawn(project.tasks.tryFind('eslint')!, { args: ['--fix'] });

// projen takes every @aws-cdk/* package for a CDK v1 module; these are CDK v2 packages
const CDK_V2_SCOPED = ['@aws-cdk/lambda-layer-kubectl-v28'];
const cdkDepsPreSynthesize = project.cdkDeps.preSynthesize.bind(project.cdkDeps);
project.cdkDeps.preSynthesize = () => {
  const v2 = project.deps.all.filter(d => CDK_V2_SCOPED.includes(d.name));
  v2.forEach(d => project.deps.removeDependency(d.name, d.type));
  cdkDepsPreSynthesize();
  v2.forEach(d => project.deps.addDependency(d.version ? `${d.name}@${d.version}` : d.name, d.type));
};

// the package holds what a user needs (build/, bin/, .jsii, API.md, README, LICENSE) and no
// developer files: test/package.test.ts reads `npm pack --dry-run --json`
for (const ignored of ['/cdk.out/', '/cdk.json', '/cdk.context.json', '/.ci/', '/examples/', '/scripts/', '/docs/', '/tmp-*', '/.projen/', '/test-reports/']) {
  project.addPackageIgnore(ignored);
}

// eslint and type-checking also cover the examples and the benchmark

project.tsconfigDev.addInclude('../lib/**/*.ts');
project.tsconfigDev.addInclude('../examples/**/*.ts');
project.tsconfigDev.addInclude('../bench/**/*.ts');
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('bench');
// classes generated by `cdk8s import` from published CRDs (lib/imports/README.md): regenerated, never edited
project.eslint?.addIgnorePattern('lib/imports/');
new javascript.TypescriptConfig(project, {
  fileName: 'examples/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  include: ['**/*.ts'],
  compilerOptions: { noEmit: true, rootDir: '..' },
});
new javascript.TypescriptConfig(project, {
  fileName: 'bench/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  include: ['**/*.ts'],
  compilerOptions: { noEmit: true, rootDir: '..' },
});

// lib/policy is pure: no construct libraries and no I/O
project.eslint?.addOverride({
  files: ['lib/policy/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['aws-cdk-lib', 'aws-cdk-lib/*'], message: 'lib/policy is pure: no aws-cdk-lib.' },
        { group: ['cdk8s', 'cdk8s-plus-*', 'cdk8s/*'], message: 'lib/policy is pure: no cdk8s.' },
        { group: ['constructs'], message: 'lib/policy is pure: no constructs.' },
        { group: ['fs', 'node:*', 'path', 'child_process', 'os', 'http', 'https'], message: 'lib/policy is pure: no I/O.' },
        { group: ['../targets/*', '../workload', '../report/*'], message: 'lib/policy must not depend on renderers.' },
      ],
    }],
  },
});

// `npm run bench`: synth time and memory of N mixed workloads, library vs. hand-written (bench/synth-bench.ts);
// runs the TypeScript sources directly, so it works right after `npm ci` (no jsii build)
project.addTask('bench', {
  description: 'Synth benchmark: N = 1, 10, 100, 1000 mixed workloads, library vs. the same resources written by hand',
  exec: 'ts-node --transpile-only bench/synth-bench.ts',
  receiveArgs: true,
});
project.tsconfigDev.addInclude('../bench/**/*.ts');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.bench/');

// type-check everything (lib, test, examples) once, then run jest without per-file type-checking
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json');

// the package's only entry point is its barrel: internals under build/ cannot be imported by path
// (jsii's strict tsconfig rules keep `stripInternal` off, so the barrel is what hides them)
project.package.addField('exports', {
  '.': { types: './build/index.d.ts', default: './build/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});

// jsii with every warning fatal except reserved-word (JSII5018): each concept keeps one name, its
// natural TypeScript one (`lambda`, `default()`, `fixed()`, `namespace`, `type`), and jsii-pacmak
// escapes it where a language reserves it (Python `lambda_`, Java `doDefault()`), as aws-cdk-lib
// does: its build runs jsii with `--Werr --Wno=JSII5018` ("ignore language-compatibility/reserved-word",
// https://github.com/aws/aws-cdk/blob/main/tools/@aws-cdk/cdk-build-tools/lib/package-info.ts).
// Then the hybrid's router, a plain JavaScript file shipped as a Lambda asset, which tsc does not copy
project.compileTask.reset('jsii --fail-on-warnings --silence-warnings=reserved-word');
project.compileTask.exec('rm -rf build/targets/hybrid/router && cp -r lib/targets/hybrid/router build/targets/hybrid/router');

project.synth();
