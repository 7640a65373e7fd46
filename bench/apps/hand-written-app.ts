/**
 * The SAME resources as the library app, written by hand with aws-cdk-lib and cdk8s-plus-28:
 * what a team would write without this library, for the same spiky CPU classifier on Lambda
 * and the same one-GPU chat model on Kubernetes. Sizing is typed in as literals (the numbers
 * the default policy chose); construct ids match the library's, so the templates and the
 * manifests come out byte for byte the same (`npm run bench` checks it: "same output").
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

/** A spiky CPU classifier on Lambda: 2 GiB, 3 s timeout, provisioned concurrency 1–16 at 70%. */
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
  new cloudwatch.Alarm(scope, 'SpilloverAlarm', {
    ...common,
    alarmDescription: `${w.name}: invocations spilled over provisioned concurrency and cold-started (the cold tail) in 2 of the last 3 periods of 5 minutes`,
    metric: metric('ProvisionedConcurrencySpilloverInvocations', 'Sum'),
    threshold: 0,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  });
  new cloudwatch.Alarm(scope, 'ThrottlesAlarm', {
    ...common,
    alarmDescription: `${w.name}: invocations of the live alias were throttled`,
    metric: metric('Throttles', 'Sum'),
    threshold: 0,
    evaluationPeriods: 1,
  });
  new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
    ...common,
    alarmDescription: `${w.name}: more than 1% of invocations of the live alias failed in 2 of the last 3 periods of 5 minutes`,
    metric: new cloudwatch.MathExpression({
      label: 'Error rate (%)',
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: { errors: metric('Errors', 'Sum'), invocations: metric('Invocations', 'Sum') },
      period: Duration.minutes(5),
    }),
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

/**
 * A one-GPU chat model on Kubernetes: 1 x 24 GiB GPU (instance types g6/gr6/g5/g6e/g7e), 14.4 vCPU,
 * 30 GiB, 3 replicas (floor and ceiling), scaled on requests in flight through prometheus-adapter,
 * in a chart of its own cdk8s App.
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
  });
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
      cpu: { request: kplus.Cpu.millis(14_400), limit: kplus.Cpu.millis(14_400) },
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
  server.env.addVariable('HOME', kplus.EnvValue.fromValue(HOME));
  server.env.addVariable('XDG_CACHE_HOME', kplus.EnvValue.fromValue(`${HOME}/.cache`));
  server.env.addVariable('XDG_CONFIG_HOME', kplus.EnvValue.fromValue(`${HOME}/.config`));
  server.mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'TmpVolume', 'tmp', { sizeLimit: cdk8s.Size.gibibytes(1) }));
  // the root filesystem is read-only: HOME and the caches the server writes live here
  server.mount(HOME, kplus.Volume.fromEmptyDir(chart, 'HomeVolume', 'home', { sizeLimit: cdk8s.Size.mebibytes(4096) }));
  server.mount('/dev/shm', kplus.Volume.fromEmptyDir(chart, 'SharedMemoryVolume', 'dshm', {
    medium: kplus.EmptyDirMedium.MEMORY,
    sizeLimit: cdk8s.Size.mebibytes(7680),
  }));
  // the instance types one pod fits on (one 24 GiB+ GPU, 14.4 vCPU, 30 GiB), cheapest first
  deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.in('node.kubernetes.io/instance-type', [
    'g6.4xlarge', 'gr6.4xlarge', 'g5.4xlarge', 'g6.8xlarge', 'gr6.8xlarge',
    'g5.8xlarge', 'g6e.4xlarge', 'g6.16xlarge', 'g7e.4xlarge', 'g5.16xlarge',
  ])));
  deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists('nvidia.com/gpu', { effect: kplus.TaintEffect.NO_SCHEDULE })));
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
    kplus.k8s.Quantity.fromString('5120Mi')));

  new kplus.Service(chart, 'Service', {
    metadata: { name },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: deployment,
    ports: [{ name: 'http', port: PORT, targetPort: PORT }],
  });
  new kplus.HorizontalPodAutoscaler(chart, 'Autoscaler', {
    metadata: {
      name,
      annotations: {
        'inference-workload/scaling-metric': 'requests in flight per replica',
        'inference-workload/estimated-scale-out-seconds': '455',
      },
    },
    target: deployment,
    minReplicas: 3,
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
      ingress: [{ ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(PORT) }] }],
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
