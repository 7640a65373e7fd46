/**
 * The router's keep-alive pool against data planes that end connections under it, as a Network
 * Load Balancer does after its idle timeout (it forgets the flow and answers the next packet with a
 * TCP RST: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html).
 * Real HTTP servers on 127.0.0.1; no request may fail because of either.
 */
import * as http from 'http';
import { Socket } from 'net';
import { BYTES, closeAll, event, fakeStreamRuntime, later, listen, router, timers } from './router-helpers';
import { createRouter } from '../../../lib/targets/hybrid/router';

afterAll(closeAll);

const sleep = (ms: number) => new Promise<void>(r => later(ms, r));

/** What a data plane does with one request, given how many came before it on the same connection and how long that sat idle. */
type Verdict = 'answer' | 'reset' | 'answer-then-reset';

interface DataPlane {
  readonly url: string;
  /** Connections accepted. */
  connections: number;
  /** Requests received, whatever was done with them. */
  requests: number;
  /** Connections reset by the server. */
  resets: number;
  /** Request bodies received, in order. */
  readonly bodies: Buffer[];
}

/**
 * A data plane that answers 200 with `x-connection: <n>` (which connection served it) and the
 * request body echoed, unless `verdict` says to reset the socket.
 */
async function dataPlane(verdict: (requestOnConnection: number, idleMs: number) => Verdict, closeIdleAfterMs?: number): Promise<DataPlane> {
  const state = { connections: 0, requests: 0, resets: 0, bodies: [] as Buffer[] };
  const perSocket = new WeakMap<Socket, { id: number; count: number; idleSince: number; closer?: NodeJS.Timeout }>();
  const server = http.createServer((req, res) => {
    const socket = req.socket;
    const s = perSocket.get(socket)!;
    clearTimeout(s.closer);
    s.count++;
    state.requests++;
    const v = verdict(s.count, Date.now() - s.idleSince);
    if (v === 'reset') {
      state.resets++;
      socket.resetAndDestroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      state.bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-connection': String(s.id) });
      if (v === 'answer-then-reset') {
        // the answer has begun: headers and a first chunk are on the wire, then the connection dies
        res.write(body.subarray(0, 1));
        later(20, () => {
          state.resets++;
          socket.resetAndDestroy();
        });
        return;
      }
      res.end(body, () => {
        s.idleSince = Date.now();
        if (closeIdleAfterMs !== undefined) {
          // a graceful close (FIN) of a connection idle for that long
          s.closer = setTimeout(() => socket.end(), closeIdleAfterMs);
          timers.push(s.closer);
        }
      });
    });
  });
  server.keepAliveTimeout = 60_000; // the server itself keeps connections; the test decides when they die
  server.on('connection', (socket: Socket) => {
    state.connections++;
    perSocket.set(socket, { id: state.connections, count: 0, idleSince: Date.now() });
  });
  const url = await listen(server);
  return Object.assign(state, { url });
}

const post = (body: Buffer = BYTES) => event({ method: 'POST', body });

describe('connections that end while idle', () => {
  test('a data plane that closes idle keep-alive connections after 100 ms: the requests after a quiet period all succeed', async () => {
    const dp = await dataPlane(() => 'answer', 100);
    const { r } = router({ DATA_PLANE_URL: dp.url });
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all([r.buffered(post()), r.buffered(post())]);
      expect(answers.map(a => a.statusCode)).toEqual([200, 200]);
      await sleep(250);
    }
    expect(dp.resets).toBe(0);
    expect(dp.connections).toBeGreaterThan(2); // the quiet periods did close connections
  });

  test('the router closes a connection idle longer than DATA_PLANE_IDLE_TIMEOUT_MS, before a data plane that forgets idle flows would reset it', async () => {
    // like an NLB: a flow idle for more than 300 ms is forgotten, and the next request on it is reset
    const dp = await dataPlane((n, idleMs) => (n > 1 && idleMs > 300 ? 'reset' : 'answer'));
    const { r } = router({ DATA_PLANE_URL: dp.url, DATA_PLANE_IDLE_TIMEOUT_MS: '100' });
    const first = await r.buffered(post());
    const second = await r.buffered(post());
    expect([first.headers['x-connection'], second.headers['x-connection']]).toEqual(['1', '1']); // reused while busy
    await sleep(400);
    const third = await r.buffered(post());
    expect(third.statusCode).toBe(200);
    expect(third.headers['x-connection']).toBe('2'); // a new connection: the router had closed the idle one
    expect(dp.resets).toBe(0);
  });

  test('the idle timeout defaults to 60 s, below the NLB\'s 350 s', () => {
    const r = createRouter({ DATA_PLANE_URL: 'http://127.0.0.1:1' }, { log: () => undefined });
    expect(r.config.idleTimeoutMs).toBe(60_000);
    expect(r.config.idleTimeoutMs).toBeLessThan(350_000);
    r.close();
  });
});

