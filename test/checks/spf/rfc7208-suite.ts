/**
 * Reads the OpenSPF RFC 7208 suite for the conformance tests and turns each scenario's
 * zonedata into a MemoryZone (suite conventions: SPF records are also TXT unless the name has
 * its own TXT entry; `TXT: NONE` means none; `TIMEOUT` makes unlisted types time out).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { MemoryName, MemoryZone } from './memory-resolver.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repo root is two levels above test/checks (CI copies shared/ beside the clone). */
export const REPO_ROOT = path.resolve(here, '../../..');
/** MAIL_PREFLIGHT_RFC7208_SUITE (set by .ci/run from python3-spf when shared/ is absent) wins. */
export const SUITE_PATH =
  process.env.MAIL_PREFLIGHT_RFC7208_SUITE ?? path.resolve(REPO_ROOT, '../shared/testdata/rfc7208-tests.yml');

export interface SuiteCase {
  scenario: string;
  name: string;
  host: string;
  mailfrom: string;
  helo: string;
  results: string[];
  explanation?: string;
}

export interface SuiteScenario {
  description: string;
  zonedata: Record<string, unknown>;
  zone: MemoryZone;
  cases: SuiteCase[];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function memoryZoneFromSuite(zonedata: Record<string, unknown>): MemoryZone {
  const zone: MemoryZone = {};
  for (const [owner, entries] of Object.entries(zonedata)) {
    const node: MemoryName = {};
    let ownTxt = false;
    const spf: (string | string[])[] = [];
    for (const entry of Array.isArray(entries) ? entries : [entries]) {
      if (entry === 'TIMEOUT') {
        node.TIMEOUT = true;
        continue;
      }
      if (!isMap(entry)) throw new Error(`${owner}: unexpected entry ${JSON.stringify(entry)}`);
      for (const [type, value] of Object.entries(entry)) {
        const t = type.toUpperCase();
        if (t === 'TXT') ownTxt = true;
        if (value === 'NONE') {
          if (t === 'TXT') node.TXT ??= [];
          continue;
        }
        switch (t) {
          case 'TXT':
            node.TXT = [...(node.TXT ?? []), value as string | string[]];
            break;
          case 'SPF':
            spf.push(value as string | string[]);
            break;
          case 'A':
          case 'AAAA':
          case 'PTR':
            node[t] = [...(node[t] ?? []), String(value)];
            break;
          case 'MX': {
            const [pref, exch] = value as [string, string];
            node.MX = [...(node.MX ?? []), [Number(pref), String(exch)]];
            break;
          }
          case 'CNAME':
            node.CNAME = String(value);
            break;
          default:
            throw new Error(`${owner}: unexpected type ${t}`);
        }
      }
    }
    if (spf.length) node.SPF = spf;
    if (!ownTxt && spf.length) node.TXT = [...spf];
    zone[owner] = node;
  }
  return zone;
}

export function loadSuite(file = SUITE_PATH): SuiteScenario[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { schema: 'failsafe' });
  const out: SuiteScenario[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('; '));
    const raw: unknown = doc.toJS();
    if (!isMap(raw) || !isMap(raw.tests)) continue;
    const description = String(raw.description ?? '');
    const zonedata = isMap(raw.zonedata) ? raw.zonedata : {};
    const cases: SuiteCase[] = [];
    for (const [name, t] of Object.entries(raw.tests)) {
      if (!isMap(t)) throw new Error(`test ${name}: not a map`);
      const result = t.result;
      const c: SuiteCase = {
        scenario: description,
        name,
        host: String(t.host ?? ''),
        mailfrom: String(t.mailfrom ?? ''),
        helo: String(t.helo ?? ''),
        results: Array.isArray(result) ? result.map(String) : [String(result)],
      };
      if (typeof t.explanation === 'string') c.explanation = t.explanation;
      cases.push(c);
    }
    out.push({ description, zonedata, zone: memoryZoneFromSuite(zonedata), cases });
  }
  return out;
}
