// A worker for the pool's tests: multiplies numbers by the factor it was
// broadcast, exits for 'exit', throws an uncaught error for 'throw'; for
// { parts: n }, posts the parts 1..n of its answer, then the answer n * factor.
import { parentPort } from 'node:worker_threads';

let factor = 1;
parentPort.on('message', (m) => {
  if (m.factor !== undefined) factor = m.factor;
  if (m.task === undefined) return;
  if (m.task === 'exit') process.exit(3);
  if (typeof m.task === 'object') {
    for (let i = 1; i <= m.task.parts; i++) parentPort.postMessage({ id: m.id, part: i });
    parentPort.postMessage({ id: m.id, result: m.task.parts * factor });
  } else if (m.task === 'throw') setTimeout(() => { throw new Error('boom in a binding'); });
  else parentPort.postMessage({ id: m.id, result: m.task * factor });
});
