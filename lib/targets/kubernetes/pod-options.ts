import { Size } from 'aws-cdk-lib';
import { checkDnsSubdomain, checkLabelKey, checkLabelValue, sizeMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkDnsLabel, checkNumber, checkString } from '../../private/validate';

/** An environment variable of the model server: a literal value, or a key of a Secret or ConfigMap. */
export interface EnvironmentVariable {
  /** Name of the variable, e.g. `HF_TOKEN`. */
  readonly name: string;
  /**
   * A literal value.
   * @default - from `secretName` or `configMapName`
   */
  readonly value?: string;
  /**
   * A Secret in the namespace whose key `key` is the value (`valueFrom.secretKeyRef`).
   * @default - not from a Secret
   */
  readonly secretName?: string;
  /**
   * A ConfigMap in the namespace whose key `key` is the value (`valueFrom.configMapKeyRef`).
   * @default - not from a ConfigMap
   */
  readonly configMapName?: string;
  /**
   * The key of the Secret or ConfigMap.
   * @default - required with `secretName` or `configMapName`
   */
  readonly key?: string;
}

/** Every key of a Secret or a ConfigMap as environment variables of the model server (`envFrom`). */
export interface EnvironmentSource {
  /**
   * A Secret in the namespace.
   * @default - exactly one of `secretName` and `configMapName`
   */
  readonly secretName?: string;
  /**
   * A ConfigMap in the namespace.
   * @default - exactly one of `secretName` and `configMapName`
   */
  readonly configMapName?: string;
}

/** A volume mounted into the model server. */
export interface ExtraVolume {
  /** Name of the volume (a DNS-1123 label, not one of the library's own: `model-cache`, `tmp`, `home`, `dshm`, `kv-cache`, `model-auth`). */
  readonly name: string;
  /** Absolute path in the model server. */
  readonly mountPath: string;
  /**
   * A Secret in the namespace, mounted read-only.
   * @default - exactly one of `secretName`, `configMapName` and `emptyDirSize`
   */
  readonly secretName?: string;
  /**
   * A ConfigMap in the namespace, mounted read-only.
   * @default - exactly one of `secretName`, `configMapName` and `emptyDirSize`
   */
  readonly configMapName?: string;
  /**
   * A writable `emptyDir` of this size on the node's disk (counted in the pod's ephemeral-storage request).
   * @default - exactly one of `secretName`, `configMapName` and `emptyDirSize`
   */
  readonly emptyDirSize?: Size;
}

/** Where the model cache's `s3://` and Amazon ECR reads get their AWS credentials. */
export enum ModelCredentials {
  /**
   * An IAM role for the ServiceAccount (IRSA): `serviceAccountRoleArn`, or the role created for
   * `modelBucket`. Chosen when either is given.
   */
  SERVICE_ACCOUNT_ROLE = 'service-account-role',
  /**
   * EKS Pod Identity: with `modelBucket` and `cluster`, the library creates the role and the
   * association; otherwise you create the association for this ServiceAccount (the EKS Pod
   * Identity Agent add-on must run on the nodes).
   */
  POD_IDENTITY = 'pod-identity',
  /**
   * You acknowledge that the node's instance role reads the bucket or repository (the pods then
   * need the instance metadata service, which the NetworkPolicy otherwise blocks; NetworkPolicy
   * egress is per pod, so every container of the pod can then read the node role).
   */
  NODE_ROLE = 'node-role',
}

/** How a stopping pod waits for the load balancers and kube-proxy to stop sending it requests. */
export enum PreStopAction {
  /** `lifecycle.preStop.sleep`: run by the kubelet, needs no shell in the image; Kubernetes 1.30 or later (beta, on by default). */
  SLEEP = 'sleep',
  /** `lifecycle.preStop.exec` of `sleep <n>`: any Kubernetes version, needs a `sleep` binary in the image. */
  EXEC_SLEEP = 'exec-sleep',
}

/** A source the pods accept connections from on the service port (a NetworkPolicy peer). */
export interface NetworkPeer {
  /**
   * An IPv4 or IPv6 CIDR block, e.g. the VPC's or a load balancer subnet's.
   * @default - exactly one of `cidr`, `namespaceLabels` and `podLabels`
   */
  readonly cidr?: string;
  /**
   * Pods of namespaces with these labels (e.g. `{ 'kubernetes.io/metadata.name': 'gateway' }`).
   * @default - exactly one of `cidr`, `namespaceLabels` and `podLabels`
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * Pods with these labels in the workload's namespace.
   * @default - exactly one of `cidr`, `namespaceLabels` and `podLabels`
   */
  readonly podLabels?: Record<string, string>;
}

