// A small web application that asks ff which checkout to show, in process.
// Run it against `make run`'s server (docs/sdk.md):
//
//   FF_SERVER=http://localhost:8000 FF_API_KEY=ffk_... node checkout-app.mjs
//   curl 'localhost:3000/?user=user-42&plan=enterprise'
//
// Flags are evaluated in memory by the OpenFeature client; ff keeps them live
// over the server's change stream, and ff-cache.json lets a restart serve the
// last known flags while the server is down.
import http from 'node:http';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { FfProvider } from '@ff/sdk/openfeature';

const provider = new FfProvider({
  server: process.env.FF_SERVER ?? 'http://localhost:8000',
  apiKey: process.env.FF_API_KEY,
  persistPath: process.env.FF_CACHE ?? 'ff-cache.json',
});
// Resolves at once from ff-cache.json when a previous run left one.
await OpenFeature.setProviderAndWait(provider);
const flags = OpenFeature.getClient();
flags.addHandler(ProviderEvents.ConfigurationChanged, (e) => console.log(`flags changed: ${e?.flagsChanged?.join(', ')}`));
flags.addHandler(ProviderEvents.Stale, () => console.log('ff server unreachable: serving the last known flags'));

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const context = { targetingKey: url.searchParams.get('user') ?? 'anonymous', plan: url.searchParams.get('plan') ?? 'free' };
  const checkout = await flags.getBooleanDetails('new-checkout', false, context);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ checkout: checkout.value ? 'new' : 'classic', reason: checkout.reason, revision: checkout.flagMetadata.revision }));
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', async () => {
  server.close();
  await OpenFeature.close();
});
