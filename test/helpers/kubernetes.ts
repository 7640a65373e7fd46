/**
 * Shared test helpers for Kubernetes manifests:
 *
 * - `validateManifests()` checks every object against the Kubernetes OpenAPI schema, through the
 *   model class of its apiVersion/kind in `kubernetes-models` 4.x (an unknown kind is an error, so
 *   nothing goes unchecked);
 * - `restrictedViolations()` / `expectRestricted()` check every pod template against the Pod
 *   Security Standard "restricted" (which includes "baseline"), written from the published rules:
 *   https://kubernetes.io/docs/concepts/security/pod-security-standards/ (Kubernetes 1.28 rules;
 *   AppArmor and SELinux fields are checked the same way in later versions);
 * - `readManifestFiles()` reads every `*.k8s.yaml` file under a folder (e.g. a cloud assembly).
 */
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as models from 'kubernetes-models';
import { filesUnder } from './fixtures';
import { nodePoolErrors, serializeNodePool } from './karpenter';
import { isPodMonitor, podMonitorErrors } from './pod-monitor';

/** A manifest object as synthesized (plain JSON). */
export type Manifest = { apiVersion: string; kind: string; metadata?: any; [key: string]: any };

interface ValidatingModel {
  validate(): void;
}
type ModelClass = new (data: any) => ValidatingModel;

/** `networking.k8s.io` → `networkingK8sIo`, as kubernetes-models names its group namespaces. */
function groupNamespace(group: string): string {
  return group.split('.').map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('');
}

/** The kubernetes-models class for an apiVersion/kind, or undefined when the schema has none. */
export function modelClassOf(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [undefined, apiVersion];
  const all = models as Record<string, any>;
  const versions = group === undefined ? all : all[groupNamespace(group)];
  const kinds = versions?.[version];
  const cls = kinds?.[kind];
  return typeof cls === 'function' ? cls : undefined;
}

/**
 * A TargetGroupBinding (a CRD kubernetes-models does not carry), checked against the schema every
 * controller the library supports accepts:
 * - `elbv2.k8s.aws/v1beta1`, the open-source AWS Load Balancer Controller at the library's minimum
 *   version: the v2.2.4 CRD (kubernetes-sigs/aws-load-balancer-controller docs/install/v2_2_4_full.yaml)
 *   requires serviceRef and targetGroupARN and knows targetType (ip or instance) and networking
 *   (peers with exactly one of securityGroup or ipBlock); later fields (targetGroupName from v2.11,
 *   nodeSelector, ipAddressType...) are refused, since an older controller rejects them;
 * - `eks.amazonaws.com/v1`, EKS Auto Mode: targetType required, networking.ingress.from not supported
 *   (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-nlb.html#_targetgroupbinding).
 */
function targetGroupBindingErrors(where: string, m: Manifest): string[] {
  const errors: string[] = [];
  const spec = m.spec ?? {};
  const autoMode = m.apiVersion === 'eks.amazonaws.com/v1';
  const known = ['serviceRef', 'targetGroupARN', 'targetType', 'networking'];
  Object.keys(spec).filter(k => !known.includes(k)).forEach(k => errors.push(`${where}: unknown field spec.${k}`));
  if (typeof spec.serviceRef?.name !== 'string' || !['string', 'number'].includes(typeof spec.serviceRef?.port)) {
    errors.push(`${where}: spec.serviceRef needs a name and a port`);
  }
  if (typeof spec.targetGroupARN !== 'string') {
    errors.push(`${where}: spec needs targetGroupARN`);
  }
  if (autoMode && spec.targetType === undefined) {
    errors.push(`${where}: spec.targetType is required on EKS Auto Mode`);
  }
  if (spec.targetType !== undefined && !['ip', 'instance'].includes(spec.targetType)) {
    errors.push(`${where}: spec.targetType must be ip or instance, got ${spec.targetType}`);
  }
  for (const rule of spec.networking?.ingress ?? []) {
    if (autoMode && rule.from !== undefined) {
      errors.push(`${where}: spec.networking.ingress.from is not supported on EKS Auto Mode`);
    }
    for (const peer of rule.from ?? []) {
      if ((peer.securityGroup === undefined) === (peer.ipBlock === undefined)) {
        errors.push(`${where}: a networking peer needs exactly one of securityGroup or ipBlock`);
      }
    }
  }
  return errors;
}

