/**
 * The README's "Security" section, claim by claim. Each test is named by its claim's id (`S1`,
 * `S2`...) and reads the output the claim is about: the example app as `npx cdk synth` builds it,
 * and small apps for what the example does not use. Claims about one part of the output may be
 * tested beside that part's other tests instead (`S11: ...` in test/targets/trust-keys-endpoint.test.ts);
 * `test/docs.test.ts` checks that every id in the README's section has a test named by it under
 * test/ and that every such test has its row there.
 *
 * Every check iterates over all resources (or manifests) of a kind, so a new function, role or
 * NetworkPolicy that breaks a claim fails here without anyone adding it to a list.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildExampleApp } from '../../examples/app';
import { InferenceWorkload, ModelImage, PlacementPolicy, PlacementTarget } from '../../lib';
import { CPU_PROFILE, importedVpc } from '../helpers/fixtures';
import { Manifest, podTemplatesOf, readManifestFiles, restrictedViolations } from '../helpers/kubernetes';
import { admitPod, containersWithCredentials, CredentialMode } from '../helpers/pod-identity-webhook';
import { closeAll, echo, event, router, serve } from '../targets/hybrid/router-helpers';
import { importCluster, newStack, place } from '../targets/kubernetes/fixtures';
import { STRICT_CONTEXT } from '../targets/lambda/helpers';

afterAll(closeAll);

/** The example app, synthesized once into a temporary folder. */
const example = (() => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'security-claims-'));
  const app = buildExampleApp(new App({ outdir }));
  app.synth();
  const stacks = app.node.findAll().filter((c): c is Stack => c instanceof Stack);
  const templates = stacks.map(s => Template.fromStack(s));
  const manifests: Manifest[] = readManifestFiles(outdir).flatMap(f => f.manifests);
  return { templates, manifests };
})();

/** Every resource of `type` in the example's templates, as `[logicalId, resource]`. */
function resources(type: string): Array<[string, any]> {
  return example.templates.flatMap(t => Object.entries(t.findResources(type)));
}

