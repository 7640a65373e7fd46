import { isIPv4, isIPv6 } from 'net';
import { checkLabelKey, checkLabelValue } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkBoolean, checkOneOf, checkOptionsObject, checkString, describeValue, orDefault } from '../../private/validate';

/*
 * The target cluster, as a typed input: which node provisioner makes the nodes (EKS Auto Mode,
 * Karpenter, managed node groups), how pods resolve DNS, the IP family, the load-balancer
 * integration, the metrics stack and the Kubernetes version. Every Kubernetes renderer reads the
 * resolved description (`resolveClusterFlavor`), never the options themselves.
 */

/** The IP family of the cluster's pods. */
export enum IpFamily {
  /** IPv4 pods (the EKS default). */
  IPV4 = 'ipv4',
  /** IPv6 pods (an EKS cluster created with `ipFamily: ipv6`). */
  IPV6 = 'ipv6',
}

/** Where the pods' DNS queries go, so that the NetworkPolicy can admit them. */
export enum ClusterDns {
  /** CoreDNS pods in `kube-system` labelled `k8s-app: kube-dns` (the EKS CoreDNS add-on). */
  COREDNS = 'coredns',
  /**
   * NodeLocal DNSCache: a DaemonSet answering on the link-local address 169.254.20.10 on every node,
   * in front of CoreDNS.
   */
  NODE_LOCAL_DNS_CACHE = 'node-local-dns-cache',
  /** EKS Auto Mode: DNS is resolved by a resolver running on the node itself, not by cluster pods. */
  NODE_RESOLVER = 'node-resolver',
}

/** Kind of load-balancer integration. @internal */
export type LoadBalancerKind = 'aws-load-balancer-controller' | 'eks-auto-mode' | 'none';

/** How AWS load balancers reach the pods (Services of type LoadBalancer, TargetGroupBindings, readiness gates). */
export class LoadBalancerIntegration {
  /**
   * The open-source AWS Load Balancer Controller, at `version` or later.
   * @param version the controller's minimum version running in the cluster, `major.minor.patch` @default '2.11.0'
   */
  public static awsLoadBalancerController(version: string = '2.11.0'): LoadBalancerIntegration {
    return new LoadBalancerIntegration('aws-load-balancer-controller', parseVersion('kubernetes.flavor.loadBalancer.version', version, 3));
  }

  /** EKS Auto Mode's built-in load balancing (the `eks.amazonaws.com` controller). */
  public static eksAutoMode(): LoadBalancerIntegration {
    return new LoadBalancerIntegration('eks-auto-mode', undefined);
  }

  /** No AWS load-balancer integration: nothing may need one (the hybrid's data plane does). */
  public static none(): LoadBalancerIntegration {
    return new LoadBalancerIntegration('none', undefined);
  }

  /** @internal */
  public readonly _kind: LoadBalancerKind;
  /** `[major, minor, patch]` of the controller, for the open-source controller. @internal */
  public readonly _version?: readonly number[];

  private constructor(kind: LoadBalancerKind, version: readonly number[] | undefined) {
    this._kind = kind;
    this._version = version;
  }
}

/** Kind of metrics stack. @internal */
export type MetricsStackKind = 'prometheus-operator' | 'prometheus-annotations' | 'none';

/** Options of `MetricsStack.prometheusOperator()`. */
export interface PrometheusOperatorOptions {
  /**
   * Labels the Prometheus resource's `podMonitorSelector` selects (kube-prometheus-stack selects its
   * Helm release label, e.g. `{ release: 'kube-prometheus-stack' }`).
   * @default - none (a Prometheus that selects every PodMonitor)
   */
  readonly podMonitorLabels?: Record<string, string>;
}

/** What scrapes the model servers' metrics (the GPU autoscalers' custom metrics come from it through prometheus-adapter). */
export class MetricsStack {
  /** The Prometheus Operator (for example kube-prometheus-stack): the library emits a `PodMonitor` per workload. */
  public static prometheusOperator(options: PrometheusOperatorOptions = {}): MetricsStack {
    const o = checkOptionsObject('kubernetes.flavor.metrics', options, 'PrometheusOperatorOptions');
    return new MetricsStack('prometheus-operator', o.podMonitorLabels === undefined ? undefined : { ...o.podMonitorLabels });
  }

