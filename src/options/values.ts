/** Option values checked the same way from a flag or a config file: numbers, choices. */
import { UsageError } from '../errors.js';
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
