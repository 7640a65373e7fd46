import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { buildExampleApp } from '../../examples/app';
import { InferenceWorkload, ModelImage, PlacementReport, RuleVerdict, PlacementTarget } from '../../lib';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');
const CPU = { memoryMiB: 2048, requestDurationP50Ms: 100, averageRequestsPerSecond: 1, peakRequestsPerSecond: 40 };
// the team runs Kubernetes: at 25% utilization without one, band.wait would place it as hybrid
const GPU_ = { memoryMiB: 30_720, gpuCount: 1, gpuMemoryGiB: 24, requestDurationP50Ms: 1500, averageRequestsPerSecond: 3, peakRequestsPerSecond: 12 };
const GPU = { ...GPU_, teamRunsKubernetes: true };

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'placement-report-'));
}

function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf-8');
}

describe('PlacementReport', () => {
  test('one report per app, registered by every workload', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    new InferenceWorkload(a, 'One', { image: IMAGE, profile: CPU });
    new InferenceWorkload(b, 'Two', { image: IMAGE, profile: GPU });
    const report = PlacementReport.of(a);
    expect(PlacementReport.of(b)).toBe(report);
    expect(report.node.path).toBe('InferenceWorkloadPlacementReport');
    expect(report.workloadCount).toBe(2);
  });

  test('writes the JSON, the Markdown and one chart file per stack at synth', () => {
    const outdir = tmpdir();
    const app = new App({ outdir });
    const stack = new Stack(app, 'Platform');
    const w = new InferenceWorkload(stack, 'LlmChat', { image: IMAGE, profile: GPU });
    app.synth();
    const json = JSON.parse(read(outdir, 'placement-report.json'));
    expect(json.workloads).toHaveLength(1);
    expect(json.workloads[0]).toMatchObject({
      constructPath: 'Platform/LlmChat',
      stack: 'Platform',
      workloadName: 'llm-chat',
      target: w.decision.target,
      files: { chart: 'placement-charts/Platform.svg#llm-chat', manifest: w.manifestPath },
    });
    expect(read(outdir, 'placement-report.md')).toContain('## llm-chat\n');
    expect(read(outdir, 'placement-charts/Platform.svg')).toContain('llm-chat: monthly cost vs sustained utilization');
    expect(PlacementReport.of(stack).chartPathOf(w)).toBe('placement-charts/Platform.svg#llm-chat');
  });

  test('writes no files when the context key switches the report off, and still reports in code', () => {
    const outdir = tmpdir();
    const app = new App({ outdir, context: { [PlacementReport.CONTEXT_KEY]: false } });
    new InferenceWorkload(new Stack(app, 'Platform'), 'LlmChat', { image: IMAGE, profile: GPU });
    app.synth();
    expect(fs.existsSync(path.join(outdir, PlacementReport.JSON_FILE))).toBe(false);
    expect(fs.existsSync(path.join(outdir, PlacementReport.MARKDOWN_FILE))).toBe(false);
    expect(fs.existsSync(path.join(outdir, PlacementReport.CHART_DIRECTORY))).toBe(false);
    expect(JSON.parse(PlacementReport.of(app).renderJson()).workloads).toHaveLength(1);
  });

  test('a nested Stage gets its own report inside its own assembly', () => {
    const outdir = tmpdir();
    const app = new App({ outdir });
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Platform');
    new InferenceWorkload(stack, 'Classifier', { image: IMAGE, profile: CPU });
    new InferenceWorkload(new Stack(app, 'Dev'), 'Classifier', { image: IMAGE, profile: CPU });
    expect(PlacementReport.of(stack)).not.toBe(PlacementReport.of(app));
    app.synth();
    const prod = JSON.parse(read(path.join(outdir, 'assembly-Prod'), 'placement-report.json'));
    const dev = JSON.parse(read(outdir, 'placement-report.json'));
    expect(prod.workloads.map((w: any) => w.constructPath)).toEqual(['Prod/Platform/Classifier']);
    expect(dev.workloads.map((w: any) => w.constructPath)).toEqual(['Dev/Classifier']);
    // charts are named after the stack's artifact id, as the Kubernetes manifests are
    expect(fs.existsSync(path.join(outdir, 'assembly-Prod', 'placement-charts', 'ProdPlatformE645C080.svg'))).toBe(true);
  });

  test('throws when the reserved id is taken by another construct', () => {
    const app = new App();
    new Construct(app, 'InferenceWorkloadPlacementReport');
    expect(() => PlacementReport.of(app)).toThrow("'InferenceWorkloadPlacementReport' is reserved for the placement report, got a Construct at InferenceWorkloadPlacementReport");
  });

  test('renders a chart without an app', () => {
    const decision = new InferenceWorkload(new Stack(new App(), 'S'), 'W', { image: IMAGE, profile: CPU }).decision;
    expect(PlacementReport.renderChart('my-model', decision)).toContain('<title>my-model: monthly cost vs sustained utilization (my-model)</title>');
  });
});