/** Every statement of every inline policy in the example's templates. */
function policyStatements(): any[] {
  return resources('AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

const byKind = (kind: string) => example.manifests.filter(m => m.kind === kind);

describe('Lambda, Managed Instances and the hybrid\'s functions', () => {
  test('S1: every function URL and every REST API method requires AWS IAM (SigV4) auth, and no permission lets anyone invoke', () => {
    const urls = resources('AWS::Lambda::Url');
    expect(urls.length).toBeGreaterThan(0);
    for (const [id, url] of urls) {
      expect([id, url.Properties.AuthType]).toEqual([id, 'AWS_IAM']);
      // on the alias, so a caller reaches the published, provisioned version only
      expect([id, url.Properties.Qualifier]).toEqual([id, 'live']);
    }
    const methods = resources('AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThan(0);
    for (const [id, m] of methods) {
      expect([id, m.Properties.AuthorizationType]).toEqual([id, 'AWS_IAM']);
    }
    for (const [id, p] of resources('AWS::Lambda::Permission')) {
      // a service principal is scoped by the source it invokes from; no permission names '*'
      expect([id, p.Properties.Principal]).not.toEqual([id, '*']);
      expect([id, p.Properties.SourceArn ?? p.Properties.FunctionUrlAuthType]).not.toEqual([id, undefined]);
    }
  });

  test('S2: roles carry no managed policies, and each function may write only its own log group', () => {
    const roles = resources('AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const [id, role] of roles) {
      expect([id, role.Properties.ManagedPolicyArns]).toEqual([id, undefined]);
    }
    const logGroups = new Set(resources('AWS::Logs::LogGroup').map(([id]) => id));
    // a function's role writes to that function's log group and no other
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      const role = fn.Properties.Role['Fn::GetAtt'][0];
      const own = fn.Properties.LoggingConfig.LogGroup.Ref;
      const written = resources('AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === role))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('logs:')))
        .flatMap((s: any) => [s.Resource].flat().map((r: any) => r['Fn::GetAtt']?.[0] ?? r));
      expect([id, [...new Set(written)]]).toEqual([id, [own]]);
    }
    const logStatements = policyStatements().filter(s => [s.Action].flat().some((a: string) => a.startsWith('logs:')));
    expect(logStatements.length).toBeGreaterThan(0);
    for (const s of logStatements) {
      // never every log group: each statement names log-group ARNs
      for (const r of [s.Resource].flat()) {
        // a log group of the template (`Fn::GetAtt` of an AWS::Logs::LogGroup) or a log-group ARN
        const ref = r?.['Fn::GetAtt']?.[0];
        const ok = ref !== undefined ? logGroups.has(ref) : JSON.stringify(r).includes(':log-group:');
        expect([r, ok]).toEqual([r, true]);
      }
    }
  });

  test('S3: a VPC function\'s network-interface permissions are denied to the function\'s own code', () => {
    const stack = new Stack(new App({ context: STRICT_CONTEXT }), 'Vpc');
    new InferenceWorkload(stack, 'Classifier', {
      image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1'),
      profile: CPU_PROFILE,
      policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA),
      lambda: { vpc: importedVpc(stack) },
    });
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const eniActions = statements.filter(s => s.Effect === 'Allow' && [s.Action].flat().some((a: string) => a.includes('NetworkInterface')))
      .flatMap(s => [s.Action].flat());
    expect(eniActions.length).toBeGreaterThan(0);
    const denies = statements.filter(s => s.Effect === 'Deny' && s.Condition?.ArnEquals?.['lambda:SourceFunctionArn'] !== undefined);
    expect(new Set(denies.flatMap(s => [s.Action].flat()))).toEqual(new Set(eniActions));
  });
});

describe('Kubernetes pods', () => {
  test('S4: no NetworkPolicy admits ingress without a `from`; the service port admits the workload\'s namespace, named peers or the hybrid\'s load balancer only', () => {
    const policies = byKind('NetworkPolicy');
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) {
      for (const rule of p.spec.ingress ?? []) {
        expect([p.metadata.name, rule.from?.length ?? 0]).not.toEqual([p.metadata.name, 0]);
        for (const peer of rule.from) {
          // no peer stands for the whole network
          expect([p.metadata.name, peer.ipBlock?.cidr]).not.toEqual([p.metadata.name, '0.0.0.0/0']);
          expect([p.metadata.name, peer.ipBlock?.cidr]).not.toEqual([p.metadata.name, '::/0']);
          expect([p.metadata.name, peer.namespaceSelector]).not.toEqual([p.metadata.name, {}]);
        }
      }
    }
  });

  test('S5: every pod meets Pod Security "restricted" and mounts no service-account token', () => {
    const deployments = byKind('Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      for (const t of podTemplatesOf(d)) {
        expect(restrictedViolations(t)).toEqual([]);
        expect([d.metadata.name, t.spec.automountServiceAccountToken]).toEqual([d.metadata.name, false]);
      }
    }
    for (const sa of byKind('ServiceAccount')) {
      expect([sa.metadata.name, sa.automountServiceAccountToken]).toEqual([sa.metadata.name, false]);
    }
  });

  test('S6: pods reach DNS, and HTTPS only when they fetch weights; no rule admits the instance metadata service', () => {
    for (const p of byKind('NetworkPolicy')) {
      const name = p.metadata.name;
      expect([name, p.spec.policyTypes]).toEqual([name, ['Ingress', 'Egress']]);
      for (const rule of p.spec.egress) {
        const ports = (rule.ports ?? []).map((x: any) => x.port);
        expect([name, ports.length]).not.toEqual([name, 0]);
        expect([name, ports.every((x: number) => x === 53 || x === 443)]).toEqual([name, true]);
        for (const peer of rule.to ?? []) {
          if (peer.ipBlock) {
            const covers = peer.ipBlock.cidr === '0.0.0.0/0' || peer.ipBlock.cidr.startsWith('169.254.');
            // a range that covers the metadata address excepts it
            expect([name, !covers || (peer.ipBlock.except ?? []).includes('169.254.169.254/32')]).toEqual([name, true]);
          }
        }
      }
    }
    // 443 only where weights are fetched at start (an init container)
    for (const d of byKind('Deployment')) {
      const policy = byKind('NetworkPolicy').find(p => p.metadata.namespace === d.metadata.namespace
        && JSON.stringify(p.spec.podSelector) === JSON.stringify({ matchLabels: { 'cdk8s.io/metadata.addr': d.spec.template.metadata.labels['cdk8s.io/metadata.addr'] } }))!;
      const https = policy.spec.egress.some((r: any) => r.ports.some((x: any) => x.port === 443));
      expect([d.metadata.name, https]).toEqual([d.metadata.name, (d.spec.template.spec.initContainers ?? []).length > 0]);
    }
  });

  test.each(['irsa', 'pod-identity'] as CredentialMode[])('S7: with a role (%s), only the fetch containers receive AWS credentials', (mode) => {
    const fetching = byKind('Deployment').filter(d => (d.spec.template.spec.initContainers ?? []).length > 0);
    expect(fetching.length).toBeGreaterThan(0);
    for (const d of fetching) {
      const initNames = d.spec.template.spec.initContainers.map((c: any) => c.name);
      expect([d.metadata.name, containersWithCredentials(admitPod(d, mode), mode).sort()]).toEqual([d.metadata.name, [...initNames].sort()]);
    }
  });

  test('S8: the model role reads the model\'s prefix and nothing else in the bucket', () => {
    const stack = newStack();
    place({ cluster: importCluster(stack), modelBucket: s3.Bucket.fromBucketName(stack, 'Models', 'example-models'), modelUri: 's3://example-models/llm/2.0.1/' },
      undefined, {}, stack);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      const resource = JSON.stringify(s.Resource);
      if (s.Action === 's3:ListBucket') {
        expect(s.Condition).toEqual({ StringLike: { 's3:prefix': ['llm/2.0.1/*'] } });
      } else {
        expect(resource).toContain('example-models/llm/2.0.1/');
      }
    }
  });
});

