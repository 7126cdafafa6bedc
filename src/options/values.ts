/** Option values checked the same way from a flag or a config file: numbers, choices. */
import type { ReputationSettings } from '../check.js';
import { UsageError } from '../errors.js';
import type { ProbeOptions } from '../probe/create.js';
import { safe } from '../target.js';
import { type CliOption, type Command, flagsOf, type NumberRange } from './table.js';

/** "a, b or c" */
export function orList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** A whole number within the option's range, from a flag or a config value. */
export function parseNumber(value: unknown, range: NumberRange, what: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < range.min || n > range.max)
    throw new UsageError(
      `${what} must be ${range.min} to ${range.max}${range.unit ? ` ${range.unit}` : ''}, not "${safe(String(value))}"`,
    );
  return n;
}

/** A value of an option with choices (each value of a list option, after any splitting). */
export function checkChoice(option: CliOption, value: string): string {
  if (option.choices && !option.choices.includes(value))
    throw new UsageError(`--${option.name} must be ${orList(option.choices)}, not "${value}"`);
  return value;
}

/** The table entry for a command's flag (for its choices or range). */
export function flagOf(command: Command, name: string): CliOption {
  const option = flagsOf(command).find((o) => o.name === name);
  if (!option) throw new Error(`${command} takes no --${name}`);
  return option;
}

/** A Spamhaus DQS key is one DNS label of letters and digits (it is put in front of the zone). */
const DQS_KEY_RE = /^[A-Za-z0-9]{1,63}$/;

/**
 * The reputation check's settings from --dqs-key / `dqsKey` and --blocklist / `blocklists`
 * (flags win), or undefined when neither is given. A key that is not one label is a usage error
 * that does not echo the key.
 */
export function reputationSettingsOf(
  dqsKey: string | undefined,
  lists: readonly string[] | undefined,
): ReputationSettings | undefined {
  if (dqsKey === undefined && lists === undefined) return undefined;
  const out: ReputationSettings = {};
  if (dqsKey !== undefined) {
    if (!DQS_KEY_RE.test(dqsKey))
      throw new UsageError('--dqs-key must be letters and digits only (one DNS label)');
    out.dqsKey = dqsKey;
  }
  if (lists !== undefined) out.lists = lists;
  return out;
}

/** `{ reputation }` for audit() and auditMessage() when --dqs-key or --blocklist (or their config keys) is given. */
export function reputationOption(
  dqsKey: string | undefined,
  lists: readonly string[] | undefined,
): { reputation?: ReputationSettings } {
  const reputation = reputationSettingsOf(dqsKey, lists);
  return reputation ? { reputation } : {};
}

/** The SMTP flags a command may have (audit and message have the first three). */
export interface SmtpFlagValues {
  'smtp-port'?: number;
  'ca-file'?: string;
  'no-smtp'?: boolean;
  'smtp-concurrency'?: number;
  'smtp-per-network'?: number;
  'smtp-gap'?: number;
}

/** The probe's SMTP settings from the command line; flags not given are left out. */
export function smtpProbeOptions(
  values: SmtpFlagValues,
): Pick<ProbeOptions, 'smtpPort' | 'caFile' | 'noSmtp' | 'smtpConcurrency' | 'smtpPerNetwork' | 'smtpGapMs'> {
  return {
    ...(values['smtp-port'] !== undefined ? { smtpPort: values['smtp-port'] } : {}),
    ...(values['ca-file'] !== undefined ? { caFile: values['ca-file'] } : {}),
    ...(values['no-smtp'] ? { noSmtp: true } : {}),
    ...(values['smtp-concurrency'] !== undefined ? { smtpConcurrency: values['smtp-concurrency'] } : {}),
    ...(values['smtp-per-network'] !== undefined ? { smtpPerNetwork: values['smtp-per-network'] } : {}),
    ...(values['smtp-gap'] !== undefined ? { smtpGapMs: values['smtp-gap'] } : {}),
  };
}
