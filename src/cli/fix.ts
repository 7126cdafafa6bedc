/**
 * `audit DOMAIN --fix FILE`: the live audit, the fix fragment written to FILE (the MTA-STS
 * policy to FILE.mta-sts.txt), the audit again with FILE as an overlay, and the report with
 * what the fix clears (text after the report; a `fix` section in JSON).
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { fixSection, proveFixes, renderFixText } from '../fix/index.js';
import { type AuditOptions, audit, createProbe, type TargetInput } from '../index.js';
import type { Probe } from '../probe/types.js';
import type { Report } from '../report.js';
import { type ReportFlags, type ReportIo, reportOutputOf, writeReport } from './report-output.js';

/** Suffix of the MTA-STS policy file written next to the fragment. */
export const MTA_STS_POLICY_SUFFIX = '.mta-sts.txt';

function write(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

export async function fixAuditCommand(
  input: TargetInput,
  options: AuditOptions,
  file: string,
  flags: ReportFlags,
  io: ReportIo & { isTty: boolean; env: NodeJS.ProcessEnv },
): Promise<number> {
  // One probe for both audits: the live answers are asked once (its cache).
  const probe = createProbe(options);
  try {
    const run = (p: Probe) => audit(input, { ...options, probe: p });
    const before = await run(probe);
    const fixed = await proveFixes(before, probe, run);
    write(file, fixed.fragment);
    const policy = fixed.plan.fixes.find((f) => f.policyText !== undefined)?.policyText;
    const policyFile = policy !== undefined ? `${file}${MTA_STS_POLICY_SUFFIX}` : undefined;
    if (policyFile !== undefined && policy !== undefined) write(policyFile, policy);
    const section = fixSection(fixed, file, policyFile);
    const out = reportOutputOf(flags, io, before.target.domain);
    if (out.format === 'json') return writeReport({ ...before, fix: section } as Report, out, io);
    const code = writeReport(before, out, io);
    if (out.format === 'text') io.stdout(renderFixText(section));
    else io.stderr(renderFixText(section));
    return code;
  } finally {
    probe.close();
  }
}