/** Whether a manifest is a TargetGroupBinding of a supported load-balancer integration. */
function isTargetGroupBinding(m: Manifest): boolean {
  return m.kind === 'TargetGroupBinding' && ['elbv2.k8s.aws/v1beta1', 'eks.amazonaws.com/v1'].includes(m.apiVersion);
}

/** Schema errors of one object: `[]` when valid. */
export function schemaErrors(manifest: Manifest): string[] {
  const where = `${manifest?.kind ?? '?'} ${manifest?.metadata?.name ?? '?'}`;
  if (!manifest || typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string') {
    return [`${where}: missing apiVersion or kind`];
  }
  if (isTargetGroupBinding(manifest)) {
    return targetGroupBindingErrors(where, manifest);
  }
  if (isPodMonitor(manifest)) {
    return podMonitorErrors(where, manifest);
  }
  if (manifest.apiVersion === 'karpenter.sh/v1' && manifest.kind === 'NodePool') {
    return nodePoolErrors(manifest);
  }
  const Model = modelClassOf(manifest.apiVersion, manifest.kind);
  if (!Model) {
    return [`${where}: no Kubernetes schema for ${manifest.apiVersion}/${manifest.kind}`];
  }
  try {
    new Model(manifest).validate();
    return [];
  } catch (e) {
    return [`${where} (${manifest.apiVersion}): ${(e as Error).message}`];
  }
}

// ---------------------------------------------------------------------------------------------
// Unknown fields (the kubernetes-models validators accept them)
// ---------------------------------------------------------------------------------------------

/**
 * Fields newer than the Kubernetes 1.28 types that the renderer emits on purpose; each is checked
 * by the newer kubernetes-models schema (`schemaErrors`), and listed with the version that added it.
 */
const NEWER_THAN_128 = [
  /\/lifecycle\/preStop\/sleep\/seconds$/, // PodLifecycleSleepAction: beta, on by default, 1.30
];

/** The generated 1.28 serializer of each kind (cdk8s-plus-28's `k8s` module, from the 1.28 OpenAPI schema). */
const SERIALIZERS: Record<string, string> = {
  'v1/ServiceAccount': 'toJson_KubeServiceAccountProps',
  'v1/Service': 'toJson_KubeServiceProps',
  'v1/Namespace': 'toJson_KubeNamespaceProps',
  'v1/ConfigMap': 'toJson_KubeConfigMapProps',
  'apps/v1/Deployment': 'toJson_KubeDeploymentProps',
  'autoscaling/v2/HorizontalPodAutoscaler': 'toJson_KubeHorizontalPodAutoscalerV2Props',
  'policy/v1/PodDisruptionBudget': 'toJson_KubePodDisruptionBudgetProps',
  'networking.k8s.io/v1/NetworkPolicy': 'toJson_KubeNetworkPolicyProps',
};
/** Keys whose values are IntOrString or Quantity objects in the generated types. */
const WRAPPED_KEYS = new Set(['port', 'targetPort', 'maxSurge', 'maxUnavailable', 'minAvailable', 'sizeLimit', 'averageValue']);
const WRAPPED_MAPS = new Set(['limits', 'requests']);
/** Keys of free-form maps (labels, selectors, ...): their entries are data, not fields. */
const FREE_MAPS = new Set(['labels', 'annotations', 'matchLabels', 'nodeSelector', 'selector', 'data']);

/** JSON name -> generated TypeScript name: acronym runs lowercased after the first letter (`setHostnameAsFQDN` -> `setHostnameAsFqdn`). */
function tsName(key: string): string {
  return key.replace(/([A-Z])([A-Z]+)(?=[A-Z][a-z]|$)/g, (_m, a: string, b: string) => a + b.toLowerCase());
}

