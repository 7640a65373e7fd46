import { container, GPU_SIZING, place, synth } from './fixtures';
import { CacheSidecar } from '../../../lib';
import { fetchPlan } from '../../../lib/targets/kubernetes/fetch-plan';
import { startupBudget } from '../../../lib/targets/kubernetes/startup';

const GP3 = 125;

describe('the fetch step, sized from the model and its source', () => {
  test.each<[string, string, number, number, number, string]>([
    // source, disk MiB/s -> streams, CPU millis, MiB/s, bound
    ['s3:// prefix on gp3: 10 ranged requests (the AWS CLI default) outrun the disk', 's3://models/llm/', GP3, 10, 1250, 'disk'],
    ['s3:// prefix on a 1,000 MiB/s disk: 13 requests of 81 MiB/s, CPU capped at 4 vCPU', 's3://models/llm/', 1000, 13, 4000, 'cpu'],
    ['oci:// on gp3: one stream per blob (a one-layer model), 81 MiB/s', 'oci://r.example.com/m:1', GP3, 3, 500, 'network'],
    ['https:// on gp3: curl, one stream', 'https://m.example.com/llm.bin', GP3, 1, 500, 'network'],
  ])('%s', (_name, uri, disk, streams, cpuMillis, boundBy) => {
    const plan = fetchPlan({ uri, modelSizeGiB: 70, diskThroughputMiBps: disk });
    expect(plan).toMatchObject({ streams, cpuMillis, boundBy });
    // the rate is the slowest bound, never above the disk
    expect(plan.throughputMiBps).toBeLessThanOrEqual(disk);
  });

  test('a small S3 object splits into fewer ranges than the requests allowed: its rate follows', () => {
    // a 16 MiB object is two 8 MiB ranges, whatever the disk could take
    const tiny = fetchPlan({ uri: 's3://models/model.bin', modelSizeGiB: 16 / 1024, diskThroughputMiBps: 1000 });
    expect(tiny).toMatchObject({ throughputMiBps: 2 * 81, boundBy: 'network' });
    const large = fetchPlan({ uri: 's3://models/model.bin', modelSizeGiB: 70, diskThroughputMiBps: 1000 });
    expect(large.throughputMiBps).toBeGreaterThan(tiny.throughputMiBps);
  });

  test('less CPU than planned slows the fetch, and the start-up budget follows the slower rate', () => {
    const planned = fetchPlan({ uri: 's3://models/llm/', modelSizeGiB: 70, diskThroughputMiBps: GP3 });
    const starved = fetchPlan({ uri: 's3://models/llm/', modelSizeGiB: 70, diskThroughputMiBps: GP3, cpuMillis: 500 });
    expect(starved.throughputMiBps).toBe(50);
    expect(starved.boundBy).toBe('cpu');
    const budget = (rate: number) => startupBudget({ modelSizeGiB: 70, fetchThroughputMiBps: rate, diskThroughputMiBps: GP3 });
    expect(budget(starved.throughputMiBps).fetchSeconds).toBeGreaterThan(budget(planned.throughputMiBps).fetchSeconds * 2);
  });

  test('the rendered fetch step carries the plan: its CPU and memory, the AWS CLI\'s and ORAS\'s concurrency; the deadline is timed with its rate', () => {
    const s3 = container(synth(place({ modelUri: 's3://models/llm/', nodeDiskThroughputMiBps: 1000 }, { ...GPU_SIZING, modelSizeGiB: 70 })), 'model-cache');
    expect(s3.resources.limits).toEqual({ cpu: '4000m', memory: '1024Mi' });
    expect(s3.command[2]).toContain('aws configure set default.s3.max_concurrent_requests 13\naws s3 sync');
    const oci = container(synth(place({ modelUri: 'oci://r.example.com/m:1' })), 'model-cache');
    expect(oci.resources.limits).toEqual({ cpu: '500m', memory: '256Mi' });
    expect(oci.command[2]).toContain('oras pull --concurrency 3 "$MODEL_URI"');
    // given resources are kept as given
    const given = container(synth(place({ cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/llm/', cpuMillis: 2000, memoryMiB: 2048 })] })), 'model-cache');
    expect(given.resources.limits).toEqual({ cpu: '2000m', memory: '2048Mi' });
    // an https:// model (81 MiB/s) gets a longer deadline than the same model from S3 on the same disk (125 MiB/s)
    const deadline = (modelUri: string) => synth(place({ modelUri }, { ...GPU_SIZING, modelSizeGiB: 70 }))
      .find(m => m.kind === 'Deployment')!.spec.progressDeadlineSeconds;
    expect(deadline('https://m.example.com/llm.bin')).toBeGreaterThan(deadline('s3://models/llm/'));
  });
});
