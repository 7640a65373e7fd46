import { formatNumber, formatUnitPrice, normalizeNumbers } from '../../lib/report/format';

describe('one number format', () => {
  test.each([
    ['336384000 GB-s', '336,384,000 GB-s'],
    ['100M x $2e-7/request', '100M x $0.0000002/request'],
    ['2097152 MiB next to 10,240', '2,097,152 MiB next to 10,240'],
    ['a g5.12xlarge for 2026 hours', 'a g5.12xlarge for 2026 hours'],
    ['$0.1008/h', '$0.1008/h'],
  ])('normalizes %p', (input, expected) => {
    expect(normalizeNumbers(input)).toBe(expected);
  });

  test.each([[1234.5, '1,234.5'], [-1234567, '-1,234,567'], [0.125, '0.13'], [12, '12']])('formatNumber(%p)', (n, s) => {
    expect(formatNumber(n)).toBe(s);
  });

  test.each([[2e-7, '$0.0000002'], [0.0000166667, '$0.0000166667'], [1.006, '$1.01'], [0.1008, '$0.1008']])('formatUnitPrice(%p)', (n, s) => {
    expect(formatUnitPrice(n)).toBe(s);
  });
});
