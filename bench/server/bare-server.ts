// The baseline: a bare Fastify app (no logger, no hooks, no plugins) with one
// POST route answering a constant JSON body about the size of an evaluation
// answer. It parses the same request body ours does, so the ratio measures what
// ff adds on top of Fastify's HTTP and JSON handling: authentication,
// validation, evaluation, metrics, logging, security headers, serialization.
//
//   node dist/bench/server/bare-server.js   → prints "listening on http://127.0.0.1:<port>" on stderr
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

const app = Fastify();
app.post(BARE_PATH, async () => CONSTANT);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.stderr.write(`bare fastify listening on http://127.0.0.1:${port}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
