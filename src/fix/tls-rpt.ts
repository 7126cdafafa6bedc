/**
 * The TLS-RPT fix: one valid record at _smtp._tls.DOMAIN (RFC 8460 3), keeping the usable
 * report URIs of the records found there, else reporting to tlsrpt@DOMAIN (the address the
 * check's own fix text suggests; replace it by a mailbox you read).
 */
import type { TlsRptEvidence } from '../../checks/tls-rpt/index.js';
import { checkReportUri, isTlsRptRecord, looksLikeTlsRpt } from '../../checks/tls-rpt/record.js';
import type { Finding } from '../report.js';
import { FIX_TTL, type Fix, type Remaining } from './types.js';

const TLS_RPT_FIXED = new Set([
  'missing',
  'recommended',
  'multiple-records',
  'invalid-record',
  'no-valid-rua',
  'invalid-rua',
  'ignored-record',
]);

/** The rua URIs of a record's text that senders can use. */
function usableRua(text: string): string[] {
  const out: string[] = [];
  for (const field of text.split(';')) {
    const [name, ...rest] = field.split('=');
    if (name?.trim() !== 'rua') continue;
    for (const uri of rest.join('=').split(',')) if (checkReportUri(uri.trim()).valid) out.push(uri.trim());
  }
  return out;
}

export function planTlsRptFix(
  ev: TlsRptEvidence,
  findings: readonly Finding[],
): { fix?: Fix; remaining: Remaining[] } {
  const remaining: Remaining[] = [];
  const claimed: string[] = [];
  for (const f of findings) {
    if (TLS_RPT_FIXED.has(f.id.slice('tls-rpt/'.length))) claimed.push(f.id);
    else remaining.push({ id: f.id, reason: 'could not be measured (DNS error)' });
  }
  if (claimed.length === 0 || ev.txt.kind === 'error')
    return { remaining: [...remaining, ...claimed.map((id) => ({ id, reason: 'could not be measured' }))] };
  const mine = ev.txt.records.filter((t) => isTlsRptRecord(t) || looksLikeTlsRpt(t));
  const rua = [...new Set(mine.flatMap(usableRua))];
  const placeholder = rua.length === 0;
  if (placeholder) rua.push(`mailto:tlsrpt@${ev.domain}`);
  const others = ev.txt.records.filter((t) => !mine.includes(t));
  return {
    fix: {
      kind: 'tls-rpt',
      findings: claimed,
      records: [
        {
          name: ev.name,
          type: 'TXT',
          ttl: FIX_TTL,
          values: [`v=TLSRPTv1; rua=${rua.join(',')}`, ...others],
          comments: [],
        },
      ],
      warnings: [],
      notes: placeholder ? [`reports go to tlsrpt@${ev.domain}: replace it with a mailbox you read`] : [],
    },
    remaining,
  };
}
