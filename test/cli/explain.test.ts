import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../lib/cli';
import { CliIo, EXIT, parseArgs, parseProfile } from '../../lib/cli/explain';
import { PROFILE_FIELDS, profileProblems, WorkloadProfile } from '../../lib/policy/profile';
import { version } from '../../package.json';
import { GPU, SPIKY_CPU as CPU_PROFILE } from '../policy/helpers';

/** The GPU model of a team that runs Kubernetes (without one, band.wait places it as hybrid at 25%). */
const GPU_PROFILE: WorkloadProfile = { ...GPU, teamRunsKubernetes: true };

/** An in-memory CLI: files in a map, output captured. */
function fakeIo(files: Record<string, string> = {}, cwd?: string) {
  const out = { stdout: '', stderr: '', written: {} as Record<string, string> };
  const io: CliIo = {
    readFile: f => {
      if (!(f in files)) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${f}'`), { code: 'ENOENT' });
      }
      return files[f];
    },
    writeFile: (f, c) => { out.written[f] = c; },
    stdout: t => { out.stdout += t; },
    stderr: t => { out.stderr += t; },
    cwd,
  };
  return { io, out };
}

describe('runCli (pure)', () => {
  test('explains a GPU profile as a table', () => {
    const { io, out } = fakeIo({ 'chat.json': JSON.stringify(GPU_PROFILE) });
    expect(runCli(['explain', 'chat.json'], io)).toBe(EXIT.ok);
    expect(out.stdout).toContain('Profile: chat.json');
    expect(out.stdout).toContain('Target: kubernetes');
    expect(out.stdout).toMatch(/constraint\.gpu\s+constraint\s+fired/);
    expect(out.stdout).toContain('Sizing (kubernetes):');
    expect(out.stdout).toContain('  gpuCount: 1');
    expect(out.stderr).toBe('');
  });

  test('prints JSON that parses and carries the decision', () => {
    const { io, out } = fakeIo({ 'c.json': JSON.stringify(CPU_PROFILE) });
    expect(runCli(['explain', 'c.json', '--format', 'json'], io)).toBe(EXIT.ok);
    const parsed = JSON.parse(out.stdout);
    expect(parsed.profileFile).toBe('c.json');
    expect(parsed.decision.target).toBe('lambda');
    expect(Array.isArray(parsed.decision.rules)).toBe(true);
    expect(parsed.decision.lambda.memoryMiB).toBe(2048);
  });

  test('prints Markdown with --format=md', () => {
    const { io, out } = fakeIo({ 'dir/chat.json': JSON.stringify({ profile: GPU_PROFILE }) });
    expect(runCli(['explain', '--format=md', 'dir/chat.json'], io)).toBe(EXIT.ok);
    expect(out.stdout).toContain('# chat\n');
    expect(out.stdout).toContain('| rule fired | reason |');
    expect(out.stdout).toMatch(/\| `constraint.gpu` \| needs 1 GPU/);
  });

  test('honours --policy fixed:<target> and writes --chart', () => {
    const { io, out } = fakeIo({ 'g.json': JSON.stringify(GPU_PROFILE) });
    expect(runCli(['explain', 'g.json', '--policy', 'fixed:kubernetes', '--chart', 'g.svg'], io)).toBe(EXIT.ok);
    expect(out.stdout).toContain('(policy: fixed(kubernetes), verdict: jump)');
    expect(out.written['g.svg']).toContain('<svg');
    expect(out.stderr).toContain('wrote chart g.svg');
  });

  test('refuses unknown fields, as the construct does, and suggests the right name', () => {
    const { io, out } = fakeIo({ 'c.json': JSON.stringify({ ...CPU_PROFILE, gpuCnt: 0, zzz: 1 }) });
    expect(runCli(['explain', 'c.json'], io)).toBe(EXIT.invalidInput);
    expect(out.stderr).toContain("invalid profile in c.json: 'profile.gpuCnt' is not a WorkloadProfile field (did you mean 'gpuCount'?), got 0; "
      + "also: 'profile.zzz' is not a WorkloadProfile field, got 1");
    expect(out.stdout).toBe('');
  });

  test('reports an unknown field with the missing ones', () => {
    const { io, out } = fakeIo({ 'c.json': JSON.stringify({ memoryMiB: 512, requestDurationP50Ms: 10, averageRequestPerSecond: 1 }) });
    expect(runCli(['explain', 'c.json'], io)).toBe(EXIT.invalidInput);
    expect(out.stderr).toContain("'profile.averageRequestsPerSecond' is required, got no value; "
      + "also: 'profile.averageRequestPerSecond' is not a WorkloadProfile field (did you mean 'averageRequestsPerSecond'?), got 1");
  });

  test('accepts every field the policy reads as a known field', () => {
    // the check reads the profile's own field table, so a field the policy uses cannot be refused as unknown
    const everyField = Object.fromEntries(Object.keys(PROFILE_FIELDS).map(k => [k, 1]));
    expect(profileProblems(everyField as unknown as WorkloadProfile).filter(m => m.includes('is not a WorkloadProfile field'))).toEqual([]);
  });

  test('fails with exit 1 on a missing file', () => {
    const { io, out } = fakeIo();
    expect(runCli(['explain', 'nope.json'], io)).toBe(EXIT.invalidInput);
    expect(out.stderr).toBe('inference-workload: cannot read profile file nope.json: no such file\n');
    expect(out.stdout).toBe('');
  });

  test('fails with exit 1 on malformed JSON, naming line and column', () => {
    const { io, out } = fakeIo({ 'bad.json': '{\n  "memoryMiB": 2048,\n}' });
    expect(runCli(['explain', 'bad.json'], io)).toBe(EXIT.invalidInput);
    expect(out.stderr).toMatch(/^inference-workload: bad\.json is not valid JSON: .+ at line 3, column 1\n$/);
  });

  test.each([
    [{ ...CPU_PROFILE, memoryMiB: 99_999_999 }, "'profile.memoryMiB' must be between 128 and 2,097,152, got 99,999,999"],
    [{ ...CPU_PROFILE, memoryMiB: '2048' }, "'profile.memoryMiB' must be a number, got \"2048\""],
    [{ memoryMiB: 2048, averageRequestsPerSecond: 1 }, "'profile.requestDurationP50Ms' is required, got no value"],
    [{ memoryMiB: 2048 }, "'profile.requestDurationP50Ms', 'profile.averageRequestsPerSecond' are required, got no value"],
    [{ memoryMiB: 12, averageRequestsPerSecond: 1, peakRequestsPerSecond: 0.5 },
      "'profile.requestDurationP50Ms' is required, got no value; also: 'profile.memoryMiB' must be between 128 and 2,097,152, got 12; "
      + "'profile.peakRequestsPerSecond' (0.5) must be at least 'profile.averageRequestsPerSecond' (1)"],
    [{ ...CPU_PROFILE, memoryMiB: 12, requestDurationP99Ms: 1 },
      "'profile.memoryMiB' must be between 128 and 2,097,152, got 12; also: 'profile.requestDurationP99Ms' (1) must be at least 'profile.requestDurationP50Ms' (120)"],
    [{ ...CPU_PROFILE, averageRequestsPerSecond: 50 }, "'profile.peakRequestsPerSecond' (40) must be at least 'profile.averageRequestsPerSecond' (50)"],
  ])('fails with exit 1 on an invalid profile %#', (profile, message) => {
    const { io, out } = fakeIo({ 'p.json': JSON.stringify(profile) });
    expect(runCli(['explain', 'p.json'], io)).toBe(EXIT.invalidInput);
    expect(out.stderr).toBe(`inference-workload: invalid profile in p.json: ${message}\n`);
  });

  test('fails with exit 1 when the file holds an array', () => {
    const { io, out } = fakeIo({ 'a.json': '[1, 2]' });
    expect(runCli(['explain', 'a.json'], io)).toBe(EXIT.invalidInput);
    expect(out.stderr).toBe("inference-workload: invalid profile in a.json: 'profile' must be a JSON object, got an array\n");
  });

  test('fails with exit 3, not "invalid profile", when the policy cannot place a valid profile', () => {
    const { io, out } = fakeIo({ 'g.json': JSON.stringify(GPU_PROFILE) });
    expect(runCli(['explain', 'g.json', '--policy', 'fixed:lambda'], io)).toBe(EXIT.noPlacement);
    expect(out.stderr).toMatch(/^inference-workload: cannot place g\.json with policy fixed\(lambda\): 'policy' PlacementPolicy\.fixed\(lambda\) violates hard constraint constraint\.gpu/);
    expect(out.stderr).not.toContain('invalid profile');
  });

  test.each(['default', 'cost-optimized', 'fixed:lambda', 'fixed:kubernetes', 'fixed:hybrid'])('accepts --policy %s', policy => {
    const { io, out } = fakeIo({ 'c.json': JSON.stringify(CPU_PROFILE) });
    expect(runCli(['explain', 'c.json', '--policy', policy, '--json'], io)).toBe(EXIT.ok);
    expect(JSON.parse(out.stdout).decision.policy ?? JSON.parse(out.stdout).decision.policyName).toBeDefined();
  });

  test('reads the policy and price table from cdk.json\'s context, as synth does', () => {
    const cdkJson = JSON.stringify({ context: { 'inference-workload:policy': 'fixed:kubernetes' } });
    const { io, out } = fakeIo({ '/proj/cdk.json': cdkJson, 'c.json': JSON.stringify(CPU_PROFILE) }, '/proj');
    expect(runCli(['explain', 'c.json'], io)).toBe(EXIT.ok);
    expect(out.stdout).toContain('Policy from: context of /proj/cdk.json');
    expect(out.stdout).toContain('Target: kubernetes');
    const flag = fakeIo({ '/proj/cdk.json': cdkJson, 'c.json': JSON.stringify(CPU_PROFILE) }, '/proj');
    expect(runCli(['explain', 'c.json', '--no-cdk-json'], flag.io)).toBe(EXIT.ok);
    expect(flag.out.stdout).toContain('Target: lambda');
  });

  test('fails with exit 1 on an invalid policy in cdk.json, naming the file and the key', () => {
    const { io, out } = fakeIo({ '/proj/cdk.json': JSON.stringify({ context: { 'inference-workload:policy': 'cheapest' } }), 'c.json': JSON.stringify(CPU_PROFILE) }, '/proj');
    expect(runCli(['explain', 'c.json'], io)).toBe(EXIT.invalidInput);
    expect(out.stderr).toBe("inference-workload: invalid context in /proj/cdk.json: 'inference-workload:policy.kind' must be one of default, cost-optimized, fixed, got \"cheapest\"\n");
  });

  test('--json prints the deciding rule and the assumed defaults', () => {
    const { io, out } = fakeIo({ 'c.json': JSON.stringify(CPU_PROFILE) });
    expect(runCli(['explain', 'c.json', '--json'], io)).toBe(EXIT.ok);
    const parsed = JSON.parse(out.stdout);
    expect(typeof parsed.decidingRule).toBe('string');
    expect(parsed.assumedDefaults).toHaveProperty('requestPayloadKiB', 64);
  });

  test('prints the version with --version', () => {
    const { io, out } = fakeIo();
    expect(runCli(['--version'], io)).toBe(EXIT.ok);
    expect(out.stdout).toBe(`inference-workload ${version}\n`);
  });

  test('prints help with exit 0', () => {
    const { io, out } = fakeIo();
    expect(runCli(['--help'], io)).toBe(EXIT.ok);
    expect(out.stdout).toContain('Usage: inference-workload <command>');
    const explain = fakeIo();
    expect(runCli(['explain', '--help'], explain.io)).toBe(EXIT.ok);
    expect(explain.out.stdout).toContain('Usage: inference-workload explain <profile.json>');
  });
});

