// The baseline: a bare Fastify app (no logger, no hooks, no plugins) with one
// POST route answering a constant JSON body about the size of an evaluation
// answer. It parses the same request body ours does, so the ratio measures what
// ff adds on top of Fastify's HTTP and JSON handling: authentication,
// validation, evaluation, metrics, logging, security headers, serialization.
// With --workers N it runs N such processes on one port through node:cluster,
// the baseline of `serve --workers N`.
//
//   node dist/bench/server/bare-server.js [--workers N]   → prints "listening on http://127.0.0.1:<port>" on stderr
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { BARE_PATH } from './workload.js';

const CONSTANT = {
  flag_key: 'new-checkout',
  value: true,
  variant: 'on',
  reason: 'SPLIT',
  details: { bucket: 0.0421 },
  revision: 7,
};

const { values } = parseArgs({ strict: false, options: { workers: { type: 'string', default: '1' } } });
const workers = Number(values.workers);

if (workers > 1 && cluster.isPrimary) {
  const ports: Promise<number>[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork();
    ports.push(new Promise((resolve) => worker.on('message', (m: { port: number }) => resolve(m.port))));
  }
  const [port] = await Promise.all(ports);
  process.stderr.write(`bare fastify (${workers} workers) listening on http://127.0.0.1:${port}\n`);
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  const app = Fastify();
  app.post(BARE_PATH, async () => CONSTANT);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  if (cluster.isWorker) process.send?.({ port });
  else process.stderr.write(`bare fastify listening on http://127.0.0.1:${port}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
