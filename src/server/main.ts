/**
 * The server as a process of its own: `sightline serve` forks this module
 * and sends it its options over the IPC channel (the CLI and the server
 * never import each other; docs/design.md, Layout). It answers
 * `{type: 'listening', url}` or `{type: 'error', message}`, and stops on
 * SIGINT, SIGTERM or when its parent goes away.
 */
import { startServer, type ServerOptions } from './serve.js';

export interface StartMessage { type: 'start'; options: ServerOptions }
export type ServerMessage = { type: 'listening'; url: string; auth: 'required' | 'auto' } | { type: 'error'; message: string };

function send(m: ServerMessage): void {
  process.send?.(m);
}

if (process.send === undefined) {
  process.stderr.write('sightline: the server is started by `sightline serve`\n');
  process.exit(1);
}

process.once('message', (m: StartMessage) => {
  startServer(m.options).then((server) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      server.close().finally(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('disconnect', stop);
    send({ type: 'listening', url: server.url, auth: server.auth });
  }, (e: unknown) => {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    process.disconnect();
    process.exitCode = 1;
  });
});
