import { gpuDecision, lambdaDecision } from './fixtures';
import { chartPath, mdCell, renderCharts, renderReportJson, renderReportMarkdown, reportEntry, ReportedWorkload } from '../../lib/report/render';

const CLASSIFIER: ReportedWorkload = {
  constructPath: 'Platform/TextClassifier', stack: 'Platform', workloadName: 'text-classifier', decision: lambdaDecision(),
};
const CHAT: ReportedWorkload = {
  constructPath: 'Platform/LlmChat',
  stack: 'Platform',
  workloadName: 'llm-chat',
  decision: gpuDecision(),
  manifestPath: 'kubernetes/Platform/llm-chat.k8s.yaml',
};

describe('reportEntry', () => {
  test('carries target, rules with verdicts, costs with line items, break-even, sizing and prices', () => {
    const e = reportEntry(CLASSIFIER);
    expect(e).toMatchObject({
      constructPath: 'Platform/TextClassifier',
      stack: 'Platform',
      workloadName: 'text-classifier',
      target: 'lambda',
      policy: 'default',
      sustainedUtilization: 0.2,
      breakEvenUtilization: 0.273,
      chosenOption: 'lambda-on-demand',
      chosenMonthlyUsd: 560,
      priceTable: { name: 'fixture-us-east-1', effectiveDate: '2026-11-01' },
      files: { chart: 'placement-charts/Platform-text-classifier.svg' },
    });
    expect(e.rules[1]).toEqual({
      ruleId: 'economics.break-even',
      kind: 'economics',
      verdict: 'fired',
      reason: 'utilization 20.0% is below the break-even 27.3%',
      favours: 'lambda',
    });
    expect(e.costs[0].lineItems).toEqual([
      { label: 'compute', monthlyUsd: 540, basis: '1.3M GB-s x $0.0000166667' },
      { label: 'requests', monthlyUsd: 20, basis: '100M x $0.20/M' },
    ]);
    expect(e.sizing.lambda.provisionedConcurrencyMin).toBe(4);
    expect(e.sizing.kubernetes).toBeUndefined();
    expect(e.costCurve).toHaveLength(63);
  });

  test('writes null, not a missing key, when there is no break-even or chosen cost', () => {
    const e = reportEntry({ ...CHAT, decision: gpuDecision({ costs: [] }) });
    expect(e.breakEvenUtilization).toBeNull();
    expect(e.chosenOption).toBeNull();
    expect(e.files.manifest).toBe('kubernetes/Platform/llm-chat.k8s.yaml');
  });
});

describe('renderReportJson', () => {
  test('sorts workloads by construct path and is byte-stable', () => {
    const a = renderReportJson([CLASSIFIER, CHAT]);
    const b = renderReportJson([CHAT, CLASSIFIER]);
    expect(a).toBe(b);
    const parsed = JSON.parse(a);
    expect(parsed.reportVersion).toBe(1);
    expect(parsed.workloads.map((w: any) => w.constructPath)).toEqual(['Platform/LlmChat', 'Platform/TextClassifier']);
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/); // no timestamps
  });
});

describe('renderReportMarkdown', () => {
  const md = renderReportMarkdown([CLASSIFIER, CHAT]);

  test('has a summary table with one row per workload', () => {
    expect(md).toContain('| workload | construct path | target | option | monthly (USD) | utilization | break-even |');
    expect(md).toContain('| text-classifier | `Platform/TextClassifier` | lambda | lambda-on-demand | $560.00 | 20.0% | 27.3% |');
    expect(md).toContain('| llm-chat | `Platform/LlmChat` | kubernetes | kubernetes | $2,203.00 | 25.0% | n/a |');
  });

  test('has one section per workload with rules, costs, line items, sizing, prices and the chart', () => {
    expect(md).toContain('## llm-chat (`Platform/LlmChat`)');
    expect(md).toContain('![llm-chat: monthly cost of each option against sustained utilization](placement-charts/Platform-llm-chat.svg)');
    expect(md).toContain('| `constraint.gpu` | constraint | fired | needs 1 GPU(s) with 24 GiB each; Lambda has no GPU |');
    expect(md).toContain('| `lambda-on-demand` | lambda | $2,350.00 | no (constraint.gpu) |');
    expect(md).toContain('| nodes | $885.00 | 2 x m7i.large x 730 h \\| warm floor |');
    expect(md).toContain('| kubernetes | `instanceType` | g5.xlarge |');
    expect(md).toContain('Price table `fixture-us-east-1` (us-east-1), effective 2026-11-01, in USD; source: hand-written test fixture.');
    expect(md).toContain('Kubernetes manifests: `kubernetes/Platform/llm-chat.k8s.yaml`.');
    expect(md.indexOf('## llm-chat')).toBeLessThan(md.indexOf('## text-classifier'));
  });

  test('says when a workload was not priced', () => {
    const unpriced = renderReportMarkdown([{ ...CHAT, decision: gpuDecision({ costs: [], costCurve: undefined }) }]);
    expect(unpriced).toContain('Not priced: policy `default` reported no costs.');
  });

  test('says when there are no workloads', () => {
    expect(renderReportMarkdown([])).toContain('No workloads.');
  });
});

describe('charts', () => {
  test('one chart per workload, named after stack and workload', () => {
    const charts = renderCharts([CLASSIFIER, CHAT]);
    expect(Array.from(charts.keys())).toEqual(['placement-charts/Platform-llm-chat.svg', 'placement-charts/Platform-text-classifier.svg']);
    expect(charts.get('placement-charts/Platform-llm-chat.svg')).toContain('<svg');
  });

  test('replaces characters a file name should not carry', () => {
    expect(chartPath({ stack: 'Stage/Stack One', workloadName: 'w' })).toBe('placement-charts/Stage-Stack-One-w.svg');
  });

  test('escapes pipes and newlines in Markdown cells', () => {
    expect(mdCell('a|b\nc')).toBe('a\\|b c');
  });
});
