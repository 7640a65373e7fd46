import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, Stack, Stage } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { renderCostChart } from './chart';
import { synthLines } from './console';
import { chartFiles, chartPath, renderReportJson, renderReportMarkdown, ReportedWorkload, REPORT_FILES } from './render';
import { InferenceWorkloadValidationError } from '../errors';
import { pendingMoveOf } from '../placement-lock';
import { PlacementDecision } from '../policy/decision';

/** Id of the report construct under its `App` or `Stage`. */
const REPORT_ID = 'InferenceWorkloadPlacementReport';
/** Folder of the Kubernetes manifests inside the output folder. */
const MANIFEST_DIR = 'kubernetes';

/**
 * A placed workload, as the report reads it. `InferenceWorkload` implements it.
 */
export interface IPlacedWorkload extends IConstruct {
  /** The workload's name (DNS-1123 label). */
  readonly workloadName: string;
  /** Its placement decision. */
  readonly decision: PlacementDecision;
  /**
   * Path of its manifest file inside the output folder.
   * @default - none (not placed on Kubernetes, or delivered to a cluster)
   */
  readonly manifestPath?: string;
}

/** A manifest waiting for synth. */
interface PendingManifest {
  readonly owner: IConstruct;
  readonly render: () => string;
}

/**
 * The placement report of one `App` (or `Stage`): every `InferenceWorkload` in it registers
 * its decision, and at `cdk synth` the report writes into the output folder (the cloud assembly,
 * `cdk.out`, unless the context key `inference-workload:outputDirectory` names another folder):
 *
 * - `placement-report.json`: one entry per workload (construct path, target, deciding rule,
 *   rules with verdicts, costs with line items, break-even, sizing, assumed defaults, price table);
 * - `placement-report.md`: the same for reviewers, with totals per target and the charts linked;
 * - `placement-charts/<stack>.svg`: one file per stack holding each workload's chart (monthly cost
 *   of each option across sustained utilization 0–100%), each shown alone by
 *   `<stack>.svg#<workload>`;
 * - `kubernetes/<stack>/<workload>.k8s.yaml`: the manifests of workloads placed on Kubernetes
 *   (unless delivered to a cluster).
 *
 * Each synth leaves exactly the current workloads' files: a file whose content did not change is
 * not rewritten, and the manifests and charts of workloads that are gone are removed. Output is
 * deterministic: workloads sorted by construct path, no timestamps.
 *
 * Run by the CDK CLI, synth prints one line per workload (target, monthly cost, break-even,
 * deciding rule) and a summary with the files' locations to stderr; the context key
 * `inference-workload:synthSummary` set to `false` silences it. The report files (not the
 * manifests) can be switched off with `inference-workload:placementReport` set to `false`.
 */
export class PlacementReport extends Construct {
  /** Name of the JSON report inside the cloud assembly. */
  public static readonly JSON_FILE: string = REPORT_FILES.json;
  /** Name of the Markdown report inside the cloud assembly. */
  public static readonly MARKDOWN_FILE: string = REPORT_FILES.markdown;
  /** Folder of the SVG charts inside the cloud assembly. */
  public static readonly CHART_DIRECTORY: string = REPORT_FILES.chartDir;
  /** Folder of the Kubernetes manifests inside the output folder. */
  public static readonly MANIFEST_DIRECTORY: string = MANIFEST_DIR;
  /** Context key: `false` writes no report files at synth (manifests are still written). */
  public static readonly CONTEXT_KEY: string = 'inference-workload:placementReport';
  /**
   * Context key: the folder the report, the charts and the manifests are written to, relative to
   * the directory `cdk` runs in (e.g. `"deploy"`, a folder you commit for a GitOps tool). A nested
   * `Stage` writes into a subfolder named after it. Default: the cloud assembly (`cdk.out`).
   */
  public static readonly CONTEXT_KEY_OUTPUT_DIRECTORY: string = 'inference-workload:outputDirectory';
  /** Context key: `false` prints nothing at synth. */
  public static readonly CONTEXT_KEY_SYNTH_SUMMARY: string = 'inference-workload:synthSummary';

