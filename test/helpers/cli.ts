/** Runs the CLI in-process with captured output, as a test sees it: no TTY, an empty environment. */
import { main } from '../../src/cli.js';

/** `stdin` is what `message -` reads (absent: process.stdin). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: AsyncIterable<Buffer>) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    isTty: false,
    env,
    ...(stdin ? { stdin } : {}),
  });
  return { code, stdout, stderr };
}
