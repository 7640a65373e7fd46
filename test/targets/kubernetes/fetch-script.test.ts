/**
 * Runs the model cache's rendered fetch script for real, with `sh` (dash), bash and, where
 * installed, BusyBox ash with only BusyBox applets on PATH (the shell and tools of the curl and
 * ORAS images, both Alpine-based), against fake
 * `aws` and `curl` binaries on PATH that copy from a local directory: two pods sharing one cache,
 * a fetch that fails half-way, a lock left by a dead pod, a warm cache, and the Hugging Face Hub
 * and https:// directory fetches. Only the poll interval and the stale-lock threshold of the
 * shipped script are shortened (and the test checks that they were there to shorten).
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as https from 'https';
import { tmpdir } from 'os';
import { join } from 'path';
import { container, place, synth } from './fixtures';
import { CacheSidecar } from '../../../lib';

/** BusyBox, when installed: its applets, linked into a directory that is then the whole PATH besides the fakes. */
const BUSYBOX_APPLETS = (() => {
  if (spawnSync('busybox', ['true']).status !== 0) {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'busybox-'));
  spawnSync('busybox', ['--install', '-s', dir]);
  return dir;
})();
afterAll(() => BUSYBOX_APPLETS && rmSync(BUSYBOX_APPLETS, { recursive: true, force: true }));

const SHELLS = ['sh', 'bash', ...BUSYBOX_APPLETS ? ['busybox'] : []];

/** The fetch script of a rendered workload, with a short poll and stale threshold. */
function renderedScript(kubernetes: Parameters<typeof place>[0]): { script: string; env: Record<string, string> } {
  const fetch = container(synth(place(kubernetes)), 'model-cache');
  expect(fetch.command.slice(0, 2)).toEqual(['sh', '-c']);
  const shipped: string = fetch.command[2];
  expect(shipped).toContain('sleep 5\n');
  expect(shipped).toContain('-ge 24 ]');
  const script = shipped.split('sleep 5').join('sleep 0.05').replace('-ge 24 ]', '-ge 3 ]');
  const env: Record<string, string> = {};
  for (const e of fetch.env) {
    env[e.name] = e.value;
  }
  return { script, env };
}

/**
 * A fake `aws s3 sync|cp <src> <dst>`: logs the call, waits for a gate file, copies the fixture files
 * one by one. `aws configure set ...` (the fetch plan's concurrency) is logged apart: it downloads nothing.
 */
const FAKE_AWS = `#!/bin/sh
if [ "$1" = configure ]; then echo "aws $*" >> "$FAKE_CALLS.configure"; exit 0; fi
echo "aws $*" >> "$FAKE_CALLS"
dst="$5"
if [ -n "\${FAKE_GATE:-}" ]; then while [ ! -e "$FAKE_GATE" ]; do sleep 0.02; done; fi
for f in $(ls "$FAKE_SRC"); do
  cp "$FAKE_SRC/$f" "$dst/$f"
  if [ -n "\${FAKE_FAIL_AFTER_FIRST:-}" ]; then echo "network error" >&2; exit 1; fi
done
`;

/** A fake curl: the Hub listing comes from $FAKE_LISTING; a file URL is served from $FAKE_SRC (Hub paths, or the path under $FAKE_BASE). */
const FAKE_CURL = `#!/bin/sh
echo "curl $*" >> "$FAKE_CALLS"
out=""; url=""; dirs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) out="$2"; shift ;;
    --header|--proto|--proto-redir|--max-redirs|--retry) shift ;;
    --create-dirs) dirs=1 ;;
    -*) ;;
    *) url="$1" ;;
  esac
  shift
done
case "$url" in
  https://huggingface.co/api/models/*) cat "$FAKE_LISTING"; exit 0 ;;
  https://huggingface.co/*/resolve/*) path="\${url#https://huggingface.co/*/*/resolve/*/}" ;;
  https://*) path="\${url#"$FAKE_BASE"}" ;;
  *) echo "curl: unsupported URL $url" >&2; exit 1 ;;
esac
[ -f "$FAKE_SRC/$path" ] || { echo "curl: (22) 404 $url" >&2; exit 22; }
[ -z "$dirs" ] || mkdir -p "$(dirname "$out")"
cp "$FAKE_SRC/$path" "$out"
`;

interface Run {
  readonly child: ChildProcess;
  output: string;
  readonly done: Promise<number>;
}

class Sandbox {
  public readonly root = mkdtempSync(join(tmpdir(), 'fetch-script-'));
  public readonly bin = join(this.root, 'bin');
  public readonly src = join(this.root, 'src');
  public readonly calls = join(this.root, 'calls');
  public readonly gate = join(this.root, 'gate');
  public readonly cache = join(this.root, 'models');

