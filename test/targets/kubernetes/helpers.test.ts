import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  expectRestricted, Manifest, modelClassOf, podTemplatesOf, restrictedViolations, schemaErrors, unknownFields, validateManifests,
} from '../../helpers/kubernetes';

/** A pod that meets "restricted", to break one control at a time. */
function compliantPod(): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'c',
        image: 'x:1',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
      volumes: [{ name: 'cache', emptyDir: {} }],
    },
  };
}

function violations(mutate: (spec: any) => void): string[] {
  const pod = compliantPod();
  mutate(pod.spec);
  return restrictedViolations(podTemplatesOf(pod)[0]);
}

describe('schema validation helper', () => {
  test('finds the kubernetes-models class by apiVersion and kind', () => {
    expect(modelClassOf('apps/v1', 'Deployment')).toBeDefined();
    expect(modelClassOf('v1', 'Service')).toBeDefined();
    expect(modelClassOf('networking.k8s.io/v1', 'NetworkPolicy')).toBeDefined();
    expect(modelClassOf('policy/v1', 'PodDisruptionBudget')).toBeDefined();
    expect(modelClassOf('autoscaling/v2', 'HorizontalPodAutoscaler')).toBeDefined();
    expect(modelClassOf('apps/v1', 'Deploymentt')).toBeUndefined();
  });

  test('accepts a valid object and reports a wrongly typed field', () => {
    expect(schemaErrors(compliantPod())).toEqual([]);
    const bad = compliantPod();
    bad.spec.containers[0].resources = { limits: { 'nvidia.com/gpu': null } };
    expect(schemaErrors(bad).join()).toMatch(/nvidia\.com~1gpu/);
  });

  test('reports a missing required field and an unknown kind', () => {
    const noContainers = compliantPod();
    delete noContainers.spec.containers;
    expect(schemaErrors(noContainers).join()).toMatch(/containers/);
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }))
      .toEqual(['Widget w: no Kubernetes schema for example.com/v1/Widget']);
    expect(() => validateManifests([compliantPod(), { apiVersion: 'v1', kind: 'Nope' }])).toThrow(/no Kubernetes schema for v1\/Nope/);
  });
});

describe('Pod Security Standard "restricted" helper', () => {
  test('passes a compliant pod', () => {
    expect(violations(() => undefined)).toEqual([]);
  });

  test.each<[string, (spec: any) => void, RegExp]>([
    ['host network', s => { s.hostNetwork = true; }, /Host Namespaces: spec.hostNetwork/],
    ['host PID', s => { s.hostPID = true; }, /Host Namespaces: spec.hostPID/],
    ['privileged', s => { s.containers[0].securityContext.privileged = true; }, /Privileged Containers/],
    ['SYS_ADMIN added', s => { s.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }, /Capabilities: .*add SYS_ADMIN is not allowed by baseline/],
    ['CHOWN added (baseline ok, restricted not)', s => { s.containers[0].securityContext.capabilities.add = ['CHOWN']; }, /may only hold NET_BIND_SERVICE, got CHOWN/],
    ['hostPath volume', s => { s.volumes.push({ name: 'h', hostPath: { path: '/var' } }); }, /HostPath Volumes: volume h/],
    ['nfs volume', s => { s.volumes.push({ name: 'n', nfs: { server: 'x', path: '/' } }); }, /Volume Types: volume n has type nfs/],
    ['host port', s => { s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]; }, /Host Ports/],
    ['unsafe sysctl', s => { s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }, /Sysctls/],
    ['SELinux user', s => { s.securityContext.seLinuxOptions = { user: 'root' }; }, /SELinux: .*user must be unset/],
    ['unmasked /proc', s => { s.containers[0].securityContext.procMount = 'Unmasked'; }, /\/proc Mount Type/],
    ['privilege escalation unset', s => { delete s.containers[0].securityContext.allowPrivilegeEscalation; }, /Privilege Escalation/],
    ['runAsNonRoot missing', s => { delete s.securityContext.runAsNonRoot; }, /Running as Non-root:/],
    ['container runAsNonRoot false', s => { s.containers[0].securityContext.runAsNonRoot = false; }, /Running as Non-root:/],
    ['runAsUser 0', s => { s.containers[0].securityContext.runAsUser = 0; }, /Running as Non-root user/],
    ['no seccomp profile', s => { delete s.securityContext.seccompProfile; }, /Seccomp: .*must be RuntimeDefault or Localhost/],
    ['Unconfined seccomp', s => { s.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }, /Seccomp: .*must not be Unconfined/],
    ['capabilities not dropped', s => { s.containers[0].securityContext.capabilities = {}; }, /drop must include ALL/],
    ['init container escalates', s => { s.initContainers = [{ name: 'i', image: 'x:1', securityContext: { capabilities: { drop: ['ALL'] } } }]; }, /initContainers\[i\].*Privilege Escalation|Privilege Escalation: initContainers\[i\]/],
  ])('reports %s', (_name, mutate, expected) => {
    expect(violations(mutate).join('\n')).toMatch(expected);
  });

  test('finds the pod template of workload controllers', () => {
    const chart = cdk8s.Testing.chart();
    new kplus.Deployment(chart, 'D', { containers: [{ image: 'x:1' }] });
    const [deployment] = cdk8s.Testing.synth(chart) as Manifest[];
    expect(podTemplatesOf(deployment)).toHaveLength(1);
    expect(podTemplatesOf({ apiVersion: 'v1', kind: 'Service' })).toEqual([]);
  });

  test('cdk8s-plus defaults alone do not meet "restricted" (why the renderer sets more)', () => {
    const chart = cdk8s.Testing.chart();
    new kplus.Deployment(chart, 'D', { containers: [{ image: 'x:1' }] });
    const manifests = cdk8s.Testing.synth(chart) as Manifest[];
    expect(() => expectRestricted(manifests)).toThrow(/Seccomp[\s\S]*drop must include ALL/);
  });
});

