/**
 * Every command-line option, written once. The parseArgs specs of each command (src/cli/parse.ts),
 * the option lines of --help (src/cli/help.ts) and the keys of the config files with their type
 * checks (src/cli/config-keys.ts) are all derived from this table.
 *
 * One entry is one option with one meaning: a flag that means something else in another command
 * (`--format` of audit and of fleet, the single `--ip` of spf) is a second entry.
 */

import { BLOCKLIST_IDS } from '../../checks/reputation/index.js';
import { ADAPTIVE_MAX_IDENTITIES, DEFAULT_FLEET_CONCURRENCY } from '../fleet/run.js';
import { MAX_FLEET_THREADS } from '../fleet/threads.js';
import { FLEET_SMTP_CONCURRENCY } from '../probe/create.js';
import { ADAPTIVE_MAX, ADAPTIVE_START, MAX_DNS_CONCURRENCY } from '../probe/limiter.js';
import { SMTP_DEFAULT_NETWORK_GAP_MS, SMTP_DEFAULT_PER_NETWORK } from '../probe/smtp-politeness.js';
import { CHECK_IDS, MESSAGE_CHECK_IDS } from '../registry.js';

export type Command =
  | 'audit'
  | 'message'
  | 'spf'
  | 'explain'
  | 'fleet'
  | 'diff'
  | 'bounces'
  | 'recipients'
  | 'worker';
export const COMMANDS: readonly Command[] = [
  'audit',
  'message',
  'spf',
  'explain',
  'fleet',
  'diff',
  'bounces',
  'recipients',
  'worker',
];

/** `list` is a repeatable string flag; `number` a string flag read as an integer in `range`. */
export type OptionType = 'string' | 'boolean' | 'number' | 'list';

/** The --help block an option is listed in; an option without one is shown in the usage lines. */
export type HelpSection = 'audit' | 'smtp' | 'dns' | 'message' | 'fleet' | 'bounces' | 'recipients' | 'queue';

/**
 * Where a config key is read: `identity` in an audit --config file and in a fleet config's
 * defaults and identities; `run` in an audit --config file and at a fleet config's top level;
 * `fleet-run` at a fleet config's top level only; `audit-run` in an audit --config file only.
 */
export type ConfigScope = 'identity' | 'run' | 'fleet-run' | 'audit-run';

export interface ConfigKey {
  /** The documented key (the one error messages name). */
  readonly key: string;
  /** The field of the parsed config it lands in (default: `key`). */
  readonly field?: string;
  /** Other spellings accepted for it. */
  readonly synonyms?: readonly string[];
  readonly scope: ConfigScope;
}

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  /** Named after the range in error messages, e.g. "1 to 120000 ms". */
  readonly unit?: string;
}

export interface CliOption {
  /** The long flag without its dashes (or the config key of a positional argument). */
  readonly name: string;
  /** Given as a positional argument (audit's DOMAIN), not as a flag. */
  readonly positional?: true;
  readonly short?: string;
  readonly type: OptionType;
  /** The value's placeholder in --help, e.g. FILE. */
  readonly arg?: string;
  /** The --help description; `\n` continues it on the next line, under the description column. */
  readonly help?: string;
  readonly section?: HelpSection;
  readonly commands: readonly Command[];
  /** A `number` option's bounds. */
  readonly range?: NumberRange;
  /** The values a `string` (or each value of a `list`) option takes, in the order messages list them. */
  readonly choices?: readonly string[];
  readonly config?: ConfigKey;
}

/** RFC 6335 6: the port number range (0 is reserved). */
const PORT_RANGE = { min: 1, max: 65_535 } as const;
/** Per-query DNS timeout bounds, in milliseconds. */
const TIMEOUT_RANGE = { min: 1, max: 120_000, unit: 'ms' } as const;
/** A queue job's lock (ms): long enough to renew over a slow link, short enough to retake a dead worker's job. */
const LOCK_DURATION_RANGE = { min: 1_000, max: 600_000, unit: 'ms' } as const;
/** A sane ceiling for --concurrency / `concurrency:`. */
export const MAX_FLEET_CONCURRENCY = 1024;
/** Width of the check id list in --help before it wraps. */
const CHECK_IDS_LINE_CHARS = 40;
/** Width of the message check ids, listed on lines of their own under the description column. */
const MESSAGE_CHECK_IDS_LINE_CHARS = 70;

