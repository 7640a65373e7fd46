import { gpuDecision, lambdaDecision } from './fixtures';
import { PlacementPolicy } from '../../lib/policy';
import { renderCostChart } from '../../lib/report/chart';
import { assumedDefaults, chartPath, mdCell, renderCharts, renderReportJson, renderReportMarkdown, reportEntry, ReportedWorkload, totalsByTarget } from '../../lib/report/render';

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
      priceTable: 'fixture-us-east-1',
      decidingRule: 'economics.break-even',
      assumedDefaults: {},
      files: { chart: 'placement-charts/Platform.svg#text-classifier' },
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
    // the curve on the grid of its utilizations: one series per option, a cost at every point
    const curve = CLASSIFIER.decision.costCurve!;
    const options = [...new Set(curve.map(p => p.option))];
    expect(Object.keys(e.costCurve)).toEqual(options);
    for (const option of options) {
      expect(e.costCurve[option]).toEqual(curve.filter(p => p.option === option).map(p => p.monthlyUsd));
    }
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
    expect(parsed.reportVersion).toBe(4);
    // shared once: the price table and the utilization grid
    expect(Object.keys(parsed.priceTables)).toEqual(['fixture-us-east-1']);
    expect(parsed.workloads.map((w: any) => w.priceTable)).toEqual(['fixture-us-east-1', 'fixture-us-east-1']);
    expect(parsed.costCurveUtilization).toEqual([...new Set(CLASSIFIER.decision.costCurve!.map(p => p.utilization))].sort((x, y) => x - y));
    expect(parsed.totals).toEqual([{ target: 'kubernetes', workloads: 1, monthlyUsd: 2203 }, { target: 'lambda', workloads: 1, monthlyUsd: 560 }]);
    expect(parsed.workloads.map((w: any) => w.constructPath)).toEqual(['Platform/LlmChat', 'Platform/TextClassifier']);
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/); // no timestamps
  });
});

describe('report shared parts', () => {
  test('price tables of the same name and different content get their own keys', () => {
    const other = { ...CHAT, constructPath: 'Platform/Other', decision: gpuDecision({ priceTable: { ...CHAT.decision.priceTable, effectiveDate: '2027-01-01' } }) };
    const parsed = JSON.parse(renderReportJson([CLASSIFIER, CHAT, other]));
    expect(Object.keys(parsed.priceTables)).toEqual(['fixture-us-east-1', 'fixture-us-east-1 (2)']);
    expect(parsed.priceTables['fixture-us-east-1 (2)'].effectiveDate).toBe('2027-01-01');
    expect(parsed.workloads.find((w: any) => w.constructPath === 'Platform/Other').priceTable).toBe('fixture-us-east-1 (2)');
  });

  test('a curve with a point off the grid of the others leaves nulls where it has none', () => {
    const odd = { ...CHAT, decision: gpuDecision({ costCurve: [{ option: 'kubernetes', utilization: 0.333, monthlyUsd: 10 }] }) };
    const parsed = JSON.parse(renderReportJson([CLASSIFIER, odd]));
    const grid: number[] = parsed.costCurveUtilization;
    expect(grid).toContain(0.333);
    const chat = parsed.workloads.find((w: any) => w.constructPath === 'Platform/LlmChat');
    expect(chat.costCurve.kubernetes).toEqual(grid.map(u => (u === 0.333 ? 10 : null)));
  });
});

