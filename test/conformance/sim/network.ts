/**
 * Plays the NetworkPolicy enforcement for egress: does a rule of the pod's policy admit a packet to
 * an address (or a pod with labels in a namespace) on a port and protocol? IPv4 and IPv6 CIDR
 * containment, `except` blocks, pod and namespace selectors as the NetworkPolicy API defines them
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 */
import { isIPv4 } from 'net';

/** A packet's destination: an address, and the pod behind it if it is a pod's address. */
export interface Destination {
  readonly ip: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly pod?: { readonly namespace: string; readonly labels: Record<string, string> };
}

function toBigInt(ip: string): [bigint, number] {
  if (isIPv4(ip)) {
    return [ip.split('.').reduce((n, o) => n * 256n + BigInt(Number(o)), 0n), 32];
  }
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return [groups.reduce((n, g) => n * 65536n + BigInt(parseInt(g || '0', 16)), 0n), 128];
}

/** Whether `ip` is in `cidr` (same family only). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const [a, width] = toBigInt(ip);
  const [b, widthB] = toBigInt(base);
  if (width !== widthB) {
    return false;
  }
  const block = 2n ** BigInt(width - Number(bits));
  return a / block === b / block;
}

function matchLabels(selector: any, labels: Record<string, string>): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** Whether the NetworkPolicy's egress admits the packet. */
export function egressAdmits(policy: any, d: Destination): boolean {
  return (policy.spec.egress ?? []).some((rule: any) => {
    const portOk = rule.ports === undefined || rule.ports.some((p: any) => (p.protocol ?? 'TCP') === d.protocol && (p.port === undefined || p.port === d.port));
    const peerOk = rule.to === undefined || rule.to.some((peer: any) => {
      if (peer.ipBlock) {
        return inCidr(d.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(d.ip, e));
      }
      if (!d.pod) {
        return false; // a selector names pods only
      }
      const nsOk = peer.namespaceSelector === undefined ? d.pod.namespace === policy.metadata.namespace
        : matchLabels(peer.namespaceSelector, { 'kubernetes.io/metadata.name': d.pod.namespace });
      return nsOk && (peer.podSelector === undefined || matchLabels(peer.podSelector, d.pod.labels));
    });
    return portOk && peerOk;
  });
}
