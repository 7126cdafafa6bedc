/** Command-line parsing derived from the option table: parseArgs specs, numbers, choices. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { type CliOptionEntry, type Command, flagsOf, type OptionType } from '../options/table.js';
import { checkChoice, parseNumber } from '../options/values.js';

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
