import { createHash } from 'crypto';
import { renderCorpus } from './equivalence-corpus';

/*
 * Every value a decision carries (toJson, explain, summary, or the error) for 2,000 generated
 * profiles under nine policies, hashed. The digest changes whenever any decision changes: a
 * change that is meant to alter decisions updates it (and says so); an optimisation must not.
 * To see what changed, write the corpus before and after with bench/decide-corpus.ts and diff.
 */
const DIGEST = '76794de81d8a5f1068c17988d3f2e7f26afbefb5eec2a14b3c5a4b2d316ab655';

test('2,000 generated profiles decide exactly as before under every policy', () => {
  const hash = createHash('sha256');
  let decisions = 0;
  renderCorpus(2_000, 2, block => {
    hash.update(block);
    decisions++;
  });
  expect(decisions).toBe(18_000);
  expect(hash.digest('hex')).toBe(DIGEST);
});
