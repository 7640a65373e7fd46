import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, Stack, Stage } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { renderCostChart } from './chart';
import { chartPath, renderCharts, renderReportJson, renderReportMarkdown, ReportedWorkload, REPORT_FILES } from './render';
import { InferenceWorkloadValidationError } from '../errors';
import { PlacementDecision } from '../policy/decision';

/** Id of the report construct under its `App` or `Stage`. */
const REPORT_ID = 'InferenceWorkloadPlacementReport';

/**
 * A placed workload, as the report reads it. `InferenceWorkload` implements it.
 */
export interface IPlacedWorkload extends IConstruct {
  /** The workload's name (DNS-1123 label). */
  readonly workloadName: string;
  /** Its placement decision. */
  readonly decision: PlacementDecision;
  /**
   * Path of its manifest file inside the cloud assembly.
   * @default - none (not placed on Kubernetes, or delivered to a cluster)
   */
  readonly manifestPath?: string;
}

/**
 * The placement report of one `App` (or `Stage`): every `InferenceWorkload` in it registers
 * its decision, and at `cdk synth` the report writes into the cloud assembly:
 *
 * - `placement-report.json`: one entry per workload (construct path, target, rules with
 *   verdicts, costs with line items, break-even, sizing, price table and date);
 * - `placement-report.md`: the same for humans, with the charts linked;
 * - `placement-charts/<stack>-<workload>.svg`: monthly cost of each option across sustained
 *   utilization 0–100%, with the break-even and the workload's operating point marked.
 *
 * Output is deterministic: workloads sorted by construct path, no timestamps.
 *
 * For very large apps the files can be switched off with the context key
 * `inference-workload:placementReport` set to `false` (the report is still available in code).
 */
export class PlacementReport extends Construct {
  /** Name of the JSON report inside the cloud assembly. */
  public static readonly JSON_FILE: string = REPORT_FILES.json;
  /** Name of the Markdown report inside the cloud assembly. */
  public static readonly MARKDOWN_FILE: string = REPORT_FILES.markdown;
  /** Folder of the SVG charts inside the cloud assembly. */
  public static readonly CHART_DIRECTORY: string = REPORT_FILES.chartDir;
  /** Context key: `false` writes no report files at synth. */
  public static readonly CONTEXT_KEY: string = 'inference-workload:placementReport';

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

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    attachCustomSynthesis(this, {
      onSynthesize: session => {
        if (this.node.tryGetContext(PlacementReport.CONTEXT_KEY) !== false) {
          this.writeTo(session.outdir);
        }
      },
    });
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
    });
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
   * The path of a workload's chart inside the cloud assembly.
   */
  public chartPathOf(workload: IPlacedWorkload): string {
    return chartPath({ stack: Stack.of(workload).artifactId, workloadName: workload.workloadName });
  }

  /**
   * Writes the report files into a directory (the cloud assembly at synth).
   * Charts of workloads that are no longer in the report are not removed.
   *
   * @param outdir the directory
   */
  public writeTo(outdir: string): void {
    fs.mkdirSync(path.join(outdir, REPORT_FILES.chartDir), { recursive: true });
    fs.writeFileSync(path.join(outdir, REPORT_FILES.json), this.renderJson());
    fs.writeFileSync(path.join(outdir, REPORT_FILES.markdown), this.renderMarkdown());
    for (const [file, svg] of renderCharts(this.workloads.values())) {
      fs.writeFileSync(path.join(outdir, file), svg);
    }
  }
}
