/** The option table (src/cli/options.ts) is the one place a flag is written: everything else follows it. */
import { describe, expect, it } from 'vitest';
import { parseArgsSpec, parseCommand } from '../../src/cli/parse.js';
import { configFromObject } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';
import { parseFleetConfig } from '../../src/fleet/config.js';
import { configKeysOf, fieldOf, spellingsOf } from '../../src/options/config-keys.js';
import { CLI_OPTIONS, type CliOption, COMMANDS, type Command, flagsOf } from '../../src/options/table.js';
import { runCli } from '../helpers/cli.js';

const OPTIONS = CLI_OPTIONS as readonly CliOption[];
const FLAGS = OPTIONS.filter((o) => !o.positional);

/** A value the option accepts on the command line, as its arguments. */
function sampleArgs(o: CliOption): string[] {
  if (o.type === 'boolean') return [`--${o.name}`];
  const value = o.choices?.[0] ?? (o.range ? String(o.range.min) : 'x');
  return [`--${o.name}`, value];
}

/** What parseCommand gives for sampleArgs. */
function sampleValue(o: CliOption): unknown {
  if (o.type === 'boolean') return true;
  const value = o.choices?.[0] ?? (o.range ? o.range.min : 'x');
  return o.type === 'list' ? [value] : value;
}

const pairs = FLAGS.flatMap((o) => o.commands.map((command) => [command, o] as [Command, CliOption]));

describe('the option table', () => {
  it('names each flag of a command once, and every command takes --help / -h', () => {
    for (const command of COMMANDS) {
      const names = flagsOf(command).map((o) => o.name);
      expect(new Set(names).size, command).toBe(names.length);
      expect(parseArgsSpec(command)['help']).toEqual({ type: 'boolean', short: 'h' });
    }
  });

  it('gives every option in a help section a description, and a value placeholder unless boolean', () => {
    for (const o of FLAGS.filter((f) => f.section !== undefined)) {
      expect(o.help, o.name).toBeTruthy();
      expect(o.arg === undefined, o.name).toBe(o.type === 'boolean');
    }
  });

  it.each(pairs.map(([command, o]) => [command, `--${o.name}`, o] as const))(
    '%s --help shows %s',
    async (command, flag, o) => {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`${flag}(?![\\w-])`));
      // An option of a help section has its own line there: "  --name ARG   description".
      if (o.section !== undefined)
        expect(help.stdout).toMatch(
          new RegExp(`^  ${flag}${o.arg ? ` ${o.arg.replace(/[[\]]/g, '\\$&')}` : ''} {2,}\\S`, 'm'),
        );
    },
  );

  it.each(pairs.map(([command, o]) => [command, `--${o.name}`, o] as const))(
    '%s accepts %s',
    (command, _flag, o) => {
      const { values } = parseCommand(command, sampleArgs(o));
      expect((values as Record<string, unknown>)[o.name]).toEqual(sampleValue(o));
      if (o.short)
        expect((parseCommand(command, [`-${o.short}`]).values as Record<string, unknown>)[o.name]).toBe(true);
    },
  );

  it('rejects a flag the command does not take, and values outside a range or the choices', () => {
    expect(() => parseCommand('audit', ['--quiet'])).toThrow(UsageError);
    expect(() => parseCommand('explain', ['--resolver', '127.0.0.1'])).toThrow(UsageError);
    // spf checks one message: its --ip is not repeatable (the last one given counts).
    expect(parseCommand('spf', ['--ip', '192.0.2.1', '--ip', '192.0.2.2']).values.ip).toBe('192.0.2.2');
    expect(() => parseCommand('audit', ['--timeout', '0'])).toThrow(
      '--timeout must be 1 to 120000 ms, not "0"',
    );
    expect(() => parseCommand('fleet', ['--timeout', '1e3'])).toThrow(/--timeout must be 1 to 120000 ms/);
    expect(() => parseCommand('fleet', ['--concurrency', '5000'])).toThrow(/--concurrency must be 1 to 1024/);
    expect(() => parseCommand('audit', ['--format', 'xml'])).toThrow(
      '--format must be text, json, html, junit, github or gitlab, not "xml"',
    );
    expect(() => parseCommand('fleet', ['--profile', 'x'])).toThrow(
      '--profile must be bulk or transactional, not "x"',
    );
  });
});

