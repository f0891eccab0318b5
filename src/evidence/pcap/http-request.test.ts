import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectHostOf, parseHttpResponseHead } from './http-request.js';

test('parseHttpResponseHead and connectHostOf: status, body length, authority-form targets', () => {
  const head = (t: string): ReturnType<typeof parseHttpResponseHead> => parseHttpResponseHead(Buffer.from(t, 'latin1'), 0, t.length);
  assert.deepEqual(head('HTTP/1.1 200 Connection established\r\n\r\n'), { status: 200, contentLength: 0, unfollowable: false });
  assert.deepEqual(head('HTTP/1.0 407 Proxy Authentication Required\r\nContent-Length: 12\r\n\r\n'), { status: 407, contentLength: 12, unfollowable: false });
  assert.deepEqual(head('HTTP/1.1 502\r\nTransfer-Encoding: chunked\r\n\r\n'), { status: 502, contentLength: 0, unfollowable: true });
  assert.equal(head('HTTP/2 200\r\n\r\n'), null);
  assert.equal(head('HTTP/1.1 20x OK\r\n\r\n'), null);
  assert.equal(head('GET / HTTP/1.1\r\n\r\n'), null);
  assert.equal(connectHostOf('c2.example:443'), 'c2.example');
  assert.equal(connectHostOf('[2001:db8::1]:8443'), '[2001:db8::1]');
  assert.equal(connectHostOf('c2.example'), null);
  assert.equal(connectHostOf('/path'), null);
  assert.equal(connectHostOf('user@c2.example:443'), null);
});