function toTyped(value: any, key?: string, parent?: string, service = false): any {
  // a Service port is an integer; every other `port` here is an IntOrString
  const wrapped = key !== undefined && WRAPPED_KEYS.has(key) && !(service && key === 'port');
  if (wrapped || (key !== undefined && parent !== undefined && WRAPPED_MAPS.has(parent))) {
    return { value };
  }
  if (Array.isArray(value)) {
    return value.map(v => toTyped(v, undefined, key, service));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (key !== undefined && FREE_MAPS.has(key) && !('matchLabels' in value) && !('matchExpressions' in value)) {
    return value;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [WRAPPED_MAPS.has(key ?? '') ? k : tsName(k), toTyped(v, k, key, service)]));
}

function leafPaths(o: any, prefix = ''): string[] {
  if (o === null || typeof o !== 'object' || Object.keys(o).length === 0) {
    return [prefix];
  }
  return Object.entries(o).flatMap(([k, v]) => leafPaths(v, `${prefix}/${k}`));
}

/**
 * Fields of a manifest that the Kubernetes 1.28 schema does not define (a typo, or a field of a
 * later version), except the ones in NEWER_THAN_128: the object is serialized through the
 * generated 1.28 types, which keep only the fields the schema defines, and the leaf paths compared.
 */
export function unknownFields(manifest: Manifest): string[] {
  if (isTargetGroupBinding(manifest)) {
    return []; // not a Kubernetes type: its fields are checked against the controller's spec in schemaErrors
  }
  if (isPodMonitor(manifest)) {
    return []; // a CRD: its fields are checked against the generated types in schemaErrors
  }
  const crd = manifest.apiVersion === 'karpenter.sh/v1' && manifest.kind === 'NodePool' ? serializeNodePool : undefined;
  const serializer = SERIALIZERS[`${manifest.apiVersion}/${manifest.kind}`];
  if (serializer === undefined && crd === undefined) {
    return [`${manifest.kind}: no strict schema for ${manifest.apiVersion}/${manifest.kind}`];
  }
  const { apiVersion: _a, kind: _k, ...body } = manifest;
  const typedBody = toTyped(body, undefined, undefined, manifest.kind === 'Service');
  const typed = crd !== undefined ? crd(typedBody) : (kplus.k8s as any)[serializer](typedBody);
  const known = new Set(leafPaths(JSON.parse(JSON.stringify(typed))));
  return leafPaths(body).filter(p => !known.has(p) && !NEWER_THAN_128.some(r => r.test(p)))
    .map(p => `${manifest.kind} ${manifest.metadata?.name ?? '?'}: unknown field ${p}`);
}

/** Validates every object against the Kubernetes schema, unknown fields included; throws listing every error. */
export function validateManifests(manifests: Manifest[]): void {
  const errors = [...manifests.flatMap(schemaErrors), ...manifests.flatMap(unknownFields)];
  if (errors.length > 0) {
    throw new Error(`Kubernetes schema validation failed:\n${errors.join('\n')}`);
  }
}

/** Reads every `*.k8s.yaml` under `dir` (recursively), as `{ file, manifests }`, sorted by path. */
export function readManifestFiles(dir: string): Array<{ file: string; manifests: Manifest[] }> {
  return filesUnder(dir).filter(f => f.endsWith('.k8s.yaml')).map(f => path.join(dir, f))
    .map(file => ({ file, manifests: cdk8s.Yaml.load(file).filter((m: unknown) => m) as Manifest[] }));
}

// ---------------------------------------------------------------------------------------------
// Pod Security Standard "restricted"
// ---------------------------------------------------------------------------------------------

/** A pod spec found in a manifest, with where it was found. */
export interface PodTemplate {
  readonly where: string;
  readonly spec: any;
  readonly annotations: Record<string, string>;
}

