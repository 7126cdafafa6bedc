// Loaded with --require into the CLI that `npm run bench -- --cli` measures: at exit it writes
// the process's peak RSS (VmHWM, in kB) and its CPU time (user + system, ms), separated by a
// space, to the file named by MP_BENCH_HWM_FILE.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');

process.on('exit', () => {
  const out = process.env.MP_BENCH_HWM_FILE;
  if (!out) return;
  const cpu = process.cpuUsage();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  let kb = 'NaN';
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) kb = m[1];
  } catch {
    // not Linux: no peak figure
  }
  try {
    writeFileSync(out, `${kb} ${cpuMs}`);
  } catch {
    // nowhere to write: the benchmark reports no figure
  }
});