  /**
   * The report of the `Stage` (or `App`) that `scope` belongs to, created on first use.
   */
  public static of(scope: IConstruct): PlacementReport {
    const root: IConstruct = Stage.of(scope) ?? scope.node.root;
    const existing = root.node.tryFindChild(REPORT_ID);
    if (existing instanceof PlacementReport) {
      return existing;
    }
    if (existing !== undefined) {
      throw new InferenceWorkloadValidationError(`'${REPORT_ID}' is reserved for the placement report, got a ${existing.constructor.name} at ${existing.node.path}`);
    }
    return new PlacementReport(root, REPORT_ID);
  }

  /**
   * The SVG chart of one decision: monthly cost of each option across sustained
   * utilization 0–100%, break-even and operating point marked. Works without an app
   * (the CLI uses it).
   *
   * @param workloadName the name shown in the title
   * @param decision the decision to chart
   */
  public static renderChart(workloadName: string, decision: PlacementDecision): string {
    return renderCostChart({ workloadName, constructPath: workloadName, decision });
  }

  private readonly workloads = new Map<string, ReportedWorkload>();
  private readonly manifests = new Map<string, PendingManifest>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    attachCustomSynthesis(this, {
      onSynthesize: session => {
        const dir = this.outputDirectory(session.outdir);
        const report = this.node.tryGetContext(PlacementReport.CONTEXT_KEY) !== false;
        this.write(dir, report);
        if (process.env.CDK_CLI_VERSION !== undefined && this.node.tryGetContext(PlacementReport.CONTEXT_KEY_SYNTH_SUMMARY) !== false) {
          this.printSummary(dir, report);
        }
      },
    });
  }

  /**
   * The folder the files are written to at synth: `inference-workload:outputDirectory` resolved
   * against the working directory (plus the stage's name for a nested `Stage`), or `outdir`.
   */
  private outputDirectory(outdir: string): string {
    const configured = this.node.tryGetContext(PlacementReport.CONTEXT_KEY_OUTPUT_DIRECTORY);
    if (configured === undefined || configured === null) {
      return outdir;
    }
    if (typeof configured !== 'string' || configured.trim() === '') {
      throw new InferenceWorkloadValidationError(
        `'${PlacementReport.CONTEXT_KEY_OUTPUT_DIRECTORY}' must be a folder path such as "deploy", got ${JSON.stringify(configured)}`);
    }
    const stage = Stage.of(this);
    const nested = stage !== undefined && stage.node.scope !== undefined;
    return path.resolve(configured, nested ? stage.artifactId : '');
  }

  /**
   * Adds a workload's decision to the report. `InferenceWorkload` calls this itself.
   */
  public addWorkload(workload: IPlacedWorkload): void {
    const constructPath = workload.node.path;
    this.workloads.set(constructPath, {
      constructPath,
      stack: Stack.of(workload).artifactId,
      workloadName: workload.workloadName,
      decision: workload.decision,
      manifestPath: workload.manifestPath,
      pendingMove: pendingMoveOf(workload, workload.workloadName),
    });
  }

  /**
   * Registers a manifest file to write at synth, rendered then. A manifest whose owner has left
   * the construct tree (a workload that failed validation) is not written.
   * @internal
   */
  public _addManifest(owner: IConstruct, relativePath: string, render: () => string): void {
    this.manifests.set(relativePath, { owner, render });
  }

  /** Number of workloads in the report. */
  public get workloadCount(): number {
    return this.workloads.size;
  }

  /** The JSON report, as written to `placement-report.json`. */
  public renderJson(): string {
    return renderReportJson(this.workloads.values());
  }

  /** The Markdown report, as written to `placement-report.md`. */
  public renderMarkdown(): string {
    return renderReportMarkdown(this.workloads.values());
  }

  /**
   * The path of a workload's chart inside the output folder: its view in its stack's chart file,
   * `placement-charts/<stack>.svg#<workload>`.
   */
  public chartPathOf(workload: IPlacedWorkload): string {
    return chartPath({ stack: Stack.of(workload).artifactId, workloadName: workload.workloadName });
  }

  /**
   * Writes the report files, the charts and the Kubernetes manifests into a directory (at synth,
   * the output folder), and removes the manifests and charts of workloads that are no longer in
   * the app. Files whose content did not change are left untouched.
   *
   * @param outdir the directory
   */
  public writeTo(outdir: string): void {
    this.write(outdir, true);
  }

  private write(outdir: string, report: boolean): void {
    // everything is rendered before anything is written: a manifest or a chart that fails to
    // render fails synth with the folder untouched
    const files = new Map<string, string>();
    for (const [file, pending] of this.manifests) {
      if (isInTree(pending.owner)) {
        files.set(file, pending.render());
      }
    }
    if (report) {
      files.set(REPORT_FILES.json, this.renderJson());
      files.set(REPORT_FILES.markdown, this.renderMarkdown());
      for (const [file, svg] of chartFiles(this.workloads.values())) {
        files.set(file, svg);
      }
    }
    const folders = new Set<string>();
    for (const [file, content] of files) {
      writeIfChanged(path.join(outdir, file), content, folders);
    }
    // what this report owns and did not write now is stale
    const owned = [
      ...listFiles(path.join(outdir, MANIFEST_DIR), f => f.endsWith('.k8s.yaml')).map(f => path.posix.join(MANIFEST_DIR, f)),
      ...listFiles(path.join(outdir, REPORT_FILES.chartDir), f => f.endsWith('.svg')).map(f => path.posix.join(REPORT_FILES.chartDir, f)),
      REPORT_FILES.json,
      REPORT_FILES.markdown,
    ];
    for (const file of owned) {
      if (!files.has(file)) {
        fs.rmSync(path.join(outdir, file), { force: true });
      }
    }
    removeEmptyDirectories(path.join(outdir, MANIFEST_DIR));
    removeEmptyDirectories(path.join(outdir, REPORT_FILES.chartDir));
  }


  private printSummary(dir: string, report: boolean): void {
    const rel = path.relative(process.cwd(), dir) || '.';
    const lines = synthLines(this.workloads.values(), {
      report: report && this.workloads.size > 0 ? path.join(rel, REPORT_FILES.markdown) : undefined,
      charts: report && this.workloads.size > 0 ? path.join(rel, REPORT_FILES.chartDir) + path.sep : undefined,
      manifests: this.manifests.size > 0 ? path.join(rel, MANIFEST_DIR) + path.sep : undefined,
      stage: Stage.of(this)?.node.scope !== undefined ? this.node.scope!.node.path : undefined,
    });
    process.stderr.write(lines.join('\n') + '\n');
  }
}

