/** The fields of a warm window this module reads (a `WarmSchedule`, without importing the profile). */
interface WarmSchedule {
  readonly startCron: string;
  readonly endCron: string;
  readonly minCapacity: number;
}

/*
 * How much of the month each provisioned concurrency floor holds, from the warm windows' cron
 * expressions. Used to price a scale-to-zero profile: inside a window the floor is the window's
 * minCapacity, outside every window it is 0 and all traffic runs on demand.
 *
 * The expressions are replayed over one reference year (2025, minute by minute of wall-clock time;
 * a window's time zone shifts it but does not change its length, so shares are zone-independent
 * apart from daylight-saving days). Supported: numbers, names (JAN-DEC, SUN-SAT), '*', '?',
 * ranges, lists and steps; not 'L', 'W' or '#'.
 */

/** A floor and the share of the month it holds. */
export interface FloorShare {
  /** Provisioned concurrency floor. */
  readonly floor: number;
  /** Share of the month, 0-1. */
  readonly share: number;
}

const YEAR = 2025;
const DAYS = 365;
const MINUTES = DAYS * 1440;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Values of one cron field, or undefined when it uses syntax this module does not replay. */
function field(expr: string, min: number, max: number, names: string[] = []): Set<number> | undefined {
  const out = new Set<number>();
  const value = (s: string): number | undefined => {
    const i = names.indexOf(s.toUpperCase());
    if (i >= 0) {
      return i + 1;
    }
    return /^\d+$/.test(s) ? Number(s) : undefined;
  };
  for (const part of expr.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) {
      return undefined;
    }
    const step = m[2] === undefined ? 1 : Number(m[2]);
    let lo: number | undefined;
    let hi: number | undefined;
    if (m[1] === '*' || m[1] === '?') {
      [lo, hi] = [min, max];
    } else if (m[1].includes('-')) {
      const [a, b] = m[1].split('-');
      [lo, hi] = [value(a), value(b)];
    } else {
      lo = value(m[1]);
      hi = m[2] === undefined ? lo : max;
    }
    if (lo === undefined || hi === undefined || lo < min || hi > max || lo > hi || step < 1) {
      return undefined;
    }
    for (let v = lo; v <= hi; v += step) {
      out.add(v);
    }
  }
  return out;
}

/** The minutes of the reference year at which a cron expression fires, or undefined when it cannot be replayed. */
export function cronMinutes(cron: string): number[] | undefined {
  const m = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(cron);
  if (!m) {
    return undefined;
  }
  const minutes = field(m[1], 0, 59);
  const hours = field(m[2], 0, 23);
  const dom = field(m[3], 1, 31);
  const months = field(m[4], 1, 12, MONTHS);
  const dow = field(m[5], 1, 7, WEEKDAYS);
  const years = m[6] === '*' ? undefined : field(m[6], 1970, 2199);
  if (!minutes || !hours || !dom || !months || !dow || (m[6] !== '*' && !years)) {
    return undefined;
  }
  const out: number[] = [];
  if (years && !years.has(YEAR)) {
    return out; // never fires in the reference year: the window holds no share
  }
  for (let d = 0; d < DAYS; d++) {
    const date = new Date(Date.UTC(YEAR, 0, 1 + d));
    if (!dom.has(date.getUTCDate()) || !months.has(date.getUTCMonth() + 1) || !dow.has(date.getUTCDay() + 1)) {
      continue;
    }
    for (const h of [...hours].sort((a, b) => a - b)) {
      for (const mi of [...minutes].sort((a, b) => a - b)) {
        out.push(d * 1440 + h * 60 + mi);
      }
    }
  }
  return out;
}

const memo = new WeakMap<readonly WarmSchedule[], FloorShare[]>();

/**
 * Share of the year each floor holds when the floor outside the windows is `outside`, ascending
 * by floor. Where windows overlap, the highest minCapacity holds. Throws for an expression that
 * cannot be replayed (the profile validates them first).
 */
export function floorShares(windows: readonly WarmSchedule[], outside: number): FloorShare[] {
  const cached = memo.get(windows);
  if (cached !== undefined && outside === 0) {
    return cached;
  }
  const events: Array<{ t: number; i: number; open: boolean }> = [];
  windows.forEach((w, i) => {
    for (const [cron, open] of [[w.startCron, true], [w.endCron, false]] as const) {
      const at = cronMinutes(cron);
      if (at === undefined) {
        throw new Error(`cannot replay ${cron}`);
      }
      at.forEach(t => events.push({ t, i, open }));
    }
  });
  // ends before starts at the same minute, then by window: deterministic
  events.sort((a, b) => a.t - b.t || Number(a.open) - Number(b.open) || a.i - b.i);
  // the state at the start of the year is the state the year ends in (the schedule repeats)
  const active = windows.map(() => false);
  events.forEach(e => { active[e.i] = e.open; });
  const level = () => active.reduce((m, on, i) => (on ? Math.max(m, windows[i].minCapacity) : m), -1);
  const minutesAt = new Map<number, number>();
  const add = (floor: number, minutes: number) => minutesAt.set(floor, (minutesAt.get(floor) ?? 0) + minutes);
  let t = 0;
  for (const e of events) {
    const l = level();
    add(l < 0 ? outside : l, e.t - t);
    t = e.t;
    active[e.i] = e.open;
  }
  const l = level();
  add(l < 0 ? outside : l, MINUTES - t);
  const shares = [...minutesAt.entries()]
    .filter(([, minutes]) => minutes > 0)
    .sort(([a], [b]) => a - b)
    .map(([floor, minutes]) => ({ floor, share: minutes / MINUTES }));
  if (outside === 0) {
    memo.set(windows, shares);
  }
  return shares;
}
