/*
 * Each model-server preset's rendered pod read against what its stock image needs (the table in
 * lib/targets/kubernetes/stock-images.ts, from each project's Dockerfile and docs; the same table is
 * docs/model-servers.md). `stockImageProblems` plays the image's part: it lists what the image would
 * trip on in the pod (no user name for a UID without a passwd entry, a cache directory on the
 * read-only root, a probe on the wrong path or port, a metrics port not exposed). Planted regressions
 * show it fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { container, GPU_SIZING, place, podSpec, synth } from './fixtures';
import { ModelServer } from '../../../lib';
import { STOCK_IMAGES, StockImageName, StockImageNeeds } from '../../../lib/targets/kubernetes/stock-images';
import { Manifest } from '../../helpers/kubernetes';

/** What the stock image would trip on in the rendered pod; empty when the pod meets its needs. */
function stockImageProblems(needs: StockImageNeeds, manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const spec = podSpec(manifests);
  const server = container(manifests, 'model-server');
  const env: Record<string, string | undefined> = Object.fromEntries((server.env ?? []).map((e: any) => [e.name, e.value]));
  const uid = server.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;

  // the user: a UID the image has no passwd entry for needs a user name from the environment
  if (uid === undefined || uid === 0) {
    problems.push(`runs as ${uid ?? 'the image user'}, not a non-root UID`);
  }
  if (!(needs.uid1000HasPasswdEntry && uid === 1000)) {
    for (const name of ['USER', 'LOGNAME']) {
      if (!env[name]) {
        problems.push(`${name} is not set for UID ${uid}, which has no passwd entry in ${needs.image} (getpass.getuser() raises KeyError)`);
      }
    }
  }

  // writable directories: on a writable mount of a volume the pod defines (the root is read-only)
  const readOnlyRoot = server.securityContext?.readOnlyRootFilesystem === true;
  const volumes = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
  const writable = (dir: string): boolean => (server.volumeMounts ?? []).some((m: any) =>
    !m.readOnly && volumes.has(m.name) && (dir === m.mountPath || dir.startsWith(`${m.mountPath.replace(/\/$/, '')}/`)));
  for (const name of needs.writableEnv) {
    const dir = env[name];
    if (dir === undefined) {
      problems.push(`${name} is not set: ${needs.image} writes under its default, ${readOnlyRoot ? 'on the read-only root' : 'in the image'}`);
    } else if (!writable(dir)) {
      problems.push(`${name}=${dir} is not on a writable volume`);
    }
  }
  for (const dir of needs.writablePaths) {
    if (!writable(dir)) {
      problems.push(`${dir} is not on a writable volume`);
    }
  }
  const homeMount = (server.volumeMounts ?? []).find((m: any) => m.mountPath === env.HOME);
  const homeLimit = homeMount && volumes.get(homeMount.name)?.emptyDir?.sizeLimit;
  if (homeLimit !== undefined && parseInt(homeLimit, 10) < needs.homeMiB) {
    problems.push(`HOME holds ${homeLimit}, less than the ${needs.homeMiB}Mi its caches need`);
  }

  // ports and probes
  const ports: any[] = server.ports ?? [];
  if (!ports.some(p => p.containerPort === needs.port)) {
    problems.push(`port ${needs.port} is not a container port`);
  }
  if (!ports.some(p => p.containerPort === needs.metricsPort)) {
    problems.push(`metrics port ${needs.metricsPort} is not a container port`);
  }
  const probes: Array<[string, string]> = [['readinessProbe', needs.readinessPath], ['startupProbe', needs.readinessPath], ['livenessProbe', needs.livenessPath]];
  for (const [probe, expected] of probes) {
    const get = server[probe]?.httpGet;
    if (get?.path !== expected || get?.port !== needs.port) {
      problems.push(`${probe} is ${get?.path}:${get?.port}, not ${expected}:${needs.port}`);
    }
  }
  return problems;
}

const PRESETS: Array<[StockImageName, () => ModelServer]> = [
  ['vllm', () => ModelServer.vllm()],
  ['tgi', () => ModelServer.textGenerationInference()],
  ['triton', () => ModelServer.triton()],
  ['generic', () => ModelServer.generic()],
];

describe.each(PRESETS)('the %s preset runs its stock image as published', (name, preset) => {
  const needs = STOCK_IMAGES[name];

  test('with the image carrying its weights and with a model cache, on GPUs', () => {
    for (const options of [{}, { modelUri: 'https://models.example.com/model.safetensors' }]) {
      const m = synth(place({ modelServer: preset(), ...options }, { ...GPU_SIZING, gpuCount: 2 }));
      expect(stockImageProblems(needs, m)).toEqual([]);
    }
  });

  test('planted regressions are caught: no user name, a cache on the root, the home read-only, a wrong probe, /tmp gone', () => {
    const fresh = () => synth(place({ modelServer: preset() }));
    const plant = (mutate: (m: Manifest[]) => void) => {
      const m = fresh();
      mutate(m);
      return stockImageProblems(needs, m);
    };
    const server = (m: Manifest[]) => container(m, 'model-server');
    if (!needs.uid1000HasPasswdEntry) {
      expect(plant(m => { server(m).env = server(m).env.filter((e: any) => e.name !== 'USER'); }))
        .toContainEqual(expect.stringContaining('USER is not set for UID 1000'));
    }
    expect(plant(m => { server(m).env = server(m).env.map((e: any) => e.name === 'HOME' ? { ...e, value: '/root' } : e); }))
      .toContainEqual('HOME=/root is not on a writable volume');
    expect(plant(m => { server(m).volumeMounts = server(m).volumeMounts.map((v: any) => v.name === 'home' ? { ...v, readOnly: true } : v); }))
      .toContainEqual(expect.stringMatching(/^HOME=.* is not on a writable volume$/));
    expect(plant(m => { server(m).volumeMounts = server(m).volumeMounts.filter((v: any) => v.mountPath !== '/tmp'); }))
      .toContainEqual('/tmp is not on a writable volume');
    expect(plant(m => { server(m).readinessProbe.httpGet.path = '/ready'; }))
      .toContainEqual(`readinessProbe is /ready:${needs.port}, not ${needs.readinessPath}:${needs.port}`);
    expect(plant(m => { server(m).ports = server(m).ports.filter((p: any) => p.containerPort !== needs.metricsPort); }))
      .toContainEqual(expect.stringContaining(`port ${needs.metricsPort} is not a container port`));
    expect(plant(m => { delete server(m).securityContext.runAsUser; delete podSpec(m).securityContext.runAsUser; }))
      .toContainEqual(expect.stringContaining('not a non-root UID'));
  });
});

test('every preset has a row in docs/model-servers.md with its ports and health paths', () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../../docs/model-servers.md'), 'utf8');
  for (const [name] of PRESETS) {
    const needs = STOCK_IMAGES[name];
    const row = doc.split('\n').find(line => line.startsWith(`| \`${name}\` |`));
    expect(row).toBeDefined();
    for (const fact of [needs.image, String(needs.port), String(needs.metricsPort), needs.readinessPath, needs.livenessPath, `${needs.homeMiB} MiB`]) {
      expect(row).toContain(fact);
    }
  }
});
