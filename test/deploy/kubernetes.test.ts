// The Kubernetes manifests (deploy/kubernetes): each overlay rendered by a real
// kustomize, every resource valid against the Kubernetes API's schemas (the
// official OpenAPI definitions compiled to Ajv validators by the
// `kubernetes-models` package), and wired together as docs/operations.md says:
// probes on routes the server really answers, selectors that select, secrets
// for the credentials, an environment the server accepts.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../server/config.js';
import { ROOT } from '../cli/support/run-ff.js';
import { startTestServer, type TestServer } from '../server/helpers/server.js';
import { renderOverlay, type Resource } from './kustomize.js';

const OVERLAYS = ['staging', 'production'] as const;
const NAMESPACE = { staging: 'ff-staging', production: 'ff-production' };

interface Model {
  new (data: unknown): { validate(): void };
}

/** The validator of one apiVersion/kind, e.g. `apps/v1` `Deployment`. */
async function modelOf(apiVersion: string, kind: string): Promise<Model> {
  const module = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`)) as Record<string, Model>;
  const model = module[kind];
  if (model === undefined) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return model;
}

async function schemaErrors(resource: Resource): Promise<string | null> {
  const Model = await modelOf(resource.apiVersion, resource.kind);
  try {
    new Model(resource).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are checked field by field */
const find = (resources: Resource[], kind: string): any => {
  const found = resources.filter((r) => r.kind === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0];
};

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, renderOverlay(join(ROOT, 'deploy/kubernetes/overlays', o))])) as Record<
  (typeof OVERLAYS)[number],
  Resource[]
>;

describe('the schema check itself', () => {
  it('rejects what the API server would reject', async () => {
    const deployment = find(rendered.staging, 'Deployment');
    const broken = structuredClone(deployment);
    broken.spec.replicas = 'two';
    broken.spec.template.spec.containers[0].readinessProbe.httpGet.port = { name: 'http' };
    const errors = await schemaErrors(broken);
    expect(errors).toContain('/spec/replicas must be integer');
    expect(await schemaErrors({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'x' }, spec: { minAvailable: [] } })).not.toBeNull();
  });
});

describe.each(OVERLAYS)('deploy/kubernetes/overlays/%s', (overlay) => {
  const resources = rendered[overlay];
  const deployment = find(resources, 'Deployment');
  const pod = deployment.spec.template;
  const container = pod.spec.containers.find((c: any) => c.name === 'ff');

  it('every resource is valid against the Kubernetes schemas', async () => {
    expect(resources.map((r) => r.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'Ingress',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
        ...(overlay === 'production' ? ['HorizontalPodAutoscaler'] : []),
      ].sort(),
    );
    for (const resource of resources) {
      expect(await schemaErrors(resource), `${resource.kind}/${resource.metadata.name}`).toBeNull();
    }
  });

  it('puts everything in its own namespace', () => {
    for (const r of resources) expect(r.metadata.namespace, `${r.kind}/${r.metadata.name}`).toBe(NAMESPACE[overlay]);
  });

  it('probes: startup and liveness on /healthz, readiness on /readyz, on the container’s port', () => {
    const port = container.ports.find((p: any) => p.name === 'http');
    expect(port.containerPort).toBe(8000);
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // The startup probe covers a slow start (database retried with backoff) before liveness may restart it.
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(60);
  });

  it('requests and limits CPU and memory, and caps the heap below the memory limit', () => {
    const { requests, limits } = container.resources;
    for (const quantities of [requests, limits]) {
      expect(String(quantities.cpu)).toMatch(/^\d+(\.\d+)?m?$/);
      expect(quantities.memory).toMatch(/^\d+(Mi|Gi)$/);
    }
    const mib = (q: string) => Number(/^(\d+)(Mi|Gi)$/.exec(q)![1]) * (q.endsWith('Gi') ? 1024 : 1);
    const heap = Number(/--max-old-space-size=(\d+)/.exec(container.env.find((e: any) => e.name === 'NODE_OPTIONS').value)![1]);
    expect(heap).toBeLessThan(mib(limits.memory));
    expect(mib(requests.memory)).toBeLessThanOrEqual(mib(limits.memory));
  });

  it('runs as a non-root user on a read-only root filesystem, with /tmp writable', () => {
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.spec.volumes.find((v: any) => v.name === 'tmp').emptyDir).toEqual({ sizeLimit: '64Mi' });
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    // The image's `node` user is uid 1000.
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
  });

  it('takes the database URL and the JWT secret from Secrets, the rest from the generated ConfigMap', () => {
    const fromSecret = Object.fromEntries(container.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => [e.name, e.valueFrom.secretKeyRef]));
    expect(fromSecret).toEqual({ FF_DATABASE_URL: { name: 'ff-database', key: 'url' }, FF_JWT_SECRET: { name: 'ff-auth', key: 'jwt-secret' } });
    const configMap = find(resources, 'ConfigMap');
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    // A hashed name: changing a setting rolls the Deployment.
    expect(configMap.metadata.name).toMatch(/^ff-config-[a-z0-9]{10}$/);
    expect(JSON.stringify(configMap.data)).not.toMatch(/postgres:|password|secret/i);
  });

  it('sets only variables the server reads, and the server accepts them', () => {
    const configMap = find(resources, 'ConfigMap');
    const env: Record<string, string> = { ...configMap.data };
    for (const e of container.env) env[e.name] = e.value ?? '';
    const names = Object.keys(env).filter((n) => n !== 'NODE_OPTIONS');
    for (const name of names) expect(CONFIG_VARIABLES, `${name} is not a server setting`).toContain(name);
    env.FF_DATABASE_URL = 'postgres://ff:secret@db.internal:5432/ff?sslmode=require';
    env.FF_JWT_SECRET = 'x'.repeat(48);
    const config = loadConfig(env);
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8000, databaseUrl: env.FF_DATABASE_URL, dev: false });
  });

  it('rolls out without losing capacity, and drains before it stops', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const preStop = container.lifecycle.preStop.exec.command;
    expect(preStop[0]).toBe('sleep');
    expect(Number(preStop[1])).toBeLessThan(pod.spec.terminationGracePeriodSeconds);
  });

  it('the Service and the PodDisruptionBudget select the Deployment’s pods', () => {
    const labels = pod.metadata.labels;
    expect(selects(deployment.spec.selector.matchLabels, labels)).toBe(true);
    const service = find(resources, 'Service');
    expect(selects(service.spec.selector, labels)).toBe(true);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    const pdb = find(resources, 'PodDisruptionBudget');
    expect(selects(pdb.spec.selector.matchLabels, labels)).toBe(true);
  });

  it('the PodDisruptionBudget lets a drain evict one replica and never all', () => {
    const pdb = find(resources, 'PodDisruptionBudget').spec;
    const hpa = resources.find((r) => r.kind === 'HorizontalPodAutoscaler') as any;
    const replicas: number = hpa ? hpa.spec.minReplicas : deployment.spec.replicas;
    expect(replicas).toBeGreaterThanOrEqual(2);
    const evictable = pdb.maxUnavailable ?? replicas - pdb.minAvailable;
    expect(evictable).toBeGreaterThanOrEqual(1);
    expect(evictable).toBeLessThan(replicas);
  });

  it('the Ingress keeps the change stream unbuffered and open, and routes to the Service', () => {
    const ingress = find(resources, 'Ingress');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    // Far above the server's heartbeat (FF_STREAM_HEARTBEAT_MS), in seconds.
    const heartbeatS = Number(find(resources, 'ConfigMap').data.FF_STREAM_HEARTBEAT_MS) / 1000;
    expect(Number(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThan(4 * heartbeatS);
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    expect(backend).toEqual({ name: find(resources, 'Service').metadata.name, port: { name: 'http' } });
  });

  it('pins the image by tag', () => {
    expect(container.image).toMatch(/^[a-z0-9./-]+\/ff:[A-Za-z0-9._-]+$/);
    expect(container.image).not.toMatch(/:latest$/);
    if (overlay === 'production') expect(container.image).toMatch(/:\d+\.\d+\.\d+$/);
  });
});

describe('production', () => {
  const resources = rendered.production;
  it('scales on CPU with the Deployment as target, and leaves the count to the autoscaler', () => {
    const hpa = find(resources, 'HorizontalPodAutoscaler');
    const deployment = find(resources, 'Deployment');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBe(3);
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it('spreads replicas over zones and nodes', () => {
    const keys = find(resources, 'Deployment').spec.template.spec.topologySpreadConstraints.map((c: any) => c.topologyKey);
    expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });
});

describe('the probes’ routes on a real server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s.close());

  it('answer without credentials', async () => {
    const container = find(rendered.production, 'Deployment').spec.template.spec.containers[0];
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const r = await s.call('GET', container[probe].httpGet.path, { token: null, tenant: null });
      expect(r.status, probe).toBe(200);
    }
  });
});
