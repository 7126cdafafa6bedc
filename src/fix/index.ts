/** --fix: the records that fix an audit's findings, as a master file fragment. */
export { claimedFindings, type FixOptions, proposeFixes } from './propose.js';
export { compareFix, type FixRun, type FixVerdict, proveFixes } from './reaudit.js';
export { renderFixFragment } from './render.js';
export { type FixSection, fixSection, renderFixText } from './summary.js';
export type { Fix, FixPlan, FixRecord, Remaining } from './types.js';
