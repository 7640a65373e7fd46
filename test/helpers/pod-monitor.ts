/**
 * The Prometheus Operator's PodMonitor (a CRD kubernetes-models does not carry), checked against
 * its published CRD (prometheus-operator/prometheus-operator
 * `example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml`, from which
 * lib/imports/monitoring.coreos.com.ts is generated): `spec.selector` is required, every
 * `podMetricsEndpoints[].port` is a container port name, and every field is one the CRD defines
 * (the object is serialized through the generated types, which keep only known fields, and the leaf
 * paths compared).
 */
import { toJson_PodMonitorProps } from '../../lib/imports/monitoring.coreos.com';

/** A manifest object as synthesized (plain JSON). */
type Manifest = { apiVersion: string; kind: string; metadata?: any; [key: string]: any };

/** Whether a manifest is a PodMonitor. */
export function isPodMonitor(m: Manifest): boolean {
  return m.apiVersion === 'monitoring.coreos.com/v1' && m.kind === 'PodMonitor';
}

function leafPaths(o: any, prefix = ''): string[] {
  if (o === null || typeof o !== 'object' || Object.keys(o).length === 0) {
    return [prefix];
  }
  return Object.entries(o).flatMap(([k, v]) => leafPaths(v, `${prefix}/${k}`));
}

/** Errors of a PodMonitor: `[]` when valid. */
export function podMonitorErrors(where: string, m: Manifest): string[] {
  const errors: string[] = [];
  const spec = m.spec ?? {};
  if (typeof m.metadata?.name !== 'string') {
    errors.push(`${where}: metadata.name is required`);
  }
  if (spec.selector === undefined || typeof spec.selector !== 'object') {
    errors.push(`${where}: spec.selector is required`);
  }
  for (const [i, e] of (spec.podMetricsEndpoints ?? []).entries()) {
    if (e.port !== undefined && typeof e.port !== 'string') {
      errors.push(`${where}: spec.podMetricsEndpoints[${i}].port must be a container port name, got ${JSON.stringify(e.port)}`);
    }
  }
  const { apiVersion: _a, kind: _k, ...body } = m;
  const known = new Set(leafPaths(JSON.parse(JSON.stringify(toJson_PodMonitorProps(body as any)))));
  // labels and matchLabels are free maps: their entries are data, kept as given by the serializer
  leafPaths(body).filter(p => !known.has(p)).forEach(p => errors.push(`${where}: unknown field ${p}`));
  return errors;
}
