#!/usr/bin/env node
/**
 * Thin shell: parse arguments -> library -> render -> process.exitCode.
 * Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 the audit was
 * incomplete (something could not be measured) and nothing failed; 64 bad usage or input.
 */
import { sanitizeForTerminal } from '../reports/text.js';
import { explainExtra } from './bounce/explain-text.js';
import { BOUNCES_HELP, bouncesCommand } from './cli/bounces.js';
import { fixAuditCommand } from './cli/fix.js';
import { sectionHelp, sharedWithAuditHelp } from './cli/help.js';
import { messageCommand, type StdinSource } from './cli/message.js';
import { overlayPaths, readOverlays, writeWhatIf } from './cli/overlay.js';
import { parseCommand } from './cli/parse.js';
import { loadPolicy, withPolicySelectors } from './cli/policy.js';
import { RECIPIENTS_HELP, recipientsCommand } from './cli/recipients.js';
import {
  EXIT_FINDINGS,
  EXIT_INCOMPLETE,
  EXIT_OK,
  EXIT_USAGE,
  reportOutputOf,
  writeReport,
} from './cli/report-output.js';
import { WORKER_HELP, workerCommand } from './cli/worker.js';
import { type AuditConfig, readConfigFile } from './config.js';
import { UsageError } from './errors.js';
import { diffCommand, EXIT_REGRESSIONS, FLEET_HELP, fleetCommand, tuneHeapForFleet } from './fleet/cli.js';
import { audit, createProbe, evaluateSpf } from './index.js';
import { reputationOption, smtpProbeOptions } from './options/values.js';
import { auditWhatIf, REGRESSION_NEEDS_OVERLAY } from './overlay/index.js';
import { applyPolicy } from './policy/index.js';
import { explainCode, renderExplanation } from './replies/explain.js';
import { normalizeIp } from './target.js';
import { TOOL_VERSION } from './version.js';

export { exitCodeFor } from './cli/report-output.js';
export { EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, EXIT_REGRESSIONS, EXIT_USAGE };

export const HELP = `mail-preflight ${TOOL_VERSION}: audit an email sender's setup before it sends

Usage:
  mail-preflight audit DOMAIN [options]       audit a sending domain (and its IPs)
  mail-preflight message FILE.eml [options]   audit a sample message and its sending domain
                                              (FILE "-" reads standard input)
  mail-preflight spf --ip IP --sender ADDR [--helo NAME] [options]
                                              evaluate SPF check_host() for one message
  mail-preflight explain CODE                 what an SMTP reply means, e.g. "421 4.7.27"
  mail-preflight fleet --config FILE --out-dir DIR   audit many identities (see Fleet)
  mail-preflight diff OLD NEW                 regressions between two runs or two reports
  mail-preflight bounces PATH... [options]    triage bounces and logs: causes, actions, waves
  mail-preflight recipients FILE [options]    check a recipient list before a campaign
  mail-preflight worker --queue URL           audit a fleet's identities taken from Redis
  mail-preflight --help | --version

Audit options:
${sectionHelp('audit')}
SMTP options (audit, message; the tls and mx-tls checks connect to port 25, never send mail):
${sectionHelp('smtp')}
DNS options (all commands):
${sectionHelp('dns')}
Message options (message):
${sectionHelp('message')}${sharedWithAuditHelp('message', 'message')}

${FLEET_HELP}
${BOUNCES_HELP}
${RECIPIENTS_HELP}
${WORKER_HELP}
Exit codes:
  0   nothing at or above --fail-on
  1   findings at or above --fail-on (spf: result other than pass)
  2   the audit was incomplete (something could not be measured) and nothing failed
      (spf: temperror)
  3   fleet and diff: regressions against the baseline (wins over 1 and 2)
  64  bad usage or bad input
  bounces: 0 whenever the triage ran (bounces report, they do not gate), 64 bad usage
  recipients: 0 whenever the check ran; 1 with --fail-on when an address is at or above it
`;

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  /** What `message -` reads (default: process.stdin). */
  stdin?: StdinSource;
}

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
};