describe('renderReportMarkdown', () => {
  const md = renderReportMarkdown([CLASSIFIER, CHAT]);

  test('opens with one row per workload: target, monthly cost, break-even and the deciding rule', () => {
    expect(md).toContain('| workload | target | monthly | utilization | break-even | deciding rule |');
    expect(md).toContain('| [text-classifier](#text-classifier) | lambda (`lambda-on-demand`) | $560.00 | 20.0% | vs kubernetes 27.3% | `economics.break-even` |');
    expect(md).toContain('| [llm-chat](#llm-chat) | kubernetes | $2,203.00 | 25.0% | none (lambda infeasible) | `constraint.gpu` |');
  });

  test('totals the monthly cost per target', () => {
    expect(md).toContain('| kubernetes | 1 | $2,203.00 |');
    expect(md).toContain('| lambda | 1 | $560.00 |');
    expect(md).toContain('| **total** | **2** | **$2,763.00** |');
  });

  test('states a price table shared by every workload once', () => {
    expect(md.split('Prices: `fixture-us-east-1` (us-east-1), effective 2026-11-01, USD; source: hand-written test fixture.')).toHaveLength(2);
  });

  test('has one short section per workload: fired rules, options, the chosen line items, sizing and the chart', () => {
    expect(md).toContain('## llm-chat\n');
    expect(md).toContain('![llm-chat: monthly cost of each option against sustained utilization](placement-charts/Platform.svg#llm-chat)');
    expect(md).toContain('| `constraint.gpu` | needs 1 GPU(s) with 24 GiB each; Lambda has no GPU |');
    expect(md).toContain('| `lambda-on-demand` | $2,350.00 | no: constraint.gpu |');
    expect(md).toContain('| GPU nodes | $2,203.00 | 3 x g5.xlarge x 730 h x $1.006/h |');
    expect(md).not.toContain('| nodes | $885.00 |'); // line items of the chosen option only
    expect(md).toMatch(/Sizing \(kubernetes\): .*`instanceType` g5\.xlarge/);
    expect(md).toContain('Kubernetes manifests: `kubernetes/Platform/llm-chat.k8s.yaml`.');
    expect(md.indexOf('## llm-chat')).toBeLessThan(md.indexOf('## text-classifier'));
  });

  test('marks the defaults the policy assumed, apart from the given values', () => {
    const profile = { memoryMiB: 30_720, gpuCount: 1, requestDurationP50Ms: 1500, averageRequestsPerSecond: 3 };
    const given = renderReportMarkdown([{ ...CHAT, decision: PlacementPolicy.default().decide(profile) }]);
    expect(given).toMatch(/Assumed \(not in the profile, defaults\): .*`imageSizeGiB` 1 GiB.*`coldStartToleranceMs` 1,000 ms.*`requestPayloadKiB` 64 KiB/);
    expect(given).not.toMatch(/Assumed[^\n]*`memoryMiB`/);
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
  test('one file per stack, each workload a view of it', () => {
    const other: ReportedWorkload = { ...CLASSIFIER, constructPath: 'Other/TextClassifier', stack: 'Other' };
    const charts = renderCharts([CLASSIFIER, CHAT, other]);
    expect(Array.from(charts.keys())).toEqual(['placement-charts/Other.svg', 'placement-charts/Platform.svg']);
    const svg = charts.get('placement-charts/Platform.svg')!;
    expect(svg).toContain('<view id="llm-chat" viewBox="0 0 960 560"/>');
    expect(svg).toContain('<view id="text-classifier" viewBox="0 560 960 560"/>');
    expect(svg).toMatch(/^<\?xml[^\n]*\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="960" height="1120"/);
    expect(svg.match(/<\?xml/g)).toHaveLength(1);
  });

  test('each view holds the chart the workload has alone, placed at its offset', () => {
    const svg = renderCharts([CLASSIFIER, CHAT]).get('placement-charts/Platform.svg')!;
    [CHAT, CLASSIFIER].forEach((w, i) => {
      const alone = renderCostChart({ workloadName: w.workloadName, constructPath: w.constructPath, decision: w.decision });
      const nested = alone.replace(/^<\?xml[^>]*>\n/, '').replace(/^<svg /, `<svg id="chart-${w.workloadName}" x="0" y="${i * 560}" `).trimEnd();
      expect(svg).toContain(`<view id="${w.workloadName}" viewBox="0 ${i * 560} 960 560"/>\n${nested}\n`);
    });
    expect(svg.endsWith('</svg>\n</svg>\n')).toBe(true);
  });

  test('replaces characters a file name should not carry', () => {
    expect(chartPath({ stack: 'Stage/Stack One', workloadName: 'w' })).toBe('placement-charts/Stage-Stack-One.svg#w');
  });

  test('totals per target add the chosen costs', () => {
    expect(totalsByTarget([CLASSIFIER, CLASSIFIER, CHAT])).toEqual([
      { target: 'kubernetes', workloads: 1, monthlyUsd: 2203 }, { target: 'lambda', workloads: 2, monthlyUsd: 1120 },
    ]);
  });

  test('assumes nothing for a decision without its profile, and nothing that was given', () => {
    expect(assumedDefaults(gpuDecision())).toEqual({});
    const given = { memoryMiB: 1024, requestDurationP50Ms: 10, averageRequestsPerSecond: 1, requestPayloadKiB: 64 };
    const assumed = assumedDefaults(PlacementPolicy.default().decide(given));
    expect(assumed).not.toHaveProperty('requestPayloadKiB');
    expect(assumed).not.toHaveProperty('memoryMiB');
    // the values are the decision's resolved profile's
    expect(assumed).toMatchObject({ imageSizeGiB: 1, coldStartToleranceMs: 1000 });
  });

  test('escapes pipes and newlines in Markdown cells', () => {
    expect(mdCell('a|b\nc')).toBe('a\\|b c');
  });
});
