/**
 * Bundles the browser tests' page (page.jsx with the widgets of ../../src, React and @edx/frontend-platform from
 * node_modules) into the directory given, with index.html: `node test/page/build.mjs <out dir>`.
 * frontend-platform's modules expect an MFE's webpack: its `env.config` import and `process.env` are given here.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] || path.join(here, '..', '..', 'dist'));
await mkdir(out, { recursive: true });
const envConfig = path.join(out, 'env.config.js');
await writeFile(envConfig, 'export default {};\n');
await build({
  entryPoints: [path.join(here, 'page.jsx')],
  outfile: path.join(out, 'page.js'),
  bundle: true,
  format: 'iife',
  jsx: 'automatic',
  loader: { '.js': 'jsx' },
  alias: { 'env.config': envConfig },
  define: { 'process.env': '{"NODE_ENV": "production"}', global: 'window' },
  logLevel: 'warning',
});
await copyFile(path.join(here, 'index.html'), path.join(out, 'index.html'));
console.log(`widgets' test page: ${out}`);
