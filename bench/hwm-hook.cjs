// Loaded with --require into the CLI that `npm run bench -- --cli` measures: at exit it writes
// the process's peak RSS (VmHWM, in kB) to the file named by MP_BENCH_HWM_FILE.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');

process.on('exit', () => {
  const out = process.env.MP_BENCH_HWM_FILE;
  if (!out) return;
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) writeFileSync(out, m[1]);
  } catch {
    // not Linux: no figure
  }
});
