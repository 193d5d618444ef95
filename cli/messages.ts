// Every sentence the CLI prints to a person, in one place, so wording stays
// consistent and a change of tone is one edit. Renderers format data; these
// functions phrase it.

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export const messages = {
  count: plural,

  repoNotFound: (dir: string) => `flags directory not found: ${dir}`,
  notADirectory: (dir: string) => `not a directory: ${dir}`,
  lintConfigInvalid: (file: string, problems: number) => `${file} is not a valid lint configuration (${plural(problems, 'problem')})`,
  invalidTime: (text: string) => `--at "${text}" is not an ISO-8601 date (2026-01-31) or date-time with an offset (2026-01-31T09:00:00Z)`,
  lintClean: (flags: number, tenants: number) => `No findings in ${plural(flags, 'flag')} (${plural(tenants, 'tenant')}).`,
  unknownFlag: (key: string, guess: string | undefined) => `no flag "${key}" in the repository${guess ? ` (did you mean "${guess}"?)` : ''}`,
  flagInSeveralTenants: (key: string, tenants: readonly string[]) => `flag "${key}" exists in tenants ${tenants.join(', ')}: name one with --tenant`,
  promoteNoFrom: (key: string, from: string) => `flag "${key}" has no configuration in ${from} to promote`,
  promoteSameEnvironment: (env: string) => `--from and --to are both ${env}`,
  promoteRefusedFile: (file: string, why: string) => `cannot promote in ${file}: ${why}`,
  promoteInvalid: (errors: number) => `the promoted files would not validate (${plural(errors, 'error')}); nothing was written`,
  promoted: (keys: readonly string[], from: string, to: string, files: number) =>
    `Promoted ${keys.join(', ')} from ${from} to ${to} (${plural(files, 'file')} rewritten).`,
  promotedDry: (keys: readonly string[], from: string, to: string) => `Would promote ${keys.join(', ')} from ${from} to ${to} (dry run: nothing written).`,
  promoteNothing: (from: string, to: string) => `Nothing to promote: ${to} already has the configuration of ${from}.`,
  codeownersConfigInvalid: (file: string, problems: number) => `${file} is not a valid codeowners configuration (${plural(problems, 'problem')})`,
  codeownersOutsideRoot: (dir: string, root: string) => `${dir} is outside ${root}: CODEOWNERS paths are relative to the repository root`,
  codeownersOutdated: (file: string) => `${file} does not match the flag owners: run \`ff codeowners\` and commit the result`,
  codeownersUpToDate: (file: string, files: number) => `${file} is up to date (${plural(files, 'flags file')} with owners).`,
  codeownersWritten: (file: string, files: number, changed: boolean) =>
    changed ? `Wrote ${file}: ${plural(files, 'flags file')} with owners.` : `${file} was already up to date (${plural(files, 'flags file')} with owners).`,
  codeownersUnmapped: (flag: string, owner: string, path: string) =>
    `flag "${flag}" (${path}): owner "${owner}" is not a GitHub owner (@user, @org/team, e-mail); map it in .ff-codeowners.yaml`,
  codeownersOwnerless: (flag: string, path: string) => `flag "${flag}" (${path}) has no owner: CODEOWNERS cannot require anyone's approval for it`,
  codeownersShared: (path: string) => `${path} holds flags of several owners: any one of them can approve a change to any flag of the file`,
  refsConfigInvalid: (file: string, problems: number) => `${file} is not a valid refs configuration (${plural(problems, 'problem')})`,
  refsNotADirectory: (root: string) => `source root not found: ${root} is not a directory`,
  refsSummary: (refs: number, flags: number, files: number, ms: number) =>
    `${plural(refs, 'reference')} to ${plural(flags, 'flag')} in ${plural(files, 'file')} searched (${ms} ms).`,
  refsUnreferenced: (keys: readonly string[]) => `Not referenced: ${keys.join(', ')}.`,
  repoInvalidForLint: (dir: string, errors: number) =>
    `${dir} has ${plural(errors, 'error')}; fix them (see \`ff validate ${dir}\`) before linting`,
  repoInvalid: (dir: string, errors: number) =>
    `${dir} has ${plural(errors, 'error')}; fix them (see \`ff validate ${dir}\`) before evaluating`,
  unknownTenant: (tenant: string, known: readonly string[]) =>
    `unknown tenant "${tenant}"${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (the repository has no tenants)'}`,
  unknownEnvironment: (tenant: string, env: string, known: readonly string[]) =>
    `unknown environment "${env}" for tenant "${tenant}" (known: ${known.join(', ') || 'none'})`,
  contextNotJson: (source: string, reason: string) => `--context ${source} is not valid JSON: ${reason}`,
  contextStdinIsTerminal: '--context - reads JSON from standard input, which is a terminal: pipe or redirect the JSON in',
  contextUnreadable: (file: string, reason: string) => `cannot read --context file ${file}: ${reason}`,
  usage: (commandId: string | undefined, detail: string) =>
    `${detail} (see \`ff ${commandId ? `${commandId} ` : ''}--help\`)`,
  unknownCommand: (id: string, known: readonly string[], suggestion?: string) =>
    `unknown command "${id.replace(/:/g, ' ')}"${suggestion === undefined ? '' : `: did you mean "${suggestion.replace(/:/g, ' ')}"?`} (commands: ${known.map((k) => k.replace(/:/g, ' ')).join(', ')}; see \`ff --help\`)`,
  didYouMeanFlag: (suggestion: string) => `did you mean --${suggestion}?`,
  didYouMeanFlagKey: (suggestion: string) => `no such flag in the tenant: did you mean "${suggestion}"?`,
  internal: (detail: string) => `internal error: ${detail} (set FF_DEBUG=1 for the stack trace)`,
  ioFailure: (file: string, reason: string) => `cannot access ${file}: ${reason}`,

  validateOk: (files: number, tenants: number) =>
    `No problems found in ${plural(files, 'file')} (${plural(tenants, 'tenant')}).`,
  validateProblems: (errors: number, warnings: number, files: number) =>
    `Found ${plural(errors, 'error')} and ${plural(warnings, 'warning')} in ${plural(files, 'file')}.`,

  fmtChanged: (files: number, unchanged: number) =>
    `Formatted ${plural(files, 'file')}, ${unchanged} already formatted.`,
  fmtCheckOk: (files: number) =>
    `${files === 1 ? 'The file is' : `All ${files} files are`} already formatted; nothing would change.`,
  fmtCheckDirty: (files: number) => `${plural(files, 'file')} ${files === 1 ? 'is' : 'are'} not formatted (nothing was written); run \`ff fmt\` to format, \`ff fmt --diff\` to see the changes.`,
  fmtRefused: (files: number) => `${plural(files, 'file')} could not be formatted and ${files === 1 ? 'was' : 'were'} left unchanged.`,
  fmtNoFiles: (dir: string) => `No YAML files found in ${dir}.`,

  // Talking to the server (cli/http).
  badServerUrl: (value: string) => `--server ${value} is not an http(s) URL`,
  badTimeout: (value: string) => `FF_TIMEOUT=${value} is not a positive number of seconds`,
  noToken: 'no token: pass --token or set FF_TOKEN (`ff token` mints a development token from FF_JWT_SECRET)',
  serverUnreachable: (server: string, reason: string) =>
    `cannot reach the ff server at ${server} (${reason}): is it running? Point --server or FF_SERVER at it`,
  serverTimeout: (server: string, seconds: number) =>
    `the ff server at ${server} did not answer within ${seconds} s (FF_TIMEOUT sets the limit)`,
  tokenExpired: (server: string, expiredAt: string) =>
    `the server at ${server} refused the token (401): it expired at ${expiredAt}; mint a new one (\`ff token\`, or your identity provider)`,
  tokenRefused: (server: string) =>
    `the server at ${server} refused the token (401): it is malformed, expired or signed with another secret`,
  forbidden: (request: string, reason: string | undefined) =>
    `the token may not do this: ${request} was refused (403${reason ? `: ${reason}` : ''}); check its scopes and tenants`,
  serverFailed: (server: string, request: string, status: number, code: string | undefined, requestId: string | undefined) =>
    `the server at ${server} failed on ${request} (${status}${code ? ` ${code}` : ''}${requestId ? `, request id ${requestId}` : ''}); its log has the cause`,
  notOurApi: (server: string, status: number, contentType: string | null) =>
    `the server at ${server} answered ${status} with something that is not the ff API (${contentType ?? 'no content type'}); check --server`,
  serverRefused: (request: string, status: number, code: string, message: string) => `${request} was refused (${status} ${code}): ${message}`,

  // Git (cli/git).
  notAGitRepository: (dir: string) => `${dir} is not inside a Git repository: ff apply records the commit the files come from`,
  noCommitYet: (top: string) => `the Git repository ${top} has no commit yet: commit the flags first`,
  outsideRepository: (dir: string, top: string) => `${dir} is outside the Git repository ${top}`,
  gitFailed: (command: string, reason: string) => `${command} failed${reason ? `: ${reason}` : ''}`,
  badRevision: (rev: string) => `"${rev}" is not a revision`,
  unknownRevision: (rev: string) => `unknown revision "${rev}" (a branch, tag or commit of the repository)`,
  badRange: (spec: string) => `"${spec}" is not a range: write A..B (two revisions; either side may be empty for HEAD)`,

  // ff plan / ff apply.
  serverUnknownTenant: (server: string, tenant: string) =>
    `unknown tenant "${tenant}": the server at ${server} has no state for it (check --tenant; a tenant exists once its first \`ff apply\` has run)`,
  remoteUnknownEnvironment: (tenant: string, env: string) => `the server has no environment "${env}" for tenant "${tenant}"`,
  planInvalidRepo: (dir: string, errors: number) =>
    `${dir} has ${plural(errors, 'error')}; fix them (see \`ff validate ${dir}\`): nothing is planned or applied from invalid files`,
  planVersionUnknown: (server: string, version: unknown) =>
    `the server at ${server} answered with a plan of format_version ${JSON.stringify(version)}; this ff reads version 1: upgrade ff`,
  planSaved: (file: string) => `Saved the plan to ${file}: apply it with \`ff apply ${file}\`.`,
  savedPlanDirty: (file: string) =>
    `the plan in ${file} was made from uncommitted files: pass --allow-dirty to apply it anyway (recorded as dirty), or plan from a commit`,
  planChanged: (base: number) =>
    `the plan is stale: the server is still at revision ${base}, but the files no longer plan the reviewed changes; re-run ff plan`,
  stalePlan: (base: number, current: number) =>
    `the plan is stale: it was computed against revision ${base}, the server is at revision ${current}; re-run ff plan`,
  deletesInUse: (count: number) =>
    `the plan deletes ${plural(count, 'flag')} still in use; nothing was changed (re-run with --allow-delete --allow-delete-in-use to delete them anyway)`,
  deletesNotAllowed: (count: number) =>
    `the plan deletes ${plural(count, 'resource')}; re-run with --allow-delete to apply deletions`,
  invalidState: (problems: number) => `the server refused the state as invalid (${plural(problems, 'problem')}); nothing was changed`,
  dirtyTree: (dir: string, files: number) =>
    `${dir} has ${plural(files, 'uncommitted change')}: commit them, or pass --allow-dirty to apply anyway (recorded as dirty)`,
  planFileInvalid: (file: string, reason: string) => `${file} is not a saved plan ff can apply: ${reason}`,
  planFilesChanged: (file: string, dir: string) =>
    `the files in ${dir} changed since the plan in ${file} was saved; run ff plan again`,
  planTenantMismatch: (file: string, saved: string, given: string) => `${file} is a plan for tenant "${saved}", not "${given}"`,
  planServerMismatch: (file: string, saved: string, given: string) =>
    `${file} was planned against ${saved}, not ${given}; plan again against this server`,
  tenantRequired: 'give --tenant (or a saved plan, which names its tenant)',
  approvalRequired:
    'ff apply needs approval and there is no terminal to ask on: review the plan, then pass --auto-approve (CI) or run it in a terminal',
  applyPrompt: (tenant: string, server: string) => `Apply these changes to tenant ${tenant} on ${server}? Only "yes" is accepted: `,
  applyCancelled: 'apply cancelled: nothing was changed',
  applied: (tenant: string, previous: number, revision: number) =>
    `Applied to tenant ${tenant}: revision ${previous} → ${revision}.`,
  appliedNothing: (tenant: string, revision: number) =>
    `No changes: tenant ${tenant} already matches the files; the revision stays ${revision}.`,
  dirtyApplied: (files: number) => `Warning: applying with ${plural(files, 'uncommitted change')} (--allow-dirty): recorded as dirty.`,

  // ff export.
  exportEmpty: (tenant: string) => `the server holds nothing for tenant "${tenant}" (revision 0): nothing to export`,
  exportTargetInUse: (dir: string) => `${dir} already exists and is not empty: export into a new folder`,
  exported: (files: number, dir: string, revision: number) => `Exported ${plural(files, 'file')} to ${dir} (revision ${revision}).`,
  exportedUsage: (file: string, evaluated: number, flags: number, days: number) => `Usage written to ${file}: ${evaluated} of ${plural(flags, 'flag')} evaluated in the last ${plural(days, 'day')}.`,
  driftExported: (resources: number, files: number, revision: number) =>
    resources === 0
      ? `No drift: the files already hold what the server has (revision ${revision}).`
      : `Wrote ${plural(resources, 'drifted resource')} into ${plural(files, 'file')} (the server's revision ${revision}): review, commit and apply.`,
  driftExportRefused: (file: string, why: string) => `cannot write the drift back into ${file}: ${why}`,

  // ff token / ff keys.
  missingSecret: 'FF_JWT_SECRET is not set (or shorter than 32 bytes): ff token signs with the secret the server verifies with',
  badTtl: (value: string) => `--ttl ${value} is not a duration between 1s and 30d (for example 15m, 1h, 7d)`,
  keyCreated: (id: string, environment: string) =>
    `Created API key ${id} for environment ${environment}. The key above is shown once: store it now.`,
  keyRevoked: (id: string) => `Revoked API key ${id}.`,
  noKeys: 'No API keys.',
  noAudit: 'No audit entries.',
} as const;
