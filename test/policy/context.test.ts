import { App, Stack } from 'aws-cdk-lib';
import { SPIKY_CPU } from './helpers';
import { InferenceWorkload, ModelImage, PlacementPolicy, PriceTable } from '../../lib';

// The one place the construct meets the policy configuration: CDK context set once in cdk.json.
const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

function workload(context: Record<string, unknown>, policy?: PlacementPolicy): InferenceWorkload {
  return new InferenceWorkload(new Stack(new App({ context }), 'Platform'), 'Classifier', { image: IMAGE, profile: SPIKY_CPU, policy });
}

describe('policy and price table from CDK context', () => {
  test('with no context the default policy and table decide', () => {
    const w = workload({});
    expect(w.decision.policyName).toBe('default');
    expect(w.decision.priceTable.name).toBe('aws-us-east-1-on-demand');
  });

  test('inference-workload:policy and inference-workload:priceTable are read', () => {
    const table = { ...PriceTable.awsUsEast1().toJson(), name: 'acme-negotiated', effectiveDate: '2026-09-01' };
    const w = workload({ 'inference-workload:policy': { kind: 'cost-optimized' }, 'inference-workload:priceTable': table });
    expect(w.decision.policyName).toBe('cost-optimized');
    expect(w.decision.priceTable).toMatchObject({ name: 'acme-negotiated', effectiveDate: '2026-09-01' });
  });

  test('values given on the command line (-c key=value) arrive as strings and are parsed', () => {
    const table = JSON.stringify({ ...PriceTable.awsUsEast1().toJson(), name: 'from-cli' });
    const w = workload({ 'inference-workload:policy': 'cost-optimized', 'inference-workload:priceTable': table });
    expect(w.decision.policyName).toBe('cost-optimized');
    expect(w.decision.priceTable.name).toBe('from-cli');
  });

  test('a policy in props wins over context', () => {
    expect(workload({ 'inference-workload:policy': 'cost-optimized' }, PlacementPolicy.default()).decision.policyName).toBe('default');
  });

  test('fails at construction on an invalid context value, naming the key', () => {
    expect(() => workload({ 'inference-workload:policy': { kind: 'fastest' } }))
      .toThrow("'inference-workload:policy.kind' must be one of default, cost-optimized, fixed, got \"fastest\"");
  });
});
