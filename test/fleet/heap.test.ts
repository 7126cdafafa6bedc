import { describe, expect, it } from 'vitest';
import { FLEET_HEAP_GROWING_PERCENT, heapFlagsGiven, tuneHeapForFleet } from '../../src/fleet/cli.js';

describe('fleet heap setting', () => {
  it('leaves V8 heap flags the user gave, on the command line or in NODE_OPTIONS', () => {
    expect(heapFlagsGiven([], '')).toBe(false);
    expect(heapFlagsGiven(['--enable-source-maps'], '--no-warnings')).toBe(false);
    expect(heapFlagsGiven(['--max-old-space-size=4096'], '')).toBe(true);
    expect(heapFlagsGiven([], '--max_old_space_size=512 --no-warnings')).toBe(true);
    expect(heapFlagsGiven(['--heap-growing-percent=0'], '')).toBe(true);
    expect(heapFlagsGiven([], '--optimize-for-size')).toBe(true);
    // With such a flag, nothing is set (and this test process keeps its own settings).
    expect(tuneHeapForFleet(['--max-semi-space-size=1'], '')).toBe(false);
    expect(FLEET_HEAP_GROWING_PERCENT).toBeGreaterThan(0);
  });
});
