/**
 * The OpenSPF RFC 7208 suite for the conformance tests, read by the lab's own loader
 * (src/lab/rfc7208.ts): each scenario's zonedata is a lab Zone, served by the loopback lab or
 * answered in memory (test/helpers/memory-resolver.ts) alike.
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRfc7208Suite, type Zone } from '../../../src/lab/index.js';

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
  zone: Zone;
  cases: SuiteCase[];
}

export function loadSuite(file = SUITE_PATH): SuiteScenario[] {
  return loadRfc7208Suite(file).map((s) => ({
    description: s.description,
    zone: s.zone,
    cases: s.tests.map((t) => {
      const c: SuiteCase = {
        scenario: s.description,
        name: t.name,
        host: t.host,
        mailfrom: t.mailfrom,
        helo: t.helo,
        results: Array.isArray(t.result) ? t.result : [t.result],
      };
      if (typeof t.explanation === 'string') c.explanation = t.explanation;
      return c;
    }),
  }));
}