describe('parseArgs', () => {
  test.each([
    [[], 'missing command'],
    [['explain'], 'missing <profile.json>'],
    [['explain', 'x.json', '--format', 'yaml'], "'--format' must be one of table, json, md, got \"yaml\""],
    [['explain', 'x.json', '--format'], 'option --format needs a value'],
    [['explain', 'x.json', '--verbose'], 'unknown option --verbose'],
    [['explain', 'x.json', 'y.json'], 'expected one profile file, got a second one: "y.json"'],
  ])('throws a usage error for %p', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
    try {
      parseArgs(argv);
    } catch (e) {
      expect((e as any).exitCode).toBe(EXIT.usage);
    }
  });

  test('throws a usage error for an unknown policy', () => {
    const { io, out } = fakeIo({ 'x.json': '{}' });
    expect(runCli(['explain', 'x.json', '--policy', 'cheapest'], io)).toBe(EXIT.usage);
    expect(out.stderr).toContain("'--policy' must be one of default, cost-optimized, fixed:lambda, fixed:kubernetes, fixed:hybrid, fixed:lambda-managed-instances, got \"cheapest\"");
  });

  test('reads the profile from a {"profile": ...} wrapper', () => {
    expect(parseProfile(JSON.stringify({ profile: CPU_PROFILE }), 'f').profile).toEqual(CPU_PROFILE);
  });
});

describe('bin/inference-workload (spawned)', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'inference-workload');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-cli-'));
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf-8', cwd: dir, timeout: 60_000 });

  test('explains a profile file', () => {
    fs.writeFileSync(path.join(dir, 'chat.json'), JSON.stringify(GPU_PROFILE));
    const r = run('explain', 'chat.json', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).decision.target).toBe('kubernetes');
  });

  test('fails with exit 1 and a message on a missing file', () => {
    const r = run('explain', 'missing.json');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('inference-workload: cannot read profile file missing.json: no such file\n');
  });

  test('fails with exit 1 on an invalid profile, naming the field', () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...CPU_PROFILE, gpuCount: -1 }));
    const r = run('explain', 'bad.json');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("invalid profile in bad.json: 'profile.gpuCount' must be between 0 and 16, got -1");
  });

  test('prints its version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^inference-workload \S+\n$/);
  });

  test('fails with exit 2 on a usage error', () => {
    const r = run('explain');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('missing <profile.json>');
  });
});
