// The plan renderers are pure views of the plan document: golden strings for
// text and markdown, and the JSON is the document itself (valid per its schema).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { FieldChange } from '../../core/model/schema-types.js';
import { paletteFor, plain, stripAnsi } from '../../cli/io/colors.js';
import { renderPlanJson } from '../../cli/render/plan-json.js';
import { planMarker, renderPlanMarkdown } from '../../cli/render/plan-markdown.js';
import { renderPlanText } from '../../cli/render/plan-text.js';
import { describeFieldChange, fieldLine } from '../../cli/render/plan-values.js';
import { codeBlock, escapeMarkdown, inlineCode } from '../../cli/render/markdown.js';
import { ROOT } from './support/run-ff.js';
import { emptyPlan, mixedPlan } from './fixtures/plans.js';

const MIXED_TEXT = `Plan for tenant shop · all environments · against revision 41

+ create flag banner
    string flag · variants blue, green · production: enabled (1 rule)
~ update flag checkout
    tags: +[mobile, checkout] -[legacy]
    staging.enabled: true → false
    production.rules[1].serve.rollout.on: 50 → 25
    production.rules[1].serve.rollout.off: 50 → 75
    ⚠ production.rules[1]: share of on goes down 50% → 25% (users leave the rollout)
    ↯ drift: changed on the server outside Git by alice (api) at 2026-11-20T09:30:00.000Z; applying restores the files' version
- delete segment old-users
    match all · 0 conditions · 1 included · 0 excluded
    ⚠ deleted

Drift: 1 resource was changed on the server outside Git; applying restores what the files say.
Plan: 1 to create, 1 to update, 1 to delete.
`;

const EMPTY_TEXT = `Plan for tenant shop · all environments · against revision 41

No changes: the server already matches the files.

Plan: 0 to create, 0 to update, 0 to delete.
`;

describe('renderPlanText', () => {
  it('shows creates, updates field by field, deletes, risks and drift, then the summary', () => {
    expect(renderPlanText(mixedPlan(), plain)).toBe(MIXED_TEXT);
  });

  it('says there is nothing to change and still ends with the summary line', () => {
    expect(renderPlanText(emptyPlan(), plain)).toBe(EMPTY_TEXT);
  });

  it('colours only with a colour palette, and the colours carry no text', () => {
    const coloured = renderPlanText(mixedPlan(), paletteFor({ isTTY: true }, {}));
    expect(coloured).not.toBe(MIXED_TEXT);
    expect(stripAnsi(coloured)).toBe(MIXED_TEXT);
  });

  it('names the scope and lets ff diff name its revisions', () => {
    const scoped = { ...emptyPlan(), scope: { environments: ['production'] } };
    expect(renderPlanText(scoped, plain)).toContain('tenant shop · environment production only · against revision 41');
    const diff = renderPlanText(emptyPlan(), plain, { title: 'Diff', against: 'a..b', noChanges: 'Nothing.' });
    expect(diff.split('\n').slice(0, 3)).toEqual(['Diff for tenant shop · all environments · a..b', '', 'Nothing.']);
  });
});

describe('field changes', () => {
  const cases: [FieldChange, string][] = [
    [{ path: 'production.rules[1].serve.rollout.on', op: 'change', before: 10, after: 25 }, 'production.rules[1].serve.rollout.on: 10 → 25'],
    [{ path: 'tags', op: 'change', added: ['a', 'b'], removed: ['c'] }, 'tags: +[a, b] -[c]'],
    [{ path: 'tags', op: 'change', added: [], removed: ['c'] }, 'tags: -[c]'],
    [{ path: 'description', op: 'change', before: 'old', after: 'new' }, 'description: "old" → "new"'],
    [{ path: 'production.rules[2]', op: 'add', after: { id: 'beta', serve: { variant: 'on' } } }, 'production.rules[2]: + {"id":"beta","serve":{"variant":"on"}}'],
    [{ path: 'owner', op: 'remove', before: 'team-a' }, 'owner: - "team-a"'],
    [{ path: 'production.rules#order', op: 'change', before: ['a', 'b'], after: ['b', 'a'] }, 'production.rules#order: [a, b] → [b, a]'],
    [{ path: 'production.default.variant', op: 'change', before: null, after: 'on' }, 'production.default.variant: null → "on"'],
  ];
  it.each(cases)('%j reads as %s', (field, line) => {
    expect(fieldLine(field)).toBe(line);
  });

  it('has no path prefix for a change of the whole value', () => {
    expect(describeFieldChange({ path: '', op: 'change', before: 1, after: 2 })).toBe('1 → 2');
    expect(fieldLine({ path: '', op: 'change', before: 1, after: 2 })).toBe('1 → 2');
  });
});

