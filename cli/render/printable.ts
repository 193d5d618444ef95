// Text that came from the user's files (file names, values quoted in
// messages) is shown, never obeyed: a terminal must not run its escape
// sequences, and a CI log must not read a line of it as a workflow command
// (`::error file=…::`, which GitHub's runner accepts after leading spaces).

// eslint-disable-next-line no-control-regex -- control characters are what is escaped
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- the same, line feeds kept
const CONTROL_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

const escapeOne = (c: string): string => {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** Every control character (line breaks and ESC included) as a visible escape: `a\nb`, `\e[31m`. */
export function printable(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** As printable(), but line feeds stay: for messages whose continuation lines are indented. */
export function printableLines(text: string): string {
  return text.replace(CONTROL_BUT_LF, escapeOne);
}

/** A line that would start a workflow command (`::name …::`, leading spaces allowed) gets a backslash first. */
export function notACommand(line: string): string {
  return /^\s*::/.test(line) ? line.replace('::', '\\::') : line;
}
