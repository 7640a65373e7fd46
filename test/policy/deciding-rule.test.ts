import { rule } from './helpers';
import { PlacementPolicy, PlacementTarget, RuleKind } from '../../lib/policy';
import { decidingRule } from '../../lib/policy/deciding-rule';
import { HYBRID_PROFILE, SERVERLESS_GPU_PROFILE } from '../helpers/fixtures';
import { gpuDecision } from '../report/fixtures';

const usd = (d: ReturnType<PlacementPolicy['decide']>, option: string) => d.costs.find(c => c.option === option)!.monthlyUsd;

describe('the deciding rule', () => {
  test('a constraint that excluded a cheaper target is a reason while another target stayed feasible: the band that chose decides', () => {
    const d = PlacementPolicy.default().decide(HYBRID_PROFILE);
    expect(d.target).toBe(PlacementTarget.HYBRID);
    // Lambda, priced as if it could run the model, is cheaper than the hybrid, and constraint.gpu excluded it
    expect(usd(d, 'lambda-provisioned')).toBeLessThan(usd(d, 'hybrid'));
    expect(rule(d, 'constraint.gpu').verdict).toBe('fired');
    // Kubernetes stayed feasible: band.hybrid chose the hybrid over it
    expect(d.costs.find(c => c.option === 'kubernetes')!.feasible).toBe(true);
    expect(decidingRule(d)?.ruleId).toBe('band.hybrid');
  });

  test('the cost-optimized policy: the cheapest feasible option decides, not the constraint that excluded a cheaper one', () => {
    const d = PlacementPolicy.costOptimized().decide(HYBRID_PROFILE);
    expect(rule(d, 'constraint.gpu').verdict).toBe('fired');
    expect(decidingRule(d)?.ruleId).toBe('economics.cheapest');
  });

  test('a constraint that left the chosen target the only feasible one decides', () => {
    const d = gpuDecision();
    expect(d.costs.filter(c => c.feasible).map(c => c.target)).toEqual([PlacementTarget.KUBERNETES]);
    expect(decidingRule(d)?.ruleId).toBe('constraint.gpu');
  });

  test('a constraint that only removed dearer targets does not decide', () => {
    const d = PlacementPolicy.default().decide({ ...SERVERLESS_GPU_PROFILE });
    expect(d.target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    expect(rule(d, 'constraint.gpu').verdict).toBe('fired');
    expect(decidingRule(d)?.kind).not.toBe(RuleKind.CONSTRAINT);
  });
});
