/** The library's evaluateSpf(): check_host() for one message through a probe or resolver options. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsProbe, evaluateSpf, UsageError } from '../src/index.js';
import { type LabHandle, startLab } from '../src/lab/index.js';

const WORLD = `
example.com: {TXT: "v=spf1 ip4:192.0.2.0/24 -all"}
mail.example.com: {TXT: "v=spf1 a -all", A: 192.0.2.25}
`;

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(WORLD);
});
afterAll(async () => {
  await lab.stop();
});

describe('evaluateSpf', () => {
  it('evaluates MAIL FROM through a probe made from the resolver options', async () => {
    const r = await evaluateSpf(
      { ip: '192.0.2.10', sender: 'bob@example.com', helo: 'mail.example.com' },
      { resolvers: [`${lab.host}:${lab.port}`], timeoutMs: 300, tries: 1 },
    );
    expect(r).toMatchObject({ result: 'pass', identity: 'mailfrom', domain: 'example.com' });
    expect(r.mechanism).toBe('ip4:192.0.2.0/24');
  });

  it("checks postmaster@HELO for a null reverse-path, through the caller's probe", async () => {
    const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 300, tries: 1 });
    const r = await evaluateSpf({ ip: '192.0.2.99', sender: '', helo: 'mail.example.com' }, { probe });
    expect(r).toMatchObject({ result: 'fail', identity: 'helo', domain: 'mail.example.com' });
    expect(probe.counters().queriesSent).toBeGreaterThan(0);
    probe.close();
  });

  it('bad input is a usage error', async () => {
    const options = { resolvers: [`${lab.host}:${lab.port}`] };
    await expect(evaluateSpf({ ip: 'nope', sender: 'a@example.com', helo: '' }, options)).rejects.toThrow(
      UsageError,
    );
    await expect(evaluateSpf({ ip: '192.0.2.1', sender: '', helo: '' }, options)).rejects.toThrow(
      /null reverse-path needs a HELO name/,
    );
  });
});