const MIXED_MARKDOWN_HEAD = `<!-- ff-plan:shop -->
### ff plan · tenant \`shop\`

**Plan: 1 to create, 1 to update, 1 to delete.**  
_all environments · against revision 41_

> [!WARNING]
> Drift: 1 resource was changed on the server outside Git; applying restores what the files say.

> [!CAUTION]
> **2 risky changes**
> - \`flag checkout\`: production.rules\\[1\\]: share of on goes down 50% → 25% (users leave the rollout)
> - \`segment old-users\`: deleted

| action | resource | key | changes | notes |
|---|---|---|---|---|
| ➕ create | flag | \`banner\` | new |  |
| ✏️ update | flag | \`checkout\` | 4 fields | ⚠️ 1 risk · ↯ drift |
| 🗑️ delete | segment | \`old-users\` | removed | ⚠️ 1 risk |

`;

const CHECKOUT_DETAILS = `<details>
<summary>✏️ update flag <code>checkout</code> — 4 fields, ⚠️ 1 risk · ↯ drift</summary>

> - **⚠️ ROLLOUT_DECREASED** production.rules\\[1\\]: share of on goes down 50% → 25% (users leave the rollout)
> - **↯ drift** changed on the server outside Git by alice (api) at 2026-11-20T09:30:00.000Z; applying restores the files' version

- \`tags\`: \`+[mobile, checkout] -[legacy]\`
- \`staging.enabled\`: \`true → false\`
- \`production.rules[1].serve.rollout.on\`: \`50 → 25\`
- \`production.rules[1].serve.rollout.off\`: \`50 → 75\`

</details>
`;

describe('renderPlanMarkdown', () => {
  it('starts with the marker, the summary, drift, risks and a table of every change', () => {
    expect(renderPlanMarkdown(mixedPlan()).startsWith(MIXED_MARKDOWN_HEAD)).toBe(true);
  });

  it('has one collapsible section per resource, field by field for updates', () => {
    const md = renderPlanMarkdown(mixedPlan());
    expect(md.match(/<details>/g)).toHaveLength(3);
    expect(md.match(/<\/details>/g)).toHaveLength(3);
    expect(md).toContain(CHECKOUT_DETAILS);
    // A created resource is shown whole, as JSON.
    expect(md).toContain('<summary>➕ create flag <code>banner</code> — new</summary>');
    expect(md).toContain('```json\n{\n  "key": "banner",');
  });

  it('says there is nothing to change', () => {
    expect(renderPlanMarkdown(emptyPlan())).toBe(
      `${planMarker('shop')}\n### ff plan · tenant \`shop\`\n\n**Plan: 0 to create, 0 to update, 0 to delete.**  \n_all environments · against revision 41_\n\nNo changes: the server already matches the files.\n`,
    );
  });

  it('stays under the length limit, saying how much it left out', () => {
    const full = renderPlanMarkdown(mixedPlan());
    const noDetails = renderPlanMarkdown(mixedPlan(), { maxLength: MIXED_MARKDOWN_HEAD.length + 400 });
    expect(noDetails.length).toBeLessThan(full.length);
    expect(noDetails.length).toBeLessThanOrEqual(MIXED_MARKDOWN_HEAD.length + 400);
    expect(noDetails).toMatch(/_\d more changes? not shown in detail/);
    const noTable = renderPlanMarkdown(mixedPlan(), { maxLength: 700 });
    expect(noTable).toMatch(/_\d more changes? not shown in the table/);
    expect(noTable).toContain('<!-- ff-plan:shop -->');
  });
});

describe('markdown escaping', () => {
  it('keeps code spans intact whatever they hold', () => {
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`x`')).toBe('`` `x` ``');
    expect(inlineCode('a|b')).toBe('`a\\|b`');
    expect(codeBlock('```\nx')).toBe('````\n```\nx\n````\n');
  });

  it('shows text literally', () => {
    expect(escapeMarkdown('<b>*x*</b> [y](z) |')).toBe('&lt;b&gt;\\*x\\*&lt;/b&gt; \\[y\\](z) \\|');
  });
});

describe('renderPlanJson', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/plan.schema.json'), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

  it('prints the plan document, valid against schemas/plan.schema.json', () => {
    for (const plan of [mixedPlan(), emptyPlan(), { ...mixedPlan(), files_hash: 'sha256:abc' }]) {
      const printed = JSON.parse(renderPlanJson(plan)) as unknown;
      expect(validate(printed), JSON.stringify(validate.errors)).toBe(true);
      expect(printed).toEqual(plan);
    }
  });
});
