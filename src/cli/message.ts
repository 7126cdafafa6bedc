/**
 * `mail-preflight message FILE.eml`: the sample message of a campaign audited with its sending
 * identity (auditMessage). The file (or standard input, `-`) is streamed, never read whole into a
 * string; the report and the exit code are those of audit.
 */
import { createReadStream, fstatSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { auditMessage, type MessageAuditOptions } from '../index.js';
import { auditMessageWhatIf } from '../message-audit.js';
import { reputationOption, smtpProbeOptions } from '../options/values.js';
import { type ProposedReport, REGRESSION_NEEDS_OVERLAY } from '../overlay/index.js';
import { applyPolicy, policySelectors } from '../policy/index.js';
import type { Report } from '../report.js';
import { readOverlays, writeWhatIf } from './overlay.js';
import { parseCommand } from './parse.js';
import { loadPolicy } from './policy.js';
import { EXIT_OK, type ReportIo, reportOutputOf, writeReport } from './report-output.js';

/** What reads standard input (`-`): process.stdin unless a caller gives another stream. */
export type StdinSource = AsyncIterable<Buffer | string>;

export interface MessageCommandIo extends ReportIo {
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  stdin?: StdinSource;
}

/** The argument that names standard input. */
const STDIN_ARG = '-';

export async function messageCommand(args: string[], io: MessageCommandIo, help: string): Promise<number> {
  const { values, positionals } = parseCommand('message', args);
  if (values.help) {
    io.stdout(help);
    return EXIT_OK;
  }
  if (positionals.length !== 1)
    throw new UsageError(`message takes one FILE (or - for standard input), got ${positionals.length}`);
  const path = positionals[0] as string;
  const policy = loadPolicy(values);
  const input = path === STDIN_ARG ? stdinInput(io.stdin) : fileInput(path);
  const options: MessageAuditOptions = {
    ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
    ...(values['no-dns'] ? { dns: false } : {}),
    ...(values.ip !== undefined ? { ips: values.ip } : {}),
    ...(values.helo !== undefined ? { helo: values.helo } : {}),
    ...(values['mail-from'] !== undefined ? { mailFrom: values['mail-from'] } : {}),
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    ...(values.domain !== undefined ? { domain: values.domain } : {}),
    ...(values.smtputf8 ? { smtputf8: true } : {}),
    ...(values.resolver ? { resolvers: values.resolver } : {}),
    ...(values.timeout !== undefined ? { timeoutMs: values.timeout } : {}),
    ...(values.check ? { checks: values.check } : {}),
    ...smtpProbeOptions(values),
    ...(policy ? { extraDkimSelectors: (domain: string) => policySelectors(policy, domain) } : {}),
    ...reputationOption(values['dqs-key'], values.blocklist),
  };
  const overlays = readOverlays(values.overlay ?? []);
  if (overlays.length === 0 && values['fail-on'] === 'regression')
    throw new UsageError(REGRESSION_NEEDS_OVERLAY);
  if (overlays.length === 0 && values['overlay-complete'])
    throw new UsageError('--overlay-complete needs --overlay');
  const files = {
    ...(policy ? { policyFile: policy.file } : {}),
    ...(path !== STDIN_ARG ? { messageFile: path } : {}),
  };
  const junitNameOf = (report: Report): string =>
    report.target.message?.fileName ?? report.target.message?.messageId ?? report.target.domain;
  if (overlays.length > 0) {
    let proposed: ProposedReport;
    try {
      const complete = values['overlay-complete'] === true;
      ({ proposed } = await auditMessageWhatIf(
        readOrUsageError(input.chunks, input.name),
        { zones: overlays, complete },
        options,
      ));
    } finally {
      input.close();
    }
    const judged = policy
      ? { ...applyPolicy(proposed, policy), overlay: proposed.overlay, diff: proposed.diff }
      : proposed;
    return writeWhatIf(judged, { ...reportOutputOf(values, io, junitNameOf(judged)), files }, io);
  }
  let audited: Awaited<ReturnType<typeof auditMessage>>;
  try {
    audited = await auditMessage(readOrUsageError(input.chunks, input.name), options);
  } finally {
    input.close();
  }
  const report = policy ? applyPolicy(audited, policy) : audited;
  return writeReport(report, { ...reportOutputOf(values, io, junitNameOf(report)), files }, io);
}

interface MessageInput {
  /** How errors name it. */
  name: string;
  fileName?: string;
  chunks: AsyncIterable<Buffer | string>;
  /** Releases the file (a no-op for standard input, which is not ours to close). */
  close(): void;
}

/**
 * A file opened now, so that a missing, unreadable or directory path is a usage error before
 * any work starts; its bytes are streamed as auditMessage reads them.
 */
function fileInput(path: string): MessageInput {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${reason(err)}`);
  }
  const stream = createReadStream(path, { fd, autoClose: true });
  if (fstatSync(fd).isDirectory()) {
    stream.destroy();
    throw new UsageError(`cannot read ${path}: it is a directory`);
  }
  return { name: path, fileName: basename(path), chunks: stream, close: () => stream.destroy() };
}

function stdinInput(stdin: StdinSource | undefined): MessageInput {
  return { name: 'standard input', chunks: stdin ?? process.stdin, close: () => {} };
}

/** The input's chunks; a read error (EIO, EISDIR) is the input's fault: a usage error naming it. */
async function* readOrUsageError(
  chunks: AsyncIterable<Buffer | string>,
  name: string,
): AsyncGenerator<Buffer | string> {
  try {
    yield* chunks;
  } catch (err) {
    throw new UsageError(`cannot read ${name}: ${reason(err)}`);
  }
}

/** "no such file or directory" rather than "ENOENT: no such file or directory, open 'x'". */
function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const message = e.message ?? String(err);
  const m = /^E[A-Z]+: ([^,]+)/.exec(message);
  return m?.[1] ?? message;
}