  /** A Prometheus that discovers pods by the `prometheus.io/scrape`, `/port` and `/path` annotations. */
  public static prometheusAnnotations(): MetricsStack {
    return new MetricsStack('prometheus-annotations', undefined);
  }

  /** No metrics stack: only CPU (`Resource`) autoscaling through metrics-server is possible. */
  public static none(): MetricsStack {
    return new MetricsStack('none', undefined);
  }

  /** @internal */
  public readonly _kind: MetricsStackKind;
  /** @internal */
  public readonly _podMonitorLabels?: Readonly<Record<string, string>>;

  private constructor(kind: MetricsStackKind, podMonitorLabels: Record<string, string> | undefined) {
    this._kind = kind;
    this._podMonitorLabels = podMonitorLabels;
  }
}

/** What every cluster flavor lets you state. */
export interface ClusterFlavorOptions {
  /**
   * The cluster's Kubernetes version, `major.minor`: fields newer than it are not rendered.
   * The default is the oldest version EKS still runs on 2026-12-07 (1.32, in extended support until
   * 2027-03-23; 1.31 left extended support on 2026-11-26: EKS user guide, "Understand the Kubernetes
   * version lifecycle on EKS", https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html),
   * so that the output works on every EKS cluster that exists.
   * @default '1.32'
   */
  readonly kubernetesVersion?: string;

  /**
   * The pods' IP family.
   * @default IpFamily.IPV4
   */
  readonly ipFamily?: IpFamily;

  /**
   * Where the pods' DNS queries go.
   * @default - ClusterDns.NODE_RESOLVER on EKS Auto Mode, ClusterDns.COREDNS otherwise
   */
  readonly dns?: ClusterDns;

  /**
   * Address of the cluster DNS Service: the `nameserver` of the pods' `/etc/resolv.conf`
   * (`kubectl -n kube-system get service kube-dns`). Admitted on port 53 by the NetworkPolicy for
   * `ClusterDns.NODE_RESOLVER` and `ClusterDns.NODE_LOCAL_DNS_CACHE`, whose resolver answers on the node
   * at that address (no DNS pod a selector could name).
   * @default - the addresses EKS gives it: 10.100.0.10 and 172.20.0.10 on IPv4 (the tenth address of the
   * 10.100.0.0/16 or 172.20.0.0/16 service range EKS picks), any address of fc00::/7 on IPv6
   */
  readonly dnsServiceAddress?: string;

  /**
   * The address NodeLocal DNSCache listens on (`ClusterDns.NODE_LOCAL_DNS_CACHE`).
   * @default - '169.254.20.10' on IPv4 (the Kubernetes docs' address); required on IPv6
   */
  readonly nodeLocalDnsAddress?: string;

  /**
   * How AWS load balancers reach the pods.
   * @default - LoadBalancerIntegration.eksAutoMode() on EKS Auto Mode, LoadBalancerIntegration.awsLoadBalancerController() otherwise
   */
  readonly loadBalancer?: LoadBalancerIntegration;

  /**
   * What scrapes the model servers' metrics.
   * @default MetricsStack.prometheusOperator()
   */
  readonly metrics?: MetricsStack;
}

/** Options of `ClusterFlavor.karpenter()` and `ClusterFlavor.eksAutoMode()`. */
export interface NodePoolFlavorOptions extends ClusterFlavorOptions {
  /**
   * Whether to emit a NodePool per workload that needs nodes the cluster's pools may not have (GPU
   * nodes), admitting exactly the instance types the decision priced.
   * @default true
   */
  readonly nodePools?: boolean;

  /**
   * Name of the node class the emitted NodePools reference (a Karpenter `EC2NodeClass`, or an EKS
   * Auto Mode `NodeClass`).
   * @default 'default'
   */
  readonly nodeClassName?: string;

