#!/usr/bin/env node
// Generates a large, valid flags repository (docs/flags-format.md) for benchmarks
// and load tests: N flags × 3 environments over 1–2 tenants, with a realistic mix
// of flag types, targets, rules, segments and rollouts.
//
// Deterministic: every choice comes from a seeded PRNG (mulberry32), so the same
// arguments always produce byte-identical files, and a figure measured on
// "10,000 flags, seed 42" means the same repository on every machine.
//
//   node scripts/gen-repo.mjs --out /tmp/repo [--flags 10000] [--tenants 1|2]
//                             [--seed 42] [--flags-per-file 250] [--force]
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Document, isScalar, visit } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMAS_DIR = path.join(ROOT, 'schemas');
const TENANT_NAMES = ['gen-acme', 'gen-globex'];
const ENVIRONMENTS = ['development', 'staging', 'production'];

/** mulberry32: tiny, fast, good enough for picking test data; never used for bucketing. */
export function createRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  const chance = (p) => next() < p;
  const sample = (list, n) => {
    const copy = [...list];
    const out = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
    return out;
  };
  /** Picks a key of `weights` with probability proportional to its weight. */
  const weighted = (weights) => {
    const entries = Object.entries(weights);
    let r = next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, w] of entries) {
      r -= w;
      if (r < 0) return key;
    }
    return entries[entries.length - 1][0];
  };
  return { next, int, pick, chance, sample, weighted };
}

const AREAS = ['checkout', 'search', 'billing', 'onboarding', 'mobile', 'reporting', 'inbox', 'profile', 'admin', 'api'];
const NOUNS = ['redesign', 'banner', 'limit', 'experiment', 'widget', 'layout', 'cache', 'prompt', 'export', 'pricing'];
const TEAMS = ['team-checkout', 'team-growth', 'team-platform', 'team-mobile', 'team-search', 'team-sre'];
const PLANS = ['free', 'pro', 'business', 'enterprise'];
const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'SE', 'PL', 'BR', 'MX', 'JP', 'IN', 'AU'];
const VERSIONS = ['3.2.1', '3.9.0', '4.0.0', '4.2.0', '4.3.1', '5.0.0', '5.1.0-beta.2'];
const DATES = ['2024-01-01T00:00:00Z', '2025-03-01T00:00:00Z', '2025-11-15T12:00:00Z', '2026-06-01T00:00:00Z'];

/**
 * One generator per operator family. Each rule of a flag uses a distinct template
 * for its first condition, so no rule repeats an earlier one (which the validator
 * would rightly flag as unreachable).
 */
const CONDITION_TEMPLATES = [
  (r) => ({ attribute: 'plan', operator: 'equals', value: r.pick(PLANS) }),
  (r) => ({ attribute: 'plan', operator: 'not_equals', value: r.pick(PLANS) }),
  (r) => ({ attribute: 'country', operator: 'in', value: r.sample(COUNTRIES, r.int(2, 6)) }),
  (r) => ({ attribute: 'country', operator: 'not_in', value: r.sample(COUNTRIES, r.int(1, 4)) }),
  (r) => ({ attribute: 'email', operator: 'ends_with', value: r.pick(['@example.com', '@corp.example', '@partner.example']), caseInsensitive: true }),
  (r) => ({ attribute: 'email', operator: 'contains', value: r.pick(['+beta', 'qa.', 'test']) }),
  (r) => ({ attribute: 'path', operator: 'starts_with', value: r.pick(['/beta/', '/admin/', '/api/v2/']) }),
  (r) => ({ attribute: 'userAgent', operator: 'matches', value: r.pick(['(Android|iPhone|iPad)', 'Firefox/[0-9]+', '(bot|crawler|spider)']), ...(r.chance(0.5) ? { caseInsensitive: true } : {}) }),
  (r) => ({ attribute: 'accountAgeDays', operator: r.pick(['lt', 'lte']), value: r.int(1, 30) }),
  (r) => ({ attribute: 'seats', operator: r.pick(['gt', 'gte']), value: r.pick([10, 50, 100, 500]) }),
  (r) => ({ attribute: 'appVersion', operator: r.pick(['semver_eq', 'semver_lt', 'semver_lte', 'semver_gt', 'semver_gte']), value: r.pick(VERSIONS) }),
  (r) => ({ attribute: 'signupDate', operator: r.pick(['before', 'after']), value: r.pick(DATES) }),
  () => ({ attribute: 'betaOptIn', operator: 'equals', value: true }),
  (r) => ({ attribute: 'employeeId', operator: 'exists', ...(r.chance(0.3) ? { negate: true } : {}) }),
];

