import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readDnsMessage, sniffDnsMessage } from './dns-message.js';
import { dnsMessage, dnsName } from './testing/packet-builder.js';

const sniff = (b: Buffer, complete = true): boolean | null => sniffDnsMessage(b, 0, b.length, complete);
/** A header: id 0x1234, the given flag bytes and counts. */
const header = (f1: number, f2: number, qd = 1, an = 0, ns = 0, ar = 0): Buffer => {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0x1234); h[2] = f1; h[3] = f2;
  h.writeUInt16BE(qd, 4); h.writeUInt16BE(an, 6); h.writeUInt16BE(ns, 8); h.writeUInt16BE(ar, 10);
  return h;
};
const question = (name: string, type = 1, cls = 1): Buffer => {
  const tc = Buffer.alloc(4); tc.writeUInt16BE(type); tc.writeUInt16BE(cls, 2);
  return Buffer.concat([dnsName(name), tc]);
};

test('sniffDnsMessage: queries and responses built whole are DNS; an EDNS OPT record (class = payload size) too', () => {
  assert.equal(sniff(dnsMessage({ name: 'a.example' })), true);
  assert.equal(sniff(dnsMessage({ name: 'a.example', response: true, answers: [{ type: 'A', value: '192.0.2.1' }, { type: 'CNAME', value: 'b.example' }] })), true);
  const opt = Buffer.from([0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]); // root, OPT, class 4096, ttl 0, rdlen 0
  assert.equal(sniff(Buffer.concat([header(0x01, 0x20, 1, 0, 0, 1), question('a.example'), opt])), true);
  assert.equal(sniff(Buffer.concat([header(0x28, 0x00), question('zone.example', 6, 1)])), true); // UPDATE (opcode 5)
  assert.equal(sniff(Buffer.concat([header(0x00, 0x00), question('', 2)])), true); // the root's NS
});

test('sniffDnsMessage: each strictness rule rejects on its own', () => {
  const q = question('a.example');
  const cases: Array<[string, Buffer]> = [
    ['opcode 3', Buffer.concat([header(0x18, 0x00), q])],
    ['opcode 15', Buffer.concat([header(0x78, 0x00), q])],
    ['Z bit', Buffer.concat([header(0x01, 0x40), q])],
    ['query with AA', Buffer.concat([header(0x05, 0x00), q])],
    ['query with RA', Buffer.concat([header(0x01, 0x80), q])],
    ['query with an RCODE', Buffer.concat([header(0x01, 0x03), q])],
    ['unassigned RCODE 12', Buffer.concat([header(0x81, 0x8c), q])],
    ['no question', header(0x01, 0x00, 0)],
    ['five questions', Buffer.concat([header(0x01, 0x00, 5), q, q, q, q, q])],
    ['a standard query with answers', Buffer.concat([header(0x01, 0x00, 1, 1), q])],
    ['65 records', Buffer.concat([header(0x81, 0x80, 1, 65), q])],
    ['name with a control byte', Buffer.concat([header(0x01, 0x00), question('a\x01.example')])],
    ['name with a space', Buffer.concat([header(0x01, 0x00), question('a b.example')])],
    ['type 0', Buffer.concat([header(0x01, 0x00), question('a.example', 0)])],
    ['class 2', Buffer.concat([header(0x01, 0x00), question('a.example', 1, 2)])],
    ['trailing byte', Buffer.concat([header(0x01, 0x00), q, Buffer.from([0])])],
    ['question cut short', Buffer.concat([header(0x01, 0x00), q.subarray(0, q.length - 1)])],
    ['pointer forwards', Buffer.concat([header(0x01, 0x00), Buffer.from([0xc0, 12, 0, 1, 0, 1])])],
    ['record past the end', Buffer.concat([header(0x81, 0x80, 1, 1), q, Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2])])],
    ['record of class 9', Buffer.concat([header(0x81, 0x80, 1, 1), q, Buffer.from([0xc0, 12, 0, 1, 0, 9, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4])])],
    ['header only', header(0x01, 0x00)],
    ['11 bytes', Buffer.alloc(11)],
  ];
  for (const [why, b] of cases) assert.equal(sniff(b), false, why);
  assert.equal(sniff(Buffer.concat([header(0x01, 0x00), question('A.b-c_d.example', 255, 0x8001)])), true, 'mDNS unicast bit, ANY');
});

