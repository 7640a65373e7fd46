import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { STRICT_CONTEXT } from './helpers';
import { InferenceWorkload, ModelImage, PlacementPolicy, PlacementTarget } from '../../../lib';
import { CPU_PROFILE, importedVpc } from '../../helpers/fixtures';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1');

function place(withVpc: boolean): Template {
  const stack = new Stack(new App({ context: STRICT_CONTEXT }), 'Vpc');
  new InferenceWorkload(stack, 'Classifier', {
    image: IMAGE,
    profile: CPU_PROFILE,
    policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA),
    lambda: withVpc ? { vpc: importedVpc(stack) } : {},
  });
  return Template.fromStack(stack);
}

describe('the network-interface permissions of a VPC function are Lambda\'s, not its code\'s', () => {
  test('a Deny on lambda:SourceFunctionArn = the function covers every action the role allows on network interfaces', () => {
    const t = place(true);
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p: any) => p.Properties.PolicyDocument.Statement).flat();
    const allowed = policies.find((s: any) => s.Sid === 'ManageVpcNetworkInterfaces');
    const denied = policies.find((s: any) => s.Sid === 'DenyNetworkInterfacesToFunctionCode');
    expect(denied).toMatchObject({
      Effect: 'Deny',
      Resource: '*',
      Condition: { ArnEquals: { 'lambda:SourceFunctionArn': { 'Fn::GetAtt': [expect.stringMatching(/^ClassifierFunction/), 'Arn'] } } },
    });
    expect([...denied.Action].sort()).toEqual([...allowed.Action].sort());
  });

  test('the function does not wait for the Deny (no cycle: the Deny names the function\'s ARN)', () => {
    const t = place(true);
    const [fnId, fn] = Object.entries(t.findResources('AWS::Lambda::Function'))[0] as [string, any];
    const denyId = Object.entries(t.findResources('AWS::IAM::Policy'))
      .find(([, p]: [string, any]) => JSON.stringify(p).includes('DenyNetworkInterfacesToFunctionCode'))![0];
    expect(fn.DependsOn ?? []).not.toContain(denyId);
    expect(fnId).toMatch(/^ClassifierFunction/);
  });

  test('without a VPC there is nothing to deny', () => {
    expect(JSON.stringify(place(false).toJSON())).not.toContain('DenyNetworkInterfacesToFunctionCode');
  });
});
