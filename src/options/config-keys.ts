/** Config file keys derived from the option table: spellings, fields and type checks. */
import { UsageError } from '../errors.js';
import { CLI_OPTIONS, type CliOption, type ConfigKey, type ConfigScope } from './table.js';
import { parseNumber } from './values.js';

export type ConfiguredOption = CliOption & { readonly config: ConfigKey };

/**
 * A number in a config file with the text it was written as (src/options/yaml-config.ts makes
 * them). Where a string is expected the text is the value: selectors are often dates, and a
 * selector `0123` or `1e3` is those characters, not the numbers 123 and 1000 YAML reads.
 */
export class WrittenNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
}

/** The line a config mapping's key has its value on, when the config came from a file. */
export type LineOfKey = (key: string) => number | undefined;

/** A config value where a string is expected: a written number is its text. */
export function writtenText(value: unknown): unknown {
  return value instanceof WrittenNumber ? value.text : value;
}

/** " (line N)" when the line is known: the end of a config error message. */
export function lineSuffix(line: number | undefined): string {
  return line === undefined ? '' : ` (line ${line})`;
}

/** Every spelling of a config key: the documented one first. */
export function spellingsOf(config: ConfigKey): string[] {
  return [config.key, ...(config.synonyms ?? [])];
}

/** The field a config key lands in. */
export function fieldOf(config: ConfigKey): string {
  return config.field ?? config.key;
}

/** The options with a config key read in these scopes. */
export function configuredOptions(scopes: readonly ConfigScope[]): ConfiguredOption[] {
  return (CLI_OPTIONS as readonly CliOption[]).filter(
    (o): o is ConfiguredOption => o.config !== undefined && scopes.includes(o.config.scope),
  );
}

/** The options read in these scopes, by every spelling of their key. */
export function configKeysOf(scopes: readonly ConfigScope[]): Map<string, ConfiguredOption> {
  return new Map(
    configuredOptions(scopes).flatMap((o) => spellingsOf(o.config).map((key) => [key, o] as const)),
  );
}

/**
 * A config value checked against its option's type, as its field holds it. A number is a
 * string's value only when its written text is known (a WrittenNumber); a bare number from a
 * JavaScript caller has lost it (`0123`, `1e3`), so it stays a type error there.
 */
export function configValue(option: CliOption, value: unknown, key: string, where: string): unknown {
  switch (option.type) {
    case 'list': {
      const list = (Array.isArray(value) ? value : [value]).map(writtenText);
      if (!list.every((v) => typeof v === 'string'))
        throw new UsageError(`${where}: "${key}" must be a string or a list of strings`);
      return list;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new UsageError(`${where}: "${key}" must be true or false`);
      return value;
    case 'number':
      if (!option.range) throw new Error(`--${option.name} has no range`);
      return parseNumber(
        value instanceof WrittenNumber ? value.value : value,
        option.range,
        `${where}: "${key}"`,
      );
    case 'string': {
      const text = writtenText(value);
      if (typeof text !== 'string') throw new UsageError(`${where}: "${key}" must be a string`);
      return text;
    }
  }
}

/**
 * Reads the keys of a config mapping that belong to these scopes into their fields. A key of
 * no option in them goes to `unknown` (which throws, or skips a key the caller reads itself).
 * A value of the wrong type is a UsageError that names its line when `lineOf` knows it.
 */
export function readConfigKeys(
  data: Record<string, unknown>,
  scopes: readonly ConfigScope[],
  where: string,
  unknown: (key: string) => void,
  lineOf: LineOfKey = () => undefined,
): Record<string, unknown> {
  const keys = configKeysOf(scopes);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const option = keys.get(key);
    if (!option) {
      unknown(key);
      continue;
    }
    try {
      out[fieldOf(option.config)] = configValue(option, value, key, where);
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`${err.message}${lineSuffix(lineOf(key))}`);
      throw err;
    }
  }
  return out;
}
