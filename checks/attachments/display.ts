/**
 * How attachment names, archive paths and sizes appear in findings: hostile names (control
 * characters, direction overrides, 64 KB names) are shown escaped and shortened, never raw.
 */
import { type FileKind, KIND_INFO } from '../../src/message/filetype.js';

/** Characters of a name shown; longer names are cut with an ellipsis. */
export const MAX_SHOWN_NAME_CHARS = 120;
/** Separator between archive levels in a shown path: `outer.zip > inner.tar > setup.exe`. */
export const PATH_SEPARATOR = ' > ';

const INVISIBLE = /[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069`]/g;

/** A name made printable: invisible and direction characters as \uXXXX, cut to MAX_SHOWN_NAME_CHARS. */
export function printable(name: string): string {
  const cut = name.length > MAX_SHOWN_NAME_CHARS ? `${name.slice(0, MAX_SHOWN_NAME_CHARS)}…` : name;
  return cut.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `a > b > c`, each name printable, in backticks. */
export function shownPath(names: readonly string[]): string {
  return `\`${names.map(printable).join(PATH_SEPARATOR)}\``;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function kindLabel(kind: FileKind | undefined): string {
  return kind ? KIND_INFO[kind].label : 'content not read';
}

/** The usual extensions of a kind, for "name it with ...": ".pdf, .ai". */
export function usualExtensions(kind: FileKind): string {
  return KIND_INFO[kind].extensions
    .slice(0, 3)
    .map((e) => `.${e}`)
    .join(', ');
}
