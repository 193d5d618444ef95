// Every sentence the CLI prints to a person, in one place, so wording stays
// consistent and a change of tone is one edit. Renderers format data; these
// functions phrase it.

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export const messages = {
  count: plural,

  repoNotFound: (dir: string) => `flags directory not found: ${dir}`,
  notADirectory: (dir: string) => `not a directory: ${dir}`,
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
  unknownCommand: (id: string, known: readonly string[]) =>
    `unknown command "${id.replace(/:/g, ' ')}" (commands: ${known.map((k) => k.replace(/:/g, ' ')).join(', ')}; see \`ff --help\`)`,
  internal: (detail: string) => `internal error: ${detail} (set FF_DEBUG=1 for the stack trace)`,
  ioFailure: (file: string, reason: string) => `cannot access ${file}: ${reason}`,

  validateOk: (files: number, tenants: number) =>
    `No problems found in ${plural(files, 'file')} (${plural(tenants, 'tenant')}).`,
  validateProblems: (errors: number, warnings: number, files: number) =>
    `Found ${plural(errors, 'error')} and ${plural(warnings, 'warning')} in ${plural(files, 'file')}.`,

  fmtChanged: (files: number, unchanged: number) =>
    `Formatted ${plural(files, 'file')}, ${unchanged} already formatted.`,
  fmtCheckOk: (files: number) => `All ${plural(files, 'file')} formatted.`,
  fmtCheckDirty: (files: number) => `${plural(files, 'file')} would be reformatted; run \`ff fmt\`.`,
  fmtRefused: (files: number) => `${plural(files, 'file')} could not be formatted and ${files === 1 ? 'was' : 'were'} left unchanged.`,
  fmtNoFiles: (dir: string) => `No YAML files found in ${dir}.`,
} as const;