test('sniffDnsMessage on a prefix: null until the questions are in, then judged; records cut by the end are fine', () => {
  const m = dnsMessage({ name: 'prefix.example', response: true, answers: [{ type: 'A', value: '192.0.2.1' }] });
  const qEnd = 12 + dnsName('prefix.example').length + 4;
  assert.equal(sniff(m.subarray(0, 5), false), null);
  assert.equal(sniff(m.subarray(0, qEnd - 1), false), null);
  assert.equal(sniff(m.subarray(0, qEnd), false), true);
  assert.equal(sniff(m.subarray(0, qEnd + 5), false), true);
  assert.equal(sniff(m.subarray(0, qEnd + 5), true), false);
  const z = Buffer.from(m); z[3] = 0x40;
  assert.equal(sniff(z.subarray(0, 12), false), false);
});

test('sniffDnsMessage agrees with an independent statement of the rule on random one-question queries', () => {
  const label = fc.uint8Array({ minLength: 1, maxLength: 63 }).map((a) => Buffer.from(a.map((x) => (x % 2 === 0 ? 0x61 + (x % 26) : x))));
  fc.assert(fc.property(
    fc.array(label, { minLength: 0, maxLength: 5 }), fc.integer({ min: 0, max: 65535 }), fc.constantFrom(0, 1, 2, 3, 4, 254, 255, 0x8001, 0x8002),
    fc.uint8Array({ maxLength: 3 }),
    (labels, type, cls, trailing) => {
      const name = Buffer.concat([...labels.flatMap((l) => [Buffer.from([l.length]), l]), Buffer.from([0])]);
      const tc = Buffer.alloc(4); tc.writeUInt16BE(type); tc.writeUInt16BE(cls, 2);
      const msg = Buffer.concat([header(0x01, 0x00), name, tc, Buffer.from(trailing)]);
      const printable = labels.every((l) => l.every((c) => c >= 0x21 && c <= 0x7e));
      const expected = printable && name.length <= 255 && type !== 0 && [1, 3, 4, 254, 255].includes(cls & 0x7fff) && trailing.length === 0;
      assert.equal(sniff(msg), expected);
    },
  ), { seed: 1035, numRuns: 3000 });
});

test("readDnsMessage: a name is its labels joined by dots, each label's bytes read one character per byte, through a pointer too", () => {
  // Labels `a.b` (a dot inside a label), `\xffz`, then a second question: `x` and a pointer back to the first name.
  const first = Buffer.from([3, 0x61, 0x2e, 0x62, 2, 0xff, 0x7a, 0]);
  const tc = Buffer.from([0, 1, 0, 1]);
  const second = Buffer.from([1, 0x78, 0xc0, 12]);
  const m = readDnsMessage(Buffer.concat([header(0x01, 0x00, 2), first, tc, second, tc]), 0, 12 + first.length + 4 + second.length + 4);
  assert.deepEqual(m.questions, ['a.b.\u00ffz', 'x.a.b.\u00ffz']);
  assert.equal(m.error, null);
  // The longest name (253 characters, 127 labels of one byte less the last dot): read whole.
  const longest = Buffer.concat([...Array.from({ length: 127 }, () => Buffer.from([1, 0x71])), Buffer.from([0])]);
  const l = readDnsMessage(Buffer.concat([header(0x01, 0x00, 1), longest, tc]), 0, 12 + longest.length + 4);
  assert.deepEqual(l.questions, [Array.from({ length: 127 }, () => 'q').join('.')]);
});
