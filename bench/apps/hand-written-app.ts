/**
 * The SAME resources as the library app, written by hand with aws-cdk-lib and cdk8s-plus-28:
 * what a team would write without this library, for the same spiky CPU classifier on Lambda
 * and the same one-GPU chat model on Kubernetes. Sizing is typed in as literals (the numbers
 * the default policy chose); construct ids match the library's, so the templates and the
 * manifests come out byte for byte the same (`npm run bench` checks it: "same output", and
 * test/bench/equivalence.test.ts at N = 2, so a change of the library's output fails the tests
 * until this app writes it too).
 *
 * Like the library, every chart lives in its own cdk8s App: charts in one cdk8s App
 * synthesize in superlinear time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MixedWorkload, mixedWorkloads, PLATFORM_ID, WorkloadKind } from '../mixed-workloads';

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0';
const PORT = 8080;
const USER = 1000;
const HOME = '/home/model-server';

/** A spiky CPU classifier on Lambda: 2 GiB, 3 s timeout, provisioned concurrency 1–16 at 70%, at most 32 concurrent. */
function lambdaWorkload(stack: Stack, w: MixedWorkload): void {
  const scope = new Construct(stack, w.id);
  const repository = ecr.Repository.fromRepositoryAttributes(scope, 'ImageRepository', {
    repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/model',
    repositoryName: 'model',
  });
  const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: logs.RetentionDays.ONE_MONTH });
  const role = new iam.Role(scope, 'ExecutionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Execution role of an inference workload (least privilege, no managed policies)',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'PullModelImage',
    actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    resources: [repository.repositoryArn],
  }));
  new iam.Policy(role, 'ServiceWildcards', {
    roles: [role],
    statements: [new iam.PolicyStatement({ sid: 'WriteTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
  });
  const fn = new lambda.Function(scope, 'Function', {
    code: lambda.Code.fromEcrImage(repository, { tagOrDigest: '1.0.0' }),
    handler: lambda.Handler.FROM_IMAGE,
    runtime: lambda.Runtime.FROM_IMAGE,
    role,
    logGroup,
    memorySize: 2048,
    timeout: Duration.seconds(3),
    ephemeralStorageSize: Size.mebibytes(512),
    architecture: lambda.Architecture.X86_64,
    description: `Inference workload ${w.name} (placed on Lambda by default)`,
    environment: { INFERENCE_WORKLOAD_NAME: w.name },
    // a cap on the function's concurrency, so one workload cannot take the account's
    reservedConcurrentExecutions: 32,
  });
  (fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
  const alias = new lambda.Alias(scope, 'LiveAlias', {
    aliasName: 'live',
    version: fn.currentVersion,
    provisionedConcurrentExecutions: 1,
  });
  alias.addAutoScaling({ minCapacity: 1, maxCapacity: 16 }).scaleOnUtilization({ utilizationTarget: 0.7 });
  new lambda.FunctionUrl(scope, 'FunctionUrl', {
    function: alias,
    authType: lambda.FunctionUrlAuthType.AWS_IAM,
    invokeMode: lambda.InvokeMode.BUFFERED,
  });

  const metric = (metricName: string, statistic: string) => alias.metric(metricName, { statistic, period: Duration.minutes(5) });
  const common = {
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  // the share (%) of the alias' invocations counted by `metricName`, per 5 minutes
  const percentOfInvocations = (label: string, id: string, metricName: string) => new cloudwatch.MathExpression({
    label,
    expression: `IF(invocations > 0, 100 * ${id} / invocations, 0)`,
    usingMetrics: { [id]: metric(metricName, 'Sum'), invocations: metric('Invocations', 'Sum') },
    period: Duration.minutes(5),
  });
  new cloudwatch.Alarm(scope, 'SpilloverAlarm', {
    ...common,
    alarmDescription: `${w.name}: more than 2% of invocations spilled over provisioned concurrency and cold-started (the cold tail; `
      + 'the decision planned 0.9%) in 2 of the last 3 periods of 5 minutes',
    metric: percentOfInvocations('Spillover rate (%)', 'spillover', 'ProvisionedConcurrencySpilloverInvocations'),
    threshold: 2,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  });
  new cloudwatch.Alarm(scope, 'ThrottlesAlarm', {
    ...common,
    alarmDescription: `${w.name}: invocations of the live alias were throttled `
      + '(the function\'s concurrency cap, 32 reserved concurrent executions, was reached, or the account\'s concurrency)',
    metric: metric('Throttles', 'Sum'),
    threshold: 0,
    evaluationPeriods: 1,
  });
  new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
    ...common,
    alarmDescription: `${w.name}: more than 1% of invocations of the live alias failed in 2 of the last 3 periods of 5 minutes`,
    metric: percentOfInvocations('Error rate (%)', 'errors', 'Errors'),
    threshold: 1,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  });
  new cloudwatch.Alarm(scope, 'DurationP99Alarm', {
    ...common,
    alarmDescription: `${w.name}: p99 duration of the live alias is above 2400 ms (80% of the 3 s timeout; no latency budget declared)`,
    metric: metric('Duration', 'p99'),
    threshold: 2400,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  });
}

/** The GPU instance types one pod fits on (one 24 GiB+ GPU, 2 vCPU, 30 GiB), cheapest first. */
const GPU_INSTANCE_TYPES = [
  'g6.4xlarge', 'gr6.4xlarge', 'g5.4xlarge', 'g6.8xlarge', 'g6e.2xlarge',
  'gr6.8xlarge', 'g5.8xlarge', 'g6e.4xlarge', 'g7e.2xlarge', 'g6.16xlarge',
];

/**
 * A one-GPU chat model on Kubernetes: 1 x 24 GiB GPU (instance types g6/gr6/g5/g6e/g7e), 2 vCPU,
 * 30 GiB, 2 to 3 replicas, scaled on requests in flight through prometheus-adapter (scraped by
 * the Prometheus Operator), on a Karpenter NodePool of its own, in a chart of its own cdk8s App.
 */
function kubernetesWorkload(name: string): cdk8s.Chart {
  const chart = new cdk8s.Chart(new cdk8s.App(), name, {
    namespace: 'default',
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'inference-workload' },
  });
  const serviceAccount = new kplus.ServiceAccount(chart, 'ServiceAccount', { metadata: { name }, automountToken: false });
  const deployment = new kplus.Deployment(chart, 'Deployment', {
    metadata: { name },
    serviceAccount,
    automountServiceAccountToken: false,
    securityContext: {
      ensureNonRoot: true,
      user: USER,
      group: USER,
      fsGroup: USER,
      fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
    },
    podMetadata: { labels: { 'app.kubernetes.io/name': name } },
    terminationGracePeriod: cdk8s.Duration.seconds(30),
    // a new GPU pod is ready before an old one goes; one surge pod (one scarce GPU node) at a time
    strategy: kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.absolute(1),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
    }),
    // a node and the image pull (600 s), then the model server's start (1020 s: 102 startup probes of 10 s)
    progressDeadline: cdk8s.Duration.seconds(1620),
  });
  // a replica takes minutes to come back: Karpenter does not consolidate a node serving one
  deployment.podMetadata.addAnnotation('karpenter.sh/do-not-disrupt', 'true');
  const probe = (periodSeconds: number, timeoutSeconds: number, failureThreshold: number) => kplus.Probe.fromHttpGet('/health', {
    port: PORT,
    periodSeconds: cdk8s.Duration.seconds(periodSeconds),
    timeoutSeconds: cdk8s.Duration.seconds(timeoutSeconds),
    failureThreshold,
  });
  const server = deployment.addContainer({
    name: 'model-server',
    image: IMAGE,
    imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
    ports: [{ number: PORT, name: 'http' }],
    resources: {
      cpu: { request: kplus.Cpu.millis(2000), limit: kplus.Cpu.millis(2000) },
      memory: { request: cdk8s.Size.mebibytes(30_720), limit: cdk8s.Size.mebibytes(30_720) },
    },
    startup: probe(10, 5, 102),
    readiness: probe(10, 5, 3),
    liveness: probe(20, 10, 6),
    securityContext: {
      ensureNonRoot: true,
      user: USER,
      group: USER,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: [kplus.Capability.ALL] },
      seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    },
  });
  server.env.addVariable('USER', kplus.EnvValue.fromValue('model-server'));
  server.env.addVariable('LOGNAME', kplus.EnvValue.fromValue('model-server'));
  server.env.addVariable('HOME', kplus.EnvValue.fromValue(HOME));
  server.env.addVariable('XDG_CACHE_HOME', kplus.EnvValue.fromValue(`${HOME}/.cache`));
  server.env.addVariable('XDG_CONFIG_HOME', kplus.EnvValue.fromValue(`${HOME}/.config`));
  server.mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'TmpVolume', 'tmp', { sizeLimit: cdk8s.Size.mebibytes(256) }));
  // the root filesystem is read-only: HOME and the caches the server writes live here
  server.mount(HOME, kplus.Volume.fromEmptyDir(chart, 'HomeVolume', 'home', { sizeLimit: cdk8s.Size.mebibytes(256) }));
  server.mount('/dev/shm', kplus.Volume.fromEmptyDir(chart, 'SharedMemoryVolume', 'dshm', {
    medium: kplus.EmptyDirMedium.MEMORY,
    sizeLimit: cdk8s.Size.mebibytes(7680),
  }));
  deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists('nvidia.com/gpu', { effect: kplus.TaintEffect.NO_SCHEDULE })));
  // the workload's own NodePool (Karpenter v1, karpenter.sh/v1): exactly these types, on demand, amd64 Linux, GPU-tainted;
  // nodes removed only when empty, after a replica's start (1020 s); GPUs capped at the peak (3), a surge (1) and a replacement (1)
  const nodePool = new cdk8s.ApiObject(chart, 'NodePool', {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: `default-${name}` },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: GPU_INSTANCE_TYPES },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
            { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
            { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          ],
          taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
        },
      },
      limits: { 'nvidia.com/gpu': 5 },
      disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '1020s' },
    },
  });
  // cluster-scoped: the chart's namespace does not apply
  nodePool.addJsonPatch(cdk8s.JsonPatch.remove('/metadata/namespace'));
  // one node selector term (its expressions are ANDed): the types, the architecture and the workload's NodePool
  deployment.scheduling.attract(kplus.Node.labeled(
    kplus.NodeLabelQuery.in('node.kubernetes.io/instance-type', GPU_INSTANCE_TYPES),
    kplus.NodeLabelQuery.in('kubernetes.io/arch', ['amd64']),
    kplus.NodeLabelQuery.in('karpenter.sh/nodepool', [`default-${name}`]),
  ));
  // what cdk8s-plus-28 has no field for
  const api = cdk8s.ApiObject.of(deployment);
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu', kplus.k8s.Quantity.fromNumber(1)));
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [{
    maxSkew: 1,
    topologyKey: 'topology.kubernetes.io/zone',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: deployment.matchLabels },
  }]));
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/enableServiceLinks', false));
  // a Quantity, not a string: a plain string renders as null here (cdk8s #2163)
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/containers/0/resources/requests/ephemeral-storage',
    kplus.k8s.Quantity.fromString('512Mi')));

  const service = new kplus.Service(chart, 'Service', {
    metadata: { name },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: deployment,
    ports: [{ name: 'http', port: PORT, targetPort: PORT }],
  });
  // cdk8s-plus-28 writes `externalIPs: []`, which the API server drops
  cdk8s.ApiObject.of(service).addJsonPatch(cdk8s.JsonPatch.remove('/spec/externalIPs'));
  new kplus.HorizontalPodAutoscaler(chart, 'Autoscaler', {
    metadata: {
      name,
      annotations: {
        'inference-workload/scaling-metric': 'requests in flight per replica',
        'inference-workload/estimated-scale-out-seconds': '455',
      },
    },
    target: deployment,
    minReplicas: 2,
    maxReplicas: 3,
    // served by prometheus-adapter (custom.metrics.k8s.io) from the pods' /metrics
    metrics: [kplus.Metric.pods({ name: 'inference_requests_in_flight', target: kplus.MetricTarget.averageValue(8) })],
    scaleDown: {
      stabilizationWindow: cdk8s.Duration.seconds(1020),
      policies: [{ replicas: kplus.Replicas.absolute(1), duration: cdk8s.Duration.minutes(5) }],
    },
  });
  new kplus.k8s.KubePodDisruptionBudget(chart, 'DisruptionBudget', {
    metadata: { name },
    spec: {
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: deployment.matchLabels },
    },
  });
  new kplus.k8s.KubeNetworkPolicy(chart, 'NetworkPolicy', {
    metadata: { name },
    spec: {
      podSelector: { matchLabels: deployment.matchLabels },
      policyTypes: ['Ingress', 'Egress'],
      // the service port from pods of the namespace, and from the Prometheus in the monitoring namespace
      ingress: [
        { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(PORT) }] },
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(PORT) }],
        },
      ],
      // cluster DNS only
      egress: [{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        }],
        ports: [
          { protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) },
          { protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(53) },
        ],
      }],
    },
  });
  // the Prometheus Operator scrapes the model server's /metrics
  new cdk8s.ApiObject(chart, 'PodMonitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name },
    spec: {
      selector: { matchLabels: deployment.matchLabels },
      podMetricsEndpoints: [{ port: 'http', path: '/metrics' }],
    },
  });
  return chart;
}

