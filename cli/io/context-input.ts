import { readFile } from 'node:fs/promises';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The evaluation context from `--context`: inline JSON, `@file` for a JSON
 * file, or `-` for standard input. Only the JSON syntax is checked here; what
 * the context holds is the engine's business (it answers INVALID_CONTEXT, it
 * does not throw), so `ff eval` shows what the server would answer.
 */
export async function readContext(
  spec: string,
  stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): Promise<unknown> {
  let text: string;
  let source: string;
  if (spec === '-') {
    // Waiting for someone to type JSON would be a prompt; ff never prompts.
    if (stdin.isTTY) throw new CliError('INVALID_CONTEXT', messages.contextStdinIsTerminal);
    source = '(stdin)';
    text = await readAll(stdin);
  } else if (spec.startsWith('@')) {
    const file = spec.slice(1);
    source = spec;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new CliError('INVALID_CONTEXT', messages.contextUnreadable(file, reason));
    }
  } else {
    source = 'value';
    text = spec;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError('INVALID_CONTEXT', messages.contextNotJson(source, (error as Error).message));
  }
}
