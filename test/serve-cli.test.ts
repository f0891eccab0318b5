/**
 * `sightline token` and `sightline serve` from the command line: a token is
 * printed once and kept only as its hash; serve refuses a non-loopback
 * address without tokens, and asks for a token once the case holds one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sightline, startSightline, tempCase } from './cli.js';

/** Starts serve and resolves with its URL (from the line it prints on stderr). */
function serve(db: string, extra: string[] = []) {
  const p = startSightline(['--db', db, 'serve', '--port', '0', '--web-dir', join(db, 'no-web'), ...extra]);
  let err = '';
  const url = new Promise<string>((resolve, reject) => {
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving .* at (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    p.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { p, url, stderr: () => err };
}

test('token create prints a token once; the case keeps its hash; list and revoke', () => {
  const c = tempCase();
  try {
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NT', join('examples', 'nettraveler', 'intel', 'nettraveler-c2.txt')]).status, 0);
    const bad = sightline(['--db', c.db, 'token', 'create', '--role', 'admin']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--role takes reader or analyst/);
    const r = sightline(['--db', c.db, 'token', 'create', '--role', 'reader', '--name', 'laptop']);
    assert.equal(r.status, 0, r.stderr);
    const token = r.stdout.trim();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!readFileSync(c.db).includes(Buffer.from(token)), 'the token is not in the case file');
    const list = sightline(['--db', c.db, 'token', 'list', '--json']);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; role: string; name: string });
    assert.deepEqual(rows.map((t) => [t.role, t.name]), [['reader', 'laptop']]);
    assert.ok(!list.stdout.includes(token));
    assert.equal(sightline(['--db', c.db, 'token', 'revoke', String(rows[0]!.id)]).status, 0);
    assert.equal(sightline(['--db', c.db, 'token', 'revoke', String(rows[0]!.id)]).status, 1);
    assert.equal(sightline(['--db', join(c.dir, 'none.db'), 'token', 'create', '--role', 'reader']).status, 1, 'no case: no token');
  } finally {
    c.done();
  }
});

test('serve: a non-loopback address needs tokens; with one in the case, loopback asks for it too', async () => {
  const c = tempCase();
  try {
    sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NT', join('examples', 'nettraveler', 'intel', 'nettraveler-c2.txt')]);
    const refused = sightline(['--db', c.db, 'serve', '--host', '0.0.0.0', '--port', '0']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /needs tokens/);
    assert.equal(sightline(['--db', c.db, 'serve', '--port', '99999']).status, 1);
    assert.equal(sightline(['--db', join(c.dir, 'none.db'), 'serve']).status, 1);

    const open = serve(c.db);
    try {
      const url = await open.url;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal((await fetch(`${url}api/campaigns`)).status, 200);
    } finally {
      open.p.kill('SIGTERM');
    }
    const token = sightline(['--db', c.db, 'token', 'create', '--role', 'analyst']).stdout.trim();
    const closed = serve(c.db);
    try {
      const url = await closed.url;
      assert.equal((await fetch(`${url}api/campaigns`)).status, 401);
      assert.equal((await fetch(`${url}api/campaigns`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    } finally {
      closed.p.kill('SIGTERM');
    }
    await new Promise((r) => closed.p.on('exit', r));
  } finally {
    c.done();
  }
});
