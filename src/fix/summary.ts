/** The outcome of --fix as text and as the JSON report's `fix` section. */
import type { FixRun } from './reaudit.js';

export interface FixSection {
  file: string;
  policyFile?: string;
  createdAt: string;
  fixes: {
    kind: string;
    findings: string[];
    records: { name: string; type: string; values: string[]; inactive?: boolean }[];
    warnings: string[];
    notes: string[];
  }[];
  cleared: string[];
  notCleared: string[];
  remaining: { id: string; reason: string }[];
  introduced: string[];
}

export function fixSection(run: FixRun, file: string, policyFile: string | undefined): FixSection {
  return {
    file,
    ...(policyFile !== undefined ? { policyFile } : {}),
    createdAt: run.plan.createdAt,
    fixes: run.plan.fixes.map((f) => ({
      kind: f.kind,
      findings: f.findings,
      records: f.records.map((r) => ({
        name: r.name,
        type: r.type,
        values: r.values,
        ...(r.inactive ? { inactive: true } : {}),
      })),
      warnings: f.warnings,
      notes: f.notes,
    })),
    ...run.verdict,
  };
}

const list = (ids: readonly string[]) => (ids.length > 0 ? ids.join(', ') : 'none');

export function renderFixText(section: FixSection): string {
  const lines = [
    '',
    `Fix: records written to ${section.file}${section.policyFile ? `, MTA-STS policy to ${section.policyFile}` : ''}`,
    `  cleared by the fix (re-audited with it as an overlay): ${list(section.cleared)}`,
  ];
  if (section.notCleared.length > 0)
    lines.push(`  meant to clear but still there: ${list(section.notCleared)}`);
  if (section.introduced.length > 0) lines.push(`  new with the fix: ${list(section.introduced)}`);
  const seen = new Set<string>();
  if (section.remaining.length > 0) lines.push('  remaining, no DNS fix:');
  for (const r of section.remaining) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    lines.push(`    ${r.id}: ${r.reason}`);
  }
  for (const f of section.fixes) for (const w of f.warnings) lines.push(`  warning (${f.kind}): ${w}`);
  return `${lines.join('\n')}\n`;
}