describe('the example app (end to end, through the public API)', () => {
  function synthExample(): string {
    const outdir = tmpdir();
    buildExampleApp(new App({ outdir })).synth();
    return outdir;
  }

  const outdir = synthExample();
  const report = JSON.parse(read(outdir, PlacementReport.JSON_FILE));

  test('has one entry per workload, sorted by construct path, with every section', () => {
    const paths = report.workloads.map((w: any) => w.constructPath);
    expect(paths.length).toBeGreaterThanOrEqual(2);
    expect(paths).toEqual([...paths].sort());
    for (const w of report.workloads) {
      expect(Object.values(PlacementTarget)).toContain(w.target);
      expect(w.rules.length).toBeGreaterThan(0);
      for (const r of w.rules) {
        expect(Object.values(RuleVerdict)).toContain(r.verdict);
        expect(typeof r.ruleId).toBe('string');
        expect(typeof r.reason).toBe('string');
      }
      for (const c of w.costs) {
        expect(Number.isFinite(c.monthlyUsd)).toBe(true);
        expect(Array.isArray(c.lineItems)).toBe(true);
      }
      expect(report.priceTables[w.priceTable]).toEqual(expect.objectContaining({ name: expect.any(String), effectiveDate: expect.any(String) }));
      // each option's curve has a cost (or null) at every utilization of the report's grid
      expect(Object.keys(w.costCurve).sort()).toEqual(w.costs.map((c: any) => c.option).sort());
      for (const series of Object.values(w.costCurve) as any[]) {
        expect(series).toHaveLength(report.costCurveUtilization.length);
      }
      expect(w.sizing).toBeDefined();
      expect(w.breakEvenUtilization === null || (w.breakEvenUtilization >= 0 && w.breakEvenUtilization <= 1)).toBe(true);
      // the chosen option's break-even with each feasible alternative, the one break-even record
      const alternatives = w.costs.filter((c: any) => c.feasible && c.option !== w.chosenOption).map((c: any) => c.option);
      for (const be of w.breakEvens) {
        expect(alternatives).toContain(be.versus);
        expect(be.utilization === undefined || (be.utilization >= 0 && be.utilization <= 1)).toBe(true);
      }
      expect(w).not.toHaveProperty('managedInstancesBreakEven');
      const svg = read(outdir, w.files.chart.replace(/#.*$/, ''));
      expect(svg).toContain(`<view id="${w.workloadName}"`);
      expect(svg).toContain('Monthly cost (USD per month)');
      expect(svg).toContain('Sustained utilization');
    }
  });

  test('places the example GPU workload on Kubernetes and says so in the Markdown', () => {
    const chat = report.workloads.find((w: any) => w.workloadName === 'llm-chat');
    expect(chat.target).not.toBe('lambda');
    expect(read(outdir, PlacementReport.MARKDOWN_FILE)).toContain('`InferencePlatform/LlmChat`: **kubernetes**');
  });

  test('is byte-identical across two synths', () => {
    const again = synthExample();
    for (const file of [PlacementReport.JSON_FILE, PlacementReport.MARKDOWN_FILE]) {
      expect(read(again, file)).toBe(read(outdir, file));
    }
    const charts = fs.readdirSync(path.join(outdir, PlacementReport.CHART_DIRECTORY)).sort();
    expect(fs.readdirSync(path.join(again, PlacementReport.CHART_DIRECTORY)).sort()).toEqual(charts);
    for (const c of charts) {
      expect(read(again, path.join(PlacementReport.CHART_DIRECTORY, c))).toBe(read(outdir, path.join(PlacementReport.CHART_DIRECTORY, c)));
    }
  });
});
