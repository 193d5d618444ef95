// The canonical key order of each kind of map in a flags repository file, and
// which kind each nested map is. Maps whose keys are user data (variants,
// environments, targets, rollout) are not listed: their order is the user's.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Pair, YAMLMap } from 'yaml';

type MapKind = 'root' | 'lifetimes' | 'prerequisite' | 'scheduleStep' | 'flag' | 'environmentConfig' | 'rule' | 'condition' | 'serve' | 'segment' | 'environment' | 'experiment' | 'experimentMetrics' | 'metric';

const ORDER: Readonly<Record<MapKind, readonly string[]>> = {
  root: ['version', 'tenant', 'name', 'environments', 'lifetimes', 'flags', 'segments', 'experiments'],
  lifetimes: ['release', 'experiment', 'operational', 'kill-switch', 'permission'],
  flag: ['key', 'description', 'owner', 'kind', 'expires', 'tags', 'type', 'variants', 'offVariant', 'salt', 'prerequisites', 'environments'],
  prerequisite: ['flag', 'variant'],
  environmentConfig: ['enabled', 'offVariant', 'targets', 'rules', 'default'],
  rule: ['id', 'description', 'conditions', 'serve'],
  condition: ['attribute', 'segment', 'operator', 'value', 'negate', 'caseInsensitive'],
  serve: ['variant', 'rollout', 'schedule', 'bucketBy'],
  scheduleStep: ['at', 'variant', 'rollout'],
  segment: ['key', 'description', 'match', 'conditions', 'include', 'exclude'],
  environment: ['key', 'name', 'description', 'allowedOrigins'],
  experiment: ['key', 'description', 'hypothesis', 'owner', 'flag', 'environment', 'rule', 'variants', 'unit', 'start', 'stop', 'minimumDetectableEffect', 'metrics'],
  experimentMetrics: ['primary', 'guardrails'],
  metric: ['event', 'type', 'windowHours'],
};

/** What a key's value holds, by the kind of map the key is in. */
type Child = { list: MapKind } | { map: MapKind } | { mapOf: MapKind };
const CHILDREN: Readonly<Partial<Record<MapKind, Readonly<Record<string, Child>>>>> = {
  root: { environments: { list: 'environment' }, lifetimes: { map: 'lifetimes' }, flags: { list: 'flag' }, segments: { list: 'segment' }, experiments: { list: 'experiment' } },
  flag: { prerequisites: { list: 'prerequisite' }, environments: { mapOf: 'environmentConfig' } },
  environmentConfig: { rules: { list: 'rule' }, default: { map: 'serve' } },
  rule: { conditions: { list: 'condition' }, serve: { map: 'serve' } },
  serve: { schedule: { list: 'scheduleStep' } },
  segment: { conditions: { list: 'condition' } },
  experiment: { metrics: { map: 'experimentMetrics' } },
  experimentMetrics: { primary: { map: 'metric' }, guardrails: { list: 'metric' } },
};

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function sortPairs(map: YAMLMap, order: readonly string[]): void {
  const rank = (pair: unknown): number => {
    const key = isPair(pair) ? keyOf(pair) : undefined;
    const index = key === undefined ? -1 : order.indexOf(key);
    return index === -1 ? order.length : index;
  };
  // Array.prototype.sort is stable: unknown keys keep their relative order, last.
  map.items.sort((a, b) => rank(a) - rank(b));
}

function orderMap(node: unknown, kind: MapKind): void {
  if (!isMap(node)) return; // aliases and malformed values are left as they are
  sortPairs(node, ORDER[kind]);
  const children = CHILDREN[kind] ?? {};
  for (const pair of node.items) {
    const key = isPair(pair) ? keyOf(pair) : undefined;
    const child = key === undefined ? undefined : children[key];
    if (child === undefined) continue;
    const value = pair.value;
    if ('list' in child) {
      if (isSeq(value)) for (const item of value.items) orderMap(item, child.list);
    } else if ('map' in child) {
      orderMap(value, child.map);
    } else if (isMap(value)) {
      for (const entry of value.items) if (isPair(entry)) orderMap(entry.value, child.mapOf);
    }
  }
}

/** Puts every known map of the document (from its root map) in canonical key order. */
export function orderKeys(contents: unknown): void {
  orderMap(contents, 'root');
}
