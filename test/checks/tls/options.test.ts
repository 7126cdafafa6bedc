/** SMTP probing options: library (createProbe) and CLI flags (--smtp-port, --ca-file, --no-smtp). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE, main } from '../../../src/cli.js';
import { AUDIT_SMTP_TIMEOUTS, createProbe, readCaFile, UsageError } from '../../../src/index.js';
import { DEFAULT_CHECK_DEADLINE_MS } from '../../../src/runner.js';

async function run(args: string[]) {
  let stderr = '';
  const code = await main(args, { stdout: () => {}, stderr: (s) => (stderr += s), isTty: false, env: {} });
  return { code, stderr };
}

describe('SMTP probing options', () => {
  it('createProbe creates the SMTP prober unless noSmtp', () => {
    expect(createProbe({ resolvers: ['127.0.0.1:53'] }).smtp).toBeDefined();
    expect(createProbe({ resolvers: ['127.0.0.1:53'], noSmtp: true }).smtp).toBeUndefined();
  });

  it('a whole SMTP probe ends well within the per-check deadline', () => {
    expect(AUDIT_SMTP_TIMEOUTS.totalMs).toBeLessThan(DEFAULT_CHECK_DEADLINE_MS);
  });

  it('--ca-file must be readable and hold a PEM certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-ca-'));
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
    expect(() => readCaFile(join(dir, 'missing.pem'))).toThrow(UsageError);
    expect(() => readCaFile(join(dir, 'junk.pem'))).toThrow(/no PEM certificate/);
  });

  it.each([
    [['--smtp-port', '0'], /--smtp-port must be 1 to 65535/],
    [['--smtp-port', '70000'], /--smtp-port must be 1 to 65535/],
    [['--smtp-port', '25x'], /--smtp-port must be 1 to 65535/],
    [['--ca-file', '/nonexistent/ca.pem'], /cannot read --ca-file/],
  ])('audit %j is a usage error', async (flags, message) => {
    const r = await run(['audit', 'example.com', '--resolver', '127.0.0.1:9', ...flags]);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    [['--smtp-per-network', '0'], /--smtp-per-network must be 1 to 64/],
    [['--smtp-concurrency', '0'], /--smtp-concurrency must be 1 to 1024/],
    [['--smtp-gap', '70000'], /--smtp-gap must be 0 to 60000/],
  ])('fleet %j is a usage error (SMTP politeness bounds)', async (flags, message) => {
    const r = await run(['fleet', '--domains-file', '/dev/null', '--resolver', '127.0.0.1:9', ...flags]);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toMatch(message);
  });
});
