/**
 * The README's list of findings is generated from the checks' metadata, so docs cannot drift:
 * `npm run docs` rewrites the block between the markers; a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FindingSpec } from '../src/check.js';
import { packageRoot } from '../src/paths.js';
import { EVERY_CHECK, MESSAGE_CHECKS } from '../src/registry.js';
import { predictReplies, REPLY_TABLE, severityFollowingReplies } from '../src/replies/index.js';
import { bounceCategoriesMarkdown } from './bounce-doc.js';
import { recipientReasonsMarkdown } from './recipients-doc.js';

/**
 * Table cell text: template names shown as <name>, pipes escaped, HTML escaped outside code
 * spans (inside one, CommonMark shows the text as written: `&lt;` would show literally).
 */
function cell(s: string): string {
  return s
    .replace(/\{([a-zA-Z0-9_]+)\}/g, '<$1>')
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    )
    .join('')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
}

/** Said once, before the first message check: what those checks judge and how they are run. */
const MESSAGE_CHECKS_INTRO =
  'The checks below judge a sample message (`mail-preflight message FILE.eml`, `auditMessage()`), ' +
  'beside the checks above run on its From domain.';

/**
 * The severity a report gives a finding raising only its spec's conditions: the spec's, raised
 * to error by a documented rejection or deferral (see severityFollowingReplies), per profile.
 */
function reportedSeverity(spec: FindingSpec): string {
  const [bulk, transactional] = (['bulk', 'transactional'] as const).map((profile) =>
    severityFollowingReplies(spec.severity, predictReplies(spec.conditions ?? [], profile)),
  );
  return bulk === transactional ? `${bulk}` : `${bulk} (bulk), ${transactional} (transactional)`;
}

export function findingsMarkdown(): string {
  const out: string[] = [];
  for (const check of EVERY_CHECK) {
    if (check === MESSAGE_CHECKS[0]) out.push(MESSAGE_CHECKS_INTRO, '');
    out.push(`### \`${check.id}\`: ${check.title}`, '');
    out.push('| id | severity | title | fix | predicted replies (bulk) |', '|---|---|---|---|---|');
    for (const [key, spec] of Object.entries(check.findings)) {
      const replies = predictReplies(spec.conditions ?? [], 'bulk')
        .map((r) => `${r.provider} ${r.code} ${r.enhanced}`)
        .join(', ');
      out.push(
        `| \`${check.id}/${key}\` | ${reportedSeverity(spec)} | ${cell(spec.title)} | ${cell(spec.fix)} | ${replies || '-'} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

/** Replaces the text between `<!-- NAME:start... -->` and `<!-- NAME:end -->`. */
export function replaceBlock(doc: string, name: string, body: string): string {
  const start = doc.indexOf(`<!-- ${name}:start`);
  const startEnd = doc.indexOf('-->', start);
  const end = doc.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < startEnd) throw new Error(`README has no ${name} markers`);
  return `${doc.slice(0, startEnd + 3)}\n${body}\n${doc.slice(end)}`;
}

/** The zone format documentation, taken from the doc comment at the top of src/lab/zone.ts. */
export function zoneFormatMarkdown(): string {
  const src = readFileSync(join(packageRoot(), 'src/lab/zone.ts'), 'utf8');
  const comment = src.slice(src.indexOf('/**') + 3, src.indexOf('*/'));
  return comment
    .split('\n')
    .map((l) => l.replace(/^ \* ?/, '').replace(/^ \*$/, ''))
    .join('\n')
    .trim();
}

export function helpMarkdown(help: string): string {
  return ['```', help.trimEnd(), '```'].join('\n');
}

/** The provider reply table as implemented (src/replies), one row per condition and reply. */
export function repliesMarkdown(): string {
  const out = [
    '| condition | provider | reply | transient/permanent | bulk only | confidence | source |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of REPLY_TABLE) {
    out.push(
      `| \`${r.condition}\` | ${r.provider} | ${r.code} ${r.enhanced} | ${r.permanent ? 'permanent' : 'transient'} | ` +
        `${r.bulkOnly ? 'yes' : 'no'} | ${r.confidence} | ${cell(r.source)} (checked ${r.checked}) |`,
    );
  }
  return out.join('\n');
}

/** The CI examples of docs/examples/, as the README shows them (the tests run the same files). */
export const CI_EXAMPLES = [
  { file: 'github-workflow.yml', title: 'GitHub Actions: `.github/workflows/mail-preflight.yml`' },
  { file: 'gitlab-ci.yml', title: 'GitLab CI: `.gitlab-ci.yml`' },
  { file: '.mail-preflight.yml', title: 'The policy file beside them: `.mail-preflight.yml`' },
] as const;

/** A file of docs/examples/ in a YAML code fence. */
function exampleFileMarkdown(file: string): string {
  const text = readFileSync(join(packageRoot(), 'docs', 'examples', file), 'utf8');
  return ['```yaml', text.trimEnd(), '```'].join('\n');
}

function ciExamplesMarkdown(): string {
  return CI_EXAMPLES.map((e) => `${e.title}\n\n${exampleFileMarkdown(e.file)}\n`)
    .join('\n')
    .trimEnd();
}

export async function generatedReadme(readme: string): Promise<string> {
  const { HELP } = await import('../src/cli.js');
  let doc = replaceBlock(readme, 'findings', findingsMarkdown());
  doc = replaceBlock(doc, 'zone', zoneFormatMarkdown());
  doc = replaceBlock(doc, 'help', helpMarkdown(HELP));
  doc = replaceBlock(doc, 'replies', repliesMarkdown());
  doc = replaceBlock(doc, 'bounce-categories', bounceCategoriesMarkdown());
  doc = replaceBlock(doc, 'ci-examples', ciExamplesMarkdown());
  doc = replaceBlock(doc, 'policy-reference', exampleFileMarkdown('policy-reference.yml'));
  doc = replaceBlock(doc, 'recipient-reasons', recipientReasonsMarkdown());
  return doc;
}

if (process.argv[1]?.endsWith('findings-doc.ts')) {
  const path = join(packageRoot(), 'README.md');
  writeFileSync(path, await generatedReadme(readFileSync(path, 'utf8')));
}
