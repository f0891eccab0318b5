// A worker for the pool's tests: multiplies numbers by the factor it was
// broadcast, exits for 'exit', throws an uncaught error for 'throw'.
import { parentPort } from 'node:worker_threads';

let factor = 1;
parentPort.on('message', (m) => {
  if (m.factor !== undefined) factor = m.factor;
  if (m.task === undefined) return;
  if (m.task === 'exit') process.exit(3);
  if (m.task === 'throw') setTimeout(() => { throw new Error('boom in a binding'); });
  else parentPort.postMessage({ id: m.id, result: m.task * factor });
});
