import { CliError } from '../errors.js';
import { messages } from '../messages.js';

export const DEFAULT_SERVER = 'http://localhost:8000';
/** Long enough for an apply of thousands of flags on a slow machine; FF_TIMEOUT overrides it. */
export const DEFAULT_TIMEOUT_S = 60;

/** Where the server is and how to authenticate: from --server/--token, else FF_SERVER/FF_TOKEN. */
export interface Connection {
  /** Base URL without a trailing slash. */
  server: string;
  token: string | undefined;
  timeoutMs: number;
}

interface ConnectionInput {
  server?: string | undefined;
  token?: string | undefined;
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError('USAGE', messages.badTimeout(value));
  return seconds * 1000;
}

/**
 * The connection a command uses. oclif already folds FF_SERVER/FF_TOKEN into
 * the flags (`env:` on the flag); the environment is read again here so the
 * function also works when called outside oclif (tests, the benchmark).
 */
export function resolveConnection(input: ConnectionInput, env: NodeJS.ProcessEnv = process.env): Connection {
  const raw = input.server ?? env.FF_SERVER ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError('USAGE', messages.badServerUrl(raw));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('USAGE', messages.badServerUrl(raw));
  const token = input.token ?? env.FF_TOKEN;
  return {
    server: url.toString().replace(/\/+$/, ''),
    token: token === undefined || token.trim() === '' ? undefined : token.trim(),
    timeoutMs: parseTimeout(env.FF_TIMEOUT),
  };
}
