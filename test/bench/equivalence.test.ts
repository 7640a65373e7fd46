import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { buildHandWrittenApp } from '../../bench/apps/hand-written-app';
import { buildLibraryApp } from '../../bench/apps/library-app';
import { compareAssemblies } from '../../bench/synth-bench';
import { CachedCloudFormationValidatePlugin } from '../../lib';

/**
 * The benchmark compares the library with the same resources written by hand
 * (bench/apps/hand-written-app.ts); the comparison only means something while both write the
 * same bytes. Here at N = 2 (one spiky classifier on Lambda, one GPU chat model on Kubernetes),
 * in process, so that a change to the library's output that forgets the hand-written app fails
 * the test suite and not only `npm run bench`. Template validation is off on both sides, as in
 * the benchmark's `off` mode (it does not change what is written).
 */
describe('the hand-written benchmark app writes what the library writes', () => {
  let tmp: string;
  let libraryDir: string;
  let handDir: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-equivalence-'));
    libraryDir = path.join(tmp, 'library');
    handDir = path.join(tmp, 'hand-written');
    const library = buildLibraryApp(libraryDir, 2, { [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: 'built-in' });
    Validations.of(library.app).addPlugins(CachedCloudFormationValidatePlugin.disabled());
    library.app.synth();
    const hand = buildHandWrittenApp(handDir, 2);
    Validations.of(hand.app).addPlugins(CachedCloudFormationValidatePlugin.disabled());
    hand.synth();
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const relevant = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter(f => f.endsWith('.template.json') || f.endsWith('.k8s.yaml'))
    .sort();

  test('both write the same template and manifest files', () => {
    const files = relevant(libraryDir);
    expect(files).toEqual(relevant(handDir));
    // a template and a manifest: both targets are compared
    expect(files.filter(f => f.endsWith('.template.json'))).toHaveLength(1);
    expect(files.filter(f => f.endsWith('.k8s.yaml'))).toHaveLength(1);
  });

  test('every template and manifest is byte for byte the same', () => {
    for (const f of relevant(libraryDir)) {
      const hand = path.join(handDir, f);
      // as text, so that a failure shows the differing lines
      expect({ file: f, text: fs.existsSync(hand) ? fs.readFileSync(hand, 'utf-8') : undefined })
        .toEqual({ file: f, text: fs.readFileSync(path.join(libraryDir, f), 'utf-8') });
    }
    // the benchmark's own comparison agrees
    expect(compareAssemblies(libraryDir, handDir)).toEqual([]);
  });
});