function makeCondition(r, template) {
  const condition = template(r);
  if (condition.operator !== 'exists' && r.chance(0.08)) condition.negate = true;
  return condition;
}

function makeSegment(r, index) {
  const conditions = r.sample(CONDITION_TEMPLATES, r.int(1, 3)).map((t) => makeCondition(r, t));
  const segment = {
    key: `segment-${String(index).padStart(4, '0')}`,
    description: `Generated audience ${index}`,
    match: r.chance(0.4) ? 'any' : 'all',
    conditions,
  };
  if (r.chance(0.5)) segment.include = Array.from({ length: r.int(1, 20) }, (_, i) => `user-${index * 100 + i}`);
  if (r.chance(0.3)) segment.exclude = Array.from({ length: r.int(1, 5) }, (_, i) => `user-${index * 100 + 50 + i}`);
  return segment;
}

/** Variants by type; the first entry is the off variant, the second the usual "on". */
function makeVariants(r, type) {
  switch (type) {
    case 'boolean':
      return { off: false, on: true };
    case 'string': {
      const n = r.int(2, 4);
      const names = ['control', 'treatment-a', 'treatment-b', 'treatment-c'].slice(0, n);
      return Object.fromEntries(names.map((name) => [name, `${name}-copy`]));
    }
    case 'number':
      return { standard: 100, high: 1000, low: r.pick([5, 10, 20]) };
    default:
      return {
        v1: { algorithm: 'classic', maxResults: 20, enabled: false },
        v2: { algorithm: 'vector', maxResults: r.pick([25, 50, 100]), enabled: true, tags: ['fast', 'beta'] },
      };
  }
}

function makeRollout(r, variantNames) {
  const names = variantNames.length > 2 && r.chance(0.5) ? variantNames.slice(0, 3) : variantNames.slice(0, 2);
  const onShare = r.pick([1, 5, 10, 25, 50]);
  if (names.length === 3) return { [names[0]]: 34, [names[1]]: 33, [names[2]]: 33 };
  return { [names[1]]: onShare, [names[0]]: 100 - onShare };
}

function makeServe(r, variantNames, allowBucketBy) {
  if (r.chance(0.7)) return { variant: r.pick(variantNames) };
  const serve = { rollout: makeRollout(r, variantNames) };
  if (allowBucketBy && r.chance(0.3)) serve.bucketBy = 'accountId';
  return serve;
}

function makeRules(r, count, variantNames, segmentKeys) {
  return r.sample(CONDITION_TEMPLATES, count).map((template, i) => {
    const conditions = [makeCondition(r, template)];
    if (segmentKeys.length > 0 && r.chance(0.25)) conditions.push({ segment: r.pick(segmentKeys), ...(r.chance(0.1) ? { negate: true } : {}) });
    if (r.chance(0.2)) conditions.push(makeCondition(r, r.pick(CONDITION_TEMPLATES)));
    return { id: `rule-${i + 1}`, conditions, serve: makeServe(r, variantNames, true) };
  });
}

function makeFlag(r, index, segmentKeys) {
  const type = r.weighted({ boolean: 60, string: 20, number: 10, object: 10 });
  const variants = makeVariants(r, type);
  const variantNames = Object.keys(variants);
  const offVariant = variantNames[0];
  const onVariant = variantNames[1];
  const flag = {
    key: `${r.pick(AREAS)}-${r.pick(NOUNS)}-${String(index).padStart(5, '0')}`,
    description: `Generated ${type} flag ${index}`,
    owner: r.pick(TEAMS),
    tags: r.sample(['web', 'mobile', 'api', 'experiment', 'ops', 'kill-switch'], r.int(1, 3)),
    type,
    variants,
    offVariant,
  };
  if (r.chance(0.1)) flag.salt = `salt-${index}`;

  const environments = {
    development: { enabled: true, default: { variant: onVariant } },
  };
  if (!r.chance(0.05)) {
    environments.staging = {
      enabled: !r.chance(0.1),
      rules: makeRules(r, r.int(0, 2), variantNames, segmentKeys),
      default: { rollout: { [onVariant]: 50, [offVariant]: 50 } },
    };
  }
  const production = { enabled: !r.chance(0.15) };
  if (r.chance(0.1)) production.offVariant = r.pick(variantNames);
  if (r.chance(0.15)) production.targets = { [onVariant]: Array.from({ length: r.int(1, 10) }, (_, i) => `user-${index * 10 + i}`) };
  const ruleCount = r.weighted({ 0: 30, 1: 25, 2: 20, 3: 12, 4: 8, 5: 5 });
  production.rules = makeRules(r, Number(ruleCount), variantNames, segmentKeys);
  const defaultKind = r.weighted({ off: 50, rollout: 35, on: 15 });
  production.default =
    defaultKind === 'rollout' ? { rollout: makeRollout(r, variantNames) } : { variant: defaultKind === 'on' ? onVariant : offVariant };
  environments.production = production;
  for (const env of Object.values(environments)) if (env.rules?.length === 0) delete env.rules;
  flag.environments = environments;
  return flag;
}

