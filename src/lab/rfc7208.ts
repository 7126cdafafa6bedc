/**
 * Loader for the OpenSPF RFC 7208 conformance suite (multi-document YAML): each scenario's
 * `zonedata` becomes a lab Zone, following the suite's conventions:
 * - a `TIMEOUT` entry: the name never answers for types not listed before it;
 * - an SPF (type 99) record is also served as TXT unless the name has its own TXT entry;
 * - `TXT: NONE` / `SPF: NONE` means no record of that type at that name.
 * Strings are byte strings in the suite ("\x80", "\xEF\xBB\xBF"): characters up to U+00FF
 * are served as single bytes (latin1), anything wider as UTF-8.
 */

import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ZONE_TYPES, type Zone, ZoneError, zoneFromObject } from './zone.js';

export interface Rfc7208Test {
  /** Key of the test in its scenario. */
  name: string;
  description?: string;
  comment?: string;
  /** RFC 7208 section(s) the test covers, as written ("4.6.4", "4.3/1"). */
  spec?: string | string[];
  host: string;
  mailfrom: string;
  helo: string;
  /** Expected result, or the list of acceptable results. */
  result: string | string[];
  explanation?: string;
  /** Any other field the suite has (e.g. `strict`), as written. */
  [field: string]: unknown;
}

export interface Rfc7208Scenario {
  description: string;
  comment?: string;
  zone: Zone;
  /** The scenario's zonedata as written in the suite. */
  zonedata: Record<string, unknown>;
  tests: Rfc7208Test[];
}

/** The suite's strings are byte strings: keep \xNN escapes as single bytes. */
function suiteText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  return /^[\u0000-\u00ff]*$/.test(v) ? Buffer.from(v, 'latin1') : Buffer.from(v, 'utf8');
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Converts one scenario's zonedata to a lab zone. TIMEOUT follows the suite's own driver:
 * entries are read in order, and at a TIMEOUT entry every type not listed before it times
 * out (types listed before it are served). So `[TIMEOUT]` silences the whole name, while
 * `[TXT: ..., TIMEOUT]` serves TXT and times out SPF (scenario "Record lookup", spftimeout).
 * A type whose value is TIMEOUT times out for that type only.
 */
export function zoneFromSuiteZonedata(zonedata: Record<string, unknown>): Zone {
  const obj: Record<string, unknown> = {};
  for (const [owner, entries] of Object.entries(zonedata)) {
    const list = Array.isArray(entries) ? entries : [entries];
    const byType = new Map<string, unknown[] | 'TIMEOUT'>();
    let timeoutRest = false;
    for (const entry of list) {
      if (entry === 'TIMEOUT') {
        timeoutRest = true;
        break; // the suite's driver never reads past it
      }
      if (!isMap(entry) || Object.keys(entry).length !== 1) {
        throw new ZoneError(
          `${owner}: suite entry must be TIMEOUT or a one-key map, got ${JSON.stringify(entry)}`,
        );
      }
      const [type, value] = Object.entries(entry)[0]!;
      const upper = type.toUpperCase();
      const records = byType.get(upper) ?? [];
      byType.set(upper, records);
      if (value === 'NONE' || records === 'TIMEOUT') continue; // NONE: listed, no records
      if (value === 'TIMEOUT') {
        byType.set(upper, 'TIMEOUT');
      } else if (upper === 'TXT' || upper === 'SPF') {
        // A list is one record of several character-strings; [] is a record with none.
        records.push(Array.isArray(value) ? value.map(suiteText) : suiteText(value));
      } else if (upper === 'MX' && Array.isArray(value)) {
        records.push({ preference: Number(value[0]), exchange: value[1] === '' ? '.' : value[1] });
      } else {
        records.push(value);
      }
    }
    if (timeoutRest) {
      if (byType.size === 0) {
        obj[owner] = 'TIMEOUT';
        continue;
      }
      // A NONE entry is no record, and SPF copies served as TXT come after the TIMEOUT:
      // neither is reached before it.
      for (const t of ZONE_TYPES) {
        const records = byType.get(t);
        if (records === undefined || records.length === 0) byType.set(t, 'TIMEOUT');
      }
    }
    const spf = byType.get('SPF');
    if (spf && !byType.has('TXT')) byType.set('TXT', spf);
    obj[owner] = Object.fromEntries(byType);
  }
  return zoneFromObject(obj);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Parses the suite text into scenarios with their zones and tests. */
export function parseRfc7208Suite(text: string): Rfc7208Scenario[] {
  // failsafe: every scalar stays the string written ("4.10" must not become 4.1).
  const docs = parseAllDocuments(text, { schema: 'failsafe' });
  const list = Array.isArray(docs) ? docs : [docs];
  const scenarios: Rfc7208Scenario[] = [];
  for (const [i, doc] of list.entries()) {
    if (doc.errors.length > 0) {
      throw new Error(`RFC 7208 suite document ${i + 1}: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const raw: unknown = doc.toJS();
    if (raw === null || raw === undefined) continue;
    if (!isMap(raw) || !isMap(raw['tests'])) {
      throw new Error(`RFC 7208 suite document ${i + 1}: expected a scenario with tests`);
    }
    const description = str(raw['description']) ?? `scenario ${i + 1}`;
    const zonedata = isMap(raw['zonedata']) ? raw['zonedata'] : {};
    let zone: Zone;
    try {
      zone = zoneFromSuiteZonedata(zonedata);
    } catch (err) {
      throw new Error(`RFC 7208 suite scenario "${description}": ${(err as Error).message}`);
    }
    const tests: Rfc7208Test[] = [];
    for (const [name, t] of Object.entries(raw['tests'])) {
      if (!isMap(t)) throw new Error(`RFC 7208 suite test ${name}: expected a map`);
      const result = t['result'];
      if (
        typeof result !== 'string' &&
        !(Array.isArray(result) && result.every((r) => typeof r === 'string'))
      ) {
        throw new Error(`RFC 7208 suite test ${name}: result must be a string or a list of strings`);
      }
      tests.push({
        ...t,
        name,
        host: str(t['host']) ?? '',
        mailfrom: str(t['mailfrom']) ?? '',
        helo: str(t['helo']) ?? '',
        result,
      });
    }
    const scenario: Rfc7208Scenario = { description, zone, zonedata, tests };
    const comment = str(raw['comment']);
    if (comment !== undefined) scenario.comment = comment;
    scenarios.push(scenario);
  }
  return scenarios;
}

/** Reads and parses the suite file (e.g. /work/shared/testdata/rfc7208-tests.yml). */
export function loadRfc7208Suite(path: string): Rfc7208Scenario[] {
  return parseRfc7208Suite(readFileSync(path, 'utf8'));
}
