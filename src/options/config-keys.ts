/** Config file keys derived from the option table: spellings, fields and type checks. */
import { UsageError } from '../errors.js';
import { CLI_OPTIONS, type CliOption, type ConfigKey, type ConfigScope } from './table.js';
import { parseNumber } from './values.js';

export type ConfiguredOption = CliOption & { readonly config: ConfigKey };

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

/** A config value checked against its option's type, as its field holds it. */
export function configValue(option: CliOption, value: unknown, key: string, where: string): unknown {
  switch (option.type) {
    case 'list': {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => typeof v === 'string'))
        throw new UsageError(`${where}: "${key}" must be a string or a list of strings`);
      return list;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new UsageError(`${where}: "${key}" must be true or false`);
      return value;
    case 'number':
      if (!option.range) throw new Error(`--${option.name} has no range`);
      return parseNumber(value, option.range, `${where}: "${key}"`);
    case 'string':
      if (typeof value !== 'string') throw new UsageError(`${where}: "${key}" must be a string`);
      return value;
  }
}

/**
 * Reads the keys of a config mapping that belong to these scopes into their fields. A key of
 * no option in them goes to `unknown` (which throws, or skips a key the caller reads itself).
 */
export function readConfigKeys(
  data: Record<string, unknown>,
  scopes: readonly ConfigScope[],
  where: string,
  unknown: (key: string) => void,
): Record<string, unknown> {
  const keys = configKeysOf(scopes);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const option = keys.get(key);
    if (!option) {
      unknown(key);
      continue;
    }
    out[fieldOf(option.config)] = configValue(option, value, key, where);
  }
  return out;
}