/** Runs the CLI and returns the exit code (the caller sets process.exitCode). */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`mail-preflight: ${sanitizeForTerminal(err.message)}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '--version' || command === '-V') {
    io.stdout(`${TOOL_VERSION}\n`);
    return EXIT_OK;
  }
  switch (command) {
    case 'audit':
      return auditCommand(rest, io);
    case 'message':
      return messageCommand(rest, io, HELP);
    case 'spf':
      return spfCommand(rest, io);
    case 'explain':
      return explainCommand(rest, io);
    case 'fleet':
      return fleetCommand(rest, io, HELP);
    case 'diff':
      return diffCommand(rest, io, HELP);
    case 'bounces':
      return bouncesCommand(rest, io, HELP);
    case 'recipients':
      return recipientsCommand(rest, io, HELP);
    case 'worker':
      return workerCommand(rest, io, HELP);
    default:
      throw new UsageError(`unknown command "${command}"; see mail-preflight --help`);
  }
}

async function auditCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('audit', args);
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError(`audit takes one DOMAIN, got ${positionals.length}`);
  const config: AuditConfig = values.config ? readConfigFile(values.config) : {};
  const domain = positionals[0] ?? config.domain;
  if (!domain) throw new UsageError('audit needs a DOMAIN');
  const timeoutMs = values.timeout ?? config.timeoutMs;
  const resolvers = values.resolver ?? config.resolvers;
  const overlays = readOverlays(overlayPaths(values.overlay, config, values.config));
  if (overlays.length === 0 && values['fail-on'] === 'regression')
    throw new UsageError(REGRESSION_NEEDS_OVERLAY);
  if (overlays.length === 0 && values['overlay-complete'])
    throw new UsageError('--overlay-complete needs --overlay');
  if (overlays.length > 0 && values.fix !== undefined)
    throw new UsageError('give --fix or --overlay, not both (--fix audits the live records)');
  const policy = loadPolicy(values, config.policy);
  const selectors = withPolicySelectors(values['dkim-selector'] ?? config.dkimSelectors, policy, domain);
  const input = {
    domain,
    ips: values.ip ?? config.ips ?? [],
    ...pick('helo', values.helo ?? config.helo),
    ...pick('mailFrom', values['mail-from'] ?? config.mailFrom),
    ...pick('dkimDomain', values['dkim-domain'] ?? config.dkimDomain),
    ...pick('dkimSelectors', selectors),
    ...(values['no-dkim-discovery'] || config.dkimDiscovery === false ? { dkimDiscovery: false } : {}),
    ...pick('profile', values.profile ?? config.profile),
  };
  const options = {
    ...(resolvers ? { resolvers } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(values.check ? { checks: values.check } : {}),
    ...smtpProbeOptions(values),
    ...reputationOption(values['dqs-key'] ?? config.dqsKey, values.blocklist ?? config.blocklists),
  };
  if (overlays.length > 0) {
    const complete = values['overlay-complete'] === true;
    const { proposed } = await auditWhatIf(input, { zones: overlays, complete }, options);
    const judged = policy
      ? { ...applyPolicy(proposed, policy), overlay: proposed.overlay, diff: proposed.diff }
      : proposed;
    return writeWhatIf(judged, reportOutputOf(values, io, judged.target.domain), io);
  }
  if (values.fix !== undefined) return fixAuditCommand(input, options, values.fix, values, io);
  const audited = await audit(input, options);
  const report = policy ? applyPolicy(audited, policy) : audited;
  const out = reportOutputOf(values, io, report.target.domain);
  return writeReport(report, policy ? { ...out, files: { policyFile: policy.file } } : out, io);
}

function pick<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

async function spfCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('spf', args);
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0)
    throw new UsageError(`spf takes no positional arguments (got "${positionals[0]}")`);
  if (values.ip === undefined) throw new UsageError('spf needs --ip');
  if (values.sender === undefined && values.helo === undefined) {
    throw new UsageError('spf needs --sender (an empty --sender "" is the null reverse-path) or --helo');
  }
  const ip = normalizeIp(values.ip);
  const sender = values.sender ?? '';
  const helo = values.helo ?? '';
  if (sender === '' && helo === '') throw new UsageError('a null reverse-path needs --helo (RFC 7208 2.4)');
  const timeoutMs = values.timeout;
  const probe = createProbe({
    ...(values.resolver ? { resolvers: values.resolver } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    noSmtp: true,
  });
  let evaluation: Awaited<ReturnType<typeof evaluateSpf>>;
  try {
    evaluation = await evaluateSpf({ ip, sender, helo }, { probe });
  } finally {
    probe.close();
  }
  const out = { ...evaluation, ip, sender, helo, dns: probe.counters() };
  if (values.json) {
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const lines = [
      `SPF ${evaluation.result} for ${ip}, sender ${sender === '' ? '<>' : sender}, helo ${helo || '-'}`,
      evaluation.mechanism ? `matched: ${evaluation.mechanism}` : undefined,
      evaluation.explanation ? `explanation: ${evaluation.explanation}` : undefined,
      evaluation.problem ? `problem: ${evaluation.problem}` : undefined,
      `lookups: ${evaluation.lookups.dnsTerms} DNS-querying terms, ${evaluation.lookups.voidLookups} void`,
    ].filter((l): l is string => l !== undefined);
    io.stdout(`${lines.map((l) => sanitizeForTerminal(l)).join('\n')}\n`);
  }
  if (evaluation.result === 'pass') return EXIT_OK;
  return evaluation.result === 'temperror' ? EXIT_INCOMPLETE : EXIT_FINDINGS;
}

function explainCommand(args: string[], io: Io): number {
  const { values, positionals } = parseCommand('explain', args);
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0)
    throw new UsageError('explain needs a reply code, e.g. "421 4.7.27" or "4.7.27"');
  const input = positionals.join(' ');
  const explanation = explainCode(input, explainExtra(input));
  io.stdout(values.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation));
  return EXIT_OK;
}

const isMain =
  process.argv[1] !== undefined &&
  import.meta.url ===
    (await import('node:url')).pathToFileURL((await import('node:fs')).realpathSync(process.argv[1])).href;
if (isMain) {
  // A long fleet run gets a tighter V8 heap (see FLEET_HEAP_GROWING_PERCENT).
  if (process.argv[2] === 'fleet') tuneHeapForFleet();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `mail-preflight: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 70;
    },
  );
}
