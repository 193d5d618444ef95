// The YAML write-back of `ff export --drift`: the server's documents put into
// the files, every comment and untouched line kept, formatted like `ff fmt`.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { writeBackInSource } from '../../core/writeback/index.js';

const FILE = `# yaml-language-server: $schema=../../schemas/flags-file.schema.json
version: 1
flags:
  # The checkout, owned by payments.
  - key: checkout
    type: boolean
    variants: {on: true, off: false}
    offVariant: off
    environments:
      production:
        # Ramps weekly.
        enabled: true # on since the launch
        default:
          rollout: {on: 10, off: 90}
  - key: banner
    type: boolean
    variants: {on: true, off: false}
    offVariant: off
`;

const checkout = (enabled: boolean, on = 10) => ({
  key: 'checkout',
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  environments: { production: { enabled, default: { rollout: { on, off: 100 - on } } } },
});

describe('writeBackInSource', () => {
  it('changes only the scalar that differs; comments and the rest stay', () => {
    const r = writeBackInSource(FILE, 'flags.yaml', [{ section: 'flags', key: 'checkout', doc: checkout(false) }]);
    expect(r.written).toEqual(['flags:checkout']);
    expect(r.output).toBe(FILE.replace('enabled: true # on since the launch', 'enabled: false # on since the launch'));
  });

  it('adds and removes keys, replaces a list that changed length', () => {
    const doc = { ...checkout(true, 25), tags: ['web'], environments: { production: { enabled: true, rules: [{ id: 'staff', serve: { variant: 'on' } }] } } };
    const r = writeBackInSource(FILE, 'flags.yaml', [{ section: 'flags', key: 'checkout', doc }]);
    expect(parse(r.output).flags[0]).toEqual(doc);
    expect(r.output).toContain('# The checkout, owned by payments.');
  });

  it('removes a resource the server does not have, appends one only the server has (when asked)', () => {
    const extra = { key: 'new-one', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' };
    const kept = writeBackInSource(FILE, 'flags.yaml', [{ section: 'flags', key: 'new-one', doc: extra }]);
    expect(kept).toEqual({ output: FILE, written: [] });
    const r = writeBackInSource(FILE, 'flags.yaml', [{ section: 'flags', key: 'banner', doc: null }, { section: 'flags', key: 'new-one', doc: extra }], true);
    expect(parse(r.output).flags.map((f: { key: string }) => f.key)).toEqual(['checkout', 'new-one']);
    expect(r.written).toEqual(['flags:banner', 'flags:new-one']);
  });

  it('refuses a file with YAML errors, writing nothing', () => {
    const r = writeBackInSource('flags: [\n', 'bad.yaml', [{ section: 'flags', key: 'x', doc: null }]);
    expect(r.refused).toBe('the file has YAML errors');
    expect(r.output).toBe('flags: [\n');
  });
});
