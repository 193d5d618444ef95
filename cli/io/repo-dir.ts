import { stat } from 'node:fs/promises';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

/** Fails with one clear line when the flags directory is missing or is a file. */
export async function assertDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new CliError('REPO_NOT_FOUND', messages.repoNotFound(dir));
  if (!info.isDirectory()) throw new CliError('REPO_NOT_FOUND', messages.notADirectory(dir));
}
