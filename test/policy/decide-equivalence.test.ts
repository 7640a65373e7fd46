import * as fs from 'fs';
import * as path from 'path';
import { corpusPolicies, corpusProfiles } from './equivalence-corpus';

/*
 * A change detector, not a proof: where 4,000 decisions land (2,000 generated profiles, each under
 * two of nine policies, round robin), one line per decision: `#<profile> <policy>: <target> <option>`,
 * or the rule ids that made it fail. A change that moves decisions lists each one that moved; when
 * the move is intended, rewrite the file and say why in the commit:
 *
 *   UPDATE_DECISIONS=1 npx jest test/policy/decide-equivalence.test.ts
 *
 * The numbers themselves are stated by the tests of the rules, the prices and the cost model
 * (decision-value.test.ts: every option is the sum of its line items, the curve is the priced option).
 */
const GOLDEN = path.join(__dirname, 'decisions.golden.txt');

function placements(): string[] {
  const all = corpusPolicies();
  const lines: string[] = [];
  corpusProfiles(2_000, 2).forEach((p, i) => {
    for (let j = 0; j < 2; j++) {
      const policy = all[(i + j * 4) % all.length];
      let where: string;
      try {
        const d = policy.decide(p);
        where = `${d.target} ${d.chosenOption}`;
      } catch (e) {
        const rules = (e as Error).message.match(/constraint\.[a-z-]+/g) ?? [];
        where = `error (${[...new Set(rules)].join(', ') || (e as Error).message.slice(0, 80)})`;
      }
      lines.push(`#${i} ${policy.name}: ${where}`);
    }
  });
  return lines;
}

test('4,000 generated decisions land where they landed (each moved one is listed)', () => {
  const now = placements();
  expect(now).toHaveLength(4_000);
  if (process.env.UPDATE_DECISIONS) {
    fs.writeFileSync(GOLDEN, now.join('\n') + '\n');
  }
  const before = fs.readFileSync(GOLDEN, 'utf-8').trimEnd().split('\n');
  const moved = now.flatMap((line, i) => (line === before[i] ? [] : [`${before[i]}  ->  ${line.slice(line.indexOf(': ') + 2)}`]));
  expect(moved).toEqual([]);
});
