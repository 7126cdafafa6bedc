/**
 * Typed access to a check's evidence in a Report. A Report stores evidence as `unknown` (it is
 * plain JSON, written to disk and read back); each check exports one accessor made here, next to
 * its evidence type, and every consumer (the fleet diff, the HTML report) reads through it. A
 * renamed evidence field then breaks the build of its consumers instead of silently reading
 * `undefined`.
 */
import type { CheckResult } from '../../src/report.js';

/** Anything with a report's `checks` (a Report, or a report read back from disk). */
export interface HasChecks {
  checks: Readonly<Record<string, CheckResult | undefined>>;
}

/**
 * The accessor of one check's evidence: undefined when the check did not run, was skipped
 * (its evidence is then `{ skipped: reason }`), failed, or left no object as evidence.
 */
export function evidenceAccessor<E extends object>(checkId: string): (report: HasChecks) => E | undefined {
  return (report) => {
    const result = report.checks[checkId];
    if (!result || result.status === 'skipped' || result.error !== undefined) return undefined;
    const ev = result.evidence;
    return ev !== null && typeof ev === 'object' && !Array.isArray(ev) ? (ev as E) : undefined;
  };
}
