// Every `ff` command, by id: oclif's "explicit" command discovery reads this
// table (package.json `oclif.commands`), which is what lets the installable CLI
// be one bundled file — oclif's default discovery globs a folder of command
// files at run time. A test checks that every file of cli/commands/ is here.
import Apply from './commands/apply.js';
import Audit from './commands/audit.js';
import Autocomplete from './commands/autocomplete.js';
import Codeowners from './commands/codeowners.js';
import Diff from './commands/diff.js';
import Eval from './commands/eval.js';
import Export from './commands/export.js';
import Fmt from './commands/fmt.js';
import KeysCreate from './commands/keys/create.js';
import KeysList from './commands/keys/list.js';
import KeysRevoke from './commands/keys/revoke.js';
import Lint from './commands/lint.js';
import Plan from './commands/plan.js';
import Promote from './commands/promote.js';
import Refs from './commands/refs.js';
import Token from './commands/token.js';
import Validate from './commands/validate.js';

export const COMMANDS = {
  apply: Apply,
  audit: Audit,
  autocomplete: Autocomplete,
  codeowners: Codeowners,
  diff: Diff,
  eval: Eval,
  export: Export,
  fmt: Fmt,
  'keys:create': KeysCreate,
  'keys:list': KeysList,
  'keys:revoke': KeysRevoke,
  lint: Lint,
  plan: Plan,
  promote: Promote,
  refs: Refs,
  token: Token,
  validate: Validate,
};