  constructor() {
    mkdirSync(this.bin);
    mkdirSync(this.src);
    mkdirSync(this.cache);
    writeFileSync(join(this.bin, 'aws'), FAKE_AWS);
    writeFileSync(join(this.bin, 'curl'), FAKE_CURL);
    chmodSync(join(this.bin, 'aws'), 0o755);
    chmodSync(join(this.bin, 'curl'), 0o755);
  }

  public run(shell: string, script: string, env: Record<string, string>, pod: string, extra: Record<string, string> = {}): Run {
    const busybox = shell === 'busybox';
    const child = spawn(busybox ? join(BUSYBOX_APPLETS!, 'ash') : shell, ['-c', script], {
      env: {
        PATH: `${this.bin}:${busybox ? BUSYBOX_APPLETS : process.env.PATH}`,
        HOSTNAME: pod,
        FAKE_CALLS: this.calls,
        FAKE_SRC: this.src,
        ...env,
        // the rendered MODEL_DIR is under /models: keep its key, move it into the sandbox
        MODEL_DIR: join(this.cache, env.MODEL_DIR.slice(env.MODEL_DIR.lastIndexOf('/') + 1)),
        ...extra,
      },
    });
    const run: Run = {
      child,
      output: '',
      done: new Promise(resolve => child.on('exit', code => resolve(code ?? -1))),
    };
    child.stdout!.on('data', d => { run.output += d; });
    child.stderr!.on('data', d => { run.output += d; });
    return run;
  }

  public calledLines(): string[] {
    return existsSync(this.calls) ? readFileSync(this.calls, 'utf8').trim().split('\n').filter(l => l !== '') : [];
  }

