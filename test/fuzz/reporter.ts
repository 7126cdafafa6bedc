/**
 * The fuzz campaign's summary (`npm run fuzz`): inputs run per test file and in all, and the time.
 * Reads the `fuzzInputs` each fuzz test records in its task meta (test/fuzz/runs.ts).
 */
import type { Reporter, TestModule } from 'vitest/node';
import './runs.js';

export default class FuzzSummaryReporter implements Reporter {
  private started = 0;

  onTestRunStart(): void {
    this.started = performance.now();
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const seconds = (performance.now() - this.started) / 1000;
    let total = 0;
    let properties = 0;
    const lines: string[] = [];
    for (const mod of testModules) {
      let inModule = 0;
      for (const test of mod.children.allTests()) {
        const n = test.meta().fuzzInputs;
        if (n === undefined) continue;
        inModule += n;
        properties++;
      }
      total += inModule;
      lines.push(
        `  ${mod.moduleId.replace(/^.*\/test\/fuzz\//, '').padEnd(24)} ${String(inModule).padStart(10)}`,
      );
    }
    process.stdout.write(
      `\nfuzz campaign: ${total} inputs over ${properties} properties in ${seconds.toFixed(1)} s\n` +
        `${lines.sort().join('\n')}\n`,
    );
  }
}
