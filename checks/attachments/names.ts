/**
 * File names as a receiver reads them: Gmail's blocked extensions, and the tricks that hide an
 * extension from a person or a naive filter (a double extension, trailing dots that Windows
 * drops, a NUL that C code stops at, an RFC 2231 or RFC 2047 encoded name left undecoded, a
 * right-to-left override). Pure.
 */
import { extensionOf } from '../../src/message/filetype.js';

/**
 * Gmail refuses these extensions, also inside archives (Gmail Help answer 6590, "File types
 * blocked in Gmail", checked 2026-12; /work/shared/reference/provider-replies.md). Compared case-insensitively.
 */
// biome-ignore format: one list, as published
export const GMAIL_BLOCKED_EXTENSIONS: ReadonlySet<string> = new Set([
  'ade', 'adp', 'apk', 'appx', 'appxbundle', 'bat', 'cab', 'chm', 'cmd', 'com', 'cpl', 'diagcab', 'diagcfg',
  'diagpkg', 'dll', 'dmg', 'ex', 'ex_', 'exe', 'hta', 'img', 'ins', 'iso', 'isp', 'jar', 'jnlp', 'js', 'jse',
  'lib', 'lnk', 'mde', 'mjs', 'msc', 'msi', 'msix', 'msixbundle', 'msp', 'mst', 'nsh', 'pif', 'ps1', 'scr',
  'sct', 'shb', 'sys', 'vb', 'vbe', 'vbs', 'vhd', 'vxd', 'wsc', 'wsf', 'wsh', 'xll',
]);

/**
 * Extensions of archives, for Gmail's rule on "password-protected archives whose content is an
 * archive" (answer 6590): the formats Gmail looks into (.zip .tar .tgz .taz .z .gz .rar) and the
 * other common ones.
 */
// biome-ignore format: one list
export const ARCHIVE_EXTENSIONS: ReadonlySet<string> = new Set([
  'zip', 'zipx', 'tar', 'tgz', 'taz', 'z', 'gz', 'gzip', 'rar', '7z', 'bz2', 'tbz', 'tbz2', 'xz', 'txz', 'cab',
  'iso', 'img', 'arj', 'lzh', 'ace',
]);

/** How a name hides its real extension, for the finding's message. */
export type NameTrick =
  | 'double-extension'
  | 'trailing-dots'
  | 'nul-truncation'
  | 'encoded-name'
  | 'bidi-override';

export const NAME_TRICK_TEXT: Readonly<Record<NameTrick, string>> = {
  'double-extension': 'a double extension that shows a harmless type first',
  'trailing-dots': 'trailing dots or spaces, which Windows drops',
  'nul-truncation': 'a NUL character, where many programs cut the name',
  'encoded-name': 'an encoded name (RFC 2231 or RFC 2047) that decodes to it',
  'bidi-override': 'a right-to-left override character that makes it display reversed',
};

export interface BlockedName {
  extension: string;
  trick?: NameTrick;
}

/** Longest name examined: names are bounded by the parser, but an archive entry name may be 64 KB. */
const MAX_NAME_CHARS = 4096;

/** The last path segment of an archive entry name ("docs/setup.exe" -> "setup.exe"). */
export function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

/** The Gmail-blocked extension `name` carries, however it is hidden; undefined when none. */
export function blockedExtension(name: string): BlockedName | undefined {
  for (const [candidate, trick] of readings(baseName(name.slice(0, MAX_NAME_CHARS)))) {
    const extension = extensionOf(candidate);
    if (!GMAIL_BLOCKED_EXTENSIONS.has(extension)) continue;
    const shown = trick ?? plainTrick(candidate);
    return shown ? { extension, trick: shown } : { extension };
  }
  return undefined;
}

/** The extension a receiver goes by: that of the name with encoding and trailing dots undone. */
export function effectiveExtension(name: string): string {
  const base = baseName(name.slice(0, MAX_NAME_CHARS));
  return extensionOf(stripTrailing(decodeName(base) ?? base));
}

/** The name as given, then each way a receiver may read it differently. */
function readings(name: string): [string, NameTrick | undefined][] {
  const out: [string, NameTrick | undefined][] = [[name, undefined]];
  const decoded = decodeName(name);
  if (decoded !== undefined) out.push([decoded, 'encoded-name'], [stripTrailing(decoded), 'encoded-name']);
  const stripped = stripTrailing(name);
  if (stripped !== name) out.push([stripped, 'trailing-dots']);
  const nul = name.indexOf('\0');
  if (nul >= 0) out.push([stripTrailing(name.slice(0, nul)), 'nul-truncation']);
  return out;
}

/** Tricks visible in the name itself once its blocked extension is known. */
function plainTrick(name: string): NameTrick | undefined {
  if (/[\u202a-\u202e\u2066-\u2069]/.test(name)) return 'bidi-override';
  const parts = name.split('.');
  return parts.length > 2 && (parts[parts.length - 2] ?? '').length > 0 ? 'double-extension' : undefined;
}

/** Windows drops trailing dots and spaces from file names ("setup.exe. " is "setup.exe"). */
function stripTrailing(name: string): string {
  return name.replace(/[. ]+$/, '');
}

/**
 * An RFC 2231 extended value ("utf-8''setup%2Eexe") or RFC 2047 encoded words
 * ("=?utf-8?B?c2V0dXAuZXhl?=") a parser left undecoded; undefined when the name is neither.
 */
export function decodeName(name: string): string | undefined {
  const ext = /^([A-Za-z0-9!#$&+^_`{}~-]*)'[A-Za-z0-9-]*'(.*)$/.exec(name);
  if (ext?.[2] !== undefined && /%[0-9A-Fa-f]{2}/.test(ext[2])) {
    return decodeBytes(percentBytes(ext[2]), ext[1] || 'us-ascii');
  }
  if (!/=\?[^?]+\?[bBqQ]\?[^?]*\?=/.test(name)) return undefined;
  return name
    .replace(/\?=\s+=\?/g, '?==?') // RFC 2047 6.2: whitespace between adjacent encoded words is dropped
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) =>
      decodeBytes(
        enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : percentBytes(text.replace(/_/g, ' '), '='),
        charset,
      ),
    );
}

function percentBytes(text: string, marker = '%'): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === marker && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.replace(/\*.*$/, '')).decode(bytes); // RFC 2231 5: "charset*lang"
  } catch {
    return bytes.toString('latin1');
  }
}
