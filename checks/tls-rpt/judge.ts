/** Pure judgement of the tls-rpt check: the record (record.ts), and whether it is recommended. */
import type { FindingResult } from '../../src/check.js';
import type { TlsRptEvidence } from './collect.js';
import type { TlsRptFindingKey } from './findings.js';
import { isTlsRptRecord, looksLikeTlsRpt, parseTlsRpt } from './record.js';

type Data = Record<string, string | number | boolean>;

export function judgeTlsRpt(ev: TlsRptEvidence): FindingResult<TlsRptFindingKey>[] {
  const out: FindingResult<TlsRptFindingKey>[] = [];
  const base = { domain: ev.domain, name: ev.name };
  const found = (key: TlsRptFindingKey, data: Data, evidence: Record<string, unknown>) =>
    out.push({ key, data: { ...base, ...data }, evidence: { name: ev.name, ...evidence } });

  if (ev.txt.kind === 'error') {
    found('dns-error', { error: ev.txt.error ?? 'error' }, { txt: ev.txt });
    return out;
  }
  for (const text of ev.txt.records.filter(looksLikeTlsRpt))
    found('ignored-record', { record: text }, { record: text });
  const selected = ev.txt.records.filter(isTlsRptRecord);
  if (selected.length > 1) {
    found(
      'multiple-records',
      { count: selected.length, records: selected.map((s) => `"${s}"`).join(', ') },
      { records: selected },
    );
    return out;
  }
  const text = selected[0];
  if (text === undefined) {
    const published = [
      ev.related?.mtaSts.published ? 'MTA-STS' : undefined,
      ev.related?.dane.published ? 'DANE' : undefined,
    ].filter((p): p is string => p !== undefined);
    if (published.length > 0)
      found('recommended', { published: published.join(' and ') }, { related: ev.related });
    else found('missing', {}, { txt: ev.txt, related: ev.related });
    return out;
  }
  const record = parseTlsRpt(text);
  if (record.errors.length > 0) {
    found(
      'invalid-record',
      { record: text, problems: record.errors.join('; ') },
      { record: text, errors: record.errors },
    );
    return out;
  }
  const bad = record.rua.filter((u) => !u.valid);
  if (bad.length === record.rua.length) {
    found(
      'no-valid-rua',
      { record: text, problems: bad.map((u) => `"${u.uri}" ${u.problem ?? 'is not valid'}`).join('; ') },
      { record: text, rua: record.rua },
    );
    return out;
  }
  for (const u of bad)
    found('invalid-rua', { uri: u.uri, problem: u.problem ?? 'is not valid' }, { record: text, uri: u });
  return out;
}
