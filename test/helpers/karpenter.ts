/**
 * Checks a `karpenter.sh/v1` NodePool (a CRD kubernetes-models does not carry) against the published
 * CRD, aws/karpenter-provider-aws v1.14.1 `pkg/apis/crds/karpenter.sh_nodepools.yaml`: its required
 * fields, enums, patterns and CEL rules that a rendered pool could break. Unknown fields are found by
 * serializing through the classes generated from that CRD (lib/imports/karpenter.sh.ts).
 */
import { toJson_NodePoolProps } from '../../lib/imports/karpenter.sh';

type Obj = { [key: string]: any };

/** `spec.template.spec.requirements[].operator` (CRD enum). */
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt', 'Gte', 'Lte'];
/** `taints[].effect` (CRD enum). */
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
/** `disruption.consolidationPolicy` (CRD enum). */
const CONSOLIDATION_POLICIES = ['WhenEmpty', 'WhenEmptyOrUnderutilized', 'Balanced'];
/** `disruption.consolidateAfter` (CRD pattern). */
const DURATION = /^(([0-9]+(s|m|h))+|Never)$/;

/** Schema errors of a NodePool: `[]` when valid. */
export function nodePoolErrors(m: Obj): string[] {
  const where = `NodePool ${m.metadata?.name ?? '?'}`;
  const errors: string[] = [];
  const name = m.metadata?.name;
  if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(name)) {
    // the name is the value of the karpenter.sh/nodepool label: at most 63 characters
    errors.push(`${where}: metadata.name must be a label value of at most 63 characters`);
  }
  if (m.metadata?.namespace !== undefined) {
    errors.push(`${where}: a NodePool is cluster-scoped, got namespace ${m.metadata.namespace}`);
  }
  const spec = m.spec ?? {};
  const t = spec.template?.spec;
  if (t === undefined) {
    return [...errors, `${where}: spec.template.spec is required`];
  }
  for (const k of ['group', 'kind', 'name']) {
    if (typeof t.nodeClassRef?.[k] !== 'string' || t.nodeClassRef[k] === '') {
      errors.push(`${where}: spec.template.spec.nodeClassRef.${k} is required and not empty`);
    }
  }
  if (!Array.isArray(t.requirements)) {
    errors.push(`${where}: spec.template.spec.requirements is required`);
  }
  for (const r of t.requirements ?? []) {
    if (typeof r.key !== 'string' || !OPERATORS.includes(r.operator)) {
      errors.push(`${where}: requirement ${JSON.stringify(r)} needs a key and an operator of ${OPERATORS.join(', ')}`);
    }
    if (['karpenter.sh/nodepool', 'kubernetes.io/hostname'].includes(r.key)) {
      errors.push(`${where}: requirement key ${r.key} is restricted`);
    }
    if (r.operator === 'In' && !(Array.isArray(r.values) && r.values.length > 0)) {
      errors.push(`${where}: requirement ${r.key} In needs values`);
    }
  }
  for (const taint of t.taints ?? []) {
    if (typeof taint.key !== 'string' || !EFFECTS.includes(taint.effect)) {
      errors.push(`${where}: taint ${JSON.stringify(taint)} needs a key and an effect of ${EFFECTS.join(', ')}`);
    }
  }
  const d = spec.disruption;
  if (d !== undefined) {
    if (typeof d.consolidateAfter !== 'string' || !DURATION.test(d.consolidateAfter)) {
      errors.push(`${where}: spec.disruption.consolidateAfter must match ${DURATION}, got ${d.consolidateAfter}`);
    }
    if (d.consolidationPolicy !== undefined && !CONSOLIDATION_POLICIES.includes(d.consolidationPolicy)) {
      errors.push(`${where}: spec.disruption.consolidationPolicy must be one of ${CONSOLIDATION_POLICIES.join(', ')}`);
    }
  }
  for (const [k, v] of Object.entries(spec.limits ?? {})) {
    if (!(typeof v === 'number' || (typeof v === 'string' && /^[0-9.]+[a-zA-Z]*$/.test(v)))) {
      errors.push(`${where}: spec.limits.${k} must be a quantity, got ${JSON.stringify(v)}`);
    }
  }
  return errors;
}

/** The generated serializer of a NodePool, for the unknown-field check (entries of `limits` are quantities). */
export function serializeNodePool(typedBody: Obj): Obj | undefined {
  return toJson_NodePoolProps(typedBody as any);
}
