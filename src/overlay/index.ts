/**
 * What-if audits: proposed DNS records (an overlay) answered as if they were published, the
 * rest asked live. Zone files (master-file.ts, yaml.ts), the overlay resolver and probe.
 */

export {
  MAX_OVERLAY_FILE_BYTES,
  type OverlayFileOptions,
  originFromFileName,
  parseOverlay,
  readOverlayFile,
} from './load.js';
export { FALLBACK_TTL, type MasterFileOptions, parseMasterFile, parseTtl } from './master-file.js';
export { type OverlayProbe, overlayProbe } from './probe.js';
export {
  MAX_SERVED_ENTRIES,
  type OverlayOptions,
  type OverlayResolver,
  type OverlayServed,
  overlayResolver,
} from './resolver.js';
export { MAX_ENTRY_CHARS, MAX_FIELDS_PER_ENTRY, MAX_LINE_CHARS, ZoneFileError } from './tokens.js';
export { parseOverlayYaml } from './yaml.js';
export { MAX_OVERLAY_RECORDS, type OverlayZone, rrsetKey } from './zone.js';
