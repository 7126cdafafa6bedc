/**
 * Findings about the run's own resolver (dns/resolver-unreliable): every identity audited
 * through a lying resolver carries one, but it is one fact about the run, so the fleet's
 * summary and text show it once, at the top, with how many identities it touched.
 */
import { RESOLVER_UNRELIABLE_ID } from '../../checks/dns/index.js';
import type { Report } from '../report.js';
import type { ResolverWarning } from './summary.js';

/** Distinct resolver warnings of a run (by message: one per TLD and answer), counted. */
export class ResolverWarnings {
  private readonly byMessage = new Map<string, ResolverWarning>();

  /** Takes note of the resolver findings of one identity's report. */
  add(report: Report): void {
    for (const check of Object.values(report.checks)) {
      for (const f of check.findings) {
        if (f.id !== RESOLVER_UNRELIABLE_ID) continue;
        const seen = this.byMessage.get(f.message);
        if (seen) seen.identities++;
        else
          this.byMessage.set(f.message, {
            id: f.id,
            message: f.message,
            remediation: f.remediation,
            identities: 1,
          });
      }
    }
  }

  list(): ResolverWarning[] {
    return [...this.byMessage.values()];
  }
}