/** A destination the pods may open connections to (a NetworkPolicy egress rule). */
export interface EgressDestination {
  /** An IPv4 or IPv6 CIDR block, e.g. `10.0.0.0/16` or `0.0.0.0/0`. */
  readonly cidr: string;
  /**
   * TCP port.
   * @default - every port
   */
  readonly port?: number;
}

/** Volume names the renderer uses itself. */
const RESERVED_VOLUMES = new Set(['model-cache', 'tmp', 'home', 'dshm', 'kv-cache', 'model-auth']);
const SYSTEM_PATHS = new Set(['/', '/tmp', '/dev', '/dev/shm', '/proc', '/sys', '/etc', '/usr', '/bin', '/lib', '/var/run/kv-cache']);
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

function checkList<T>(prop: string, value: T[] | undefined, what: string): T[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a list of ${what}, got ${JSON.stringify(value)}`);
  }
  value.forEach((v, i) => {
    if (v === null || typeof v !== 'object') {
      throw new InferenceWorkloadValidationError(`'${prop}[${i}]' must be ${what}, got ${JSON.stringify(v)}`);
    }
  });
  return [...value];
}

function exactlyOne(prop: string, item: object, keys: string[]): string {
  const given = keys.filter(k => (item as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) {
    throw new InferenceWorkloadValidationError(`'${prop}' must set exactly one of ${keys.join(', ')}, got ${given.length === 0 ? 'none' : given.join(', ')}`);
  }
  return given[0];
}

/** Checks `kubernetes.env`. @internal */
export function checkEnv(value: EnvironmentVariable[] | undefined): EnvironmentVariable[] {
  const list = checkList('kubernetes.env', value, 'environment variables ({ name, value } or { name, secretName, key })');
  const seen = new Set<string>();
  list.forEach((e, i) => {
    const p = `kubernetes.env[${i}]`;
    checkString(`${p}.name`, e.name, { maxLength: 253, pattern: ENV_NAME, patternDescription: 'an environment variable name (letters, digits, \'_\', \'-\', \'.\')' });
    if (seen.has(e.name)) {
      throw new InferenceWorkloadValidationError(`'${p}.name' must be unique, got ${JSON.stringify(e.name)} twice`);
    }
    seen.add(e.name);
    const source = exactlyOne(p, e, ['value', 'secretName', 'configMapName']);
    if (source === 'value') {
      checkString(`${p}.value`, e.value!, { minLength: 0, maxLength: 32_768 });
      if (e.key !== undefined) {
        throw new InferenceWorkloadValidationError(`Cannot configure '${p}.key' with '${p}.value', got ${JSON.stringify(e.key)}`);
      }
    } else {
      checkDnsSubdomain(`${p}.${source}`, (e as any)[source]);
      if (e.key === undefined) {
        throw new InferenceWorkloadValidationError(`Cannot configure '${p}.${source}' without '${p}.key'`);
      }
      checkString(`${p}.key`, e.key, { maxLength: 253, pattern: /^[-._a-zA-Z0-9]+$/, patternDescription: 'a Secret or ConfigMap key' });
    }
  });
  return list;
}

/** Checks `kubernetes.envFrom`. @internal */
export function checkEnvFrom(value: EnvironmentSource[] | undefined): EnvironmentSource[] {
  const list = checkList('kubernetes.envFrom', value, 'environment sources ({ secretName } or { configMapName })');
  list.forEach((e, i) => {
    const source = exactlyOne(`kubernetes.envFrom[${i}]`, e, ['secretName', 'configMapName']);
    checkDnsSubdomain(`kubernetes.envFrom[${i}].${source}`, (e as any)[source]);
  });
  return list;
}

/** Checks `kubernetes.args`. @internal */
export function checkArgs(value: string[] | undefined): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.args' must be a list of strings, got ${JSON.stringify(value)}`);
  }
  value.forEach((a, i) => checkString(`kubernetes.args[${i}]`, a, { minLength: 0, maxLength: 4096 }));
  return [...value];
}

/** Checks `kubernetes.imagePullSecrets`. @internal */
export function checkImagePullSecrets(value: string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.imagePullSecrets' must be a list of Secret names, got ${JSON.stringify(value)}`);
  }
  return value.map((s, i) => checkDnsSubdomain(`kubernetes.imagePullSecrets[${i}]`, s));
}

