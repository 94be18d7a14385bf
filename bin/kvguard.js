#!/usr/bin/env node
'use strict';
const path = require('node:path');
const main = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!require('node:fs').existsSync(main)) {
  // A clone before its first build (the npm package ships dist/, built by `prepack`).
  process.stderr.write(`kvguard: ${path.relative(process.cwd(), main) || main} is missing: run npm run build\n`);
  process.exit(2);
}
require(main)
  .main(process.argv)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`kvguard: internal error: ${err && err.message ? err.message : err}\n`);
      process.exitCode = 2;
    },
  );
