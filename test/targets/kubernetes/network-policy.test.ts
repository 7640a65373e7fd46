import { Testing } from 'cdk8s';
import { FixedKubernetesPolicy, GPU_PROFILE, GPU_SIZING, IMAGE, kindOf } from './fixtures';
import { checkKubernetesOptions } from '../../../lib/targets/kubernetes/check-options';
import { renderKubernetes } from '../../../lib/targets/kubernetes/render';
import { Manifest } from '../../helpers/kubernetes';

describe('admitted ingress CIDRs (the hybrid data plane admits its load balancer subnets only)', () => {
  const render = (admittedIngressCidrs?: string[]) => Testing.synth(renderKubernetes({
    workloadName: 'llm-chat',
    image: IMAGE,
    decision: new FixedKubernetesPolicy(GPU_SIZING).decide(GPU_PROFILE),
    options: checkKubernetesOptions({
      containerPort: 8000,
      allowedIngressPeers: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'gateway' } }],
    }),
    admittedIngressCidrs,
  }).chart) as Manifest[];

  test('replace the declared peers on the service port, in the order given', () => {
    expect(kindOf(render(['10.20.0.0/19', '10.20.32.0/19']), 'NetworkPolicy').spec.ingress).toEqual([{
      from: [{ ipBlock: { cidr: '10.20.0.0/19' } }, { ipBlock: { cidr: '10.20.32.0/19' } }],
      ports: [{ protocol: 'TCP', port: 8000 }],
    }]);
  });

  test('leave the declared peers when not given, and the egress either way', () => {
    const declared = kindOf(render(), 'NetworkPolicy').spec;
    expect(declared.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } } }],
      ports: [{ protocol: 'TCP', port: 8000 }],
    }]);
    expect(kindOf(render(['10.20.0.0/16']), 'NetworkPolicy').spec.egress).toEqual(declared.egress);
  });
});
