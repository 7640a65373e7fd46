/**
 * Writes the decision corpus (test/policy/equivalence-corpus.ts) to a file, to compare two versions
 * of the policy byte for byte:
 *
 *   npx ts-node --transpile-only bench/decide-corpus.ts out.txt [profiles] [seed]
 */
import { createHash } from 'crypto';
import { closeSync, openSync, writeSync } from 'fs';
import { renderCorpus } from '../test/policy/equivalence-corpus';

const out = process.argv[2] ?? 'decide-corpus.txt';
const n = process.argv[3] ? Number(process.argv[3]) : 5_000;
const seed = process.argv[4] ? Number(process.argv[4]) : 1;
const fd = openSync(out, 'w');
const hash = createHash('sha256');
let count = 0;
let chars = 0;
renderCorpus(n, seed, b => {
  writeSync(fd, b);
  hash.update(b);
  count++;
  chars += b.length;
});
closeSync(fd);
console.log(`${count} decisions, ${chars} chars, sha256 ${hash.digest('hex')}`);
