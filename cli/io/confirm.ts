import { createInterface } from 'node:readline/promises';

/** ff asks only when a person is there to answer: both stdin and stdout are terminals. */
export function canPrompt(stdin: { isTTY?: boolean } = process.stdin, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return stdin.isTTY === true && stdout.isTTY === true;
}

/**
 * Asks a yes/no question; only the word "yes" approves (as Terraform does: a
 * stray "y" or Enter must not apply to production). The question goes to
 * stderr so stdout keeps only data.
 */
export async function confirm(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: false });
  try {
    return await new Promise<boolean>((resolve) => {
      // Input closed before an answer (Ctrl-D): not a yes. rl.question alone would wait forever.
      rl.once('close', () => resolve(false));
      rl.question(question).then(
        (answer) => resolve(answer.trim().toLowerCase() === 'yes'),
        () => resolve(false),
      );
    });
  } finally {
    rl.close();
  }
}
