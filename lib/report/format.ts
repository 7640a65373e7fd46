/**
 * One number format for everything a person reads (synth lines, report, chart, CLI): money as
 * `$1,234.56`, counts with thousands separators, ratios as `12.3%`. The chart rounds through
 * the same functions, so a figure on the chart is the figure in the report.
 */
import { formatPercent, formatUsd, PlacementDecision } from '../policy/decision';
import { describeBreakEvens } from '../policy/explain';
import { groupIntegerPart } from '../private/numbers';

export { formatPercent, formatUsd };

/** A count or a measure: thousands separators, at most `decimals` decimals, no trailing zeros. @internal */
export function formatNumber(n: number, decimals = 2): string {
  if (!Number.isFinite(n)) {
    return String(n);
  }
  const raw = n.toFixed(decimals);
  const dot = raw.indexOf('.');
  if (dot < 0) {
    return groupIntegerPart(raw);
  }
  // no trailing zeros, and no point when every decimal is zero
  let end = raw.length;
  while (raw.charCodeAt(end - 1) === 48) { // '0'
    end--;
  }
  return groupIntegerPart(raw.slice(0, end - 1 === dot ? dot : end));
}

/**
 * A unit price: `$0.0000002`, `$0.0000166667`, `$1.21`. Never scientific notation; up to six
 * significant digits below a cent.
 * @internal
 */
export function formatUnitPrice(usd: number): string {
  if (usd === 0 || Math.abs(usd) >= 0.01) {
    return `$${formatNumber(usd, Math.abs(usd) >= 1 ? 2 : 4)}`;
  }
  const digits = Math.min(14, Math.max(2, 5 - Math.floor(Math.log10(Math.abs(usd)))));
  return `$${usd.toFixed(digits).replace(/0+$/, '')}`;
}

/** Text that may hold a number to rewrite: an exponent, or five digits in a row. */
const MAY_NEED_NORMALIZING = /\de|\d{5}/i;

/**
 * Rewrites the numbers inside a sentence written by the cost model or a rule into the one
 * format: `336384000 GB-s` becomes `336,384,000 GB-s`, `$2e-7/request` becomes
 * `$0.0000002/request`. Years (four digits) and identifiers (`m5.xlarge`, `g5.2xlarge`) are
 * left alone.
 * @internal
 */
export function normalizeNumbers(text: string): string {
  if (!MAY_NEED_NORMALIZING.test(text)) {
    return text; // no exponent and no run of five digits: nothing to rewrite
  }
  return text
    .replace(/(\$?)(\d+(?:\.\d+)?e-?\d+)/gi, (_m, dollar: string, num: string) =>
      (dollar ? formatUnitPrice(Number(num)) : formatNumber(Number(num), 12)))
    .replace(/(^|[^\w.,$-])(\d{5,})(\.\d+)?(?![\w-]*\.\w)(?=[^\d,]|$)/g, (_m, pre: string, int: string, frac: string | undefined) =>
      `${pre}${formatNumber(Number(int), 0)}${frac ?? ''}`);
}

export { decidingRule } from '../policy/deciding-rule';

/** The chosen option's break-evens as a person reads them (one wording everywhere). @internal */
export function describeBreakEven(d: PlacementDecision): string {
  return describeBreakEvens(d);
}

