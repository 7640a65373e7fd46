import { createHash } from 'crypto';
import { renderCorpus } from './equivalence-corpus';

/*
 * Every value a decision carries (toJson, explain, summary, or the error) for 2,000 generated
 * profiles, each under two of nine policies (round robin), hashed. The digest changes whenever any decision changes: a
 * change that is meant to alter decisions updates it (and says so); an optimisation must not.
 * To see what changed, write the corpus before and after with bench/decide-corpus.ts and diff.
 */
// changed: the constraint.managed-instances-gpu reason says what the library renders, not which aws-cdk-lib is in use
// (corpora before/after differ in that reason text and the table widths it sets, nothing else)
const DIGEST = '2b2372768249e8a311ab33cdb8ac3d975ccf47ddf0b13ad84af5761446791784';

test('2,000 generated profiles decide exactly as before under nine policies', () => {
  const hash = createHash('sha256');
  let decisions = 0;
  renderCorpus(2_000, 2, block => {
    hash.update(block);
    decisions++;
  }, 2);
  expect(decisions).toBe(4_000);
  expect(hash.digest('hex')).toBe(DIGEST);
});
