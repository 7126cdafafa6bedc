/** createProbe() owns its SMTP prober: close() aborts probes in flight and refuses new ones. */
import { afterEach, describe, expect, it } from 'vitest';
import { type SmtpLabHandle, startSmtpLab } from '../../src/lab/smtp.js';
import { AUDIT_SMTP_TIMEOUTS, createProbe, withProbe } from '../../src/probe/create.js';
import { newCounters } from '../../src/probe/dns.js';
import type { Probe } from '../../src/probe/types.js';

/** Nothing answers DNS here: the probes below only contact address literals. */
const NO_DNS = ['127.0.0.1:9'];
/** Long enough that only close() can end the probe in time. */
const GREETING_DELAY_MS = 30_000;
const POLL_MS = 10;

const started: SmtpLabHandle[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function slowGreeter(): Promise<SmtpLabHandle> {
  const lab = await startSmtpLab({ greetingDelayMs: GREETING_DELAY_MS });
  started.push(lab);
  return lab;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, POLL_MS));
}

describe('createProbe().close()', () => {
  it('aborts an SMTP probe in flight, and the prober then refuses new probes', async () => {
    const lab = await slowGreeter();
    const probe = createProbe({ resolvers: NO_DNS, smtpPort: lab.port });
    const smtp = probe.smtp;
    if (!smtp) throw new Error('createProbe made no SMTP prober');

    const inFlight = smtp.probe(lab.host);
    await until(() => lab.stats().connections === 1);
    const closedAt = Date.now();
    probe.close();
    const aborted = await inFlight;
    expect(aborted.connected).toBe(true);
    expect(aborted.error).toMatchObject({ stage: 'banner', detail: expect.stringMatching(/aborted/) });
    // Ended by close(), not by the banner timeout.
    expect(Date.now() - closedAt).toBeLessThan(AUDIT_SMTP_TIMEOUTS.bannerMs);

    const refused = await smtp.probe(lab.host, { servername: 'another.name.test' });
    expect(refused.connected).toBe(false);
    expect(refused.error?.detail).toBe('not probed: the prober was closed');
    expect(lab.stats().connections).toBe(1);
  });

  it('a probe without SMTP closes too', () => {
    const probe = createProbe({ resolvers: NO_DNS, noSmtp: true });
    expect(probe.smtp).toBeUndefined();
    expect(() => probe.close()).not.toThrow();
  });
});

describe('withProbe', () => {
  it('closes the probe it made when the work ends, even by throwing', async () => {
    const lab = await slowGreeter();
    let made: Probe | undefined;
    await expect(
      withProbe(undefined, { resolvers: NO_DNS, smtpPort: lab.port }, async (probe, owned) => {
        made = probe;
        expect(owned).toBe(true);
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    const after = await made?.smtp?.probe(lab.host);
    expect(after?.error?.detail).toBe('not probed: the prober was closed');
    expect(lab.stats().connections).toBe(0);
  });

  it("leaves the caller's probe open", async () => {
    let closed = 0;
    const given: Probe = {
      dns: { query: async (name, type) => ({ kind: 'nxdomain', name, type, cnameChain: [], ad: false }) },
      counters: newCounters,
      close: () => closed++,
    };
    const seen = await withProbe(given, {}, async (probe, owned) => ({ probe, owned }));
    expect(seen).toEqual({ probe: given, owned: false });
    expect(closed).toBe(0);
  });
});
