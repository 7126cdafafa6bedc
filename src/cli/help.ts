/** The option lines of --help, derived from the option table. */
import { CLI_OPTIONS, type CliOption, type Command, type HelpSection } from '../options/table.js';

/** The column option descriptions start at. */
const HELP_DESCRIPTION_COLUMN = 26;
/** Width of a help line before a list of flags wraps. */
const HELP_LINE_CHARS = 96;
/** Indent of the lines of a list of flags. */
const FLAG_LIST_INDENT = '  ';

/** `  --name ARG` padded to the description column, then the description. */
function optionLine(o: CliOption): string {
  const flag = `  --${o.name}${o.arg ? ` ${o.arg}` : ''}`;
  const indent = ' '.repeat(HELP_DESCRIPTION_COLUMN);
  const help = (o.help ?? '').split('\n').join(`\n${indent}`);
  return `${flag.padEnd(HELP_DESCRIPTION_COLUMN)}${help}`;
}

/** The lines of one help section, in table order, each ending in a newline. */
export function sectionHelp(section: HelpSection): string {
  return (CLI_OPTIONS as readonly CliOption[])
    .filter((o) => o.section === section)
    .map((o) => `${optionLine(o)}\n`)
    .join('');
}

/**
 * The options a command shares with audit's help sections, as lines without a final newline
 * ("--check, --fail-on: as for audit", wrapped at HELP_LINE_CHARS), for a command whose own section
 * lists only what it adds.
 */
export function sharedWithAuditHelp(command: Command, ownSection: HelpSection): string {
  const shared = (CLI_OPTIONS as readonly CliOption[]).filter(
    (o) =>
      o.section !== undefined &&
      o.section !== ownSection &&
      o.commands.includes(command) &&
      o.commands.includes('audit'),
  );
  const lines: string[] = [];
  let line = FLAG_LIST_INDENT;
  for (const [i, o] of shared.entries()) {
    const item = `--${o.name}${i < shared.length - 1 ? ',' : ': as for audit'}`;
    if (line !== FLAG_LIST_INDENT && line.length + 1 + item.length > HELP_LINE_CHARS) {
      lines.push(line);
      line = FLAG_LIST_INDENT;
    }
    line = line === FLAG_LIST_INDENT ? `${line}${item}` : `${line} ${item}`;
  }
  lines.push(line);
  return lines.join('\n');
}
