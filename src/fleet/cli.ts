/**
 * The `fleet` and `diff` commands (wired into src/cli.ts). The shell around the library:
 * parse flags, run, print, return the exit code. Progress goes to stderr.
 */

import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setFlagsFromString } from 'node:v8';
import { spamhausUsage } from '../../checks/reputation/index.js';
import type { CiFiles } from '../../reports/ci-findings.js';
import { renderDiffText, renderFleetText } from '../../reports/fleet-text.js';
import { renderGithubCommands, renderGithubFleetSummary } from '../../reports/github.js';
import { renderGitlab } from '../../reports/gitlab.js';
import { renderFleetHtmlChunks } from '../../reports/html.js';
import { renderJunit } from '../../reports/junit.js';
import { sanitizeForTerminal } from '../../reports/text.js';
import { sectionHelp, sharedWithAuditHelp } from '../cli/help.js';
import { readOverlays } from '../cli/overlay.js';
import { parseCommand } from '../cli/parse.js';
import { loadPolicy, withPolicySelectors } from '../cli/policy.js';
import { appendStepSummary } from '../cli/report-output.js';
import { fleetQueueAuditor } from '../cli/worker.js';
import { UsageError } from '../errors.js';
import type { ProbeOptions } from '../index.js';
import { checkChoice, flagOf, reputationOption, smtpProbeOptions } from '../options/values.js';
import { type ProposedReport, REGRESSION_NEEDS_OVERLAY } from '../overlay/index.js';
import { applyPolicy, type Policy } from '../policy/index.js';
import { type Report, stableStringify } from '../report.js';
import {
  type FleetIdentity,
  type FleetInput,
  mergeFleetInputs,
  readDomainsFile,
  readFleetConfig,
} from './config.js';
import { diffRuns, loadDiffSide } from './diff.js';
import { GITLAB_FILE, HTML_FILE, JUNIT_FILE, SUMMARY_FILE } from './outdir.js';
import { ProgressReporter, progressMode } from './progress.js';
import {
  DEFAULT_FLEET_CONCURRENCY,
  type FleetOutput,
  type FleetReportEntry,
  fleetReports,
  runFleet,
} from './run.js';
import type { FleetSummary } from './summary.js';

/** Exit code of a fleet run (or diff) that found regressions against its baseline. */
/**
 * V8's heap growing factor for a fleet run, in percent. By default V8 lets the heap grow to
 * about 4x the live set before a full collection: at 10,000 identities the CLI peaked at 357 MB
 * for ~50 MB live. At 50% it peaked at ~210 MB in the same wall time (bench/README.md). The full
 * collections are then frequent but short: 0.9 s of a 16 s, 5,000-identity benchmark run
 * (2026-12-07, --trace-gc, incremental steps included), against 2.1 s of young-generation
 * scavenges.
 */
export const FLEET_HEAP_GROWING_PERCENT = 50;

/** Whether the user already chose V8 heap settings (then the fleet command leaves them be). */
export function heapFlagsGiven(execArgv: readonly string[], nodeOptions: string): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((a) =>
    /^--(?:heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size|max[-_]semi[-_]space[-_]size|optimize[-_]for[-_]size)\b/.test(
      a,
    ),
  );
}

/**
 * Sets FLEET_HEAP_GROWING_PERCENT for this process unless heap flags were given. The `fleet`
 * command calls it when it is the process (src/cli.ts), not when a library user calls
 * runFleet: process-wide V8 settings are the embedder's choice.
 */
export function tuneHeapForFleet(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
): boolean {
  if (heapFlagsGiven(execArgv, nodeOptions)) return false;
  setFlagsFromString(`--heap-growing-percent=${FLEET_HEAP_GROWING_PERCENT}`);
  return true;
}

export const EXIT_REGRESSIONS = 3;
const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_INCOMPLETE = 2;
/** Invalid entries echoed on stderr. */
const MAX_INVALID_ECHOED = 50;