/** Every pod spec in a manifest: Pod, and the templates of workload controllers. */
export function podTemplatesOf(m: Manifest): PodTemplate[] {
  const where = `${m.kind} ${m.metadata?.name ?? '?'}`;
  switch (m.kind) {
    case 'Pod':
      return [{ where, spec: m.spec, annotations: m.metadata?.annotations ?? {} }];
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': case 'ReplicationController':
      return [{ where, spec: m.spec?.template?.spec, annotations: m.spec?.template?.metadata?.annotations ?? {} }];
    case 'CronJob': {
      const template = m.spec?.jobTemplate?.spec?.template;
      return [{ where, spec: template?.spec, annotations: template?.metadata?.annotations ?? {} }];
    }
    case 'PodTemplate':
      return [{ where, spec: m.template?.spec, annotations: m.template?.metadata?.annotations ?? {} }];
    default:
      return [];
  }
}

/** Capabilities "baseline" allows to be added. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
/** Sysctls "baseline" allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
/** SELinux types "baseline" allows. */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** Volume types "restricted" allows. */
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const isUnset = (v: unknown) => v === undefined || v === null;

/**
 * Every violation of the Pod Security Standard "restricted" (baseline controls included) in one
 * pod spec, as `<where>: <control>: <field> <problem>`. `[]` when the pod is compliant.
 */
