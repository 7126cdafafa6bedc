/** Size bounds of the HTML report: a page stays small enough to open whatever the fleet holds. */
import { FLEET_MAX_ROWS_IN_MEMORY } from '../../src/fleet/summary.js';

/**
 * Grid rows rendered; the rest are counted and left to summary.json (worst ones are kept). A
 * fleet run keeps exactly this many rows in memory for the page, so the two are one number.
 */
export const HTML_MAX_GRID_ROWS = FLEET_MAX_ROWS_IN_MEMORY;
/** Grid rows laid out at a time (one page); the filters and sorting work on all rows. */
export const HTML_GRID_PAGE_ROWS = 500;
/** Characters of one finding's evidence (pretty JSON) embedded. */
export const HTML_MAX_EVIDENCE_CHARS = 3_000;
/** Characters of one identity's embedded details; larger ones drop evidence, then the tree. */
export const HTML_MAX_DETAIL_CHARS = 40_000;
/** Characters of embedded details in the whole page; later (healthier) identities go without. */
export const HTML_MAX_TOTAL_DETAIL_CHARS = 30_000_000;
/** SPF tree nodes embedded per identity. */
export const HTML_MAX_TREE_NODES = 120;
/** SPF tree depth embedded (the walk itself stops at 10, RFC 7208 4.6.4). */
export const HTML_MAX_TREE_DEPTH = 12;
/** ip4/ip6 ranges listed per SPF tree node. */
export const HTML_MAX_RANGES_PER_NODE = 12;
/** Longest single string (message, fix, record) embedded or rendered. */
export const HTML_MAX_STRING_CHARS = 4_000;
/** Rows of the regressions table; identities added and gone listed. */
export const HTML_MAX_REGRESSION_ROWS = 1_000;
export const HTML_MAX_ADDED_GONE = 300;
/** Invalid config entries listed. */
export const HTML_MAX_INVALID_ENTRIES = 300;
/** Predicted replies shown in a grid cell. */
export const HTML_MAX_REPLIES_PER_CELL = 6;