export const FLEET_HELP = `Fleet:
  mail-preflight fleet (--config FILE | --domains-file FILE) --out-dir DIR [options]
                          audit many sending identities into DIR (resumable)
  mail-preflight diff OLD NEW [--json]
                          regressions between two run dirs or two JSON reports

Fleet options:
${sectionHelp('fleet')}${sharedWithAuditHelp('fleet', 'fleet')}
  Exit codes as for audit, and 3 when regressions were found against the baseline (3 wins
  over 1 and 2). Invalid config entries, identities that could not be audited and an
  interrupted run count as incomplete (2).
  Memory: fleet sets V8's heap growing factor to 50% unless V8 heap flags are given (on the
  command line or in NODE_OPTIONS).
`;

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
}

export async function fleetCommand(
  args: string[],
  io: CommandIo,
  help: string,
  signal?: AbortSignal,
): Promise<number> {
  const { values, positionals } = parseCommand('fleet', args);
  if (values.help) {
    io.stdout(help);
    return EXIT_OK;
  }
  if (positionals.length > 0)
    throw new UsageError(`fleet takes no positional arguments (got "${positionals[0]}")`);
  const configPath = values.config;
  const domainsPath = values['domains-file'];
  const outDir = values['out-dir'];
  if (!configPath && !domainsPath) throw new UsageError('fleet needs --config FILE or --domains-file FILE');
  if (!outDir) throw new UsageError('fleet needs --out-dir DIR');
  // --format junit,json is --format junit --format json.
  const formats = new Set((values.format ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()));
  for (const f of formats) checkChoice(flagOf('fleet', 'format'), f);
  const failOnFlag = values['fail-on'] ?? 'fail';
  const overlays = readOverlays(values.overlay ?? []);
  if (overlays.length === 0 && failOnFlag === 'regression') throw new UsageError(REGRESSION_NEEDS_OVERLAY);
  if (overlays.length === 0 && values['overlay-complete'])
    throw new UsageError('--overlay-complete needs --overlay');
  if (overlays.length > 0 && values.queue !== undefined)
    throw new UsageError('--overlay runs locally: it cannot go with --queue');
  // With --overlay, findings are judged as for --fail-on fail; regression gates on the diff.
  const failOn = failOnFlag === 'regression' ? 'fail' : failOnFlag;
  const overlay =
    overlays.length > 0 ? { zones: overlays, complete: values['overlay-complete'] === true } : undefined;
  let identitiesRegressed = 0;
  if (values.baseline !== undefined && values['no-baseline'])
    throw new UsageError('give --baseline or --no-baseline, not both');
  const profile = values.profile;

  const inputs: FleetInput[] = [];
  if (configPath) inputs.push(readFleetConfig(configPath));
  if (domainsPath) inputs.push(readDomainsFile(domainsPath, profile ? { profile } : {}));
  const input = mergeFleetInputs(inputs);
  for (const e of input.invalid.slice(0, MAX_INVALID_ECHOED))
    io.stderr(
      `mail-preflight: ${sanitizeForTerminal(e.file)} line ${e.line}: ${sanitizeForTerminal(e.message)} (skipped)\n`,
    );
  if (input.invalidCount > MAX_INVALID_ECHOED)
    io.stderr(
      `mail-preflight: ... ${input.invalidCount - MAX_INVALID_ECHOED} more invalid entries (see summary.json)\n`,
    );
  if (input.identities.length === 0) throw new UsageError('no valid identity to audit');

  const policy = loadPolicy(values, input.policy);
  const files: CiFiles = policy ? { policyFile: policy.file } : {};
  const concurrency = values.concurrency ?? input.concurrency;
  const dnsConcurrency = values['dns-concurrency'] ?? input.dnsConcurrency;
  const threads = values.threads ?? input.threads;
  const timeoutMs = values.timeout ?? input.timeoutMs;
  const resolvers = values.resolver ?? input.resolvers;
  const probeOptions: ProbeOptions = {
    ...(resolvers ? { resolvers } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(dnsConcurrency !== undefined ? { concurrency: dnsConcurrency } : {}),
    ...smtpProbeOptions(values),
  };
  const checks = values.check ?? input.checks;
  const { reputation } = reputationOption(
    values['dqs-key'] ?? input.dqsKey,
    values.blocklist ?? input.blocklists,
  );
  // Queue runs audit on the workers, which take the reputation settings themselves: a DQS key
  // is a secret and never travels through Redis.
  if (values.queue !== undefined && reputation)
    io.stderr(
      'mail-preflight: warning: with --queue the workers audit: give --dqs-key and --blocklist to ' +
        '`mail-preflight worker` (the coordinator does not pass them on)\n',
    );
  if (!checks || checks.includes('reputation')) {
    const usage = spamhausUsage(
      input.identities.map((i) => i.target),
      reputation,
    );
    if (usage?.overFreeUse)
      io.stderr(
        `mail-preflight: warning: this run would send about ${usage.queries} queries to the Spamhaus lists, ` +
          `over their free-use limit of ${usage.limit} a day; give a DQS key (--dqs-key) or --blocklist ` +
          'to choose other lists\n',
      );
  }

  const outputs: FleetOutput[] = [
    {
      file: HTML_FILE,
      render: (summary, reports) => renderFleetHtmlChunks(summary, (key) => reports.report(key)),
    },
  ];
  if (formats.has('junit'))
    outputs.push({
      file: JUNIT_FILE,
      render: (_summary, reports) => renderJunit(reports.entries(), { failOn }),
    });
  if (formats.has('gitlab'))
    outputs.push({
      file: GITLAB_FILE,
      render: (_summary, reports) => renderGitlab(reported(reports.entries()), files),
    });

  // --queue: the identities are audited by workers (mail-preflight worker) through Redis.
  const auditor =
    values.queue === undefined
      ? undefined
      : fleetQueueAuditor(
          { ...values, queue: values.queue },
          { ...io, quiet: Boolean(values.quiet) },
          {
            outDir,
            inputs: input.inputs,
            // The summary's figure: each worker sets its own (worker --concurrency).
            concurrency: concurrency ?? DEFAULT_FLEET_CONCURRENCY,
            ...(checks ? { checks } : {}),
          },
        );
  const mode = progressMode({ isTty: io.isTty, env: io.env, quiet: Boolean(values.quiet) });
  const reporter = new ProgressReporter({ write: io.stderr, mode });
  let last: Parameters<ProgressReporter['update']>[0] | undefined;
  const heartbeat = setInterval(() => last && reporter.update(last), 1000);
  heartbeat.unref();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  signal?.addEventListener('abort', onSignal, { once: true });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result: Awaited<ReturnType<typeof runFleet>>;
  try {
    result = await runFleet(policy ? withPolicy(input.identities, policy) : input.identities, {
      outDir,
      probeOptions,
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(threads !== undefined ? { threads } : {}),
      signal: controller.signal,
      ...(checks ? { checks } : {}),
      ...(reputation ? { reputation } : {}),
      ...(values['no-baseline'] ? { baseline: false as const } : {}),
      ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
      invalid: input.invalid,
      invalidCount: input.invalidCount,
      inputs: input.inputs,
      outputs,
      ...(overlay ? { overlay } : {}),
      finishReport: (report, key) => {
        if ((report as Partial<ProposedReport>).diff?.regression) identitiesRegressed++;
        return policy ? applyPolicy(report, policy, { identity: key }) : report;
      },
      ...(auditor ? { auditor } : {}),
      onProgress: (p) => {
        last = p;
        reporter.update(p);
      },
    });
  } finally {
    clearInterval(heartbeat);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    signal?.removeEventListener('abort', onSignal);
  }
  if (last) reporter.finish(last);
  const { summary } = result;
  if (result.stopped !== undefined)
    io.stderr(
      `mail-preflight: the run stopped: ${sanitizeForTerminal(result.stopped)}; ${summary.totals.identities - summary.totals.done} identities not audited (run again with the same --out-dir to finish)\n`,
    );
  // summary.json lists every identity (the result keeps only the worst rows): copy it out.
  if (formats.has('json')) copyFileOut(join(outDir, SUMMARY_FILE), io.stdout);
  else io.stdout(renderFleetText(summary, outDir, formats.has('junit')));
  if (formats.has('github')) {
    const reports = fleetReports(outDir, summary);
    io.stdout(renderGithubCommands(reported(reports.entries()), { files }));
    const stepSummary = io.env.GITHUB_STEP_SUMMARY;
    if (stepSummary)
      appendStepSummary(stepSummary, renderGithubFleetSummary(reported(reports.entries()), { failOn }));
  }
  if (overlay)
    io.stderr(
      `mail-preflight: proposed records (--overlay): ${identitiesRegressed} of ${summary.totals.done} identities audited in this attempt are worse than live\n`,
    );
  if (failOnFlag === 'regression') return identitiesRegressed > 0 ? EXIT_FINDINGS : EXIT_OK;
  return fleetExitCode(summary, failOn, {
    errors: result.identitiesWithErrors,
    warnings: result.identitiesWithWarnings,
  });
}

/** Writes a file to `write` in chunks, never as one string. */
function copyFileOut(path: string, write: (text: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    const decoder = new StringDecoder('utf8');
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null))
      write(decoder.write(buf.subarray(0, n)));
    const rest = decoder.end();
    if (rest) write(rest);
  } finally {
    closeSync(fd);
  }
}

