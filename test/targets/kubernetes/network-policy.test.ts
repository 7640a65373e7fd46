import { Testing } from 'cdk8s';
import { FixedKubernetesPolicy, GPU_PROFILE, GPU_SIZING, IMAGE, kindOf, place, synth } from './fixtures';
import { CacheSidecar } from '../../../lib';
import { checkKubernetesOptions } from '../../../lib/targets/kubernetes/check-options';
import { renderKubernetes } from '../../../lib/targets/kubernetes/render';
import { Manifest } from '../../helpers/kubernetes';

/** The metrics scraper's rule: the default namespace `monitoring`, on the (generic) server's port. */
const scraper = (port: number) => ({
  from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
  ports: [{ protocol: 'TCP', port }],
});

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
    }, scraper(8000)]);
  });

  test('leave the declared peers when not given, and the egress either way', () => {
    const declared = kindOf(render(), 'NetworkPolicy').spec;
    expect(declared.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } } }],
      ports: [{ protocol: 'TCP', port: 8000 }],
    }, scraper(8000)]);
    expect(kindOf(render(['10.20.0.0/16']), 'NetworkPolicy').spec.egress).toEqual(declared.egress);
  });
});

describe('NetworkPolicy', () => {
  const DNS_EGRESS = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  };

  test('a NetworkPolicy admits the service port from the namespace\'s pods only, the metrics scraper, and lets the pods reach only the cluster DNS', () => {
    const m = synth(place({ containerPort: 8000, cacheSidecars: [CacheSidecar.redis()] }));
    const np = kindOf(m, 'NetworkPolicy');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: kindOf(m, 'Deployment').spec.selector.matchLabels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8000 }] }, scraper(8000)],
      egress: [DNS_EGRESS],
    });
  });

  test('a model cache may reach HTTPS anywhere but the instance metadata service; declared peers and destinations are added', () => {
    const m = synth(place({
      modelUri: 's3://models/llm/',
      allowedIngressPeers: [{ cidr: '10.20.0.0/16' }, { namespaceLabels: { 'kubernetes.io/metadata.name': 'gateway' } }],
      allowedEgress: [{ cidr: '10.30.0.0/16', port: 5432 }],
    }));
    const np = kindOf(m, 'NetworkPolicy').spec;
    expect(np.ingress).toEqual([{
      from: [{ ipBlock: { cidr: '10.20.0.0/16' } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }, scraper(8080)]);
    expect(np.egress).toEqual([
      DNS_EGRESS,
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
  });

  test('a model cache with egressCidrs reaches HTTPS on those blocks only (e.g. the S3 prefix list through the gateway endpoint)', () => {
    const np = kindOf(synth(place({
      cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/llm/', egressCidrs: ['52.216.0.0/15', '3.5.0.0/19'] })],
    })), 'NetworkPolicy').spec;
    expect(np.egress).toEqual([
      DNS_EGRESS,
      { to: [{ ipBlock: { cidr: '52.216.0.0/15' } }, { ipBlock: { cidr: '3.5.0.0/19' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  test('throws for egressCidrs that are not CIDR blocks, or empty', () => {
    expect(() => CacheSidecar.modelCache({ egressCidrs: ['s3.amazonaws.com'] })).toThrow('\'cacheSidecars.modelCache.egressCidrs[0]\' must be a CIDR block');
    expect(() => CacheSidecar.modelCache({ egressCidrs: [] })).toThrow('\'cacheSidecars.modelCache.egressCidrs\' must be a non-empty list of CIDR blocks, got []');
  });
});
