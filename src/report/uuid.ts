/**
 * UUID version 5 (RFC 9562 §5.5: SHA-1 of a namespace and a name), for the
 * deterministic STIX ids that make the same case give the same bundle.
 */
import { createHash } from 'node:crypto';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

const namespaces = new Map<string, Buffer>();

export function uuidV5(namespace: string, name: string): string {
  let ns = namespaces.get(namespace);
  if (ns === undefined) namespaces.set(namespace, (ns = uuidBytes(namespace)));
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
