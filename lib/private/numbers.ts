/*
 * Thousands separators, written one way for every figure a person reads (errors, rule sentences,
 * the report), locale-independent and without a regular expression on the usual path.
 */

const THOUSANDS = /\B(?=(\d{3})+(?!\d))/g;

/**
 * Inserts a comma between groups of three digits, as `s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')` does,
 * without a regular expression for the usual case: digits with an optional leading '-'.
 */
export function groupThousands(s: string): string {
  const start = s.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const len = s.length;
  if (len - start <= 3) {
    return s;
  }
  for (let i = start; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) {
      return s.replace(THOUSANDS, ','); // an exponent, Infinity, NaN: as the expression does
    }
  }
  const head = start + ((len - start) % 3 || 3);
  let out = s.slice(0, head);
  for (let i = head; i < len; i += 3) {
    out += ',' + s.slice(i, i + 3);
  }
  return out;
}

/**
 * A number as `String()` or `toFixed()` writes it, with its integer part grouped and its decimals as
 * written (`3,000,000`, `127.9999`); NaN, ±Infinity and exponent forms stay as they are.
 */
export function groupIntegerPart(written: string): string {
  const dot = written.indexOf('.');
  return dot < 0 ? groupThousands(written) : groupThousands(written.slice(0, dot)) + written.slice(dot);
}
