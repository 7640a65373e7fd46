/**
 * A small, deterministic SVG writer for the placement charts.
 *
 * Why by hand: the chart is a handful of polylines, markers, axes and a legend. The
 * charting libraries that run in Node without a DOM either are ESM-only (vega, d3-scale,
 * d3-shape: jsii's CommonJS runtime cannot `require` them on Node 20), need a DOM shim
 * (Observable Plot, Chart.js), or weigh ~67 MB unpacked (ECharts + zrender), which a jsii
 * library would have to bundle into every language's package. Output here is byte-stable:
 * attributes in the order given, numbers with at most two decimals, text XML-escaped.
 */

/** Attributes of one element, written in insertion order. @internal */
export type SvgAttributes = Record<string, string | number | undefined>;

/** Formats a coordinate: at most two decimals, no trailing zeros, never `-0`. @internal */
export function svgNumber(n: number): string {
  if (!Number.isFinite(n)) {
    throw new Error(`svgNumber: not a finite number: ${n}`);
  }
  const rounded = Math.round(n * 100) / 100;
  if (rounded === 0) {
    return '0';
  }
  // below 1e13 a double computed as k / 100 prints as that decimal (at most two places, no
  // trailing zeros): the shortest text that reads back as the same double; above, two decimals
  // of toFixed are more digits than the shortest text keeps
  return Math.abs(rounded) < 1e13 ? String(rounded) : rounded.toFixed(2).replace(/\.?0+$/, '');
}

