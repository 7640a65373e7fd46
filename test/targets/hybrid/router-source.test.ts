import * as vm from 'vm';
import { ROUTER_SOURCE } from '../../../lib/targets/hybrid/router-source';

interface Harness {
  handler: (event: any) => Promise<any>;
  fetchCalls: Array<{ url: string; body: string }>;
  invokes: any[];
}

/** Loads the router in a sandbox with a fake fetch and a fake Lambda client. */
function load(env: Record<string, string>, fetchImpl: (url: string) => Promise<any>): Harness {
  const fetchCalls: Array<{ url: string; body: string }> = [];
  const invokes: any[] = [];
  class InvokeCommand { constructor(public readonly input: any) {} }
  class LambdaClient {
    async send(cmd: InvokeCommand) {
      invokes.push(JSON.parse(Buffer.from(cmd.input.Payload).toString()));
      return { Payload: Buffer.from(JSON.stringify({ statusCode: 200, body: '{"from":"overflow"}' })) };
    }
  }
  const module = { exports: {} as any };
  const sandbox = {
    module,
    exports: module.exports,
    require: (name: string) => {
      if (name !== '@aws-sdk/client-lambda') throw new Error(`unexpected require ${name}`);
      return { LambdaClient, InvokeCommand };
    },
    process: { env },
    Buffer,
    AbortSignal,
    JSON,
    Number,
    fetch: async (url: string, init: any) => {
      fetchCalls.push({ url, body: init.body });
      return fetchImpl(url);
    },
  };
  vm.runInNewContext(ROUTER_SOURCE, sandbox);
  return { handler: module.exports.handler, fetchCalls, invokes };
}

const ok = async () => ({ status: 200, text: async () => '{"answer":42}' });
const shed = async () => ({ status: 503, text: async () => 'busy' });
const event = (body: string, extra: any = {}) => ({ body, rawPath: '/', requestContext: { http: { method: 'POST' } }, ...extra });

describe('hybrid router (control-plane entry function)', () => {
  test('fits Lambda\'s 4 KiB inline code limit', () => {
    expect(Buffer.byteLength(ROUTER_SOURCE)).toBeLessThan(4096);
  });

  test('forwards a valid request to the data plane', async () => {
    const h = load({ DATA_PLANE_URL: 'http://llm.internal:8080' }, ok);
    const res = await h.handler(event('{"prompt":"hi"}'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-inference-route']).toBe('data-plane');
    expect(h.fetchCalls).toEqual([{ url: 'http://llm.internal:8080/v1/infer', body: '{"prompt":"hi"}' }]);
  });

  test('sends shed load (503) to the overflow function when one is configured', async () => {
    const h = load({ DATA_PLANE_URL: 'http://dp', OVERFLOW_FUNCTION: 'arn:aws:lambda:us-east-1:123456789012:function:f:live' }, shed);
    const res = await h.handler(event('{}'));
    expect(res.headers['x-inference-route']).toBe('overflow');
    expect(h.invokes).toHaveLength(1);
  });

  test('passes shed load through when there is no overflow function', async () => {
    const h = load({ DATA_PLANE_URL: 'http://dp' }, shed);
    const res = await h.handler(event('{}'));
    expect(res.statusCode).toBe(503);
    expect(h.invokes).toHaveLength(0);
  });

  test('overflows when the data plane is unreachable, and answers 502 without overflow', async () => {
    const down = async () => {
      throw new Error('ECONNREFUSED');
    };
    const withOverflow = load({ DATA_PLANE_URL: 'http://dp', OVERFLOW_FUNCTION: 'arn' }, down);
    expect((await withOverflow.handler(event('{}'))).headers['x-inference-route']).toBe('overflow');
    const without = load({ DATA_PLANE_URL: 'http://dp' }, down);
    expect((await without.handler(event('{}'))).statusCode).toBe(502);
  });

  test('rejects non-JSON, oversized and non-POST requests before forwarding', async () => {
    const h = load({ DATA_PLANE_URL: 'http://dp', MAX_PAYLOAD_BYTES: '10' }, ok);
    expect((await h.handler(event('not json'))).statusCode).toBe(400);
    expect((await h.handler(event('{"a":"0123456789"}'))).statusCode).toBe(413);
    expect((await h.handler(event('{}', { requestContext: { http: { method: 'GET' } } }))).statusCode).toBe(405);
    expect(h.fetchCalls).toHaveLength(0);
  });
});
