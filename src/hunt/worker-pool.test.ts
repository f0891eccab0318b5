import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool } from './worker-pool.js';

test('a worker that dies fails only the task it held, is replaced, and the replacement gets every broadcast', async () => {
  const pool = new WorkerPool<number | string, number>(new URL('./testing/dying-worker.mjs', import.meta.url), 2, {});
  try {
    pool.broadcast({ factor: 3 });
    const shape = async (runs: Promise<number>[]) =>
      (await Promise.allSettled(runs)).map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message));
    // Each worker holds up to two tasks: a dead worker fails what it held.
    assert.deepEqual(await shape([pool.run(1), pool.run('exit'), pool.run(2)]), [3, 'worker thread died (exit code 3)', 6]);
    assert.deepEqual(await shape([pool.run('throw')]), ['worker thread died (boom in a binding)']);
    assert.deepEqual(await shape([pool.run(4), pool.run(5), pool.run(6)]), [12, 15, 18]);
    assert.equal(pool.size, 2);
    assert.equal(await pool.run(7), 21, 'the replacements were told the factor');
  } finally {
    await pool.close();
  }
});

test("a task's parts reach its own onPart, in order, before its answer", async () => {
  const pool = new WorkerPool<number | { parts: number }, number>(new URL('./testing/dying-worker.mjs', import.meta.url), 2, {});
  try {
    pool.broadcast({ factor: 2 });
    const got: Record<string, unknown[]> = { a: [], b: [] };
    const a = pool.run({ parts: 3 }, (p) => got.a!.push(p)).then((r) => { got.a!.push(`=${r}`); });
    const b = pool.run({ parts: 2 }, (p) => got.b!.push(p)).then((r) => { got.b!.push(`=${r}`); });
    assert.equal(await pool.run(5), 10, 'a task without parts is answered as before');
    await Promise.all([a, b]);
    assert.deepEqual(got, { a: [1, 2, 3, '=6'], b: [1, 2, '=4'] });
  } finally {
    await pool.close();
  }
});
