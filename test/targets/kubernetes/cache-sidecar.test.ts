import { Size } from 'aws-cdk-lib';
import { container, kindOf, place, podSpec, synth } from './fixtures';
import { CacheSidecar, CacheVolume } from '../../../lib';

describe('local cache sidecars', () => {
  test('modelUri adds a model-cache init step that fetches into a volume the server mounts read-only', () => {
    const m = synth(place({ modelUri: 's3://models/llm/2.0.1/' }));
    const init = container(m, 'model-cache');
    expect(podSpec(m).initContainers.map((c: any) => c.name)).toEqual(['model-cache']);
    expect(init.command.join(' ')).toContain('aws s3 sync');
    expect(init.env).toContainEqual({ name: 'MODEL_URI', value: 's3://models/llm/2.0.1/' });
    // the URI reaches the shell through the environment, never inlined into the script
    expect(init.command.join(' ')).not.toContain('s3://models');
    expect(init.volumeMounts).toContainEqual({ mountPath: '/models', name: 'model-cache' });
    const server = container(m, 'model-server');
    expect(server.volumeMounts).toContainEqual({ mountPath: '/models', name: 'model-cache', readOnly: true });
    // the weights live in a directory keyed by the URI: a persistent or shared cache never serves another version
    const dir = server.env.find((e: any) => e.name === 'MODEL_DIR').value;
    expect(dir).toMatch(/^\/models\/[0-9a-f]{16}$/);
    expect(init.env).toContainEqual({ name: 'MODEL_DIR', value: dir });
    const other = container(synth(place({ modelUri: 's3://models/llm/2.0.2/' })), 'model-server').env.find((e: any) => e.name === 'MODEL_DIR').value;
    expect(other).not.toBe(dir);
    // default volume: an emptyDir sized 1.25 x the 16 GiB model
    expect(podSpec(m).volumes).toContainEqual({ name: 'model-cache', emptyDir: { sizeLimit: `${20 * 1024}Mi` } });
  });

  test('fetches over HTTPS with curl and from an OCI registry with ORAS', () => {
    const https = container(synth(place({ modelUri: 'https://models.example.com/llm/model.safetensors' })), 'model-cache');
    expect(https.image).toMatch(/curl/);
    expect(https.command.join(' ')).toContain('curl --fail');
    const oci = container(synth(place({ modelUri: 'oci://registry.example.com/models/llm:2.0.1' })), 'model-cache');
    expect(oci.image).toMatch(/oras/);
    expect(oci.env).toContainEqual({ name: 'MODEL_URI', value: 'registry.example.com/models/llm:2.0.1' });
  });

  test('a generic ephemeral volume on a local-NVMe storage class replaces the emptyDir', () => {
    const m = synth(place({
      cacheSidecars: [CacheSidecar.modelCache({
        uri: 's3://models/llm/',
        volume: CacheVolume.ephemeral({ storageClassName: 'local-nvme', size: Size.gibibytes(100) }),
      })],
    }));
    const vol = podSpec(m).volumes.find((v: any) => v.name === 'model-cache');
    expect(vol.emptyDir).toBeUndefined();
    expect(vol.ephemeral.volumeClaimTemplate.spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'local-nvme', resources: { requests: { storage: '102400Mi' } },
    });
  });

  test('a PVC cache volume mounts the claim', () => {
    const m = synth(place({ modelUri: 's3://models/llm/', cacheSidecars: [CacheSidecar.modelCache({ volume: CacheVolume.persistentVolumeClaim('llm-weights') })] }));
    expect(podSpec(m).volumes).toContainEqual({ name: 'model-cache', persistentVolumeClaim: { claimName: 'llm-weights', readOnly: false } });
  });

  test('never renders a hostPath volume', () => {
    for (const volume of [CacheVolume.emptyDir(), CacheVolume.ephemeral({ storageClassName: 'nvme', size: Size.gibibytes(50) }), CacheVolume.persistentVolumeClaim('w')]) {
      const m = synth(place({ cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/llm/', volume }), CacheSidecar.redis()] }));
      expect(JSON.stringify(m)).not.toContain('hostPath');
    }
  });

  test('a Redis sidecar binds to 127.0.0.1, has its own limits, no port and no Service', () => {
    const m = synth(place({ cacheSidecars: [CacheSidecar.redis({ maxMemoryMiB: 2048, cpuMillis: 250 })] }));
    const kv = container(m, 'kv-cache');
    expect(kv.args.join(' ')).toContain('--bind 127.0.0.1');
    expect(kv.args.join(' ')).toContain('--maxmemory 2048mb');
    expect(kv.resources).toEqual({
      limits: { cpu: '250m', memory: `${Math.ceil(2048 * 1.25) + 64}Mi` },
      requests: { cpu: '250m', memory: `${Math.ceil(2048 * 1.25) + 64}Mi` },
    });
    expect(kv.ports).toBeUndefined();
    expect(m.filter(x => x.kind === 'Service')).toHaveLength(1);
    expect(kindOf(m, 'Service').spec.ports.map((p: any) => p.port)).toEqual([8080]);
    expect(container(m, 'model-server').env).toContainEqual({ name: 'KV_CACHE_URL', value: 'redis://127.0.0.1:6379' });
  });

  test('the Redis sidecar shares a memory-backed volume with the server for its unix socket', () => {
    const m = synth(place({ cacheSidecars: [CacheSidecar.redis()] }));
    const kv = container(m, 'kv-cache');
    const server = container(m, 'model-server');
    expect(kv.args.join(' ')).toContain('--unixsocket /var/run/kv-cache/redis.sock');
    expect(kv.volumeMounts).toEqual([{ mountPath: '/var/run/kv-cache', name: 'kv-cache' }]);
    expect(server.volumeMounts).toContainEqual({ mountPath: '/var/run/kv-cache', name: 'kv-cache' });
    expect(server.env).toContainEqual({ name: 'KV_CACHE_SOCKET', value: '/var/run/kv-cache/redis.sock' });
    expect(podSpec(m).volumes).toContainEqual({ name: 'kv-cache', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } });
  });

  test('without modelUri or sidecars there is no cache', () => {
    const m = synth(place());
    expect(podSpec(m).initContainers).toBeUndefined();
    expect(podSpec(m).containers.map((c: any) => c.name)).toEqual(['model-server']);
  });

  test('fails on a cache volume larger than the declared node-local limit', () => {
    expect(() => place({
      nodeLocalStorageLimit: Size.gibibytes(100),
      cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/x/', volume: CacheVolume.emptyDir({ sizeLimit: Size.gibibytes(200) }) })],
    })).toThrow("'cacheSidecars.modelCache.volume' must fit the declared node-local limit 'kubernetes.nodeLocalStorageLimit' (100 GiB), got 200 GiB");
    expect(() => place({ nodeLocalStorageLimit: Size.gibibytes(10), modelUri: 's3://models/x/' }))
      .toThrow("'cacheSidecars.modelCache.volume' must fit the declared node-local limit 'kubernetes.nodeLocalStorageLimit' (10 GiB), got 20 GiB (1.25 x the model size)");
    // a PVC is not node-local
    expect(() => place({ nodeLocalStorageLimit: Size.gibibytes(10), cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/x/', volume: CacheVolume.persistentVolumeClaim('w') })] }))
      .not.toThrow();
  });

  test('fails on a cache volume smaller than the model', () => {
    expect(() => place({ cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/x/', volume: CacheVolume.emptyDir({ sizeLimit: Size.gibibytes(8) }) })] }))
      .toThrow("'cacheSidecars.modelCache.volume' must hold the model (16 GiB), got 8 GiB");
  });

  test('fails on bad URIs, a model cache without a URI, two model caches, and clashing ports', () => {
    expect(() => place({ modelUri: 'ftp://x/y' })).toThrow("'kubernetes.modelUri' must be an s3://, https://, hf://org/model@<commit> or oci:// URI without spaces, quotes or '$', got \"ftp://x/y\"");
    expect(() => place({ modelUri: 's3://bucket/$(reboot)' })).toThrow("'kubernetes.modelUri' must be an s3://, https://, hf://org/model@<commit> or oci:// URI");
    expect(() => place({ cacheSidecars: [CacheSidecar.modelCache()] }))
      .toThrow("'cacheSidecars.modelCache.uri' is required when the target has no 'modelUri', got undefined");
    expect(() => place({ modelUri: 's3://models/x/', cacheSidecars: [CacheSidecar.modelCache(), CacheSidecar.modelCache()] }))
      .toThrow("'kubernetes.cacheSidecars' may hold at most one model cache, got 2");
    expect(() => place({ cacheSidecars: [CacheSidecar.redis(), CacheSidecar.redis({ port: 6380 })] }))
      .toThrow("'kubernetes.cacheSidecars' may hold at most one key-value cache, got 2");
    expect(() => place({ containerPort: 6379, cacheSidecars: [CacheSidecar.redis()] }))
      .toThrow("'cacheSidecars.redis.port' must differ from 'kubernetes.containerPort' (6379), got 6379");
    expect(() => CacheSidecar.redis({ port: 80 })).toThrow("'cacheSidecars.redis.port' must be between 1,024 and 65,535, got 80");
    expect(() => CacheSidecar.modelCache({ mountPath: '/tmp' })).toThrow("'cacheSidecars.modelCache.mountPath' must not be a system path, got \"/tmp\"");
    expect(() => CacheVolume.ephemeral({ storageClassName: 'Local_NVMe', size: Size.gibibytes(1) })).toThrow("'cacheVolume.storageClassName' must be a DNS-1123 subdomain");
    expect(() => CacheVolume.emptyDir({ sizeLimit: Size.kibibytes(10) })).toThrow("'cacheVolume.sizeLimit' must be at least 1 MiB, got 0.009765625 MiB");
  });
});