  /**
   * Karpenter only: the `EC2NodeClass` whose kubelet runs the static CPU manager
   * (`spec.kubelet.cpuManagerPolicy: static`). Pods with exclusive cores (a jitter budget) get a
   * NodePool on it. EKS Auto Mode cannot provide such nodes: its NodeClass has no kubelet settings.
   * @default 'static-cpu-manager'
   */
  readonly staticCpuManagerNodeClassName?: string;
}

/** Options of `ClusterFlavor.managedNodeGroups()`. */
export interface ManagedNodeGroupsFlavorOptions extends ClusterFlavorOptions {
  /**
   * Label of the nodes whose kubelet runs the static CPU manager policy, `key` or `key=value`: pods
   * that need exclusive cores (a jitter budget) are pinned to them. Without it such pods are refused.
   * @default - no such nodes
   */
  readonly staticCpuManagerNodeLabel?: string;
}

/** Kind of node provisioner. @internal */
export type ClusterFlavorKind = 'eks-auto-mode' | 'karpenter' | 'managed-node-groups';

/**
 * The cluster the manifests are for: who makes the nodes, and what the cluster provides. Every
 * cluster fact the output depends on (DNS, IMDS, load balancing, metrics, node pools) comes from it.
 */
export class ClusterFlavor {
  /** EKS Auto Mode: nodes from NodePools on the `eks.amazonaws.com` NodeClass, node-local DNS, built-in load balancing. */
  public static eksAutoMode(options: NodePoolFlavorOptions = {}): ClusterFlavor {
    return new ClusterFlavor('eks-auto-mode', checkOptionsObject('kubernetes.flavor', options, 'NodePoolFlavorOptions'));
  }

  /** Karpenter (`karpenter.sh/v1`) with the AWS provider's `EC2NodeClass`. */
  public static karpenter(options: NodePoolFlavorOptions = {}): ClusterFlavor {
    return new ClusterFlavor('karpenter', checkOptionsObject('kubernetes.flavor', options, 'NodePoolFlavorOptions'));
  }

  /** EKS managed node groups (optionally with the Cluster Autoscaler): the node groups exist before the pods. */
  public static managedNodeGroups(options: ManagedNodeGroupsFlavorOptions = {}): ClusterFlavor {
    return new ClusterFlavor('managed-node-groups', checkOptionsObject('kubernetes.flavor', options, 'ManagedNodeGroupsFlavorOptions'));
  }

  /** @internal */
  public readonly _resolved: ResolvedClusterFlavor;

  private constructor(kind: ClusterFlavorKind, o: NodePoolFlavorOptions & ManagedNodeGroupsFlavorOptions) {
    this._resolved = resolve(kind, o);
  }
}

/** A cluster flavor with its defaults. @internal */
export interface ResolvedClusterFlavor {
  readonly kind: ClusterFlavorKind;
  /** `[major, minor]`. */
  readonly kubernetesVersion: readonly number[];
  readonly ipFamily: IpFamily;
  readonly dns: ClusterDns;
  readonly loadBalancer: LoadBalancerIntegration;
  readonly metrics: MetricsStack;
  /** Whether NodePools are emitted (never for managed node groups). */
  readonly nodePools: boolean;
  readonly nodeClassName: string;
  /** CIDR blocks of the cluster DNS Service address(es), `/32` or `/128` (or fc00::/7 when unknown on IPv6). */
  readonly dnsServiceCidrs: readonly string[];
  /** CIDR block of NodeLocal DNSCache's address, for `ClusterDns.NODE_LOCAL_DNS_CACHE`. */
  readonly nodeLocalDnsCidr?: string;
  /** Karpenter: the EC2NodeClass with the static CPU manager. */
  readonly staticCpuManagerNodeClassName?: string;
  /** Managed node groups: the label of the static CPU manager nodes (`value` undefined: the key exists). */
  readonly staticCpuManagerNodeLabel?: { readonly key: string; readonly value?: string };
}

