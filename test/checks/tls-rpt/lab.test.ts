import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsRptCheck } from '../../../checks/tls-rpt/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';

const HASH = 'ab'.repeat(32);
const ZONE = `
good.example: {MX: "10 mx.good.example"}
_smtp._tls.good.example: {TXT: ["v=TLSRPTv1; rua=mailto:tlsrpt@good.example"]}
split.example: {MX: "10 mx.split.example"}
_smtp._tls.split.example: {TXT: [["v=TLSRPTv1; ", "rua=mailto:tlsrpt@split.example"]]}
plain.example: {MX: "10 mx.plain.example"}
sts.example: {MX: "10 mx.sts.example"}
_mta-sts.sts.example: {TXT: "v=STSv1; id=20240101"}
dane.example: {MX: ["10 mx1.dane.example", "20 mx2.dane.example"]}
_25._tcp.mx2.dane.example: {TLSA: "3 1 1 ${HASH}"}
implicit-dane.example: {A: 192.0.2.1}
_25._tcp.implicit-dane.example: {TLSA: "3 1 1 ${HASH}"}
two.example: {MX: "10 mx.two.example"}
_smtp._tls.two.example: {TXT: ["v=TLSRPTv1; rua=mailto:a@two.example", "v=TLSRPTv1; rua=mailto:b@two.example"]}
bad.example: {MX: "10 mx.bad.example"}
_smtp._tls.bad.example: {TXT: "v=TLSRPTv1; rua=http://r.bad.example/"}
broken.example: {MX: "10 mx.broken.example"}
_smtp._tls.broken.example: SERVFAIL
slow.example: {MX: "10 mx.slow.example"}
_smtp._tls.slow.example: TIMEOUT
`;

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(ZONE);
});
afterAll(async () => {
  await lab.stop();
});

async function run(domain: string) {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 300, tries: 1 });
  const target: Target = { domain, ips: [], profile: 'bulk' };
  const evidence = await tlsRptCheck.collect(target, { probe, signal: new AbortController().signal });
  return { evidence, keys: tlsRptCheck.judge(evidence, target).map((f) => f.key) };
}

describe('tls-rpt check against the lab DNS server', () => {
  it.each([
    ['good.example', []],
    ['split.example', []], // RFC 8460 3: strings of one TXT record are concatenated
    ['plain.example', ['missing']],
    ['sts.example', ['recommended']],
    ['dane.example', ['recommended']],
    ['implicit-dane.example', ['recommended']],
    ['two.example', ['multiple-records']],
    ['bad.example', ['no-valid-rua']],
    ['broken.example', ['dns-error']],
    ['slow.example', ['dns-error']],
  ])('%s -> %j', async (domain, expected) => {
    expect((await run(domain)).keys).toEqual(expected);
  });

  it('looks for MTA-STS and DANE only when the record is missing', async () => {
    lab.server.clearQueries();
    const { evidence } = await run('good.example');
    expect(evidence.related).toBeUndefined();
    expect(lab.server.queries.map((q) => `${q.name} ${q.type}`)).toEqual(['_smtp._tls.good.example TXT']);
    const dane = await run('dane.example');
    expect(dane.evidence.related?.dane.tlsa.map((t) => [t.host, t.published])).toEqual([
      ['mx1.dane.example', false],
      ['mx2.dane.example', true],
    ]);
  });
});
