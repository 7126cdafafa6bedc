/**
 * Issue 14 part 1: a resolver that lies is not taken at its word. Loopback DNS servers that
 * answer NXDOMAIN (or NOERROR with nothing) to everything play a captive portal or a broken
 * forwarder: an audit of a .com domain through them must not report that the domain has no
 * SPF, no DMARC and does not exist. It reports dns/resolver-unreliable once, unknowns, no
 * predicted reply, and exits 2. An honest lab of .example names asks no canary at all.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateReport, validateSummary } from '../../reports/schema.js';
import { main } from '../../src/cli.js';
import { audit, createDnsProbe } from '../../src/index.js';
import { startLab } from '../../src/lab/index.js';
import type { Report } from '../../src/report.js';
import { runCli } from '../helpers/cli.js';
import {
  RCODES,
  type ReceivedQuery,
  reply,
  startTestServer,
  type TestServer,
} from '../probe/dns-test-server.js';

const LIARS = [
  ['NXDOMAIN', RCODES.NXDOMAIN],
  ['NOERROR with no answer', RCODES.NOERROR],
] as const;

const servers: TestServer[] = [];
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mp-liar-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(root, { recursive: true, force: true });
});

/** A resolver answering `rcode` with no record to every question, except those `special` handles. */
async function liar(
  rcode: number,
  special?: (q: ReceivedQuery) => Buffer | null | undefined,
): Promise<TestServer> {
  const server = await startTestServer((q) => {
    const own = special?.(q);
    return own !== undefined ? own : reply(q, [], { rcode });
  });
  servers.push(server);
  return server;
}

const soaQueries = (s: TestServer, zone: string) =>
  s.queries.filter((q) => q.type === 'SOA' && q.name.toLowerCase() === zone).length;

const problems = (report: Report) =>
  Object.values(report.checks)
    .flatMap((c) => c.findings)
    .filter((f) => f.severity === 'error' || f.severity === 'warning')
    .map((f) => f.id);

describe('a lying resolver', () => {
  for (const [answer, rcode] of LIARS) {
    it(`${answer} to everything: dns/resolver-unreliable, unknowns, no reply predicted, exit 2`, async () => {
      const server = await liar(rcode);
      const args = ['audit', 'gmail.com', '--ip', '198.18.0.1', '--helo', 'mail.gmail.com', '--no-smtp'];
      const run = await runCli([...args, '--resolver', `${server.host}:${server.port}`, '--json']);
      expect(run.code).toBe(2);
      const report = JSON.parse(run.stdout) as Report;
      expect(validateReport(report).errors).toEqual([]);
      expect(report.status).toBe('unknown');
      expect(problems(report)).toEqual([]);
      expect(report.predictedReplies).toEqual([]);
      const dns = report.checks.dns;
      expect(dns?.status).toBe('unknown');
      expect(dns?.findings.map((f) => f.id)).toEqual(['dns/resolver-unreliable']);
      expect(dns?.findings[0]?.message).toContain(`answered ${answer} when asked for the SOA record of com.`);
      expect(dns?.findings[0]?.remediation).toContain('--resolver');
      // What used to be "missing" is now "could not measure", with the reason.
      for (const id of ['spf', 'dmarc', 'mx', 'ptr']) expect(report.checks[id]?.status, id).toBe('unknown');
      expect(JSON.stringify(report.checks.spf?.findings)).toContain('unreliable');
      // The canary is asked once per TLD for the whole run.
      expect(soaQueries(server, 'com')).toBe(1);
      expect(soaQueries(server, 'arpa')).toBe(1);

      const text = await runCli([...args, '--resolver', `${server.host}:${server.port}`]);
      expect(text.code).toBe(2);
      const lines = text.stdout.split('\n');
      expect(lines.slice(0, 5).some((l) => l.includes('RESOLVER UNRELIABLE'))).toBe(true);
    });
  }

  it('a canary that times out proves nothing: the audit reads as today (exit 1, no resolver finding)', async () => {
    const server = await liar(RCODES.NXDOMAIN, (q) =>
      q.type === 'SOA' && q.name === 'com' ? null : undefined,
    );
    const report = await audit(
      { domain: 'gmail.com' },
      {
        probe: createDnsProbe({ servers: [server.address], timeoutMs: 200, tries: 1 }),
        checks: ['dns', 'spf', 'dmarc'],
      },
    );
    expect(report.checks.dns?.findings).toEqual([]);
    expect(report.checks.dmarc?.status).toBe('fail');
    expect(report.status).toBe('fail');
    expect(soaQueries(server, 'com')).toBe(1);
  });

  it('a fleet of .com identities: one SOA question, the warning once at the top, exit 2', async () => {
    const server = await liar(RCODES.NXDOMAIN);
    const domains = ['alpha.com', 'bravo.com', 'charlie.com', 'delta.com', 'echo.com'];
    const file = join(root, 'domains.txt');
    writeFileSync(file, `${domains.join('\n')}\n`);
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: (s: string) => out.push(s),
      stderr: (s: string) => err.push(s),
      isTty: false,
      env: {},
    };
    const dir = join(root, 'fleet');
    const args = [
      'fleet',
      '--domains-file',
      file,
      '--out-dir',
      dir,
      '--no-smtp',
      '--resolver',
      `${server.host}:${server.port}`,
    ];
    const code = await main(args, io);
    expect(code, err.join('')).toBe(2);
    expect(soaQueries(server, 'com')).toBe(1);
    const text = out.join('');
    expect(text.match(/resolver-unreliable/g)).toHaveLength(1);
    expect(text.split('\n')[0]).toMatch(
      /^RESOLVER UNRELIABLE \(dns\/resolver-unreliable, 5 identities\): .*com\./,
    );
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(validateSummary(summary).errors).toEqual([]);
    expect(summary.totals).toMatchObject({ unknown: 5, fail: 0 });
    expect(summary.resolverWarnings).toHaveLength(1);
    expect(summary.resolverWarnings[0]).toMatchObject({ id: 'dns/resolver-unreliable', identities: 5 });
  });
});

describe('an honest lab of special-use names', () => {
  it('asks no canary: .example and .test have no TLD to ask (RFC 6761)', async () => {
    const world = parseYaml(readFileSync(new URL('../../src/demo/world.yaml', import.meta.url), 'utf8'));
    const lab = await startLab(world as Record<string, unknown>);
    try {
      const report = await audit(
        { domain: 'good.example', ips: ['127.0.77.10'], helo: 'mail.good.example', dkimSelectors: ['s1'] },
        {
          probe: createDnsProbe({ servers: [lab], timeoutMs: 2000, tries: 1 }),
          checks: ['dns', 'spf', 'dmarc', 'mx'],
        },
      );
      expect(report.checks.dns).toMatchObject({ status: 'pass', findings: [] });
      expect(report.checks.dns?.evidence).toEqual({
        canaries: [],
        unchecked: ['good.example', 'mail.good.example'],
      });
      const asked = lab.server.queries.map((q) => `${q.type} ${q.name}`);
      expect(asked.length).toBeGreaterThan(0);
      // A canary is the SOA of a single label; no such question reached the lab.
      expect(asked.filter((q) => /^SOA [^.]+$/.test(q))).toEqual([]);
      expect(JSON.stringify(report)).not.toContain('unreliable');
    } finally {
      await lab.stop();
    }
  });
});
