/**
 * GitLab Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues, each
 *   { description, check_name, fingerprint, severity, location: { path, lines: { begin } } }
 * as GitLab's Code Quality documentation gives the format (a subset of Code Climate's).
 *
 * Severity (GitLab: info, minor, major, critical, blocker):
 *   error -> critical (a receiver is predicted to reject or junk the mail)
 *   warning -> major, unknown -> minor ("could not measure"), a waived finding -> info.
 *   blocker is not used. Info findings are not listed (they change nothing at receivers).
 * location.path: the file the finding is about (the policy file with the expectation's or
 * waiver's line, the .eml of a message audit), else the policy file (default
 * `.mail-preflight.yml`): GitLab needs a path, and the policy file is where a team decides what
 * to do about a finding (fix it, or waive it). lines.begin is 1 when there is no line.
 * fingerprint: SHA-256 of the finding id, the identity (fleet key or domain) and what tells it
 * from another finding of that id (a selector, a host, the expectation), so the same finding
 * keeps its fingerprint from one pipeline to the next and GitLab can tell new from fixed.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_POLICY_FILE } from '../src/policy/index.js';
import type { Severity } from '../src/report.js';
import { type CiEntry, type CiFiles, type CiFinding, ciFindings, waivedNote } from './ci-findings.js';
import { truncateText, visible } from './escape.js';

export type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface GitlabIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: GitlabSeverity;
  location: { path: string; lines: { begin: number } };
}

/** Longest description. */
export const GITLAB_MAX_DESCRIPTION_CHARS = 2000;

const SEVERITY: Record<Severity, GitlabSeverity> = {
  error: 'critical',
  warning: 'major',
  unknown: 'minor',
  info: 'info',
};

export function gitlabIssueOf(c: CiFinding, files: CiFiles): GitlabIssue {
  const f = c.finding;
  const waived = waivedNote(f);
  const description =
    `[${c.entry.key}] ${f.severity === 'unknown' ? 'could not measure: ' : ''}${f.title}: ${f.message}` +
    (waived ? ` (${waived})` : '') +
    (f.remediation ? ` Fix: ${f.remediation}` : '');
  return {
    description: truncateText(visible(description), GITLAB_MAX_DESCRIPTION_CHARS),
    check_name: f.id,
    fingerprint: createHash('sha256').update(`${f.id}\0${c.entry.key}\0${c.subject}`).digest('hex'),
    severity: waived ? 'info' : SEVERITY[f.severity],
    location: { path: c.file ?? files.policyFile ?? DEFAULT_POLICY_FILE, lines: { begin: c.line ?? 1 } },
  };
}

/** The Code Quality report of a run's reports. */
export function renderGitlab(entries: Iterable<CiEntry>, files: CiFiles = {}): string {
  const issues: GitlabIssue[] = [];
  for (const entry of entries) for (const c of ciFindings(entry, files)) issues.push(gitlabIssueOf(c, files));
  return `${JSON.stringify(issues, null, 2)}\n`;
}
