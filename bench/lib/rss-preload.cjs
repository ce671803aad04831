// Preloaded (node --require) into a measured child process: on exit, writes its peak resident
// memory in KiB (process.resourceUsage().maxRSS) to $DR_BENCH_RSS_FILE.
'use strict';
const fs = require('node:fs');
const file = process.env.DR_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      /* the measurement is optional; never change the program's exit */
    }
  });
}
