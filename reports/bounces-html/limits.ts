/** Size bounds of the bounce triage page: it stays small enough to open whatever the input held. */

/** Bounces listed one by one (the first ones of the run); the JSON output keeps more. */
export const BOUNCES_HTML_MAX_BOUNCE_ROWS = 500;
/** Waves listed, and wave bands drawn on the timeline (the earliest first). */
export const BOUNCES_HTML_MAX_WAVE_ROWS = 200;
export const BOUNCES_HTML_MAX_WAVE_BANDS = 30;
/** Sending domains listed (worst first). */
export const BOUNCES_HTML_MAX_DOMAIN_ROWS = 200;
/** Providers in the top-codes chart, and codes shown per provider. */
export const BOUNCES_HTML_MAX_PROVIDERS = 8;
export const BOUNCES_HTML_MAX_CODES_PER_PROVIDER = 5;
/** Characters of a diagnostic, recipient or other bounce string shown in a cell. */
export const BOUNCES_HTML_MAX_CELL_CHARS = 300;
/** Characters of a label drawn in a chart (provider names). */
export const BOUNCES_HTML_MAX_LABEL_CHARS = 40;