describe('unknownFields (strict: the kubernetes-models validators accept unknown fields)', () => {
  const deployment = (): Manifest => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', labels: { 'app.kubernetes.io/name': 'd' } },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          setHostnameAsFQDN: false,
          containers: [{
            name: 'c',
            image: 'x:1',
            ports: [{ containerPort: 80 }],
            resources: { limits: { 'cpu': '1', 'nvidia.com/gpu': 1 }, requests: { 'ephemeral-storage': '1Gi' } },
            readinessProbe: { httpGet: { path: '/', port: 80 } },
            lifecycle: { preStop: { sleep: { seconds: 5 } } },
          }],
        },
      },
    },
  });

  test('accepts every field of the 1.28 schema, and the newer fields the renderer emits on purpose', () => {
    expect(unknownFields(deployment())).toEqual([]);
    expect(schemaErrors(deployment())).toEqual([]);
  });

  test('rejects a misspelt or invented field, which the kubernetes-models validator accepts', () => {
    const typo = deployment();
    typo.spec.template.spec.containers[0].imagePullPolice = 'Always';
    typo.spec.template.spec.terminationGracePeriod = 30;
    expect(schemaErrors(typo)).toEqual([]);
    expect(unknownFields(typo)).toEqual([
      'Deployment d: unknown field /spec/template/spec/containers/0/imagePullPolice',
      'Deployment d: unknown field /spec/template/spec/terminationGracePeriod',
    ]);
    expect(() => validateManifests([typo])).toThrow('unknown field /spec/template/spec/containers/0/imagePullPolice');
  });

  test('has no strict schema for kinds it does not know (an error, so nothing goes unchecked)', () => {
    expect(unknownFields({ apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'x' } }))
      .toEqual(['EC2NodeClass: no strict schema for karpenter.k8s.aws/v1/EC2NodeClass']);
  });

  test('checks a NodePool through the classes generated from its CRD: unknown fields, and the CRD\'s constraints', () => {
    const pool = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'x' },
      spec: {
        template: { spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' }, requirements: [], taints: [] } },
        disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '300s' },
        limits: { 'nvidia.com/gpu': 4 },
      },
    };
    expect(unknownFields(pool)).toEqual([]);
    expect(schemaErrors(pool)).toEqual([]);
    expect(unknownFields({ ...pool, spec: { ...pool.spec, disruption: { ...pool.spec.disruption, consolidateAfterSeconds: 300 } } }))
      .toEqual(['NodePool x: unknown field /spec/disruption/consolidateAfterSeconds']);
    expect(schemaErrors({ ...pool, metadata: { name: 'x', namespace: 'default' }, spec: { ...pool.spec, disruption: { consolidateAfter: '5 minutes' } } })).toEqual([
      'NodePool x: a NodePool is cluster-scoped, got namespace default',
      'NodePool x: spec.disruption.consolidateAfter must match /^(([0-9]+(s|m|h))+|Never)$/, got 5 minutes',
    ]);
  });
});
