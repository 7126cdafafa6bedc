/**
 * Reading an overlay file named on the command line or in the config: YAML (.yaml/.yml) in the
 * project's zone format, anything else as an RFC 1035 master file. Only the named file is read
 * ($INCLUDE is refused), and its size is bounded.
 */

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { encodeName, normalizeName } from '../probe/wire.js';
import { parseMasterFile } from './master-file.js';
import { parseOverlayYaml } from './yaml.js';
import type { OverlayZone } from './zone.js';

/** Largest overlay file read: a zone of MAX_OVERLAY_RECORDS records fits well within it. */
export const MAX_OVERLAY_FILE_BYTES = 16 * 1024 * 1024;

export interface OverlayFileOptions {
  /** Origin of relative names when the file has no $ORIGIN (default: from the file name). */
  origin?: string;
  defaultTtl?: number;
}

/**
 * The origin a file's name gives, as DNSControl and BIND setups name zone files:
 * `example.com.zone`, `example.com.db`, `db.example.com`, `example.com` (a name with a dot).
 */
export function originFromFileName(path: string): string | undefined {
  const name = basename(path)
    .replace(/^db\./i, '')
    .replace(/\.(zone|db|dns|hosts|txt)$/i, '');
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+\.?$/i.test(name)) return undefined;
  const origin = normalizeName(name);
  return typeof encodeName(origin) === 'string' ? undefined : origin;
}

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** Parses overlay text as its path says (YAML or master file). */
export function parseOverlay(text: string, path: string, options: OverlayFileOptions = {}): OverlayZone {
  const origin = options.origin ?? originFromFileName(path);
  if (isYamlPath(path))
    return parseOverlayYaml(text, { file: path, ...(origin !== undefined ? { origin } : {}) });
  return parseMasterFile(text, {
    file: path,
    ...(origin !== undefined ? { origin } : {}),
    ...(options.defaultTtl !== undefined ? { defaultTtl: options.defaultTtl } : {}),
  });
}

/** Reads and parses one overlay file; a missing, huge or bad file is a UsageError. */
export function readOverlayFile(path: string, options: OverlayFileOptions = {}): OverlayZone {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_OVERLAY_FILE_BYTES)
      throw new UsageError(`overlay ${path} is ${size} bytes (at most ${MAX_OVERLAY_FILE_BYTES})`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read overlay ${path}: ${(err as Error).message}`);
  }
  return parseOverlay(text, path, options);
}
