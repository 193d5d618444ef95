// The baseline for `ff validate` at scale: js-yaml alone (its default load,
// nothing checked) parsing every YAML file under a folder, read from disk as
// ff validate reads them. Run as its own process, like the command it is
// compared with, so both pay Node's start-up.
//
//   node dist/bench/cli/js-yaml-parse.js DIR
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: js-yaml-parse.js DIR');
  process.exit(1);
}
const files = readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
  .map((entry) => path.join(entry.parentPath, entry.name));
let keys = 0;
for (const file of files) {
  const value = load(readFileSync(file, 'utf8'));
  if (typeof value === 'object' && value !== null) keys += Object.keys(value).length;
}
console.log(`js-yaml parsed ${files.length} files (${keys} top-level keys)`);