/** The flavor when none is given: Karpenter, CoreDNS, IPv4, the AWS Load Balancer Controller, the Prometheus Operator. @internal */
export function defaultClusterFlavor(): ClusterFlavor {
  return ClusterFlavor.karpenter();
}

/** The checked flavor of `kubernetes.flavor`. @internal */
export function checkClusterFlavor(value: ClusterFlavor | undefined): ResolvedClusterFlavor {
  // null is refused like any other non-flavor (only undefined takes the default)
  const flavor = value === undefined ? defaultClusterFlavor() : value;
  if (!(flavor instanceof ClusterFlavor)) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.flavor' must be a ClusterFlavor (ClusterFlavor.eksAutoMode(), .karpenter(), .managedNodeGroups()), got ${describeValue(flavor)}`);
  }
  return flavor._resolved;
}

function resolve(kind: ClusterFlavorKind, o: NodePoolFlavorOptions & ManagedNodeGroupsFlavorOptions): ResolvedClusterFlavor {
  const autoMode = kind === 'eks-auto-mode';
  const kubernetesVersion = parseVersion('kubernetes.flavor.kubernetesVersion', orDefault(o.kubernetesVersion, '1.32'), 2);
  const ipFamily = orDefault(o.ipFamily, IpFamily.IPV4);
  checkOneOf('kubernetes.flavor.ipFamily', ipFamily, Object.values(IpFamily));
  const dns = orDefault(o.dns, autoMode ? ClusterDns.NODE_RESOLVER : ClusterDns.COREDNS);
  checkOneOf('kubernetes.flavor.dns', dns, Object.values(ClusterDns));
  const loadBalancer = orDefault(o.loadBalancer,
    autoMode ? LoadBalancerIntegration.eksAutoMode() : LoadBalancerIntegration.awsLoadBalancerController());
  if (!(loadBalancer instanceof LoadBalancerIntegration)) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.flavor.loadBalancer' must be a LoadBalancerIntegration (LoadBalancerIntegration.awsLoadBalancerController('2.11.0')), got ${describeValue(loadBalancer)}`);
  }
  const metrics = orDefault(o.metrics, MetricsStack.prometheusOperator());
  if (!(metrics instanceof MetricsStack)) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.flavor.metrics' must be a MetricsStack (MetricsStack.prometheusOperator()), got ${describeValue(metrics)}`);
  }
  if (kind === 'managed-node-groups' && (o.nodePools !== undefined || o.nodeClassName !== undefined)) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.flavor.nodePools' and 'nodeClassName' apply to ClusterFlavor.karpenter() and .eksAutoMode(), not to managed node groups, got ${describeValue(o.nodePools ?? o.nodeClassName)}`);
  }
  const nodePools = checkBoolean('kubernetes.flavor.nodePools', o.nodePools, true);
  const nodeClassName = checkString('kubernetes.flavor.nodeClassName', orDefault(o.nodeClassName, 'default'));
  if (kind !== 'karpenter' && o.staticCpuManagerNodeClassName !== undefined) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.flavor.staticCpuManagerNodeClassName' applies to ClusterFlavor.karpenter() only (an EKS Auto Mode NodeClass has no kubelet settings), got ${describeValue(o.staticCpuManagerNodeClassName)}`);
  }
  if (kind !== 'managed-node-groups' && o.staticCpuManagerNodeLabel !== undefined) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.flavor.staticCpuManagerNodeLabel' applies to ClusterFlavor.managedNodeGroups() only, got ${describeValue(o.staticCpuManagerNodeLabel)}`);
  }
  return {
    kind,
    kubernetesVersion,
    ipFamily,
    dns,
    loadBalancer,
    metrics,
    nodePools: kind !== 'managed-node-groups' && nodePools,
    nodeClassName,
    dnsServiceCidrs: o.dnsServiceAddress === undefined ? EKS_DNS_SERVICE_CIDRS[ipFamily]
      : [hostCidr('kubernetes.flavor.dnsServiceAddress', o.dnsServiceAddress, ipFamily)],
    nodeLocalDnsCidr: dns !== ClusterDns.NODE_LOCAL_DNS_CACHE ? undefined : nodeLocalDns(o.nodeLocalDnsAddress, ipFamily),
    staticCpuManagerNodeClassName: kind === 'karpenter'
      ? checkString('kubernetes.flavor.staticCpuManagerNodeClassName', orDefault(o.staticCpuManagerNodeClassName, 'static-cpu-manager'))
      : undefined,
    staticCpuManagerNodeLabel: o.staticCpuManagerNodeLabel === undefined ? undefined : parseLabel(o.staticCpuManagerNodeLabel),
  };
}