/** A checked extra volume, sizes in MiB. @internal */
export interface CheckedVolume extends ExtraVolume {
  readonly emptyDirMiB?: number;
}

/** Checks `kubernetes.volumes`. @internal */
export function checkVolumes(value: ExtraVolume[] | undefined): CheckedVolume[] {
  const list = checkList('kubernetes.volumes', value, 'volumes ({ name, mountPath, secretName | configMapName | emptyDirSize })');
  const names = new Set<string>();
  const paths = new Set<string>();
  return list.map((v, i) => {
    const p = `kubernetes.volumes[${i}]`;
    checkDnsLabel(`${p}.name`, v.name);
    if (RESERVED_VOLUMES.has(v.name) || names.has(v.name)) {
      throw new InferenceWorkloadValidationError(`'${p}.name' must be unique and not one of ${[...RESERVED_VOLUMES].join(', ')}, got ${JSON.stringify(v.name)}`);
    }
    names.add(v.name);
    checkString(`${p}.mountPath`, v.mountPath, { maxLength: 200, pattern: /^\/[A-Za-z0-9._\/-]*$/, patternDescription: 'an absolute path' });
    const normalized = v.mountPath.replace(/\/+$/, '') || '/';
    if (SYSTEM_PATHS.has(normalized) || paths.has(normalized)) {
      throw new InferenceWorkloadValidationError(`'${p}.mountPath' must be unique and not a system path, got ${JSON.stringify(v.mountPath)}`);
    }
    paths.add(normalized);
    const source = exactlyOne(p, v, ['secretName', 'configMapName', 'emptyDirSize']);
    if (source === 'emptyDirSize') {
      return { ...v, emptyDirMiB: sizeMiB(`${p}.emptyDirSize`, v.emptyDirSize!) };
    }
    checkDnsSubdomain(`${p}.${source}`, (v as any)[source]);
    return { ...v };
  });
}

/** Checks a CIDR block. @internal */
export function checkCidr(prop: string, cidr: string): string {
  return checkString(prop, cidr, { maxLength: 64, pattern: CIDR, patternDescription: 'a CIDR block such as "10.0.0.0/16"' });
}

/** Checks `kubernetes.allowedIngressPeers`. @internal */
export function checkIngressPeers(value: NetworkPeer[] | undefined): NetworkPeer[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const list = checkList('kubernetes.allowedIngressPeers', value, 'peers ({ cidr } or { namespaceLabels } or { podLabels })');
  list.forEach((peer, i) => checkNetworkPeer(`kubernetes.allowedIngressPeers[${i}]`, peer));
  return list;
}

/** Checks one NetworkPolicy peer at `p`: exactly one of a CIDR block, namespace labels and pod labels. @internal */
export function checkNetworkPeer(p: string, peer: NetworkPeer): NetworkPeer {
  if (peer === null || typeof peer !== 'object') {
    throw new InferenceWorkloadValidationError(`'${p}' must be a peer ({ cidr } or { namespaceLabels } or { podLabels }), got ${JSON.stringify(peer)}`);
  }
  const source = exactlyOne(p, peer, ['cidr', 'namespaceLabels', 'podLabels']);
  if (source === 'cidr') {
    checkCidr(`${p}.cidr`, peer.cidr!);
  } else {
    const labels = (peer as any)[source] as Record<string, string>;
    if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      throw new InferenceWorkloadValidationError(`'${p}.${source}' must be a non-empty map of labels, got ${JSON.stringify(labels)}`);
    }
    for (const [k, v] of Object.entries(labels)) {
      checkLabelKey(`${p}.${source}`, k);
      checkLabelValue(`${p}.${source}.${k}`, v);
    }
  }
  return peer;
}

/** Checks `kubernetes.allowedEgress`. @internal */
export function checkEgress(value: EgressDestination[] | undefined): EgressDestination[] {
  const list = checkList('kubernetes.allowedEgress', value, 'destinations ({ cidr, port? })');
  list.forEach((d, i) => {
    checkCidr(`kubernetes.allowedEgress[${i}].cidr`, d.cidr);
    if (d.port !== undefined) {
      checkNumber(`kubernetes.allowedEgress[${i}].port`, d.port, { min: 1, max: 65535, integer: true });
    }
  });
  return list;
}
