/**
 * Names reserved in a jsii language (`lambda` in Python, `default` in C#/Java/Go, `fixed` and
 * `namespace` in C#, `type` in Go) have an alias under a free name; the originals stay for
 * TypeScript and JavaScript and are hidden from jsii. Each alias works like its original.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  CacheSidecar, CacheSidecarType, CacheVolume, CacheVolumeType, InferenceWorkload, InferenceWorkloadValidationError, ModelImage,
  PlacementPolicy, PlacementTarget,
} from '../../lib';
import { CPU_PROFILE, GPU_PROFILE } from '../helpers/fixtures';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');
const stack = () => new Stack(new App(), 'Aliases');

describe('aliases of reserved words', () => {
  test('PlacementPolicy.defaultPolicy() and fixedTarget() decide as default() and fixed()', () => {
    expect(PlacementPolicy.defaultPolicy().decide(CPU_PROFILE).toJson()).toEqual(PlacementPolicy.default().decide(CPU_PROFILE).toJson());
    expect(PlacementPolicy.fixedTarget(PlacementTarget.KUBERNETES).decide(CPU_PROFILE).toJson())
      .toEqual(PlacementPolicy.fixed(PlacementTarget.KUBERNETES).decide(CPU_PROFILE).toJson());
  });

  test('lambdaOptions configures the Lambda target as lambda does; both at once is refused', () => {
    const w = new InferenceWorkload(stack(), 'W', { image: IMAGE, profile: CPU_PROFILE, lambdaOptions: { environment: { MODEL: 'ranker' } } });
    expect(w.decision.lambdaSizing).toBe(w.decision.lambda);
    Template.fromStack(Stack.of(w)).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MODEL: 'ranker' }) } });
    expect(() => new InferenceWorkload(stack(), 'W', { image: IMAGE, profile: CPU_PROFILE, lambda: {}, lambdaOptions: {} }))
      .toThrow(InferenceWorkloadValidationError);
  });

  test('kubernetes.namespaceName places the objects as namespace does; both at once is refused naming both', () => {
    const w = new InferenceWorkload(stack(), 'W', { image: IMAGE, profile: GPU_PROFILE, kubernetes: { namespaceName: 'ml', createNamespace: true } });
    expect(w.chart!.toJson().find((m: any) => m.kind === 'Deployment').metadata.namespace).toBe('ml');
    expect(w.hybrid).toBeUndefined();
    expect(() => new InferenceWorkload(stack(), 'W', { image: IMAGE, profile: GPU_PROFILE, kubernetes: { namespace: 'a', namespaceName: 'b' } }))
      .toThrow("Cannot configure both 'kubernetes.namespace' and 'kubernetes.namespaceName'");
  });

  test('sidecarType and volumeType read type', () => {
    expect(CacheSidecar.redis().sidecarType).toBe(CacheSidecarType.KEY_VALUE);
    expect(CacheVolume.emptyDir().volumeType).toBe(CacheVolumeType.EMPTY_DIR);
  });
});
