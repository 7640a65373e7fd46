import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { InferenceWorkloadValidationError } from '../errors';
import { PlacementDecision } from '../policy/decision';
import { InferenceWorkload } from '../workload';

/** What `InferenceTesting.synth()` returns. */
export interface InferenceSynthResult {
  /** The CloudFormation template of the stack, with volatile hashes scrubbed. */
  readonly template: any;
  /**
   * The Kubernetes manifests of every workload in scope that renders to Kubernetes,
   * parsed, in construct-path order, with volatile hashes scrubbed.
   */
  readonly manifests: any[];
  /** The placement decision of every workload in scope, in construct-path order. */
  readonly decisions: PlacementDecision[];
  /** The names of the workloads in scope, in construct-path order. */
  readonly workloadNames: string[];
}

/** Placeholder for a CloudFormation asset hash. */
const ASSET_HASH = '[ASSET-HASH]';
/** Placeholder for the code hash in a Lambda version's logical id. */
const VERSION_HASH = '[VERSION-HASH]';
/** Placeholder for the hash suffix of cdk8s' `cdk8s.io/metadata.addr`. */
const ADDR_HASH = '[ADDR-HASH]';
const CDK8S_ADDR_KEY = 'cdk8s.io/metadata.addr';

/**
 * Testing helpers for app repositories that use `InferenceWorkload`: synthesize a stack
 * or a workload into plain JSON that snapshot tests can compare, with the hashes that
 * change for reasons a reviewer does not care about scrubbed.
 *
 * Scrubbed: asset hashes (64 hex digits, except image digests after `sha256:`), the code
 * hash in Lambda version logical ids (`FunctionCurrentVersion1A2B3C4D<32 hex>`), and the
 * hash suffix of cdk8s' `cdk8s.io/metadata.addr` labels.
 */
export class InferenceTesting {
  /**
   * Synthesizes the stack of `scope` and returns its CloudFormation template, the
   * Kubernetes manifests and the placement decisions of the workloads in `scope`.
   *
   * @param scope a `Stack` (every workload in it), an `InferenceWorkload` (that workload
   * only), or any construct inside a stack (the workloads under it)
   */
  public static synth(scope: IConstruct): InferenceSynthResult {
    const stack = stackOf(scope);
    const workloads = workloadsIn(scope);
    const template = InferenceTesting.scrub(Template.fromStack(stack).toJSON());
    const manifests = workloads.flatMap(w => (w.chart ? InferenceTesting.scrub(w.chart.toJson()) as any[] : []));
    return {
      template,
      manifests,
      decisions: workloads.map(w => w.decision),
      workloadNames: workloads.map(w => w.workloadName),
    };
  }

  /**
   * One plain JSON object for `expect(...).toMatchSnapshot()`: the scrubbed template, the
   * scrubbed manifests and each decision as JSON (without its cost curve, which is chart
   * data), keyed by workload name.
   *
   * @param scope as for `synth()`
   */
  public static snapshot(scope: IConstruct): any {
    const result = InferenceTesting.synth(scope);
    const decisions: Record<string, any> = {};
    result.workloadNames.forEach((name, i) => {
      // the cost curve is chart data (hundreds of points): left out to keep snapshots reviewable
      const { costCurve: _curve, ...decision } = result.decisions[i].toJson();
      decisions[name] = decision;
    });
    return { template: result.template, manifests: result.manifests, decisions };
  }

  /**
   * Returns a deep copy of `value` (any JSON: a template, manifests) with volatile hashes
   * replaced by placeholders, in keys and in values.
   *
   * @param value the JSON to scrub
   */
  public static scrub(value: any): any {
    return scrubValue(value, undefined);
  }

  private constructor() {}
}

function scrubString(s: string): string {
  return s
    .replace(/(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g, `$1${VERSION_HASH}`)
    .replace(/(?<!sha256:)\b[0-9a-f]{64}\b/g, ASSET_HASH);
}

function scrubValue(value: any, key: string | undefined): any {
  if (typeof value === 'string') {
    const s = scrubString(value);
    return key === CDK8S_ADDR_KEY ? s.replace(/-c8[0-9a-f]{6}$/, `-${ADDR_HASH}`) : s;
  }
  if (Array.isArray(value)) {
    return value.map(v => scrubValue(v, undefined));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      out[scrubString(k)] = scrubValue(v, k);
    }
    return out;
  }
  return value;
}

function stackOf(scope: IConstruct): Stack {
  try {
    return Stack.of(scope);
  } catch {
    throw new InferenceWorkloadValidationError(
      `'scope' must be a Stack, an InferenceWorkload or a construct inside a stack, got ${scope.constructor.name} at '${scope.node.path}'`);
  }
}

function workloadsIn(scope: IConstruct): InferenceWorkload[] {
  const found = scope instanceof InferenceWorkload
    ? [scope]
    : scope.node.findAll().filter((c): c is InferenceWorkload => c instanceof InferenceWorkload);
  return found.sort((a, b) => (a.node.path < b.node.path ? -1 : a.node.path > b.node.path ? 1 : 0));
}