export function restrictedViolations(template: PodTemplate): string[] {
  const { where, spec } = template;
  const out: string[] = [];
  const v = (control: string, msg: string) => out.push(`${where}: ${control}: ${msg}`);
  if (!spec || typeof spec !== 'object') {
    return [`${where}: no pod spec`];
  }
  const podSc = spec.securityContext ?? {};
  const containers: Array<[string, any]> = [
    ...(spec.containers ?? []).map((c: any) => [`containers[${c.name}]`, c] as [string, any]),
    ...(spec.initContainers ?? []).map((c: any) => [`initContainers[${c.name}]`, c] as [string, any]),
    ...(spec.ephemeralContainers ?? []).map((c: any) => [`ephemeralContainers[${c.name}]`, c] as [string, any]),
  ];

  // ---- baseline ----
  // HostProcess
  if (podSc.windowsOptions?.hostProcess === true) {
    v('HostProcess', 'spec.securityContext.windowsOptions.hostProcess must be unset or false');
  }
  // Host namespaces
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[f] === true) {
      v('Host Namespaces', `spec.${f} must be unset or false`);
    }
  }
  // HostPath volumes (and, for restricted, only the allowed volume types)
  for (const vol of spec.volumes ?? []) {
    const types = Object.keys(vol).filter(k => k !== 'name');
    if (types.includes('hostPath')) {
      v('HostPath Volumes', `volume ${vol.name} must not be a hostPath`);
    }
    for (const t of types) {
      if (!RESTRICTED_VOLUME_TYPES.has(t)) {
        v('Volume Types', `volume ${vol.name} has type ${t}; allowed: ${[...RESTRICTED_VOLUME_TYPES].join(', ')}`);
      }
    }
  }
  // Sysctls
  for (const s of podSc.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(s.name)) {
      v('Sysctls', `spec.securityContext.sysctls ${s.name} is not in the safe set`);
    }
  }
  // AppArmor (annotations, and the 1.30+ fields)
  for (const [k, val] of Object.entries(template.annotations)) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(val === 'runtime/default' || val.startsWith('localhost/'))) {
      v('AppArmor', `annotation ${k}=${val} must be runtime/default or localhost/*`);
    }
  }
  const checkAppArmor = (field: string, p: any) => {
    if (p && p.type !== undefined && !['RuntimeDefault', 'Localhost'].includes(p.type)) {
      v('AppArmor', `${field}.appArmorProfile.type must be RuntimeDefault or Localhost, got ${p.type}`);
    }
  };
  checkAppArmor('spec.securityContext', podSc.appArmorProfile);
  // SELinux
  const checkSeLinux = (field: string, o: any) => {
    if (!o) {
      return;
    }
    if (!SELINUX_TYPES.has(o.type ?? '')) {
      v('SELinux', `${field}.seLinuxOptions.type ${o.type} is not allowed`);
    }
    if (!isUnset(o.user) && o.user !== '') {
      v('SELinux', `${field}.seLinuxOptions.user must be unset`);
    }
    if (!isUnset(o.role) && o.role !== '') {
      v('SELinux', `${field}.seLinuxOptions.role must be unset`);
    }
  };
  checkSeLinux('spec.securityContext', podSc.seLinuxOptions);
  // Seccomp (baseline: never Unconfined); restricted below
  if (podSc.seccompProfile?.type === 'Unconfined') {
    v('Seccomp', 'spec.securityContext.seccompProfile.type must not be Unconfined');
  }

  // ---- restricted: pod level ----
  if (podSc.runAsUser === 0) {
    v('Running as Non-root user', 'spec.securityContext.runAsUser must not be 0');
  }
  const podNonRoot = podSc.runAsNonRoot === true;
  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(podSc.seccompProfile?.type);

  for (const [name, c] of containers) {
    const sc = c.securityContext ?? {};
    const field = `${name}.securityContext`;
    // baseline
    if (sc.windowsOptions?.hostProcess === true) {
      v('HostProcess', `${field}.windowsOptions.hostProcess must be unset or false`);
    }
    if (sc.privileged === true) {
      v('Privileged Containers', `${field}.privileged must be unset or false`);
    }
    for (const cap of sc.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(cap)) {
        v('Capabilities', `${field}.capabilities.add ${cap} is not allowed by baseline`);
      }
    }
    for (const p of c.ports ?? []) {
      if (!isUnset(p.hostPort) && p.hostPort !== 0) {
        v('Host Ports', `${name}.ports hostPort ${p.hostPort} must be unset or 0`);
      }
    }
    checkAppArmor(field, sc.appArmorProfile);
    checkSeLinux(field, sc.seLinuxOptions);
    if (!isUnset(sc.procMount) && sc.procMount !== 'Default') {
      v('/proc Mount Type', `${field}.procMount must be Default`);
    }
    if (sc.seccompProfile?.type === 'Unconfined') {
      v('Seccomp', `${field}.seccompProfile.type must not be Unconfined`);
    }
    // restricted
    if (sc.allowPrivilegeEscalation !== false) {
      v('Privilege Escalation', `${field}.allowPrivilegeEscalation must be false`);
    }
    if (sc.runAsNonRoot === false || (!podNonRoot && sc.runAsNonRoot !== true)) {
      v('Running as Non-root', `${field}.runAsNonRoot must be true (or set true at the pod level and not false here)`);
    }
    if (sc.runAsUser === 0) {
      v('Running as Non-root user', `${field}.runAsUser must not be 0`);
    }
    if (!podSeccomp && !['RuntimeDefault', 'Localhost'].includes(sc.seccompProfile?.type)) {
      v('Seccomp', `${field}.seccompProfile.type must be RuntimeDefault or Localhost (or set at the pod level)`);
    }
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) {
      v('Capabilities', `${field}.capabilities.drop must include ALL`);
    }
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') {
        v('Capabilities', `${field}.capabilities.add may only hold NET_BIND_SERVICE, got ${cap}`);
      }
    }
  }
  return out;
}

/** Throws listing every "restricted" violation of every pod template in the manifests. */
export function expectRestricted(manifests: Manifest[]): void {
  const errors = manifests.flatMap(podTemplatesOf).flatMap(restrictedViolations);
  if (errors.length > 0) {
    throw new Error(`Pod Security Standard "restricted" violated:\n${errors.join('\n')}`);
  }
}

/** Schema-validates the manifests and checks every pod template is "restricted". */
export function expectValidAndRestricted(manifests: Manifest[]): void {
  validateManifests(manifests);
  expectRestricted(manifests);
}
