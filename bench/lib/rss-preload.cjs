// Preloaded (node --require) into a measured child process: on exit, writes its peak resident
// memory in KiB (process.resourceUsage().maxRSS) and its CPU time in microseconds (user +
// system, this process only) to $DR_BENCH_RSS_FILE.
'use strict';
const fs = require('node:fs');
const file = process.env.DR_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      fs.writeFileSync(file, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}`);
    } catch {
      /* the measurement is optional; never change the program's exit */
    }
  });
}
