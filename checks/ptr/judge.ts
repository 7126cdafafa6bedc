/** The reverse-DNS check's pure judgement: evidence in, findings out. No I/O here. */
import type { FindingResult } from '../../src/check.js';
import { isAddressLiteral, type ParsedIp, parseIp } from '../../src/ip.js';
import { PTR_MAX_NAMES_CHECKED, type PtrEvidence, type PtrIpEvidence } from './collect.js';
import type { PtrFindingKey } from './findings.js';
import { genericNameReason } from './generic.js';

type Data = Record<string, string | number | boolean>;

export function judgePtr(evidence: PtrEvidence): FindingResult<PtrFindingKey>[] {
  const out: FindingResult<PtrFindingKey>[] = [];
  for (const ipEv of evidence.ips) out.push(...judgeIp(ipEv, evidence));
  return out;
}

function judgeIp(ev: PtrIpEvidence, all: PtrEvidence): FindingResult<PtrFindingKey>[] {
  const out: FindingResult<PtrFindingKey>[] = [];
  const found = (key: PtrFindingKey, data: Data, extra: Partial<FindingResult<PtrFindingKey>> = {}): void => {
    out.push({ key, data, evidence: { ...ipEvidence(ev) }, ...extra });
  };
  if (ev.address === undefined || ev.family === undefined || ev.reverseName === undefined || !ev.ptr) {
    found('invalid-ip', { ip: ev.ip });
    return out;
  }
  const ip = ev.address;
  const rrtype = ev.family === 4 ? 'A' : 'AAAA';
  const suggested = all.helo && !isAddressLiteral(all.helo) ? all.helo : `mail.${all.domain}`;
  const ptr = ev.ptr;
  if (ptr.kind === 'error') {
    found('dns-error', { ip, reverseName: ev.reverseName, error: ptr.error ?? 'error' });
    return out;
  }
  if (ptr.names.length === 0) {
    found(
      'missing',
      {
        ip,
        reverseName: ev.reverseName,
        answer: ptr.kind === 'ok' ? 'no usable name' : ptr.kind,
        suggested,
        rrtype,
      },
      ev.family === 6 ? { conditions: ['ptr-missing-ipv6'] } : {},
    );
    return out;
  }

  const confirmed = ev.forward.filter((f) => f.addresses.includes(ip)).map((f) => f.name);
  const failed = ev.forward.filter((f) => f.kind === 'error');
  const primary = confirmed[0] ?? ptr.names[0] ?? '';
  if (confirmed.length === 0) {
    if (failed.length > 0) {
      found('forward-lookup-failed', {
        ip,
        rrtype,
        names: failed.map((f) => f.name).join(', '),
        name: failed[0]?.name ?? '',
        error: failed.map((f) => f.error ?? 'error').join(', '),
      });
    } else {
      const seen = ev.forward.flatMap((f) => f.addresses);
      found('not-forward-confirmed', {
        ip,
        rrtype,
        names: ptr.names.join(', '),
        name: ptr.names[0] ?? '',
        found: seen.length > 0 ? seen.join(', ') : 'none',
      });
    }
  }
  if (ptr.names.length > 1) {
    found('multiple-ptr', { ip, count: ptr.names.length, names: ptr.names.join(', '), name: primary });
  }
  for (const name of ptr.names.slice(0, PTR_MAX_NAMES_CHECKED)) {
    const reason = genericNameReason(name, parsedOf(ev));
    if (reason) {
      found('generic-name', { ip, name, reason, suggested: suggestedOwnName(all), rrtype });
      break;
    }
  }
  if (all.helo !== undefined && !ptr.names.includes(all.helo)) {
    const h = ev.heloLookup;
    if (h?.kind === 'error') {
      found('helo-lookup-failed', { ip, helo: all.helo, rrtype, error: h.error ?? 'error' });
    } else if (!h?.addresses.includes(ip)) {
      found('helo-mismatch', { ip, helo: all.helo, ptr: primary, rrtype });
    }
  }
  return out;
}

/** A name of the sender's own domain to suggest, never the generic name itself. */
function suggestedOwnName(all: PtrEvidence): string {
  const h = all.helo;
  if (h && !isAddressLiteral(h) && (h === all.domain || h.endsWith(`.${all.domain}`))) return h;
  return `mail.${all.domain}`;
}

function parsedOf(ev: PtrIpEvidence): ParsedIp {
  // judge() stays pure: re-parse the canonical address kept in the evidence.
  const p = ev.address !== undefined ? parseIp(ev.address) : undefined;
  return p ?? { family: 4, address: '', bytes: new Uint8Array(4) };
}

function ipEvidence(ev: PtrIpEvidence): Record<string, unknown> {
  const e: Record<string, unknown> = { ip: ev.ip };
  if (ev.address !== undefined) e['address'] = ev.address;
  if (ev.reverseName !== undefined) e['reverseName'] = ev.reverseName;
  if (ev.ptr) e['ptr'] = ev.ptr;
  if (ev.forward.length > 0) e['forward'] = ev.forward;
  if (ev.namesNotChecked.length > 0) e['namesNotChecked'] = ev.namesNotChecked;
  if (ev.heloLookup) e['heloLookup'] = ev.heloLookup;
  return e;
}
