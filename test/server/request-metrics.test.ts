// The request counter and latency histogram are kept outside prom-client's
// metric classes (a per-request cost); what /metrics shows must be exactly
// what prom-client's own Counter and Histogram show for the same requests.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { REQUEST_DURATION_BUCKETS } from '../../server/observability/metrics.js';
import { RequestMetrics } from '../../server/observability/request-metrics.js';

const observations: [string, string, string, number][] = [
  ['/v1/evaluate', 'POST', '200', 0.0004],
  ['/v1/evaluate', 'POST', '200', 0.0005], // on a bound: counts in that bucket (le is "less than or equal")
  ['/v1/evaluate', 'POST', '200', 0.0031],
  ['/v1/evaluate', 'POST', '401', 0.0002],
  ['/v1/flags/:key', 'GET', '404', 0.07],
  ['not_found', 'GET', '404', 3.5], // beyond the last bound: only +Inf
  ['/v1/evaluate', 'POST', '200', 0.25],
];

async function stock(): Promise<string> {
  const registry = new Registry();
  const labelNames = ['route', 'method', 'status'];
  const counter = new Counter({ name: 'http_requests_total', help: 'HTTP requests by route template, method and status', labelNames, registers: [registry] });
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status',
    labelNames,
    buckets: [...REQUEST_DURATION_BUCKETS],
    registers: [registry],
  });
  for (const [route, method, status, seconds] of observations) {
    counter.inc({ route, method, status });
    histogram.observe({ route, method, status }, seconds);
  }
  return registry.metrics();
}

async function ours(): Promise<{ text: string; metrics: RequestMetrics; registry: Registry }> {
  const registry = new Registry();
  const metrics = new RequestMetrics(registry, REQUEST_DURATION_BUCKETS);
  for (const [route, method, status, seconds] of observations) metrics.series(route, method, status).observe(seconds);
  return { text: await registry.metrics(), metrics, registry };
}

describe('RequestMetrics', () => {
  it('exposes exactly what prom-client’s Counter and Histogram expose for the same requests', async () => {
    expect((await ours()).text).toBe(await stock());
  });

  it('as JSON too, and a series handle resolved once keeps counting into the same series', async () => {
    const { metrics, registry } = await ours();
    const handle = metrics.series('/v1/evaluate', 'POST', '200');
    handle.observe(0.001);
    handle.observe(0.001);
    const json = await registry.getMetricsAsJSON();
    const counter = json.find((m) => m.name === 'http_requests_total');
    expect(counter?.type).toBe('counter');
    expect(counter?.values.find((v) => v.labels.route === '/v1/evaluate' && v.labels.status === '200')?.value).toBe(6);
    const count = json
      .find((m) => m.name === 'http_request_duration_seconds')
      ?.values.find((v) => (v as { metricName?: string }).metricName === 'http_request_duration_seconds_count' && v.labels.status === '200');
    expect(count?.value).toBe(6);
  });

  it('resets with the registry', async () => {
    const { registry } = await ours();
    registry.resetMetrics();
    const text = await registry.metrics();
    expect(text).toContain('http_requests_total{route="/v1/evaluate",method="POST",status="200"} 0');
    expect(text).toContain('http_request_duration_seconds_count{route="/v1/evaluate",method="POST",status="200"} 0');
  });
});

describe('ff_evaluations_total', () => {
  it('counts what the hot path added, once, however often it is scraped', async () => {
    const { createMetrics } = await import('../../server/observability/metrics.js');
    const metrics = createMetrics();
    const line = async () => (await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith('ff_evaluations_total{'));
    metrics.countEvaluations('acme', 'SPLIT', 1);
    metrics.countEvaluations('acme', 'SPLIT', 2);
    metrics.countEvaluations('acme', 'DEFAULT', 7);
    expect(await line()).toEqual(['ff_evaluations_total{tenant="acme",reason="SPLIT"} 3', 'ff_evaluations_total{tenant="acme",reason="DEFAULT"} 7']);
    expect(await line()).toEqual(['ff_evaluations_total{tenant="acme",reason="SPLIT"} 3', 'ff_evaluations_total{tenant="acme",reason="DEFAULT"} 7']);
    metrics.countEvaluations('acme', 'SPLIT', 1);
    expect(await line()).toContain('ff_evaluations_total{tenant="acme",reason="SPLIT"} 4');
  });
});