/**
 * The chart's manifest objects, with what cdk8s-plus-28's Kubernetes 1.28 types drop even from
 * JSON patches: the model server's `lifecycle.preStop.sleep` (Kubernetes 1.29+), 10 s.
 */
function manifestObjects(chart: cdk8s.Chart): any[] {
  return chart.toJson().map(o => o.kind !== 'Deployment' ? o
    : cdk8s.JsonPatch.apply(o, cdk8s.JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: 10 } } })));
}

/**
 * Builds the hand-written app with `n` mixed workloads; `synth()` synthesizes it and writes
 * every chart's YAML into the cloud assembly at `kubernetes/<stack>/<workload>.k8s.yaml`.
 */
export function buildHandWrittenApp(outdir: string, n: number): { app: App; synth: () => void } {
  const app = new App({ outdir });
  const platform = new Construct(app, PLATFORM_ID);
  const stacks: Stack[] = [];
  const charts: Array<{ file: string; chart: cdk8s.Chart }> = [];
  for (const w of mixedWorkloads(n)) {
    const stack = stacks[w.stackIndex] ??= new Stack(platform, `Stack${w.stackIndex + 1}`, { stackName: `${PLATFORM_ID}-${w.stackIndex + 1}` });
    if (w.kind === WorkloadKind.SPIKY_CPU) {
      lambdaWorkload(stack, w);
    } else {
      charts.push({ file: path.join('kubernetes', stack.artifactId, `${w.name}.k8s.yaml`), chart: kubernetesWorkload(w.name) });
    }
  }
  return {
    app,
    synth: () => {
      const assembly = app.synth();
      for (const c of charts) {
        const file = path.join(assembly.directory, c.file);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, cdk8s.Yaml.stringify(...manifestObjects(c.chart)));
      }
    },
  };
}
