/**
 * triageBounceFiles: read the given paths (files, directories, "-" for standard input) and
 * triage their bounces in one streamed pass, with what the readers could not read and, when
 * asked, the audit of the sending domains behind the causes a check can see. The result is the
 * JSON `mail-preflight bounces` writes (reports/schema/bounces-v1.json).
 */
import {
  auditBounces,
  type BounceAudit,
  type BounceAuditOptions,
  CauseDomainTracker,
  checkAuditIdentity,
} from './audit.js';
import { type ReadBouncesOptions, type ReadSummary, readBounces } from './read/index.js';
import { type BounceTriage, type TriageOptions, triageBounces } from './triage.js';

export interface TriageFilesOptions extends TriageOptions, Omit<ReadBouncesOptions, 'onSummary'> {
  /** Audit the sending domains behind linked causes (true: with the default resolvers). */
  audit?: boolean | BounceAuditOptions;
}

export interface BounceFilesTriage extends BounceTriage {
  /** Files and lines read, and the problems met (unreadable files, binary junk, ...). */
  read: ReadSummary;
  audit?: BounceAudit;
}

const EMPTY_READ: ReadSummary = {
  files: 0,
  records: 0,
  lines: 0,
  problems: 0,
  problemsByKind: {},
  examples: [],
};

export async function triageBounceFiles(
  paths: readonly string[],
  options: TriageFilesOptions = {},
): Promise<BounceFilesTriage> {
  const { audit, year, stdin, signal, ...triageOptions } = options;
  // A bad --ip or --profile is told before a large input is read, not after.
  if (audit && audit !== true) checkAuditIdentity(audit);
  let read = EMPTY_READ;
  const tracker = audit ? new CauseDomainTracker() : undefined;
  const onBounce = options.onBounce;
  const records = readBounces(paths, {
    ...(year !== undefined ? { year } : {}),
    ...(stdin ? { stdin } : {}),
    ...(signal ? { signal } : {}),
    onSummary: (s) => {
      read = s;
    },
  });
  const triage = await triageBounces(records, {
    ...triageOptions,
    ...(tracker
      ? {
          onBounce: (b) => {
            tracker.add(b);
            return onBounce?.(b);
          },
        }
      : {}),
  });
  if (!audit) return { ...triage, read };
  const auditOptions: BounceAuditOptions = {
    ...(audit === true ? {} : audit),
    ...(tracker ? { causeDomains: tracker } : {}),
    ...(signal ? { signal } : {}),
  };
  return { ...triage, read, audit: await auditBounces(triage, auditOptions) };
}