  public dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Waits until `condition` holds: an event the test needs before it acts, not a duration it measures. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

const S3_MODEL = { modelUri: 's3://example-models/llm/2.0.1/' };

describe.each(SHELLS)('the model cache fetch script (%s)', shell => {
  let box: Sandbox;
  beforeEach(() => {
    box = new Sandbox();
    writeFileSync(join(box.src, 'config.json'), '{"model_type": "llama"}');
    writeFileSync(join(box.src, 'model.safetensors'), 'weights');
  });
  afterEach(() => box.dispose());

  test('two pods sharing a cache: one downloads, the other waits; the directory appears only complete', async () => {
    const { script, env } = renderedScript(S3_MODEL);
    const final = join(box.cache, env.MODEL_DIR.slice(env.MODEL_DIR.lastIndexOf('/') + 1));
    const a = box.run(shell, script, env, 'pod-a', { FAKE_GATE: box.gate });
    await until(() => box.calledLines().length === 1);
    const b = box.run(shell, script, env, 'pod-b', { FAKE_GATE: box.gate });
    await until(() => b.output.includes('waiting for the fetch that holds'));
    // pod-a is held inside its download: nothing is visible at the final path yet
    expect(existsSync(final)).toBe(false);
    writeFileSync(box.gate, '');
    expect(await a.done).toBe(0);
    expect(await b.done).toBe(0);
    expect(box.calledLines()).toHaveLength(1);
    // the parallel requests the fetch plan was timed with, set before the download
    expect(readFileSync(`${box.calls}.configure`, 'utf8').trim()).toBe('aws configure set default.s3.max_concurrent_requests 10');
    expect(a.output).toContain('model cache filled');
    expect(b.output).toContain('model cache filled by another pod');
    expect(readdirSync(final).sort()).toEqual(['.complete', 'config.json', 'model.safetensors']);
    // no lock and no partial directory left behind
    expect(readdirSync(box.cache)).toEqual([final.slice(final.lastIndexOf('/') + 1)]);
  });

  test('a fetch that fails half-way leaves no .complete and no directory; the next start fetches again', async () => {
    const { script, env } = renderedScript(S3_MODEL);
    const final = join(box.cache, env.MODEL_DIR.slice(env.MODEL_DIR.lastIndexOf('/') + 1));
    const failed = box.run(shell, script, env, 'pod-a', { FAKE_FAIL_AFTER_FIRST: '1' });
    expect(await failed.done).not.toBe(0);
    expect(existsSync(final)).toBe(false);
    expect(existsSync(`${final}.lock`)).toBe(false);
    const retry = box.run(shell, script, env, 'pod-a');
    expect(await retry.done).toBe(0);
    expect(readdirSync(final).sort()).toEqual(['.complete', 'config.json', 'model.safetensors']);
    expect(readdirSync(box.cache)).toHaveLength(1);
  });

  test('a lock left by a dead pod (its heartbeat stopped) is broken, and the fetch runs', async () => {
    const { script, env } = renderedScript(S3_MODEL);
    const final = join(box.cache, env.MODEL_DIR.slice(env.MODEL_DIR.lastIndexOf('/') + 1));
    mkdirSync(`${final}.lock`);
    writeFileSync(`${final}.lock/heartbeat`, 'pod-dead 7');
    mkdirSync(`${final}.partial.pod-dead`);
    writeFileSync(`${final}.partial.pod-dead/config.json`, 'half');
    const run = box.run(shell, script, env, 'pod-b');
    expect(await run.done).toBe(0);
    expect(run.output).toContain('breaking the stale lock');
    expect(readFileSync(join(final, 'config.json'), 'utf8')).toBe('{"model_type": "llama"}');
    expect(readdirSync(box.cache)).toHaveLength(1);
  });

  test('a warm cache is not fetched again', async () => {
    const { script, env } = renderedScript(S3_MODEL);
    const final = join(box.cache, env.MODEL_DIR.slice(env.MODEL_DIR.lastIndexOf('/') + 1));
    mkdirSync(final);
    writeFileSync(join(final, '.complete'), '');
    const run = box.run(shell, script, env, 'pod-a');
    expect(await run.done).toBe(0);
    expect(run.output).toContain('model cache is warm');
    expect(box.calledLines()).toHaveLength(0);
  });

  test('hf://: lists the commit\'s files through the Hub API and fetches each one into its subdirectory', async () => {
    const commit = 'a'.repeat(40);
    const { script, env } = renderedScript({ modelUri: `hf://meta-llama/Llama-3.1-8B-Instruct@${commit}` });
    mkdirSync(join(box.src, 'original'));
    writeFileSync(join(box.src, 'original', 'params.json'), '{}');
    const listing = join(box.root, 'listing.json');
    writeFileSync(listing, '{"id":"meta-llama/Llama-3.1-8B-Instruct","siblings":[{"rfilename":"config.json"},{"rfilename":"model.safetensors"},'
      + '{"rfilename":"original/params.json"}]}');
    const run = box.run(shell, script, env, 'pod-a', { FAKE_LISTING: listing });
    expect(await run.done).toBe(0);
    const final = join(box.cache, env.MODEL_DIR.slice(env.MODEL_DIR.lastIndexOf('/') + 1));
    expect(readdirSync(final).sort()).toEqual(['.complete', 'config.json', 'model.safetensors', 'original']);
    expect(readFileSync(join(final, 'original', 'params.json'), 'utf8')).toBe('{}');
    const calls = box.calledLines();
    expect(calls[0]).toContain(`https://huggingface.co/api/models/meta-llama/Llama-3.1-8B-Instruct/revision/${commit}`);
    expect(calls.slice(1)).toEqual([
      expect.stringContaining(`https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/resolve/${commit}/config.json`),
      expect.stringContaining(`https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/resolve/${commit}/model.safetensors`),
      expect.stringContaining(`https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/resolve/${commit}/original/params.json`),
    ]);
    // every call is HTTPS-only, on redirects too
    calls.forEach(c => expect(c).toContain('--proto =https --proto-redir =https'));
  });

  test('hf://: a listed name that climbs out of the cache directory fails the fetch, and nothing is completed', async () => {
    const { script, env } = renderedScript({ modelUri: `hf://org/model@${'b'.repeat(40)}` });
    const listing = join(box.root, 'listing.json');
    writeFileSync(listing, '{"siblings":[{"rfilename":"config.json"},{"rfilename":"../../etc/cron.d/x"}]}');
    const run = box.run(shell, script, env, 'pod-a', { FAKE_LISTING: listing });
    expect(await run.done).not.toBe(0);
    expect(run.output).toContain('refusing the file name ../../etc/cron.d/x');
    expect(readdirSync(box.cache)).toEqual([]);
  });

  test('https:// directory: fetches each named file from the URI', async () => {
    const { script, env } = renderedScript({
      cacheSidecars: [CacheSidecar.modelCache({ uri: 'https://models.example.com/llm/2.0.1/', files: ['config.json', 'model.safetensors'] })],
    });
    const run = box.run(shell, script, env, 'pod-a', { FAKE_BASE: 'https://models.example.com/llm/2.0.1/' });
    expect(await run.done).toBe(0);
    const final = join(box.cache, env.MODEL_DIR.slice(env.MODEL_DIR.lastIndexOf('/') + 1));
    expect(readdirSync(final).sort()).toEqual(['.complete', 'config.json', 'model.safetensors']);
    expect(box.calledLines().map(c => c.slice(c.lastIndexOf(' ') + 1))).toEqual([
      'https://models.example.com/llm/2.0.1/config.json',
      'https://models.example.com/llm/2.0.1/model.safetensors',
    ]);
  });
});

test('the fake fetch is able to fail the test: a script that writes .complete before the download is caught', async () => {
  // a planted defect: the pre-lock script (marker written by whoever finishes first, into the shared directory)
  const box = new Sandbox();
  try {
    writeFileSync(join(box.src, 'config.json'), '{}');
    writeFileSync(join(box.src, 'model.safetensors'), 'weights');
    const env = { MODEL_URI: 's3://example-models/llm/', MODEL_DIR: '/models/k' };
    const naive = 'set -eu; mkdir -p "$MODEL_DIR"; touch "$MODEL_DIR/.complete"; aws s3 sync --no-progress "$MODEL_URI" "$MODEL_DIR"';
    const a = box.run('sh', naive, env, 'pod-a', { FAKE_GATE: box.gate });
    await until(() => box.calledLines().length === 1);
    // the check the real script passes: nothing complete is visible while the download is held
    expect(existsSync(join(box.cache, 'k', '.complete'))).toBe(true);
    writeFileSync(box.gate, '');
    expect(await a.done).toBe(0);
  } finally {
    box.dispose();
  }
});

describe('the fetch script with the real curl, against an HTTPS server on 127.0.0.1', () => {
  let box: Sandbox;
  let server: https.Server;
  let base: string;
  let caBundle: string;
  const requests: string[] = [];
  beforeAll(async () => {
    box = new Sandbox();
    // the fake curl must not shadow the real one here
    rmSync(join(box.bin, 'curl'));
    const key = join(box.root, 'key.pem');
    const cert = join(box.root, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    mkdirSync(join(box.src, 'llm', 'tokenizer'), { recursive: true });
    writeFileSync(join(box.src, 'llm', 'config.json'), '{"model_type": "llama"}');
    writeFileSync(join(box.src, 'llm', 'tokenizer', 'tokenizer.json'), '{}');
    writeFileSync(join(box.src, 'llm', 'm.gguf'), 'gguf weights');
    server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      requests.push(req.url!);
      const file = join(box.src, req.url!);
      if (!file.startsWith(box.src) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200).end(readFileSync(file));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    caBundle = cert;
  });
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
    box.dispose();
  });
  beforeEach(() => {
    requests.length = 0;
    rmSync(box.cache, { recursive: true, force: true });
    mkdirSync(box.cache);
  });
  // curl trusts the test's self-signed certificate through CURL_CA_BUNDLE, nothing else changes
  const tls = () => ({ CURL_CA_BUNDLE: caBundle });

  test('an https:// directory shared by two pods: each file is requested once, subdirectories created', async () => {
    const { script, env } = renderedScript({
      cacheSidecars: [CacheSidecar.modelCache({ uri: `${base}/llm/`, files: ['config.json', 'tokenizer/tokenizer.json'] })],
    });
    const a = box.run('sh', script, env, 'pod-a', tls());
    const b = box.run('sh', script, env, 'pod-b', tls());
    expect([await a.done, await b.done]).toEqual([0, 0]);
    expect(requests.sort()).toEqual(['/llm/config.json', '/llm/tokenizer/tokenizer.json']);
    const final = join(box.cache, env.MODEL_DIR.slice(env.MODEL_DIR.lastIndexOf('/') + 1));
    expect(readFileSync(join(final, 'tokenizer', 'tokenizer.json'), 'utf8')).toBe('{}');
    expect(existsSync(join(final, '.complete'))).toBe(true);
  });

  test('a single file with a wrong sha256 fails the fetch and completes nothing; the right one completes', async () => {
    const wrong = renderedScript({ cacheSidecars: [CacheSidecar.modelCache({ uri: `${base}/llm/m.gguf`, sha256: '0'.repeat(64) })] });
    const failed = box.run('sh', wrong.script, wrong.env, 'pod-a', tls());
    expect(await failed.done).not.toBe(0);
    expect(readdirSync(box.cache)).toEqual([]);
    const sha = createHash('sha256').update('gguf weights').digest('hex');
    const right = renderedScript({ cacheSidecars: [CacheSidecar.modelCache({ uri: `${base}/llm/m.gguf`, sha256: sha })] });
    const run = box.run('sh', right.script, right.env, 'pod-a', tls());
    expect(await run.done).toBe(0);
    const final = join(box.cache, right.env.MODEL_DIR.slice(right.env.MODEL_DIR.lastIndexOf('/') + 1));
    expect(readdirSync(final).sort()).toEqual(['.complete', 'm.gguf']);
  });

  test('a missing file of a directory fails the fetch (curl --fail), completing nothing', async () => {
    const { script, env } = renderedScript({
      cacheSidecars: [CacheSidecar.modelCache({ uri: `${base}/llm/`, files: ['config.json', 'missing.safetensors'] })],
    });
    const run = box.run('sh', script, env, 'pod-a', tls());
    expect(await run.done).not.toBe(0);
    expect(readdirSync(box.cache)).toEqual([]);
  });
});