const XML_SPECIAL = /[&<>"']/;

/** Escapes text and attribute values for XML. @internal */
export function escapeXml(s: string): string {
  if (!XML_SPECIAL.test(s)) {
    return s;
  }
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** No attributes. */
const NONE: SvgAttributes = Object.freeze({});
/** The attributes each element writes first, from its positional arguments. */
const LINE_KEYS = ['x1', 'y1', 'x2', 'y2'];
const POLYLINE_KEYS = ['points', 'fill'];
const RECT_KEYS = ['x', 'y', 'width', 'height'];
const CIRCLE_KEYS = ['cx', 'cy', 'r'];
const TEXT_KEYS = ['x', 'y'];
/** Indentation by depth. */
const INDENT: string[] = [];

/**
 * Whether `a` sets one of the attributes an element writes first: then it is written in that
 * attribute's place (as an object spread orders keys), not a second time.
 */
function overrides(a: SvgAttributes, keys: readonly string[]): boolean {
  for (const k of keys) {
    if (k in a) {
      return true;
    }
  }
  return false;
}

function attrs(a: SvgAttributes): string {
  let out = '';
  for (const k in a) {
    const v = a[k];
    if (v !== undefined) {
      out += ` ${k}="${typeof v === 'number' ? svgNumber(v) : escapeXml(v)}"`;
    }
  }
  return out;
}

/**
 * An SVG document built element by element.
 * @internal
 */
export class SvgDocument {
  private readonly body: string[] = [];
  private depth = 1;

  constructor(public readonly width: number, public readonly height: number, private readonly title: string) {}

  /** A straight line. */
  public line(x1: number, y1: number, x2: number, y2: number, a: SvgAttributes = NONE): this {
    if (overrides(a, LINE_KEYS)) {
      return this.emit(`<line${attrs({ x1, y1, x2, y2, ...a })}/>`);
    }
    return this.emit(`<line x1="${svgNumber(x1)}" y1="${svgNumber(y1)}" x2="${svgNumber(x2)}" y2="${svgNumber(y2)}"${attrs(a)}/>`);
  }

  /** An open polyline through the points. */
  public polyline(points: ReadonlyArray<readonly [number, number]>, a: SvgAttributes = NONE): this {
    let p = '';
    for (let i = 0; i < points.length; i++) {
      p += `${i === 0 ? '' : ' '}${svgNumber(points[i][0])},${svgNumber(points[i][1])}`;
    }
    if (overrides(a, POLYLINE_KEYS)) {
      return this.emit(`<polyline${attrs({ points: p, fill: 'none', ...a })}/>`);
    }
    return this.emit(`<polyline points="${escapeXml(p)}" fill="none"${attrs(a)}/>`);
  }

  /** A rectangle. */
  public rect(x: number, y: number, width: number, height: number, a: SvgAttributes = NONE): this {
    if (overrides(a, RECT_KEYS)) {
      return this.emit(`<rect${attrs({ x, y, width, height, ...a })}/>`);
    }
    return this.emit(`<rect x="${svgNumber(x)}" y="${svgNumber(y)}" width="${svgNumber(width)}" height="${svgNumber(height)}"${attrs(a)}/>`);
  }

  /** A circle. */
  public circle(cx: number, cy: number, r: number, a: SvgAttributes = NONE): this {
    if (overrides(a, CIRCLE_KEYS)) {
      return this.emit(`<circle${attrs({ cx, cy, r, ...a })}/>`);
    }
    return this.emit(`<circle cx="${svgNumber(cx)}" cy="${svgNumber(cy)}" r="${svgNumber(r)}"${attrs(a)}/>`);
  }

  /** A path from raw path data. */
  public path(d: string, a: SvgAttributes = {}): this {
    return this.emit(`<path${attrs({ d, ...a })}/>`);
  }

  /** A clip path of one rectangle, referenced as `clip-path="url(#id)"`. */
  public clipRect(id: string, x: number, y: number, width: number, height: number): this {
    this.emit(`<clipPath${attrs({ id })}>`);
    this.depth++;
    this.rect(x, y, width, height);
    this.depth--;
    return this.emit('</clipPath>');
  }

  /** A text run (escaped). */
  public text(x: number, y: number, content: string, a: SvgAttributes = NONE): this {
    if (overrides(a, TEXT_KEYS)) {
      return this.emit(`<text${attrs({ x, y, ...a })}>${escapeXml(content)}</text>`);
    }
    return this.emit(`<text x="${svgNumber(x)}" y="${svgNumber(y)}"${attrs(a)}>${escapeXml(content)}</text>`);
  }

  /**
   * Lines written before by another document at the same depth (see `lines()`), added as they are.
   */
  public raw(lines: readonly string[]): this {
    for (const line of lines) {
      this.body.push(line);
    }
    return this;
  }

  /** The lines written so far, indented for their depth (for `raw()`). */
  public lines(): readonly string[] {
    return [...this.body];
  }

  /** Opens a group; close it with `end()`. */
  public group(a: SvgAttributes = {}): this {
    this.emit(`<g${attrs(a)}>`);
    this.depth++;
    return this;
  }

  /** Closes the innermost group. */
  public end(): this {
    if (this.depth <= 1) {
      throw new Error('SvgDocument.end(): no open group');
    }
    this.depth--;
    return this.emit('</g>');
  }

  /** The document, with an XML declaration and a `<title>` for accessibility. */
  public toString(): string {
    return ['<?xml version="1.0" encoding="UTF-8"?>', ...this.nestedLines(''), ''].join('\n');
  }

  /**
   * The document's lines as an element of another document: no XML declaration, and
   * `attributes` (written as given, e.g. `id="a" y="10"`) before the `<svg>` element's own.
   */
  public nestedLines(attributes: string): string[] {
    if (this.depth !== 1) {
      throw new Error(`SvgDocument: ${this.depth - 1} group(s) left open`);
    }
    const head = `<svg ${attributes ? `${attributes} ` : ''}xmlns="http://www.w3.org/2000/svg"${attrs({
      'width': this.width,
      'height': this.height,
      'viewBox': `0 0 ${svgNumber(this.width)} ${svgNumber(this.height)}`,
      'font-family': 'Helvetica, Arial, sans-serif',
      'role': 'img',
    })}>`;
    const lines = [head, `  <title>${escapeXml(this.title)}</title>`];
    for (const line of this.body) {
      lines.push(line);
    }
    lines.push('</svg>');
    return lines;
  }

  private emit(s: string): this {
    this.body.push((INDENT[this.depth] ??= '  '.repeat(this.depth)) + s);
    return this;
  }
}

/**
 * "Nice" axis ticks from 0 (or `min`) to at least `max`: steps of 1, 2, 2.5 or 5 times a
 * power of ten, about `count` of them. The last tick is at or above `max`.
 * @internal
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    max = min + 1;
  }
  const raw = (max - min) / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * power).find(s => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let i = 0; ticks.length === 0 || ticks[ticks.length - 1] < max; i++) {
    // multiply rather than add, so that float errors do not accumulate
    ticks.push(Number(((Math.round(first / step) + i) * step).toPrecision(12)));
  }
  return ticks;
}
