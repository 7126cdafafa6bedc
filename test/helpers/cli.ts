/** Runs the CLI in-process with captured output, as a test sees it: no TTY, an empty environment. */
import { main } from '../../src/cli.js';

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
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
  });
  return { code, stdout, stderr };
}
