// The last good configuration on disk: written after each one the server
// sends, read at start so a restart with the server down serves the last
// known flags. The file holds the document exactly as served, so a
// `curl …/v1/config > file` is a valid bootstrap too.
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EnvironmentConfigDocument } from '../../core/model/index.js';
import { SdkError } from './errors.js';

const FORMAT = 'ff-sdk-config/1';

interface PersistedFile {
  format: typeof FORMAT;
  etag: string | null;
  saved_at: string;
  config: EnvironmentConfigDocument;
}

/** What a file holds: the document (still to be validated) and the ETag it was served with. */
export interface ReadDocument {
  value: unknown;
  etag: string | undefined;
}

/** Reads a persisted file or a bare document; SdkError FILE_ERROR when missing or not JSON. */
export function readConfigFile(file: string): ReadDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SdkError('FILE_ERROR', `cannot read ${file}: ${(error as Error).message}`, undefined, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SdkError('FILE_ERROR', `${file} is not JSON: ${(error as Error).message}`, undefined, { cause: error });
  }
  const wrapped = value as Partial<PersistedFile> | null;
  if (typeof wrapped === 'object' && wrapped !== null && wrapped.format === FORMAT) {
    return { value: wrapped.config, etag: typeof wrapped.etag === 'string' ? wrapped.etag : undefined };
  }
  return { value, etag: undefined };
}

/**
 * Writes atomically (a temporary file renamed over the old one), so a crash
 * mid-write leaves the previous good file, never half of one.
 */
export async function writeConfigFile(file: string, config: EnvironmentConfigDocument, etag: string | undefined): Promise<void> {
  const body: PersistedFile = { format: FORMAT, etag: etag ?? null, saved_at: new Date().toISOString(), config };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, JSON.stringify(body));
    await rename(temp, file);
  } catch (error) {
    throw new SdkError('FILE_ERROR', `cannot write ${file}: ${(error as Error).message}`, undefined, { cause: error });
  }
}
