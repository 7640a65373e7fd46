/**
 * README.md stays short, and every link in it and in docs/ leads somewhere: a relative link names a
 * file that ships in the npm package (docs/ does not ship, so a reader of the installed package
 * could not follow a relative link there), or a full repository URL names a file of this
 * repository; a `#fragment` names a heading of its page.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as pkg from '../package.json';

const ROOT = path.join(__dirname, '..');
/** README.md's size limit: a newcomer reads install and getting started first, the rest is in docs/. */
const README_MAX_BYTES = 25_000;

/** https://github.com/<owner>/<name> from package.json's repository URL. */
const REPOSITORY = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

function markdownFiles(): string[] {
  const walk = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap(e =>
    (e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.md') ? [`${dir}/${e.name}`] : []));
  return ['README.md', ...walk('docs').sort()];
}

/** Links of a Markdown page outside fenced code blocks and inline code: `[text](target)` and `![alt](target)`. */
function linksOf(file: string, markdown: string): Link[] {
  const links: Link[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    for (const m of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      links.push({ file, line: i + 1, target: m[1] });
    }
  });
  return links;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function anchorsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf-8').replace(/^\s*```[\s\S]*?^\s*```/gm, '');
  return [...text.matchAll(/^#+ (.+)$/gm)].map(m => slug(m[1]));
}

/** What is wrong with a link, or undefined when it leads somewhere. */
function problem(link: Link, shipped: Set<string>): string | undefined {
  const [target, fragment] = link.target.split('#') as [string, string | undefined];
  let file: string;
  if (target === '') {
    file = link.file;
  } else if (/^[a-z]+:/.test(target)) {
    const inRepository = new RegExp(`^${REPOSITORY.replace(/[.]/g, '\\.')}/(?:blob|raw|tree)/main/(.+)$`).exec(target);
    if (!inRepository) {
      return target.startsWith(REPOSITORY) ? 'a repository URL that is not /blob/main/<path>' : undefined; // another site
    }
    file = inRepository[1];
    if (!fs.existsSync(path.join(ROOT, file))) return `${file} does not exist in the repository`;
  } else {
    file = path.posix.normalize(path.posix.join(path.posix.dirname(link.file), target));
    if (!fs.existsSync(path.join(ROOT, file))) return `${file} does not exist`;
    if (!shipped.has(file)) return `${file} does not ship in the npm package: link it by repository URL`;
  }
  if (fragment !== undefined && file.endsWith('.md') && !anchorsOf(file).includes(fragment)) {
    return `${file} has no heading #${fragment}`;
  }
  return undefined;
}

const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf-8', timeout: 120_000 });
const shipped = new Set<string>(pack.status === 0 ? JSON.parse(pack.stdout)[0].files.map((f: { path: string }) => f.path) : []);
const files = markdownFiles();
const links = files.flatMap(f => linksOf(f, fs.readFileSync(path.join(ROOT, f), 'utf-8')));

describe('README.md and docs/', () => {
  test(`README.md is under ${README_MAX_BYTES} bytes`, () => {
    expect(fs.statSync(path.join(ROOT, 'README.md')).size).toBeLessThan(README_MAX_BYTES);
  });

  test('the package file list is read, and the README and its relative links ship', () => {
    expect(pack.status).toBe(0);
    expect([...shipped]).toEqual(expect.arrayContaining(['README.md', 'API.md', 'CHANGELOG.md', 'LICENSE']));
  });

  test('every page of docs/ is linked from the README', () => {
    const linked = new Set(links.filter(l => l.file === 'README.md')
      .map(l => /\/(?:blob|raw)\/main\/(docs\/[^#]+)/.exec(l.target)?.[1]).filter(Boolean));
    expect(files.filter(f => f.startsWith('docs/') && !linked.has(f))).toEqual([]);
  });

  test('every link leads to a shipped file, a file of the repository, or another site; every #fragment to a heading', () => {
    expect(links.length).toBeGreaterThan(20);
    expect(links.map(l => ({ link: `${l.file}:${l.line} ${l.target}`, problem: problem(l, shipped) })).filter(l => l.problem)).toEqual([]);
  });
});

describe('the link checker itself', () => {
  const ships = new Set(['README.md', 'API.md']);
  const at = (target: string, file = 'README.md'): Link => ({ file, line: 1, target });

  test.each([
    ['docs/design.md', /does not ship in the npm package/],
    ['missing.md', /does not exist/],
    [`${REPOSITORY}/blob/main/docs/missing.md`, /does not exist in the repository/],
    [`${REPOSITORY}/blob/main/README.md#no-such-heading`, /has no heading #no-such-heading/],
    ['#no-such-heading', /has no heading/],
  ])('fails %s', (target, message) => {
    expect(problem(at(target), ships)).toMatch(message);
  });

  test.each([
    ['API.md'],
    [`${REPOSITORY}/blob/main/docs/design.md`],
    [`${REPOSITORY}/blob/main/README.md#install`],
    ['#getting-started'],
    ['https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html'],
  ])('passes %s', target => {
    expect(problem(at(target), ships)).toBeUndefined();
  });

  test('finds links outside code only, and slugs headings as GitHub does', () => {
    expect(linksOf('x.md', 'see [a](a.md) and `[b](b.md)`\n```\n[c](c.md)\n```\n![d](d.png)').map(l => l.target)).toEqual(['a.md', 'd.png']);
    expect(slug('What lands in `cdk.out`')).toBe('what-lands-in-cdkout');
    expect(slug('Kubernetes: cluster prerequisites')).toBe('kubernetes-cluster-prerequisites');
  });
});

describe('the README\'s security section', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const section = readme.slice(readme.indexOf('\n## Security\n'), readme.indexOf('\n## ', readme.indexOf('\n## Security\n') + 1));
  // every test file: a claim's test lives in test/security/claims.test.ts or beside the code it is about
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []));
  const claims = walk(path.join(ROOT, 'test')).map(f => fs.readFileSync(f, 'utf-8')).join('\n');

  test('has a table of claims, each with an id', () => {
    expect(section.length).toBeGreaterThan(0);
    expect([...section.matchAll(/^\| (S\d+) \|/gm)].length).toBeGreaterThan(5);
  });

  test('every claim has a test named by its id, and every such test a claim', () => {
    const rows = [...section.matchAll(/^\| (S\d+) \|/gm)].map(m => m[1]);
    // `test('S1: ...'` or `test.each(...)('S1: ...'`
    const named = [...claims.matchAll(/(?:test|it|\))\(\s*'(S\d+):/g)].map(m => m[1]);
    const tests = [...new Set(named)];
    expect(new Set(rows).size).toBe(rows.length);
    expect([...tests].sort()).toEqual([...rows].sort());
  });
});
