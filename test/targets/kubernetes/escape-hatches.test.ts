import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { addFieldsBeyondK8s128 } from '../../../lib/targets/kubernetes/escape-hatches';

describe('addFieldsBeyondK8s128 (fields newer than the Kubernetes 1.28 types)', () => {
  const deployment = () => {
    const chart = new cdk8s.Chart(new cdk8s.App(), 'test');
    const d = new kplus.Deployment(chart, 'Deployment', { containers: [{ image: 'nginx:1.27', securityContext: { ensureNonRoot: false } }] });
    return { chart, api: cdk8s.ApiObject.of(d) };
  };
  const lifecycle = (chart: cdk8s.Chart) => chart.toJson()[0].spec.template.spec.containers[0].lifecycle;

  test('keeps a field the 1.28 serializer drops from a plain addJsonPatch (preStop.sleep)', () => {
    const plain = deployment();
    plain.api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: 5 } } }));
    expect(lifecycle(plain.chart)?.preStop?.sleep).toBeUndefined();

    const beyond = deployment();
    addFieldsBeyondK8s128(beyond.api, [cdk8s.JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: 5 } } })]);
    expect(lifecycle(beyond.chart)).toEqual({ preStop: { sleep: { seconds: 5 } } });
  });

  test('applies the patches of every call once, in order, however often the object is serialized', () => {
    const { chart, api } = deployment();
    addFieldsBeyondK8s128(api, [cdk8s.JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: 5 } } })]);
    addFieldsBeyondK8s128(api, [cdk8s.JsonPatch.replace('/spec/template/spec/containers/0/lifecycle/preStop/sleep/seconds', 7)]);
    expect(lifecycle(chart)).toEqual({ preStop: { sleep: { seconds: 7 } } });
    expect(lifecycle(chart)).toEqual({ preStop: { sleep: { seconds: 7 } } });
  });
});