/**
 * Where the cluster DNS Service is when the flavor does not say. EKS takes the service range from
 * 10.100.0.0/16 or 172.20.0.0/16 when none is given (EKS API `KubernetesNetworkConfigRequest.serviceIpv4Cidr`,
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html) and the DNS
 * Service takes its tenth address (the EKS AMI's bootstrap: awslabs/amazon-eks-ami
 * `templates/al2/runtime/bootstrap.sh`, DNS_CLUSTER_IP); on IPv6 the range is a unique local address
 * range EKS assigns (fc00::/7, same API page), so only the range is known.
 */
const EKS_DNS_SERVICE_CIDRS: Record<IpFamily, readonly string[]> = {
  [IpFamily.IPV4]: ['10.100.0.10/32', '172.20.0.10/32'],
  [IpFamily.IPV6]: ['fc00::/7'],
};

/** NodeLocal DNSCache's address: the Kubernetes docs' 169.254.20.10 on IPv4 (https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/). */
function nodeLocalDns(address: string | undefined, ipFamily: IpFamily): string {
  if (address === undefined && ipFamily === IpFamily.IPV6) {
    throw new InferenceWorkloadValidationError(
      '\'kubernetes.flavor.nodeLocalDnsAddress\' is required for ClusterDns.NODE_LOCAL_DNS_CACHE on an IPv6 cluster (NodeLocal DNSCache has no default IPv6 address), got undefined');
  }
  return hostCidr('kubernetes.flavor.nodeLocalDnsAddress', address ?? '169.254.20.10', ipFamily);
}

/** A single address of the cluster's IP family, as a `/32` or `/128` CIDR block. */
function hostCidr(prop: string, value: unknown, ipFamily: IpFamily): string {
  const ok = typeof value === 'string' && (ipFamily === IpFamily.IPV4 ? isIPv4(value) : isIPv6(value));
  if (!ok) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an ${ipFamily === IpFamily.IPV4 ? 'IPv4' : 'IPv6'} address (the cluster's IP family), got ${describeValue(value)}`);
  }
  return `${value}/${ipFamily === IpFamily.IPV4 ? 32 : 128}`;
}

/** `key` or `key=value`. */
function parseLabel(value: unknown): { key: string; value?: string } {
  const text = checkString('kubernetes.flavor.staticCpuManagerNodeLabel', value as string);
  const i = text.indexOf('=');
  if (i < 0) {
    return { key: checkLabelKey('kubernetes.flavor.staticCpuManagerNodeLabel', text) };
  }
  return {
    key: checkLabelKey('kubernetes.flavor.staticCpuManagerNodeLabel', text.slice(0, i)),
    value: checkLabelValue('kubernetes.flavor.staticCpuManagerNodeLabel', text.slice(i + 1)),
  };
}

/** `1.31` or `2.11.0` as numbers; `parts` numbers exactly. */
function parseVersion(prop: string, value: unknown, parts: number): number[] {
  const text = typeof value === 'string' ? value.replace(/^v/, '') : undefined;
  const pattern = parts === 2 ? /^\d+\.\d+$/ : /^\d+\.\d+\.\d+$/;
  if (text === undefined || !pattern.test(text)) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must be a version ${parts === 2 ? 'major.minor (e.g. 1.31)' : 'major.minor.patch (e.g. 2.11.0)'}, got ${describeValue(value)}`);
  }
  return text.split('.').map(Number);
}
