/**
 * Real bounces from a real Postfix (issue 11): a private instance (test/lab/postfix.ts) relays
 * to a loopback SMTP server that answers each recipient with a chosen code (550 5.1.1 at RCPT,
 * 552 5.3.4 after DATA, 421 4.7.28 then silence, 451 4.7.24), and the DSNs Postfix returns to
 * the sender go to a second loopback server that keeps them. readBounces reads Postfix's log and
 * those DSNs; both must tell the same story. In CI a missing Postfix fails; locally it skips.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBounces } from '../../src/bounce/read/index.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import { type PostfixInstance, postfixUnavailable, startPostfix } from '../lab/postfix.js';

const unavailable = postfixUnavailable();
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const RECEIVER_PORT = 2525;
const SINK_PORT = 2526;
const SENDER = 'alice@sender.example';
/** How long Postfix may take to try, bounce and return the four messages. */
const SETTLE_MS = 30_000;

/** The replies of the receiving server, by recipient local part; others are accepted. */
const REPLIES: Record<string, { at: 'rcpt' | 'data'; reply: string }> = {
  unknown: {
    at: 'rcpt',
    reply: '550 5.1.1 <unknown@rcpt.example>: Recipient address rejected: User unknown',
  },
  big: { at: 'data', reply: '552 5.3.4 Message size exceeds fixed maximum message size' },
  rate: { at: 'rcpt', reply: '421 4.7.28 Our system has detected an unusual rate of unsolicited mail' },
  grey: {
    at: 'rcpt',
    reply: '451 4.7.24 The SPF record of the sending domain has one or more suspicious entries',
  },
};

