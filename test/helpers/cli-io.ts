import * as fs from 'fs';
import * as path from 'path';
import { CliIo } from '../../lib/cli/explain';

const ROOT = path.join(__dirname, '..', '..');

/**
 * A CLI that reads a profile from memory and the repository's cdk.json from disk, run from the
 * repository root: what `npx inference-workload explain profile.json` sees in a checkout.
 */
export function repositoryCliIo(profile: Record<string, unknown>): { io: CliIo; stdout: () => string } {
  let out = '';
  const files: Record<string, string> = {
    [path.join(ROOT, 'cdk.json')]: fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf-8'),
    'profile.json': JSON.stringify(profile),
  };
  const io: CliIo = {
    readFile: f => {
      if (!(f in files)) {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      }
      return files[f];
    },
    writeFile: () => undefined,
    stdout: t => { out += t; },
    stderr: () => undefined,
    cwd: ROOT,
  };
  return { io, stdout: () => out };
}
