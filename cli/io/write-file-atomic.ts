import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file's content without ever leaving it half-written: write a
 * hidden sibling (ignored by the loader), keep the mode, then rename over.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const { mode } = await stat(path);
  try {
    await writeFile(temp, content, { encoding: 'utf8', mode });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