/** 3 regressions; else 1 findings at --fail-on; else 2 anything incomplete; else 0. */
export function fleetExitCode(
  summary: FleetSummary,
  failOn: 'warn' | 'fail',
  /** Identities with findings at error / warning, counted over all rows (runFleet's result). */
  withFindings?: { errors: number; warnings: number },
): number {
  if (summary.regressions?.hasRegressions) return EXIT_REGRESSIONS;
  const hit = withFindings
    ? withFindings.errors > 0 || (failOn === 'warn' && withFindings.warnings > 0)
    : summary.identities.some((r) => r.counts.error > 0 || (failOn === 'warn' && r.counts.warning > 0));
  if (hit) return EXIT_FINDINGS;
  const t = summary.totals;
  const incomplete = t.unknown > 0 || t.error > 0 || t.invalid > 0 || !summary.run.complete;
  return incomplete ? EXIT_INCOMPLETE : EXIT_OK;
}

export async function diffCommand(args: string[], io: CommandIo, help: string): Promise<number> {
  const { values, positionals } = parseCommand('diff', args);
  if (values.help) {
    io.stdout(help);
    return EXIT_OK;
  }
  if (positionals.length !== 2)
    throw new UsageError('diff needs OLD and NEW (two run directories or two JSON reports)');
  const [oldPath, newPath] = positionals as [string, string];
  for (const p of [oldPath, newPath]) if (!existsSync(p)) throw new UsageError(`${p} does not exist`);
  const [before, after] = [await loadDiffSide(oldPath), await loadDiffSide(newPath)];
  if (before.kind !== after.kind)
    throw new UsageError('diff compares two run directories or two report files, not one of each');
  let diff: Awaited<ReturnType<typeof diffRuns>>;
  try {
    diff = await diffRuns(before, after);
  } finally {
    before.close?.();
    after.close?.();
  }
  io.stdout(values.json ? `${stableStringify(diff)}\n` : renderDiffText(diff));
  return diff.hasRegressions ? EXIT_REGRESSIONS : EXIT_OK;
}

/** The entries of a run that have a report (an identity that could not be audited has none). */
function* reported(entries: Iterable<FleetReportEntry>): Generator<{ key: string; report: Report }> {
  for (const e of entries) if ('report' in e) yield e;
}

/** Identities with the DKIM selectors the policy expects for their domain (keys unchanged). */
function withPolicy(identities: readonly FleetIdentity[], policy: Policy): FleetIdentity[] {
  return identities.map((id) => {
    const selectors = withPolicySelectors(id.target.dkimSelectors, policy, id.target.domain);
    return selectors ? { ...id, target: { ...id.target, dkimSelectors: selectors } } : id;
  });
}