describe('the hybrid', () => {
  test('S9: the router does not pass the caller\'s Authorization header, cookies or its own X-Forwarded-For to the model server', async () => {
    const url = await serve(echo);
    const { r } = router({ DATA_PLANE_URL: url });
    const res = await r.buffered(event({
      headers: { 'authorization': 'AWS4-HMAC-SHA256 Credential=x', 'x-forwarded-for': '10.0.0.1' },
      cookies: ['session=s1'],
    }));
    const seen = JSON.parse(res.body).headers;
    expect(seen.authorization).toBeUndefined();
    expect(seen.cookie).toBeUndefined();
    // the address API Gateway saw, not the one the caller wrote
    expect(seen['x-forwarded-for']).toBe('203.0.113.7');
  });

  test('S21: the router reaches the model server through an internal NLB that admits the control plane\'s functions only', () => {
    const nlbs = resources('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(nlbs.length).toBeGreaterThan(0);
    // the security groups Lambda functions run in (the control plane's)
    const functionGroups = new Set(resources('AWS::Lambda::Function')
      .flatMap(([, fn]) => fn.Properties.VpcConfig?.SecurityGroupIds ?? [])
      .map((g: any) => g['Fn::GetAtt']?.[0]));
    for (const [id, nlb] of nlbs) {
      expect([id, nlb.Properties.Scheme]).toEqual([id, 'internal']);
      for (const group of nlb.Properties.SecurityGroups) {
        const groupId = group['Fn::GetAtt'][0];
        const inline = resources('AWS::EC2::SecurityGroup').find(([g]) => g === groupId)![1].Properties.SecurityGroupIngress ?? [];
        const separate = resources('AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.GroupId['Fn::GetAtt']?.[0] === groupId)
          .map(([, r]) => r.Properties);
        const rules = [...inline, ...separate];
        expect(rules.length).toBeGreaterThan(0);
        for (const rule of rules) {
          // no address range: only the control plane's security group
          expect([id, rule.CidrIp ?? rule.CidrIpv6]).toEqual([id, undefined]);
          expect([id, functionGroups.has(rule.SourceSecurityGroupId?.['Fn::GetAtt']?.[0])]).toEqual([id, true]);
        }
      }
    }
  });

  test('S10: the data plane\'s pods admit the service port from the load balancer\'s subnets only', () => {
    const bindings = byKind('TargetGroupBinding');
    expect(bindings.length).toBeGreaterThan(0);
    for (const b of bindings) {
      const service = byKind('Service').find(s => s.metadata.name === b.spec.serviceRef.name && s.metadata.namespace === b.metadata.namespace)!;
      const servicePort = service.spec.ports[0].targetPort;
      // the policy of the pods the load balancer's Service selects
      const policy = byKind('NetworkPolicy').find(p => p.metadata.namespace === b.metadata.namespace
        && JSON.stringify(p.spec.podSelector.matchLabels) === JSON.stringify(service.spec.selector))!;
      const serving = policy.spec.ingress.filter((r: any) => r.ports.some((x: any) => x.port === servicePort));
      const peers = serving.flatMap((r: any) => r.from);
      expect(peers.length).toBeGreaterThan(0);
      for (const peer of peers) {
        // the NLB's private subnets, or the metrics scraper's namespace on a shared port
        expect(peer.ipBlock?.cidr ?? peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).toMatch(/^(10\.|monitoring$)/);
      }
    }
  });
});
