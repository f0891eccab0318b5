/**
 * Worker thread of `intel import`: reads IOC lists and feeds (formats
 * streamIntel reads piece by piece), one file per message, and posts what it finds to the main
 * thread page by page (intel-pages.ts), checked against the shipped
 * warninglists, while the main thread stages the indicators of the pages
 * before. It runs at
 * most MAX_PAGES_AHEAD pages ahead (a shared counter), so memory stays flat
 * however fast it reads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { streamIntel } from '../intel/index.js';
import { IntelPageBuilder } from './intel-pages.js';
import { loadWarninglists } from './warninglists.js';
import { readChunks } from './read-chunks.js';
import type { ReadTask, ReadThreadData, ReadThreadMessage } from './intel-read-thread.js';

/** Bytes read (and posted as one page) at a time. */
const READ_CHUNK_BYTES = 512 * 1024;
/** Pages posted and not yet taken by the main thread, at most. */
const MAX_PAGES_AHEAD = 4;
/** How long one wait for the main thread lasts before the counter is read again (a safeguard: it wakes us). */
const WAIT_MS = 1000;

const data = workerData as ReadThreadData;
const port = parentPort!;
const ahead = new Int32Array(data.ahead);
// Loaded once, for every file the thread reads.
const lists = data.warninglistDir !== null ? loadWarninglists(data.warninglistDir) : null;

function post(m: ReadThreadMessage): void {
  port.postMessage(m);
}

/** Posts a page, then waits while the main thread is MAX_PAGES_AHEAD pages behind. */
function postPage(pages: IntelPageBuilder, bytes: number): void {
  post({ page: pages.take(bytes) });
  Atomics.add(ahead, 0, 1);
  for (let n = Atomics.load(ahead, 0); n >= MAX_PAGES_AHEAD; n = Atomics.load(ahead, 0)) Atomics.wait(ahead, 0, n, WAIT_MS);
}

function readAll(task: ReadTask): void {
  const pages = new IntelPageBuilder(lists);
  const stream = streamIntel(task.path, task.format, pages);
  if (stream === null) {
    post({ done: true, error: { message: `${task.format} is not read piece by piece` } });
    return;
  }
  const error = readChunks(task.path, READ_CHUNK_BYTES, (chunk) => {
    stream.push(chunk);
    postPage(pages, chunk.length);
  });
  if (error !== null) {
    post({ done: true, error: errorOf(error) });
    return;
  }
  stream.end();
  post({ page: pages.take(0) });
  post({ done: true, error: null });
}

function errorOf(e: unknown): { code?: string; message: string } {
  const code = (e as NodeJS.ErrnoException).code;
  return code !== undefined ? { code, message: String(e) } : { message: String(e) };
}

port.on('message', (task: ReadTask) => readAll(task));
