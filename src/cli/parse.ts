/** Command-line parsing derived from the option table: parseArgs specs, numbers, choices. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { safe } from '../target.js';
import {
  type CliOption,
  type CliOptionEntry,
  type Command,
  flagsOf,
  type NumberRange,
  type OptionType,
} from './options.js';

type ParseArgsSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** The node:util parseArgs option spec of a command. */
export function parseArgsSpec(command: Command): ParseArgsSpec {
  const spec: ParseArgsSpec = {};
  for (const o of flagsOf(command)) {
    spec[o.name] = {
      type: o.type === 'boolean' ? 'boolean' : 'string',
      ...(o.type === 'list' ? { multiple: true } : {}),
      ...(o.short !== undefined ? { short: o.short } : {}),
    };
  }
  return spec;
}

type ValueOf<T extends OptionType> = T extends 'list'
  ? string[]
  : T extends 'boolean'
    ? boolean
    : T extends 'number'
      ? number
      : string;

/** The table entries a command takes as flags. */
type FlagsOf<C extends Command, O = CliOptionEntry> = O extends { readonly positional: true }
  ? never
  : O extends { readonly commands: readonly (infer X)[] }
    ? C extends X
      ? O
      : never
    : never;

/** A string option with choices holds one of them (parseCommand checks it). */
type FlagValue<O extends CliOptionEntry> = O extends {
  readonly type: 'string';
  readonly choices: readonly (infer X)[];
}
  ? X
  : ValueOf<O['type']>;

/** What parseCommand gives for a command: each flag by name, absent when not given. */
export type FlagValues<C extends Command> = {
  [O in FlagsOf<C> as O['name']]?: FlagValue<O>;
};

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

/**
 * Parses a command's arguments (strict; positionals allowed). parseArgs errors, numbers out of
 * range and values outside an option's choices are usage errors. A `list` option's choices are
 * left to the command (fleet splits `--format a,b` first).
 */
export function parseCommand<C extends Command>(
  command: C,
  args: string[],
): { values: FlagValues<C>; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: parseArgsSpec(command), allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values: Record<string, unknown> = { ...parsed.values };
  for (const o of flagsOf(command)) {
    const raw = values[o.name];
    if (raw === undefined) continue;
    if (o.type === 'number' && o.range) values[o.name] = parseNumber(raw, o.range, `--${o.name}`);
    else if (o.type === 'string') checkChoice(o, raw as string);
  }
  return { values: values as FlagValues<C>, positionals: parsed.positionals };
}