function isInTree(c: IConstruct): boolean {
  for (let node = c; node.node.scope !== undefined; node = node.node.scope) {
    if (node.node.scope.node.tryFindChild(node.node.id) !== node) {
      return false;
    }
  }
  return true;
}

function writeIfChanged(file: string, content: string, folders: Set<string>): void {
  // unchanged files keep their time stamps; a file of another size has changed without reading it
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat !== undefined && stat.size === Buffer.byteLength(content) && fs.readFileSync(file, 'utf-8') === content) {
    return;
  }
  const folder = path.dirname(file);
  if (stat === undefined && !folders.has(folder)) {
    fs.mkdirSync(folder, { recursive: true });
    folders.add(folder);
  }
  fs.writeFileSync(file, content);
}

/** Files under `dir` (relative, posix separators) that `keep` accepts; none if `dir` does not exist. */
function listFiles(dir: string, keep: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? path.posix.join(rel, entry.name) : entry.name;
      if (entry.isDirectory()) {
        walk(child);
      } else if (keep(child)) {
        out.push(child);
      }
    }
  };
  walk('');
  return out;
}

function removeEmptyDirectories(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      removeEmptyDirectories(path.join(dir, entry.name));
    }
  }
  if (fs.readdirSync(dir).length === 0) {
    fs.rmdirSync(dir);
  }
}
