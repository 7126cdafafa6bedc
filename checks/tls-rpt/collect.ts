/**
 * What the tls-rpt check measures: the `_smtp._tls` TXT record and, when there is none, whether
 * MTA-STS or DANE is published (the audit's MX host set and TLSA answers, shared with dane).
 */
import type { CollectContext } from '../../src/check.js';
import type { Target } from '../../src/report.js';
import { type DetailedOutcome, detailedOutcome, hostName, txtTexts } from '../shared/dns.js';
import { mxHostsFor, tlsaFor } from '../shared/tlsa.js';
import { isTlsRptRecord, TLSRPT_PREFIX } from './record.js';

/** MTA-STS policy indicator record: `_mta-sts.<domain>` TXT starting "v=STSv1". RFC 8461 3.1 */
export const MTA_STS_PREFIX = '_mta-sts';
const MTA_STS_VERSION = /^v=STSv1[ \t]*(?:;|$)/;

export interface TlsRptEvidence {
  domain: string;
  /** `_smtp._tls.<domain>` */
  name: string;
  txt: DetailedOutcome & { records: string[]; cnameChain: string[] };
  /** Whether MTA-STS or DANE is published: only asked when no TLS-RPT record is found. */
  related?: {
    mtaSts: DetailedOutcome & { published: boolean };
    dane: {
      mx: DetailedOutcome;
      tlsa: (DetailedOutcome & { host: string; published: boolean })[];
      published: boolean;
    };
  };
}

export async function collectTlsRpt(target: Target, ctx: CollectContext): Promise<TlsRptEvidence> {
  const { dns } = ctx.probe;
  const { signal } = ctx;
  const domain = hostName(target.domain);
  const name = `${TLSRPT_PREFIX}.${domain}`;
  const r = await dns.query(name, 'TXT', { signal });
  // RFC 8460 3: the strings of one TXT record are concatenated.
  const records = txtTexts(r);
  const ev: TlsRptEvidence = {
    domain,
    name,
    txt: { ...detailedOutcome(r), records, cnameChain: [...r.cnameChain] },
  };
  if (r.kind === 'error' || records.some(isTlsRptRecord)) return ev;

  // No record: is it recommended? Ask what the mta-sts and dane checks ask: the MX host set and
  // the TLSA answers are the audit's shared ones, the cache answers the _mta-sts TXT.
  const [sts, mx] = await Promise.all([
    dns.query(`${MTA_STS_PREFIX}.${domain}`, 'TXT', { signal }),
    mxHostsFor(ctx, domain),
  ]);
  const tlsa = await Promise.all(
    mx.hosts.map(async (h) => {
      const t = await tlsaFor(ctx, h.host);
      const { name: _n, records: recs, cnameChain: _c, ...outcome } = t;
      return { host: h.host, ...outcome, published: recs.length > 0 };
    }),
  );
  const stsPublished = txtTexts(sts).some((t) => MTA_STS_VERSION.test(t));
  const { hosts: _h, implicit: _i, nullMx: _n, notChecked: _nc, ...mxOutcome } = mx;
  ev.related = {
    mtaSts: { ...detailedOutcome(sts), published: stsPublished },
    dane: { mx: mxOutcome, tlsa, published: tlsa.some((t) => t.published) },
  };
  return ev;
}
