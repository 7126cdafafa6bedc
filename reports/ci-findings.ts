/**
 * What the CI renderers (GitHub workflow commands, GitLab Code Quality) share: which findings
 * they report, which file a finding points at, and a stable name for one finding.
 *
 * A finding points at a file only when it is about one: a message check's finding at the
 * message file (.eml) the message command read; a policy finding at the policy file and the
 * line of the expectation or waiver. DNS findings are about published records, not a file in
 * the repository.
 */
import { MESSAGE_CHECK_IDS } from '../src/registry.js';
import type { Finding, Report } from '../src/report.js';

/** The files a run read, as the user named them (relative paths stay relative, as CI wants). */
export interface CiFiles {
  /** The policy file the policy findings come from. */
  policyFile?: string;
  /** The message file of the message command. */
  messageFile?: string;
}

/** One report of a run: its identity key (fleet) or its domain (audit, message). */
export interface CiEntry {
  key: string;
  report: Report;
}

export interface CiFinding {
  entry: CiEntry;
  check: string;
  finding: Finding;
  /** The file and line the finding points at, when it is about a file. */
  file?: string;
  line?: number;
  /** What tells it from another finding with the same id in the same report. */
  subject: string;
}

/** Evidence keys that name what a finding is about, in order of preference. */
const SUBJECT_KEYS = ['expected', 'selector', 'exchange', 'host', 'name', 'ip', 'uri'] as const;

const isMessageCheck = new Set(MESSAGE_CHECK_IDS);

/**
 * The findings CI shows: every one but info (info changes nothing at receivers; the job summary
 * and the other reports keep it), in the report's check order.
 */
export function* ciFindings(entry: CiEntry, files: CiFiles): Generator<CiFinding> {
  for (const [check, result] of Object.entries(entry.report.checks)) {
    const seen = new Map<string, number>();
    for (const finding of result.findings) {
      if (finding.severity === 'info') continue;
      const n = (seen.get(finding.id) ?? 0) + 1;
      seen.set(finding.id, n);
      yield { entry, check, finding, ...locationOf(check, finding, files), subject: subjectOf(finding, n) };
    }
  }
}

function locationOf(check: string, finding: Finding, files: CiFiles): { file?: string; line?: number } {
  if (finding.id.startsWith('policy/') && files.policyFile !== undefined) {
    const line = finding.evidence['line'];
    return { file: files.policyFile, ...(typeof line === 'number' && line >= 1 ? { line } : {}) };
  }
  if (isMessageCheck.has(check) && files.messageFile !== undefined) return { file: files.messageFile };
  return {};
}

function subjectOf(finding: Finding, occurrence: number): string {
  for (const key of SUBJECT_KEYS) {
    const v = finding.evidence[key];
    if (typeof v === 'string' && v !== '') return `${key}=${v}`;
  }
  return `#${occurrence}`;
}

/** "waived: REASON, until DATE" */
export function waivedNote(finding: Finding): string | undefined {
  return finding.waived ? `waived: ${finding.waived.reason}, until ${finding.waived.expires}` : undefined;
}
