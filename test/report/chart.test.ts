import { gpuDecision, lambdaDecision } from './fixtures';
import { chartSeries, formatUsdShort, interpolate, orderOptions, renderCostChart, wrapList } from '../../lib/report/chart';

/** Checks that every opened tag is closed in order (a well-formedness check without a parser). */
function expectBalancedTags(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g;
  for (const m of svg.replace(/<\?xml[^>]*\?>/, '').matchAll(tag)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) {
      continue;
    }
    if (closing) {
      expect(stack.pop()).toBe(name);
    } else {
      stack.push(name);
    }
  }
  expect(stack).toEqual([]);
}

function chart(decision = lambdaDecision()): string {
  return renderCostChart({ workloadName: 'text-classifier', constructPath: 'Platform/TextClassifier', decision });
}

describe('renderCostChart', () => {
  test('draws one curve per option, the chosen one thicker', () => {
    const svg = chart();
    expectBalancedTags(svg);
    for (const option of ['lambda-on-demand', 'lambda-provisioned', 'kubernetes']) {
      expect(svg.match(new RegExp(`<polyline [^>]*class="curve curve-${option}"`, 'g'))).toHaveLength(1);
    }
    expect(svg).toMatch(/class="curve curve-lambda-on-demand" stroke="#d95f02" stroke-width="4"/);
    expect(svg).toMatch(/class="curve curve-kubernetes" stroke="#1b9e77" stroke-width="2.5"/);
  });

  test('labels both axes with units and ticks', () => {
    const svg = chart();
    expect(svg).toContain('Sustained utilization (average load ÷ peak capacity, %)');
    expect(svg).toContain('Monthly cost (USD per month)');
    expect(svg).toContain('>0%</text>');
    expect(svg).toContain('>100%</text>');
    expect(svg).toContain('>$3k</text>');
    expect(svg).toContain('>$0</text>');
  });

  test('marks the break-even with a line, a diamond and a label', () => {
    const svg = chart();
    // x = 96 + (660 - 96) * 0.273
    expect(svg).toContain('<line x1="249.97" y1="84" x2="249.97" y2="464" stroke="#111111" stroke-width="1.5" stroke-dasharray="4 4"/>');
    expect(svg).toMatch(/<path d="M249.97 [\d.]+L/);
    expect(svg).toContain('break-even 27.3%</text>');
    expect(svg).toContain('break-even (27.3%)</text>');
  });

  test('marks the operating point on the chosen curve', () => {
    const svg = chart();
    // x = 96 + 564 * 0.2; y = 464 - 380 * 560 / 3000 (the on-demand curve at 20% is $560; the axis tops at $3k)
    expect(svg).toContain('<circle cx="208.8" cy="393.07" r="8"');
    expect(svg).toContain('this workload: 20.0%, $560.00/mo</text>');
    expect(svg).toContain('operating point (20.0%)</text>');
  });

  test('draws infeasible options dashed and says which rule excludes them', () => {
    const svg = renderCostChart({ workloadName: 'llm-chat', constructPath: 'P/LlmChat', decision: gpuDecision() });
    expectBalancedTags(svg);
    expect(svg).toMatch(/class="curve curve-lambda-on-demand" stroke="#d95f02" stroke-width="2.5" stroke-dasharray="8 5"/);
    expect(svg).toContain('infeasible: constraint.gpu</text>');
    expect(svg).toContain('kubernetes (chosen)</text>');
    expect(svg).toContain('break-even: none (lambda infeasible)</text>');
    expect(svg).not.toContain('class="break-even"');
  });

  test('renders axes and a note when the policy produced no costs', () => {
    const svg = chart(lambdaDecision({ costs: [], costCurve: undefined, breakEvenUtilization: undefined }));
    expectBalancedTags(svg);
    expect(svg).not.toContain('<polyline');
    expect(svg).toContain('no costs: policy default did not price this workload</text>');
    expect(svg).toContain('Monthly cost (USD per month)');
    expect(svg).toContain('none priced</text>');
  });

  test('marks each option at the operating point when there are costs but no curve', () => {
    const svg = chart(lambdaDecision({ costCurve: [] }));
    expect(svg).toContain('class="cost-points"');
    expect(svg.match(/<circle cx="208.8" cy="[\d.]+" r="5"/g)).toHaveLength(3);
    expect(svg).toContain('no cost curve: points show each option at this workload&apos;s utilization</text>');
  });

  test('is deterministic and independent of the curve point order', () => {
    const d = lambdaDecision();
    const shuffled = lambdaDecision({ costCurve: [...d.costCurve!].reverse() });
    expect(chart(d)).toBe(chart(lambdaDecision()));
    expect(chart(shuffled)).toBe(chart(d));
  });

  test('escapes names in the title', () => {
    const svg = renderCostChart({ workloadName: 'a<b', constructPath: 'S/"x"', decision: lambdaDecision() });
    expect(svg).toContain('<title>a&lt;b: monthly cost vs sustained utilization (S/&quot;x&quot;)</title>');
  });
});

describe('chart helpers', () => {
  test('orders known options first, then the rest alphabetically', () => {
    expect(orderOptions(['zeta', 'kubernetes', 'alpha', 'lambda-on-demand', 'kubernetes'])).toEqual(['lambda-on-demand', 'kubernetes', 'alpha', 'zeta']);
  });

  test('groups the curve by option and sorts points by utilization', () => {
    const series = chartSeries(lambdaDecision());
    expect(series.map(s => s.option)).toEqual(['lambda-on-demand', 'lambda-provisioned', 'kubernetes']);
    const xs = series[0].points.map(p => p[0]);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(series.filter(s => s.chosen).map(s => s.option)).toEqual(['lambda-on-demand']);
  });

  test('draws a curve given out of order the same as in order', () => {
    const inOrder = lambdaDecision();
    const shuffled = lambdaDecision({ costCurve: [...inOrder.costCurve!].reverse() });
    expect(chartSeries(shuffled)).toEqual(chartSeries(inOrder));
    expect(renderCostChart({ workloadName: 'w', constructPath: 'P/W', decision: shuffled }))
      .toBe(renderCostChart({ workloadName: 'w', constructPath: 'P/W', decision: inOrder }));
  });

  test.each([
    [0, 10],
    [0.25, 15],
    [0.5, 20],
    [-1, 10],
    [2, 30],
  ])('interpolates at %p', (u, expected) => {
    expect(interpolate([[0, 10], [0.5, 20], [1, 30]], u)).toBeCloseTo(expected);
  });

  test.each([
    [0, '$0'],
    [2.5, '$2.5'],
    [950, '$950'],
    [1500, '$1.5k'],
    [2000, '$2k'],
    [12000, '$12k'],
    [1_500_000, '$1.5M'],
  ])('formats axis money %p as %p', (v, expected) => {
    expect(formatUsdShort(v)).toBe(expected);
  });
});

describe('wrapList', () => {
  test('breaks a long list into lines no wider than asked', () => {
    expect(wrapList('infeasible: ', ['constraint.gpu', 'constraint.memory', 'constraint.cold-start'], 34)).toEqual([
      'infeasible: constraint.gpu,',
      '  constraint.memory,',
      '  constraint.cold-start',
    ]);
  });

  test('keeps a short list on one line', () => {
    expect(wrapList('infeasible: ', ['constraint.gpu'], 34)).toEqual(['infeasible: constraint.gpu']);
  });
});
