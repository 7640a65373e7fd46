import * as cdk8s from 'cdk8s';
import * as fc from 'fast-check';
import { stringifyManifest } from '../../../lib/targets/kubernetes/yaml';

/*
 * The manifest writer must give the bytes cdk8s.Yaml.stringify() gives, for every JSON value: it
 * is compared with it on generated documents whose strings are drawn to hit YAML's special cases
 * (indicators, booleans and numbers of YAML 1.1, quotes, control characters, line breaks, document
 * markers, long keys), and on hand-picked cases.
 */

const SEED = 20261130;

/** Strings that YAML 1.1 writes quoted, as block scalars, or plain with care. */
const TRICKY = [
  '', ' ', 'yes', 'No', 'y', 'n', 'on', 'OFF', 'true', 'False', 'null', 'NULL', '~', '1', '-1', '0755', '0x1F', '0b11', '1_000', '1:30', '1e3',
  '.5', '.inf', '-.Inf', '.nan', '2026-11-30', '2026-11-30T06:00:00Z', '=', '<<', 'a: b', 'a:b', 'a :b', '- a', '-', '?', '? a', ':', 'a:', 'a #b',
  'a#b', '#a', '*a', '&a', '!a', '%a', '@a', '`a', '|', '>', '[a', ']a', '{a', '}a', ',a', 'a,b', '"a"', "'a'", 'it\'s', 'say "hi"', 'both " \'',
  'tab\there', '\ttab', 'tab\t', 'trailing ', ' leading', 'line\nbreak', 'ends\n', '\nstarts', 'a \nb', 'a\n b', '---', '--- a', '---a', '...', '... a',
  'µs', 'ünïcödé', '日本', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\ud800', '\\', 'back\\slash', '\r\n', '100m', '25%',
  '4096Mi', 'nvidia.com/gpu', 'app.kubernetes.io/name', 'x'.repeat(1100), 'https://example.com:8080/path?q=1#frag',
  '\u2028--- a', '\u2029...', '\r---', 'a\u2028b', '%YAML', ' --- a',
  'Y', 'N', 'YES', 'NO', 'Yes', 'On', 'ON', 'Off', 'TRUE', 'FALSE', 'Null', 'nULL', 'yES', 'a:b:c', 'a::b', 'a:/b', '/x', 'x/', '/', 'a_b', '_a', 'a-', 'e1',
  'inf', 'nan', 'x.1', 'v1.2.3', 'repo/image:1.0', '1.0', '2350m', '0.5', 'A', 'z9',
];

const trickyString = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.tuple(fc.constantFrom(...TRICKY), fc.constantFrom(...TRICKY)).map(([a, b]) => a + b),
);

const scalar = fc.oneof(
  trickyString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e21, 123456789012345680000, 0.1 + 0.2, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER,
    Number.MIN_VALUE),
  fc.stringMatching(/^[A-Za-z/_.:-][\w./:-]{0,8}$/),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const { value: document } = fc.letrec(tie => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(trickyString, tie('value'), { maxKeys: 5 }),
}));

describe('manifest YAML', () => {
  test('is what cdk8s.Yaml.stringify() writes, for generated documents', () => {
    fc.assert(fc.property(fc.array(document, { minLength: 1, maxLength: 3 }), docs => {
      expect(stringifyManifest(...docs)).toBe(cdk8s.Yaml.stringify(...docs));
    }), { numRuns: 3_000, seed: SEED });
  });

  test('is what cdk8s.Yaml.stringify() writes, for each tricky string as a key and as a value', () => {
    for (const s of TRICKY) {
      const docs = [{ [s]: s, list: [s, { [s]: [s] }], nested: { [s]: { a: s } } }, s, [s]];
      expect(stringifyManifest(...docs)).toBe(cdk8s.Yaml.stringify(...docs));
    }
  });

  test('is what cdk8s.Yaml.stringify() writes for empty and undefined documents and values', () => {
    const docs = [{}, [], undefined, { a: undefined, b: null, c: [], d: {}, e: [[1, 2], []], f: [{ x: 1, y: [1] }, {}] }, null, 0];
    expect(stringifyManifest(...docs)).toBe(cdk8s.Yaml.stringify(...docs));
  });

  test('writes an ordinary manifest itself, handing cdk8s scalars only', () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'llm-chat', labels: { 'app.kubernetes.io/name': 'llm-chat' }, annotations: { 'example.com/enabled': 'true' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'vllm', args: ['--port', '8000'], resources: { limits: { 'nvidia.com/gpu': 1 } } }] } } },
    };
    const general = jest.spyOn(cdk8s.Yaml, 'stringify');
    try {
      const yaml = stringifyManifest(manifest, manifest);
      expect(general.mock.calls.every(args => args.length === 1 && typeof args[0] !== 'object')).toBe(true);
      general.mockRestore();
      expect(yaml).toBe(cdk8s.Yaml.stringify(manifest, manifest));
      expect(yaml).toContain('example.com/enabled: "true"\n');
    } finally {
      general.mockRestore();
    }
  });

  test('writes a document that is not plain JSON the general way', () => {
    const docs = [{ when: new Date(0), fn: [1, 2] }];
    expect(stringifyManifest(...docs)).toBe(cdk8s.Yaml.stringify(...docs));
  });

  test('writes a map or list referenced twice (an anchor and an alias), and an iterable object, as cdk8s does', () => {
    const shared = { a: 1 };
    const list = [1, 2];
    const emptyMap = {};
    const emptyList: unknown[] = [];
    const iterable = { a: 1, [Symbol.iterator]: function* () { yield 'x'; } };
    const docs = [
      { p: shared, q: shared }, { p: list, q: { r: list } }, { p: emptyMap, q: emptyMap }, { p: emptyList, q: [emptyList] }, { p: iterable },
    ];
    for (const doc of docs) {
      expect(stringifyManifest(doc)).toBe(cdk8s.Yaml.stringify(doc));
    }
    expect(stringifyManifest({ p: shared, q: shared })).toContain('&a1');
    // the same values in two documents are no alias: each document is written on its own
    expect(stringifyManifest({ p: shared }, { q: shared })).toBe(cdk8s.Yaml.stringify({ p: shared }, { q: shared }));
  });
});
