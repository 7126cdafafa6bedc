/**
 * `mail-preflight bounces PATH...`: read the bounces a sender has (bounce messages, mbox and
 * maildir, MTA logs, ESP event exports; "-" is standard input), triage them in one streamed
 * pass (triageBounceFiles), and print the text, the JSON (reports/schema/bounces-v1.json) or the
 * HTML page. Bounces report what already happened; they do not gate: the exit code is 0
 * whenever the triage ran, 64 for bad usage (an unknown option, a bad date, a missing path).
 */
import { statSync, writeFileSync } from 'node:fs';
import { renderBouncesHtml } from '../../reports/bounces-html.js';
import { renderBouncesText } from '../../reports/bounces-text.js';
import { UsageError } from '../errors.js';
import { type BounceAuditOptions, type TriageFilesOptions, triageBounceFiles } from '../index.js';
import { stableStringify } from '../report.js';
import { sectionHelp, sharedWithAuditHelp } from './help.js';
import type { StdinSource } from './message.js';
import { parseCommand } from './parse.js';
import { EXIT_OK } from './report-output.js';

/** The argument that names standard input. */
const STDIN_ARG = '-';

export const BOUNCES_HELP = `Bounces:
  mail-preflight bounces PATH... [options]
                          triage bounce messages (.eml, mbox, maildir), MTA logs (Postfix,
                          Exim, Sendmail, syslog, journal JSON) and ESP exports (SES,
                          SendGrid, Mailgun, Postmark, SparkPost, Mailjet, Mandrill, Brevo):
                          PATH is a file, a directory or "-" (stdin)

Bounces options:
${sectionHelp('bounces')}${sharedWithAuditHelp('bounces', 'bounces')}
  (--ip, --helo, --profile, --resolver, --timeout and --no-smtp matter only with --audit)
  Exit code 0 whenever the triage ran, whatever the bounces say (waves, unreadable files
  included): bounces tell what already happened, they do not gate a change. To alert on
  waves, read .waves.waves of --format json. 64: bad usage (a bad date, a missing PATH).
`;

export interface BouncesCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin?: StdinSource;
}

export async function bouncesCommand(args: string[], io: BouncesCommandIo, help: string): Promise<number> {
  const { values, positionals } = parseCommand('bounces', args);
  if (values.help) {
    io.stdout(help);
    return EXIT_OK;
  }
  if (positionals.length === 0)
    throw new UsageError('bounces needs a PATH (a file, a directory or - for stdin)');
  for (const path of positionals) if (path !== STDIN_ARG) assertReadable(path);
  const since = values.since !== undefined ? parseDate(values.since, '--since') : undefined;
  const until = values.until !== undefined ? parseDate(values.until, '--until') : undefined;
  if (since && until && since >= until) throw new UsageError('--since must be before --until');
  const audit: BounceAuditOptions = {
    ...(values.resolver ? { resolvers: values.resolver } : {}),
    ...(values.timeout !== undefined ? { timeoutMs: values.timeout } : {}),
    ...(values['no-smtp'] ? { noSmtp: true } : {}),
    ...(values.ip ? { ips: values.ip } : {}),
    ...(values.helo !== undefined ? { helo: values.helo } : {}),
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
  };
  const options: TriageFilesOptions = {
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(io.stdin ? { stdin: io.stdin } : {}),
    ...(values.audit ? { audit } : {}),
  };
  const result = await triageBounceFiles(positionals, options);
  const format = values.json ? 'json' : (values.format ?? 'text');
  const rendered =
    format === 'json'
      ? `${stableStringify(result)}\n`
      : format === 'html'
        ? renderBouncesHtml(result)
        : renderBouncesText(result);
  if (values.output === undefined) io.stdout(rendered);
  else {
    try {
      writeFileSync(values.output, rendered);
    } catch (err) {
      throw new UsageError(`cannot write ${values.output}: ${(err as Error).message}`);
    }
    io.stderr(`mail-preflight: ${format} bounce triage written to ${values.output}\n`);
  }
  return EXIT_OK;
}

/** A PATH given on the command line must exist: a typo is a usage error, not an empty triage. */
function assertReadable(path: string): void {
  try {
    statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
}

/** YYYY-MM-DD, or a date-time with minutes, optional seconds and fraction, optional offset. */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO 8601 date or date-time (no offset: UTC, as the bounces' times are compared in UTC). */
export function parseDate(value: string, flag: string): Date {
  const m = ISO_DATE.exec(value);
  const bad = () =>
    new UsageError(
      `${flag} must be an ISO date or date-time (2024-03-01, 2024-03-01T10:00Z), not "${value}"`,
    );
  if (!m) throw bad();
  const [, year, month, day, hour, , , zone] = m;
  const text = hour === undefined ? `${year}-${month}-${day}T00:00Z` : zone ? value : `${value}Z`;
  const ms = Date.parse(text);
  // Date.parse rolls 2024-02-30 over to March 1: the day must survive the round trip.
  if (Number.isNaN(ms) || new Date(Date.parse(`${year}-${month}-${day}T00:00Z`)).getUTCDate() !== Number(day))
    throw bad();
  return new Date(ms);
}
