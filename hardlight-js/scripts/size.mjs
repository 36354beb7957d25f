// Prints the size of the minified bundle, raw and gzipped (level 9): the number the 12 KiB budget is about.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const min = readFileSync(new URL('../dist/hardlight.min.js', import.meta.url));
const gz = gzipSync(min, { level: 9 }).length;
console.log(`dist/hardlight.min.js: ${min.length} bytes minified, ${gz} bytes (${(gz / 1024).toFixed(2)} KiB) minified + gzipped; budget 12 KiB (12,288 bytes)`);
