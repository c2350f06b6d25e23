#!/usr/bin/env node
// CommonJS consumers get declarations of their own: for each dist/**/*.d.ts a .d.cts twin whose
// relative imports name .cjs. TypeScript (module node16/nodenext) then types
// `require('openssl-napi')` (Node >= 20.19 loads the ESM build through require(esm)); without
// the twins it refuses to require an ES module's types.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
let n = 0;
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file);
    else if (entry.name.endsWith('.d.ts')) {
      const text = fs.readFileSync(file, 'utf8').replace(/((?:from|import|declare module)\s*\(?\s*['"]\.{1,2}\/[^'"]*?)\.js(['"])/g, '$1.cjs$2');
      fs.writeFileSync(file.slice(0, -'.d.ts'.length) + '.d.cts', text);
      n++;
    }
  }
}
if (!fs.existsSync(dist)) {
  console.error('dts-cjs: no dist/ (run tsc first)');
  process.exit(1);
}
walk(dist);
console.log(`dts-cjs: ${n} .d.cts declarations`);