describe('a reused connection reset before any byte of the answer', () => {
  // the server resets every request after the first on a connection: the pooled socket is dead
  const resetReused = (n: number): Verdict => (n > 1 ? 'reset' : 'answer');

  test('is retried once on a new connection with the same body (buffered)', async () => {
    const dp = await dataPlane(resetReused);
    const { r, metrics } = router({ DATA_PLANE_URL: dp.url });
    const first = await r.buffered(post(Buffer.from('first')));
    const second = await r.buffered(post(BYTES));
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(Buffer.from(second.body, 'base64').equals(BYTES)).toBe(true);
    expect(second.headers['x-connection']).toBe('2');
    expect(dp.resets).toBe(1);
    expect(dp.bodies.map(b => b.toString('hex'))).toEqual([Buffer.from('first').toString('hex'), BYTES.toString('hex')]);
    expect(metrics().some(m => m.DataPlaneErrors)).toBe(false);
  });

  test('is retried once on a new connection with the same body (streaming)', async () => {
    const dp = await dataPlane(resetReused);
    const { r } = router({ DATA_PLANE_URL: dp.url, RESPONSE_STREAMING: 'true' });
    for (const body of [Buffer.from('first'), BYTES]) {
      const rt = fakeStreamRuntime();
      await r.streaming(post(body), rt.stream, {}, rt.awslambda);
      await rt.finished();
      expect(rt.prelude().statusCode).toBe(200);
      expect(rt.body().equals(body)).toBe(true);
    }
    expect(dp.resets).toBe(1);
    expect(dp.requests).toBe(3);
  });

  test('with several dead connections in the pool, the retry does not pick another of them', async () => {
    const dp = await dataPlane(resetReused);
    const { r } = router({ DATA_PLANE_URL: dp.url });
    // three requests at once leave three pooled connections, each of which resets its next request
    expect((await Promise.all([r.buffered(post()), r.buffered(post()), r.buffered(post())])).map(a => a.statusCode)).toEqual([200, 200, 200]);
    expect(dp.connections).toBe(3);
    const next = await r.buffered(post());
    expect(next.statusCode).toBe(200);
    expect(dp.resets).toBe(1);
  });

  test('a reset on a new connection is not retried: the data plane is failing, not the pool', async () => {
    const dp = await dataPlane(() => 'reset');
    const { r } = router({ DATA_PLANE_URL: dp.url });
    const res = await r.buffered(post());
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body).message).toBe('the data plane could not be reached (ECONNRESET)');
    expect(dp.requests).toBe(1);
  });

  test.each(['buffered', 'streaming'])('once any byte of the answer arrived, a reset is not retried (%s)', async (mode) => {
    const dp = await dataPlane(n => (n > 1 ? 'answer-then-reset' : 'answer'));
    const { r } = router({ DATA_PLANE_URL: dp.url, RESPONSE_TIMEOUT_MS: '1000', DATA_PLANE_DEADLINE_MS: '2000' });
    expect((await r.buffered(post())).statusCode).toBe(200);
    if (mode === 'buffered') {
      // the answer was incomplete: nothing went to the client yet, so it is an honest error
      const res = await r.buffered(post());
      expect([502, 504]).toContain(res.statusCode);
    } else {
      const rt = fakeStreamRuntime();
      await r.streaming(post(), rt.stream, {}, rt.awslambda);
      await rt.finished();
      expect(rt.prelude().statusCode).toBe(200);
      expect(rt.body().equals(BYTES.subarray(0, 1))).toBe(true); // the stream ends early, as it began
    }
    expect(dp.requests).toBe(2);
  });
});
