import { formatUsd } from '../../lib/policy/decision';
import { groupThousands } from '../../lib/private/numbers';

const REGEX = /\B(?=(\d{3})+(?!\d))/g;

test('groupThousands inserts commas exactly as the regular expression does', () => {
  const inputs = ['', '0', '-0', '12', '123', '-123', '1234', '-1234', '123456', '1234567', '-1234567890', '99999999999999999999',
    '1e+21', '-1.5e+25', 'Infinity', '-Infinity', 'NaN', '12a4567', '-'];
  for (let d = 1; d <= 22; d++) {
    inputs.push('9'.repeat(d), `-${'1'.repeat(d)}`);
  }
  for (const s of inputs) {
    expect(groupThousands(s)).toBe(s.replace(REGEX, ','));
  }
});

test('formatUsd keeps its format', () => {
  const old = (x: number) => {
    const [int, frac] = x.toFixed(2).split('.');
    return `$${int.replace(REGEX, ',')}.${frac}`;
  };
  for (const x of [0, -0, 0.005, 1.005, 999.995, 1234.5, -1234.567, 1e6, 123456789.123, 1e21, 5e25, -1e22, Infinity, NaN]) {
    expect(formatUsd(x)).toBe(old(x));
  }
});
