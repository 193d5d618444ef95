import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away directory; `remove()` in afterAll/afterEach. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function tempDir(prefix = 'ff-cli-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes `files` (relative path → content) under `root`. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), content);
  }
}

export async function copyDir(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}

/** A small, valid repository whose answers the e2e tests can predict exactly. */
export const SMALL_REPO: Record<string, string> = {
  'shop/tenant.yaml': `# yaml-language-server: $schema=../../schemas/tenant.schema.json
version: 1
tenant: shop
environments:
  - key: dev
  - key: prod
`,
  'shop/flags.yaml': `# yaml-language-server: $schema=../../schemas/flags-file.schema.json
version: 1
flags:
  - key: banner
    type: string
    variants:
      blue: "blue"
      green: "green"
    offVariant: blue
    environments:
      prod:
        enabled: true
        targets:
          green: [vip-1]
        rules:
          - id: pros
            conditions:
              - attribute: plan
                operator: equals
                value: pro
              - segment: staff
            serve:
              variant: green
          - id: half
            conditions:
              - attribute: country
                operator: in
                value: [NL, BE]
            serve:
              rollout: { green: 50, blue: 50 }
        default:
          variant: blue
segments:
  - key: staff
    match: any
    conditions:
      - attribute: email
        operator: ends_with
        value: "@shop.test"
    include: [boss]
`,
};