/** The check ids for the help text, wrapped under the option's description column. */
function wrapIds(ids: readonly string[], width = CHECK_IDS_LINE_CHARS): string {
  const lines: string[] = [];
  let line = '';
  for (const id of ids) {
    const next = line === '' ? id : `${line}, ${id}`;
    if (next.length > width && line !== '') {
      lines.push(`${line},`);
      line = id;
    } else line = next;
  }
  lines.push(line);
  return lines.join('\n');
}

/**
 * The table. Within a help section, options are listed in table order; the table lists the
 * audit, DNS and SMTP options in that order because fleet's "as for audit" line follows it.
 */
export const CLI_OPTIONS = [
  {
    name: 'domain',
    positional: true,
    type: 'string',
    commands: ['audit'],
    config: { key: 'domain', scope: 'identity' },
  },
  {
    name: 'ip',
    type: 'list',
    arg: 'IP',
    help: 'a sending IP address (repeatable; IPv4 or IPv6)',
    section: 'audit',
    commands: ['audit', 'message', 'bounces'],
    config: { key: 'ips', synonyms: ['ip'], scope: 'identity' },
  },
  {
    name: 'helo',
    type: 'string',
    arg: 'NAME',
    help: 'the name the sending host gives in HELO/EHLO',
    section: 'audit',
    commands: ['audit', 'message', 'spf', 'bounces'],
    config: { key: 'helo', scope: 'identity' },
  },
  {
    name: 'mail-from',
    type: 'string',
    arg: 'DOMAIN',
    help: 'envelope (Return-Path) domain or address (default: DOMAIN)',
    section: 'audit',
    commands: ['audit', 'message'],
    config: { key: 'mailFrom', synonyms: ['mail-from'], scope: 'identity' },
  },
  {
    name: 'dkim-domain',
    type: 'string',
    arg: 'DOMAIN',
    help: 'the d= the mail is signed with (default: DOMAIN)',
    section: 'audit',
    commands: ['audit'],
    config: { key: 'dkimDomain', synonyms: ['dkim-domain'], scope: 'identity' },
  },
  {
    name: 'dkim-selector',
    type: 'list',
    arg: 'S',
    help: 'a DKIM selector to check (repeatable); common ones are also tried',
    section: 'audit',
    commands: ['audit'],
    config: {
      key: 'dkimSelectors',
      synonyms: ['dkim-selector', 'dkim-selectors', 'selectors'],
      scope: 'identity',
    },
  },
  {
    name: 'no-dkim-discovery',
    type: 'boolean',
    help:
      'only the selectors given: do not try the common ones (config:\n' +
      'dkimDiscovery: false; ignored when no selector is given)',
    section: 'audit',
    commands: ['audit'],
    // The flag turns discovery off; the config key says whether it is on.
    config: { key: 'dkimDiscovery', synonyms: ['dkim-discovery'], scope: 'identity' },
  },
  {
    name: 'profile',
    type: 'string',
    arg: 'P',
    help: 'bulk (default) or transactional: transactional drops bulk-only replies',
    section: 'audit',
    commands: ['audit', 'message', 'bounces'],
    config: { key: 'profile', scope: 'identity' },
  },
  {
    name: 'config',
    type: 'string',
    arg: 'FILE',
    help: 'options from a YAML or JSON file (flags given win)',
    section: 'audit',
    commands: ['audit'],
  },
  {
    name: 'check',
    type: 'list',
    arg: 'ID',
    help: `run only this check (repeatable): ${wrapIds(CHECK_IDS)}`,
    section: 'audit',
    commands: ['audit', 'fleet'],
    config: { key: 'checks', synonyms: ['check'], scope: 'fleet-run' },
  },
  {
    name: 'format',
    type: 'string',
    arg: 'F',
    help:
      'text (default), json, html (one self-contained page), junit (XML),\n' +
      'github (workflow commands; job summary to $GITHUB_STEP_SUMMARY)\n' +
      'or gitlab (Code Quality JSON)',
    section: 'audit',
    commands: ['audit', 'message'],
    choices: ['text', 'json', 'html', 'junit', 'github', 'gitlab'],
  },
  {
    name: 'json',
    type: 'boolean',
    help: 'same as --format json',
    section: 'audit',
    commands: ['audit', 'message', 'spf', 'explain', 'diff', 'bounces', 'recipients'],
  },
  {
    name: 'output',
    type: 'string',
    arg: 'FILE',
    help: 'write the report to FILE instead of standard output',
    section: 'audit',
    commands: ['audit', 'message', 'bounces', 'recipients'],
  },
  {
    name: 'fail-on',
    type: 'string',
    arg: 'LEVEL',
    help:
      'fail (default): exit 1 on errors; warn: exit 1 on warnings too;\n' +
      'regression (with --overlay): exit 1 only when the proposed\n' +
      'records are worse than live',
    section: 'audit',
    commands: ['audit', 'message', 'fleet'],
    choices: ['warn', 'fail', 'regression'],
  },
  {
    name: 'policy',
    type: 'string',
    arg: 'FILE',
    help:
      'the policy file: expectations and waivers (default:\n' +
      '.mail-preflight.yml in the working directory, when present)',
    section: 'audit',
    commands: ['audit', 'message', 'fleet'],
    config: { key: 'policy', scope: 'run' },
  },
  {
    name: 'no-policy',
    type: 'boolean',
    help: 'read no policy file',
    section: 'audit',
    commands: ['audit', 'message', 'fleet'],
  },
  {
    name: 'no-color',
    type: 'boolean',
    help: 'no colour (also when NO_COLOR is set or output is not a TTY)',
    section: 'audit',
    commands: ['audit', 'message'],
  },
  {
    name: 'resolver',
    type: 'list',
    arg: 'HOST[:PORT]',
    help: 'DNS server to ask (repeatable; IPv6 as [::1]:5353);\ndefault: the nameservers of /etc/resolv.conf',
    section: 'dns',
    commands: ['audit', 'message', 'spf', 'fleet', 'bounces', 'recipients', 'worker'],
    config: { key: 'resolvers', synonyms: ['resolver'], scope: 'run' },
  },
  {
    name: 'timeout',
    type: 'number',
    arg: 'MS',
    help: 'per-query timeout in milliseconds (default 2000; 2 tries)',
    section: 'dns',
    commands: ['audit', 'message', 'spf', 'fleet', 'bounces', 'recipients', 'worker'],
    range: TIMEOUT_RANGE,
    config: { key: 'timeout', field: 'timeoutMs', synonyms: ['timeoutMs'], scope: 'run' },
  },
  {
    name: 'dqs-key',
    type: 'string',
    arg: 'KEY',
    help: 'Spamhaus DQS key: the reputation check asks the Spamhaus lists\nin their DQS zones (the key never appears in reports)',
    section: 'dns',
    commands: ['audit', 'message', 'fleet', 'worker'],
    config: { key: 'dqsKey', synonyms: ['dqs-key'], scope: 'run' },
  },
  {
    name: 'blocklist',
    type: 'list',
    arg: 'ID',
    help: `a blocklist the reputation check asks (repeatable; default: all;\n"none": none): ${wrapIds(BLOCKLIST_IDS)}`,
    section: 'dns',
    commands: ['audit', 'message', 'fleet', 'worker'],
    choices: [...BLOCKLIST_IDS, 'none'],
    config: { key: 'blocklists', synonyms: ['blocklist', 'reputation.lists'], scope: 'run' },
  },
  {
    name: 'smtp-port',
    type: 'number',
    arg: 'N',
    help: 'port to probe instead of 25 (labs, submission ports)',
    section: 'smtp',
    commands: ['audit', 'message', 'fleet', 'worker'],
    range: PORT_RANGE,
  },
  {
    name: 'ca-file',
    type: 'string',
    arg: 'FILE',
    help: "trust the PEM CA certificates in FILE instead of the system's",
    section: 'smtp',
    commands: ['audit', 'message', 'fleet', 'worker'],
  },
  {
    name: 'no-smtp',
    type: 'boolean',
    help: 'do not connect over SMTP (tls and mx-tls are skipped); useful\nwhere outbound port 25 is blocked',
    section: 'smtp',
    commands: ['audit', 'message', 'fleet', 'bounces', 'worker'],
  },
  {
    name: 'no-dns',
    type: 'boolean',
    help: 'no DNS, no SMTP: lint the message alone (DKIM keys are then unknown)',
    section: 'message',
    commands: ['message'],
  },
  {
    name: 'domain',
    type: 'string',
    arg: 'DOMAIN',
    help: 'audit this domain instead of the From domain',
    section: 'message',
    commands: ['message'],
  },
  {
    name: 'smtputf8',
    type: 'boolean',
    help: 'the sending MTA uses SMTPUTF8 (raw UTF-8 in headers is allowed)',
    section: 'message',
    commands: ['message'],
  },
  {
    name: 'check',
    type: 'list',
    arg: 'ID',
    help: `run only this check (repeatable): a check of audit or\n${wrapIds(MESSAGE_CHECK_IDS, MESSAGE_CHECK_IDS_LINE_CHARS)}`,
    section: 'message',
    commands: ['message'],
  },
  {
    name: 'config',
    type: 'string',
    arg: 'FILE',
    help: 'fleet config (YAML/JSON): defaults, identities, resolvers, ...',
    section: 'fleet',
    commands: ['fleet'],
  },
  {
    name: 'domains-file',
    type: 'string',
    arg: 'FILE',
    help: 'one domain per line; # comments and blank lines are ignored',
    section: 'fleet',
    commands: ['fleet'],
  },
  {
    name: 'out-dir',
    type: 'string',
    arg: 'DIR',
    help:
      'where reports/, results.ndjson, summary.json, index.html go;\n' +
      'run again with the same DIR to finish an interrupted run',
    section: 'fleet',
    commands: ['fleet'],
  },
  {
    name: 'concurrency',
    type: 'number',
    arg: 'N',
    help:
      'identities audited at once (fleet default: adaptive, up to\n' +
      `${ADAPTIVE_MAX_IDENTITIES}, paced by the DNS questions waiting and by\n` +
      `how busy this process is; worker default: ${DEFAULT_FLEET_CONCURRENCY})`,
    section: 'fleet',
    commands: ['fleet', 'worker'],
    range: { min: 1, max: MAX_FLEET_CONCURRENCY },
    config: { key: 'concurrency', scope: 'fleet-run' },
  },
  {
    name: 'threads',
    type: 'number',
    arg: 'N',
    help:
      'audit threads, each with its own DNS cache (default 1): for a\n' +
      'machine with cores to spare; SMTP politeness per network is\n' +
      'shared out between them (not with --overlay or --queue)',
    section: 'fleet',
    commands: ['fleet'],
    range: { min: 1, max: MAX_FLEET_THREADS },
    config: { key: 'threads', scope: 'fleet-run' },
  },
  {
    name: 'dns-concurrency',
    type: 'number',
    arg: 'N',
    help:
      'DNS questions in flight at once (default: adaptive,\n' +
      `${ADAPTIVE_START} growing to ${ADAPTIVE_MAX} while the resolver keeps up)`,
    section: 'fleet',
    commands: ['fleet'],
    range: { min: 1, max: MAX_DNS_CONCURRENCY },
    config: { key: 'dnsConcurrency', synonyms: ['dns-concurrency'], scope: 'fleet-run' },
  },
  {
    name: 'smtp-concurrency',
    type: 'number',
    arg: 'N',
    help: `SMTP probes at once in the whole run (default ${FLEET_SMTP_CONCURRENCY};\nper network still --smtp-per-network)`,
    section: 'fleet',
    commands: ['fleet', 'worker'],
    range: { min: 1, max: 1024 },
  },
  {
    name: 'smtp-per-network',
    type: 'number',
    arg: 'N',
    help: `SMTP connections at once to one IPv4 /24 or IPv6 /64\n(default ${SMTP_DEFAULT_PER_NETWORK}; one per host always)`,
    section: 'fleet',
    commands: ['fleet', 'worker'],
    range: { min: 1, max: 64 },
  },
  {
    name: 'smtp-gap',
    type: 'number',
    arg: 'MS',
    help: `least time between two SMTP connection starts to one /24 or\n/64 (default ${SMTP_DEFAULT_NETWORK_GAP_MS} ms)`,
    section: 'fleet',
    commands: ['fleet', 'worker'],
    range: { min: 0, max: 60_000 },
  },
  {
    name: 'baseline',
    type: 'string',
    arg: 'DIR',
    help:
      'compare with this earlier run (default: the newest earlier\n' +
      'dated sibling of DIR, e.g. reports/2026-05-01 for reports/2026-05-02)',
    section: 'fleet',
    commands: ['fleet'],
  },
  {
    name: 'no-baseline',
    type: 'boolean',
    help: 'do not compare with any earlier run',
    section: 'fleet',
    commands: ['fleet'],
  },
  {
    name: 'profile',
    type: 'string',
    arg: 'P',
    help: 'profile for identities that give none (domains file)',
    section: 'fleet',
    commands: ['fleet'],
    choices: ['bulk', 'transactional'],
  },
  {
    name: 'format',
    type: 'list',
    arg: 'F',
    help:
      'junit: also write junit.xml; json: print summary.json on stdout\n' +
      '(repeatable; index.html is always written); github: workflow\n' +
      'commands and $GITHUB_STEP_SUMMARY; gitlab: also write\n' +
      'gl-code-quality-report.json',
    section: 'fleet',
    commands: ['fleet'],
    choices: ['html', 'junit', 'json', 'text', 'github', 'gitlab'],
  },
  {
    name: 'quiet',
    type: 'boolean',
    help: 'no progress on stderr',
    section: 'fleet',
    commands: ['fleet'],
  },
  {
    name: 'format',
    type: 'string',
    arg: 'F',
    help: 'text (default), json (reports/schema/bounces-v1.json) or html (one page)',
    section: 'bounces',
    commands: ['bounces'],
    choices: ['text', 'json', 'html'],
  },
  {
    name: 'since',
    type: 'string',
    arg: 'DATE',
    help: 'only bounces at or after DATE (2024-03-01 or 2024-03-01T10:00Z;\nno offset: UTC); bounces without a time are kept',
    section: 'bounces',
    commands: ['bounces'],
  },
  {
    name: 'until',
    type: 'string',
    arg: 'DATE',
    help: 'only bounces before DATE (exclusive: --until 2024-03-02 ends with March 1)',
    section: 'bounces',
    commands: ['bounces'],
  },
  {
    name: 'audit',
    type: 'boolean',
    help:
      'audit the sending domains behind causes a check can see (SPF, DKIM,\n' +
      'DMARC, PTR with --ip, TLS with --ip or --helo) through DNS, and say\n' +
      'which findings explain each wave and category',
    section: 'bounces',
    commands: ['bounces'],
  },
  {
    name: 'overlay',
    type: 'list',
    arg: 'FILE',
    help:
      'proposed DNS records (zone file or .yaml) answered as if\n' +
      'published, the rest live (repeatable); the output compares live\n' +
      'and proposed (config: overlay, relative to the config file)',
    section: 'audit',
    commands: ['audit', 'message', 'fleet'],
    config: { key: 'overlay', field: 'overlays', synonyms: ['overlays'], scope: 'audit-run' },
  },
  {
    name: 'overlay-complete',
    type: 'boolean',
    help: 'each overlay file is the whole zone of its origin: names it\nlacks are NXDOMAIN',
    section: 'audit',
    commands: ['audit', 'message', 'fleet'],
  },
  {
    name: 'fix',
    type: 'string',
    arg: 'FILE',
    help:
      'write the DNS records that fix the findings to FILE (a zone file\n' +
      'fragment; the MTA-STS policy to FILE.mta-sts.txt), audit again with\n' +
      'them as an overlay and report which findings they clear',
    section: 'audit',
    commands: ['audit'],
  },
  {
    name: 'format',
    type: 'string',
    arg: 'F',
    help: 'text (default), json (reports/schema/recipients-v1.json) or csv (one row\nper address, safe for spreadsheets)',
    section: 'recipients',
    commands: ['recipients'],
    choices: ['text', 'json', 'csv'],
  },
  {
    name: 'column',
    type: 'string',
    arg: 'NAME',
    help: 'the CSV column holding the address (default: email, e-mail,\nemail address, email_address, mail and their usual spellings; case ignored)',
    section: 'recipients',
    commands: ['recipients'],
  },
  {
    name: 'fail-on',
    type: 'string',
    arg: 'STATUS',
    help: 'exit 1 when an address is invalid or undeliverable (undeliverable),\nor also risky or unknown (risky); default: exit 0 whenever the check ran',
    section: 'recipients',
    commands: ['recipients'],
    choices: ['undeliverable', 'risky'],
  },
  {
    name: 'no-dns',
    type: 'boolean',
    help: 'no DNS: syntax, typos of the TLD, role, disposable and duplicate\nchecks only (domains are not looked up)',
    section: 'recipients',
    commands: ['recipients'],
  },
  {
    name: 'quiet',
    type: 'boolean',
    help: 'no progress on stderr',
    section: 'recipients',
    commands: ['recipients'],
  },
  {
    name: 'queue',
    type: 'string',
    arg: 'URL',
    help:
      'the Redis a run is spread over: redis://[:PASSWORD@]HOST:6379/0\n' +
      '(rediss:// for TLS); "env": MAIL_PREFLIGHT_REDIS_URL (the worker\'s\n' +
      'default); REDIS_PASSWORD fills in a password the URL lacks',
    section: 'queue',
    commands: ['fleet', 'worker'],
  },
  {
    name: 'lock-duration',
    type: 'number',
    arg: 'MS',
    help: 'a job held by a process that died is retaken after this (default 30000)',
    section: 'queue',
    commands: ['fleet', 'worker'],
    range: LOCK_DURATION_RANGE,
  },
  {
    name: 'queue-timeout',
    type: 'number',
    arg: 'SEC',
    help: 'fleet: end the run incomplete once Redis is gone this long (default 60)',
    section: 'queue',
    commands: ['fleet'],
    range: { min: 1, max: 86_400, unit: 's' },
  },
  {
    name: 'idle-exit',
    type: 'number',
    arg: 'SEC',
    help: 'worker: exit after this long without a job (default: run until SIGTERM)',
    section: 'queue',
    commands: ['worker'],
    range: { min: 1, max: 86_400, unit: 's' },
  },
  {
    name: 'smtp-host-limit',
    type: 'number',
    arg: 'N',
    help: 'worker: SMTP probes per MX host per minute, all workers together\n(default 10)',
    section: 'queue',
    commands: ['worker'],
    range: { min: 1, max: 10_000 },
  },
  // Shown in the usage lines of --help.
  { name: 'ip', type: 'string', commands: ['spf'] },
  { name: 'sender', type: 'string', commands: ['spf'] },
  { name: 'help', short: 'h', type: 'boolean', commands: COMMANDS },
] as const satisfies readonly CliOption[];

export type CliOptionEntry = (typeof CLI_OPTIONS)[number];

/** The options a command takes (flags only, not positional arguments). */
export function flagsOf(command: Command): CliOption[] {
  return (CLI_OPTIONS as readonly CliOption[]).filter((o) => !o.positional && o.commands.includes(command));
}