describe('config keys follow the table', () => {
  const configured = OPTIONS.filter((o) => o.config !== undefined);

  it('accepts the flag name as a config key of the same option (--no-x as x)', () => {
    for (const o of configured.filter((c) => !c.positional)) {
      const name = o.type === 'boolean' ? o.name.replace(/^no-/, '') : o.name;
      expect(spellingsOf(o.config!), o.name).toContain(name);
    }
  });

  it('maps every spelling of a key to one field, and no spelling to two options', () => {
    const all = configKeysOf(['identity', 'run', 'fleet-run', 'audit-run']);
    const spellings = configured.flatMap((o) => spellingsOf(o.config!));
    expect(new Set(spellings).size).toBe(spellings.length);
    for (const o of configured)
      for (const key of spellingsOf(o.config!))
        expect(fieldOf(all.get(key)!.config), key).toBe(fieldOf(o.config!));
  });

  /** A config value for the option and what the parsed config holds for it. */
  function sample(o: CliOption): [unknown, unknown] {
    if (o.type === 'boolean') return [false, false];
    if (o.type === 'number') return [o.range!.min, o.range!.min];
    if (o.type === 'list') return [['s1'], ['s1']];
    return o.name === 'domain' ? ['example.com', 'example.com'] : ['x', 'x'];
  }

  it.each(configured.flatMap((o) => spellingsOf(o.config!).map((key) => [key, o] as const)))(
    'config key %s lands in its field',
    (key, o) => {
      const [value, parsed] = sample(o);
      const field = fieldOf(o.config!);
      if (o.config!.scope === 'fleet-run') {
        const input = parseFleetConfig(
          `${key}: ${JSON.stringify(value)}\nidentities: [a.example]\n`,
          'f.yaml',
        );
        expect((input as unknown as Record<string, unknown>)[field]).toEqual(parsed);
      } else {
        expect(configFromObject({ [key]: value })).toEqual({ [field]: parsed });
      }
      if (o.config!.scope === 'run') {
        const input = parseFleetConfig(
          `${key}: ${JSON.stringify(value)}\nidentities: [a.example]\n`,
          'f.yaml',
        );
        expect((input as unknown as Record<string, unknown>)[field]).toEqual(parsed);
      }
    },
  );

  it('checks a config value as the flag checks it', () => {
    expect(() => configFromObject({ timeout: 0 })).toThrow(
      'config: "timeout" must be 1 to 120000 ms, not "0"',
    );
    expect(() => configFromObject({ ips: [1] })).toThrow('"ips" must be a string or a list of strings');
    expect(() => configFromObject({ helo: ['a'] })).toThrow('"helo" must be a string');
    expect(() => configFromObject({ 'dkim-discovery': 'no' })).toThrow(
      '"dkim-discovery" must be true or false',
    );
    expect(() => parseFleetConfig('concurrency: 2000\nidentities: []\n', 'f.yaml')).toThrow(
      'f.yaml: "concurrency" must be 1 to 1024, not "2000"',
    );
    // Run-wide keys stay out of identities.
    const input = parseFleetConfig(
      'identities:\n  - {domain: a.example, concurrency: 2}\n  - {domain: b.example, timeout: 9}\n',
      'f.yaml',
    );
    expect(input.invalid.map((e) => e.message)).toEqual([
      expect.stringMatching(/unknown option "concurrency"/),
      expect.stringMatching(/resolvers, timeout, dqsKey and blocklists belong at the top of the config/),
    ]);
  });
});