/** Short lists and rollout maps in flow style (`[a, b]`, `{ on: 10, off: 90 }`), as a person would write them. */
function toYaml(body) {
  const doc = new Document(body);
  visit(doc, {
    Seq(_, node) {
      if (node.items.every(isScalar)) node.flow = true;
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'rollout') pair.value.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function yamlFile(filePath, schemaKind, body) {
  const schemaRef = path.relative(path.dirname(filePath), path.join(SCHEMAS_DIR, `${schemaKind}.schema.json`)).split(path.sep).join('/');
  const text = `# yaml-language-server: $schema=${schemaRef}\n${toYaml(body)}`;
  mkdirSync(path.dirname(filePath), { recursive: true });
  writeFileSync(filePath, text);
  return Buffer.byteLength(text);
}

/**
 * Writes the repository into `outDir` and returns what it wrote.
 * `force` empties a non-empty `outDir` first; without it a non-empty dir is an error.
 */
export function generateRepository({ outDir, flags = 10_000, tenants = 1, seed = 42, flagsPerFile = 250, force = false }) {
  if (!Number.isInteger(flags) || flags < 1) throw new Error(`--flags must be a positive integer, got ${flags}`);
  if (tenants !== 1 && tenants !== 2) throw new Error(`--tenants must be 1 or 2, got ${tenants}`);
  if (!Number.isInteger(flagsPerFile) || flagsPerFile < 1) throw new Error(`--flags-per-file must be a positive integer`);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    if (!force) throw new Error(`${outDir} is not empty (pass --force to replace it)`);
    rmSync(outDir, { recursive: true, force: true });
  }
  const r = createRng(seed);
  const summary = { outDir, tenants: [], files: 0, flags: 0, segments: 0, bytes: 0 };

  for (let t = 0; t < tenants; t++) {
    const tenant = TENANT_NAMES[t];
    const tenantDir = path.join(outDir, tenant);
    const tenantFlags = Math.floor(flags / tenants) + (t < flags % tenants ? 1 : 0);
    const segmentCount = Math.max(4, Math.round(tenantFlags / 100));

    summary.bytes += yamlFile(path.join(tenantDir, 'tenant.yaml'), 'tenant', {
      version: 1,
      tenant,
      name: `Generated tenant ${tenant}`,
      environments: ENVIRONMENTS.map((key) => ({ key })),
    });
    const segments = Array.from({ length: segmentCount }, (_, i) => makeSegment(r, i + 1));
    summary.bytes += yamlFile(path.join(tenantDir, 'segments.yaml'), 'flags-file', { version: 1, segments });
    summary.files += 2;
    summary.segments += segmentCount;

    const segmentKeys = segments.map((s) => s.key);
    for (let start = 0; start < tenantFlags; start += flagsPerFile) {
      const count = Math.min(flagsPerFile, tenantFlags - start);
      const batch = Array.from({ length: count }, (_, i) => makeFlag(r, start + i + 1, segmentKeys));
      const file = path.join(tenantDir, 'flags', `part-${String(start / flagsPerFile + 1).padStart(4, '0')}.yaml`);
      summary.bytes += yamlFile(file, 'flags-file', { version: 1, flags: batch });
      summary.files += 1;
    }
    summary.flags += tenantFlags;
    summary.tenants.push({ tenant, flags: tenantFlags, segments: segmentCount });
  }
  return summary;
}

function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      flags: { type: 'string', default: '10000' },
      tenants: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      'flags-per-file': { type: 'string', default: '250' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.out) {
    console.log('usage: node scripts/gen-repo.mjs --out DIR [--flags 10000] [--tenants 1|2] [--seed 42] [--flags-per-file 250] [--force]');
    process.exit(values.help ? 0 : 1);
  }
  const summary = generateRepository({
    outDir: path.resolve(values.out),
    flags: Number(values.flags),
    tenants: Number(values.tenants),
    seed: Number(values.seed),
    flagsPerFile: Number(values['flags-per-file']),
    force: values.force,
  });
  console.log(
    `wrote ${summary.flags} flags, ${summary.segments} segments in ${summary.files} files ` +
      `(${(summary.bytes / 1024 / 1024).toFixed(1)} MiB) to ${summary.outDir}`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    console.error(`gen-repo: ${err.message}`);
    process.exit(1);
  }
}
