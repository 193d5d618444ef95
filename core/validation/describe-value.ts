// Short human descriptions of values and JSON types, for messages.

const MAX_SHOWN = 40;

function shown(text: string): string {
  return text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN - 1) + '…' : text;
}

/** "a string ("yes")", "a number (3)", "a list", "a map", "null". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `a string (${shown(JSON.stringify(value))})`;
    case 'number':
      return `a number (${String(value)})`;
    case 'boolean':
      return `a boolean (${String(value)})`;
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  object: 'map',
  array: 'list',
  null: 'null',
};

/** "a boolean", "a string or number", "a string, number or boolean". */
export function describeTypes(types: readonly string[]): string {
  const names = types.map((t) => TYPE_NAMES[t] ?? t);
  const article = /^[aeiou]/.test(names[0] ?? '') ? 'an' : 'a';
  if (names.length <= 1) return `${article} ${names[0] ?? 'value'}`;
  return `${article} ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** A value in a message: strings quoted, others as JSON. */
export function quote(value: unknown): string {
  return shown(typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value)));
}
