import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuidV5 } from './uuid.js';

test('uuidV5 matches RFC 9562 and the STIX SCO example', () => {
  // RFC 9562 appendix A.4: the DNS namespace and "www.example.com".
  assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  // STIX 2.1 Errata 01's deterministic SCO id example (SCO namespace, canonical JSON of the id-contributing properties).
  assert.equal(uuidV5('00abedb4-aa42-466c-9c01-fed23315a9b7', '{"value":"example.com"}'), 'bedb4899-d24b-5401-bc86-8f6b4cc18ec7');
});
