import { escapeXml, niceTicks, SvgDocument, svgNumber } from '../../lib/report/svg';

describe('svgNumber', () => {
  test.each([
    [0, '0'],
    [-0, '0'],
    [1.005, '1'],
    [12.345, '12.35'],
    [-0.001, '0'],
    [100, '100'],
    [2.5, '2.5'],
    [0.1 + 0.2, '0.3'],
    [2 ** 60, '1152921504606846976'],
    [232182597411275.22, '232182597411275.19'],
  ])('formats %p as %p', (n, expected) => {
    expect(svgNumber(n)).toBe(expected);
  });

  test('writes what two decimals of toFixed write, without trailing zeros, for any finite number', () => {
    const reference = (n: number) => {
      const r = Math.round(n * 100) / 100;
      return (Object.is(r, -0) ? 0 : r).toFixed(2).replace(/\.?0+$/, '');
    };
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 20_000; i++) {
      const n = (random() - 0.5) * 10 ** Math.floor(random() * 24 - 6);
      expect(svgNumber(n)).toBe(reference(n));
    }
  });

  test('throws on NaN', () => {
    expect(() => svgNumber(NaN)).toThrow('svgNumber: not a finite number: NaN');
  });
});

describe('escapeXml', () => {
  test('escapes the five XML specials', () => {
    expect(escapeXml('a<b & "c" > \'d\'')).toBe('a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;');
  });
});

describe('niceTicks', () => {
  test.each([
    [0, 1000, 5, [0, 200, 400, 600, 800, 1000]],
    [0, 2350, 6, [0, 500, 1000, 1500, 2000, 2500]],
    [0, 9.1, 5, [0, 2, 4, 6, 8, 10]],
    [0, 0, 5, [0, 0.2, 0.4, 0.6, 0.8, 1]],
  ])('ticks from %p to %p (%p ticks)', (min, max, count, expected) => {
    const ticks = niceTicks(min, max, count);
    expect(ticks).toEqual(expected);
  });

  test('last tick covers the maximum for many ranges', () => {
    for (const max of [1, 7, 13, 99, 101, 1234, 98765, 1e6 + 1]) {
      const ticks = niceTicks(0, max, 6);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(12);
    }
  });
});

describe('SvgDocument', () => {
  test('writes elements in order with escaped text and rounded numbers', () => {
    const svg = new SvgDocument(100, 50, 'a & b');
    svg.group({ class: 'g' }).line(0, 0.004, 10.126, 5).end();
    svg.text(1, 2, '<x>', { 'text-anchor': 'end', 'font-weight': undefined });
    svg.polyline([[0, 0], [1.5, 2.25]]);
    const out = svg.toString();
    expect(out).toContain('<title>a &amp; b</title>');
    expect(out).toContain('<line x1="0" y1="0" x2="10.13" y2="5"/>');
    expect(out).toContain('<text x="1" y="2" text-anchor="end">&lt;x&gt;</text>');
    expect(out).toContain('<polyline points="0,0 1.5,2.25" fill="none"/>');
    expect(out).not.toContain('font-weight');
    expect(out.indexOf('<g class="g">')).toBeLessThan(out.indexOf('</g>'));
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50"')).toBe(true);
  });

  test('an attribute that repeats a positional one takes its place, written once', () => {
    const svg = new SvgDocument(10, 10, 't');
    svg.line(1, 2, 3, 4, { y1: 9, stroke: 'red' });
    svg.rect(1, 2, 3, 4, { x: undefined });
    svg.circle(1, 2, 3, { r: '50%' });
    svg.text(1, 2, 'a', { x: 7 });
    svg.polyline([[0, 0]], { fill: 'blue' });
    const out = svg.toString();
    expect(out).toContain('<line x1="1" y1="9" x2="3" y2="4" stroke="red"/>');
    expect(out).toContain('<rect y="2" width="3" height="4"/>');
    expect(out).toContain('<circle cx="1" cy="2" r="50%"/>');
    expect(out).toContain('<text x="7" y="2">a</text>');
    expect(out).toContain('<polyline points="0,0" fill="blue"/>');
  });

  test('nests as an element of another document: no declaration, given attributes first', () => {
    const svg = new SvgDocument(10, 20, 't');
    svg.line(0, 0, 1, 1);
    const lines = svg.nestedLines('id="a" y="5"');
    expect(lines[0]).toBe('<svg id="a" y="5" xmlns="http://www.w3.org/2000/svg" width="10" height="20" viewBox="0 0 10 20" font-family="Helvetica, Arial, sans-serif" role="img">');
    expect(svg.toString()).toBe(['<?xml version="1.0" encoding="UTF-8"?>', ...svg.nestedLines(''), ''].join('\n'));
    expect(lines.slice(1).join('\n')).toBe(svg.toString().split('\n').slice(2).join('\n').trimEnd());
  });

  test('throws when a group is left open', () => {
    const svg = new SvgDocument(10, 10, 't').group();
    expect(() => svg.toString()).toThrow('SvgDocument: 1 group(s) left open');
  });

  test('throws when closing a group that is not open', () => {
    expect(() => new SvgDocument(10, 10, 't').end()).toThrow('SvgDocument.end(): no open group');
  });
});