/** A scripted SMTP server: answers by recipient, keeps what DATA carries; after a 421 it says nothing. */
function scriptedSmtp(port: number, keep: (message: string) => void): Promise<Server> {
  const server = createServer((sock) => {
    let input = '';
    let data: string[] | null = null;
    let atData: string | null = null;
    let silent = false;
    sock.on('error', () => {});
    sock.write('220 receiver.test ESMTP\r\n');
    sock.on('data', (d: Buffer) => {
      input += d.toString('latin1');
      for (let nl = input.indexOf('\n'); nl >= 0; nl = input.indexOf('\n')) {
        const line = input.slice(0, nl).replace(/\r$/, '');
        input = input.slice(nl + 1);
        if (silent) continue;
        if (data) {
          if (line !== '.') {
            data.push(line.startsWith('..') ? line.slice(1) : line);
            continue;
          }
          keep(`${data.join('\n')}\n`);
          data = null;
          sock.write(`${atData ?? '250 2.0.0 queued'}\r\n`);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250-receiver.test\r\n250 PIPELINING\r\n');
        else if (verb === 'MAIL' || verb === 'RSET') sock.write('250 2.1.0 ok\r\n');
        else if (verb === 'RCPT') {
          const local = /<([^@>]*)@/.exec(line)?.[1] ?? '';
          const r = REPLIES[local];
          if (r?.at === 'rcpt') {
            sock.write(`${r.reply}\r\n`);
            if (r.reply.startsWith('421')) silent = true; // "then nothing": the client must give up
          } else {
            if (r?.at === 'data') atData = r.reply;
            sock.write('250 2.1.5 ok\r\n');
          }
        } else if (verb === 'DATA') {
          data = [];
          sock.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          sock.write('221 2.0.0 bye\r\n');
          sock.end();
        } else sock.write('502 5.5.1 not here\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Submit one message to Postfix over SMTP (one command per reply: no pipelining needed). */
function submit(host: string, to: string): Promise<string> {
  const commands = [
    'EHLO client.test',
    `MAIL FROM:<${SENDER}>`,
    `RCPT TO:<${to}>`,
    'DATA',
    `From: Alice <${SENDER}>\r\nTo: <${to}>\r\nSubject: bounce test\r\nMessage-ID: <${to}.test@sender.example>\r\n\r\nhello\r\n.`,
    'QUIT',
  ];
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port: 25 });
    let transcript = '';
    let next = 0;
    sock.setTimeout(10_000, () => sock.destroy(new Error(`SMTP submission timed out:\n${transcript}`)));
    sock.on('data', (d: Buffer) => {
      transcript += d.toString();
      if (/^\d{3} /m.test(d.toString()) && next < commands.length) sock.write(`${commands[next++]}\r\n`);
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(transcript));
  });
}

async function readAll(paths: string[]): Promise<BounceRecord[]> {
  const out: BounceRecord[] = [];
  for await (const r of readBounces(paths, { year: new Date().getUTCFullYear() })) out.push(r);
  return out;
}

/** What a record of `local`@rcpt.example says: the code and status of its scripted reply. */
function expected(local: string, action: 'failed' | 'delayed') {
  const [code, status] = REPLIES[local]!.reply.split(' ');
  return { recipient: `${local}@rcpt.example`, action, status, replyCode: Number(code), sender: SENDER };
}

const brief = (r: BounceRecord) => ({
  recipient: r.recipient,
  action: r.action,
  status: r.status,
  replyCode: r.replyCode,
  sender: r.sender,
});

describe.runIf(unavailable !== undefined && inCi)('Postfix bounces end to end (CI)', () => {
  it('needs Postfix installed and root in CI', () => {
    expect.fail(`cannot run the Postfix bounce test: ${unavailable}`);
  });
});

describe.skipIf(unavailable !== undefined)('Postfix bounces end to end: its log and its DSNs', () => {
  let postfix: PostfixInstance;
  let receiver: Server;
  let sink: Server;
  const dsns: string[] = [];
  let dir: string;

  beforeAll(async () => {
    receiver = await scriptedSmtp(RECEIVER_PORT, () => {});
    sink = await scriptedSmtp(SINK_PORT, (m) => dsns.push(m));
    postfix = await startPostfix({
      delivery: {
        routes: { 'rcpt.example': `127.0.0.1:${RECEIVER_PORT}`, 'sender.example': `127.0.0.1:${SINK_PORT}` },
      },
    });
    for (const local of Object.keys(REPLIES)) {
      const transcript = await submit(postfix.address, `${local}@rcpt.example`);
      expect(transcript).toMatch(/^250 2\.0\.0 Ok: queued/m);
    }
    const deadline = Date.now() + SETTLE_MS;
    while (dsns.length < Object.keys(REPLIES).length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    dir = mkdtempSync(join(tmpdir(), 'mp-bounces-'));
    for (const [i, m] of dsns.entries()) writeFileSync(join(dir, `dsn-${i}.eml`), m);
  }, 60_000);

  afterAll(async () => {
    await postfix?.stop();
    await new Promise((r) => receiver?.close(r));
    await new Promise((r) => sink?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('Postfix returned one DSN per recipient to the sender', () => {
    expect(dsns.length, postfix.logs()).toBe(4);
  });

  it("the log: a bounce per permanent reply, a deferral then an expiry per transient one, the qmgr's sender", async () => {
    const records = (await readAll([postfix.logFile])).filter((r) => r.recipient?.endsWith('@rcpt.example'));
    const sorted = records
      .map(brief)
      .sort((a, b) => `${a.recipient}${a.action}`.localeCompare(`${b.recipient}${b.action}`));
    expect(sorted, postfix.logs()).toEqual([
      expected('big', 'failed'),
      expected('grey', 'delayed'),
      expected('grey', 'failed'),
      expected('rate', 'delayed'),
      expected('rate', 'failed'),
      expected('unknown', 'failed'),
    ]);
    for (const r of records) {
      expect(r.kind).toBe('postfix-log');
      expect(r.remoteMta).toBe('127.0.0.1');
      expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
    const big = records.find((r) => r.recipient === 'big@rcpt.example')!;
    expect(big.diagnostic).toBe(
      '552 5.3.4 Message size exceeds fixed maximum message size (in reply to end of DATA command)',
    );
  });

  it('the DSNs: RFC 3464 fields per recipient, the sender from the returned message', async () => {
    const records = await readAll([dir]);
    expect(records.map(brief).sort((a, b) => a.recipient!.localeCompare(b.recipient!))).toEqual(
      ['big', 'grey', 'rate', 'unknown'].map((local) => expected(local, 'failed')),
    );
    for (const r of records) {
      expect(r.kind).toBe('dsn');
      expect(r.remoteMta).toBe('127.0.0.1');
      // Postfix folds Diagnostic-Code; the record holds it on one line
      expect(r.diagnostic).not.toMatch(/[\r\n]/);
    }
    const rate = records.find((r) => r.recipient === 'rate@rcpt.example')!;
    expect(rate.diagnostic).toBe('421 4.7.28 Our system has detected an unusual rate of unsolicited mail');
  });
});
