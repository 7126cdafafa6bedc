/** The JSON report: keys sorted recursively so two runs diff cleanly. */
import { type Report, stableStringify } from '../src/report.js';

export function renderJson(report: Report): string {
  return `${stableStringify(report)}\n`;
}
