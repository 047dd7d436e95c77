/**
 * What a rendered env.config.jsx of tutor-mfe puts into each MFE's plugin slots: `node slots.mjs <app dir> <MFE>...`
 * bundles <app dir>/env.config.jsx with what it imports (as an MFE's webpack would, from /openedx/app), runs its
 * setConfig() once per MFE (process.env.APP_ID, as tutor-mfe's image sets it) and prints, as JSON, each MFE's slots
 * with their widgets: [operation, id, type, the name of the component]. Used by tutor-cities-network/tests.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const [app, ...mfes] = process.argv.slice(2);
const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'env-config-')), 'env.config.mjs');
await build({
  entryPoints: [path.join(app, 'env.config.jsx')], outfile: out, bundle: true, platform: 'node', format: 'esm',
  jsx: 'automatic', loader: { '.js': 'jsx' }, logLevel: 'error',
  nodePaths: [path.join(here, '..', '..', 'node_modules')],
  alias: {
    '@openedx/frontend-plugin-framework': path.join(here, 'frontend-plugin-framework.js'),
    'env.config': path.join(app, 'env.config.jsx'), // frontend-platform imports it too, as MFEs' webpack aliases it
  },
});
const { default: setConfig } = await import(out);
const slots = {};
for (const mfe of mfes) {
  process.env.APP_ID = mfe;
  const config = await setConfig();
  slots[mfe] = Object.fromEntries(Object.entries(config.pluginSlots).map(([slot, { plugins }]) => [
    slot, plugins.map(({ op, widget }) => [op, widget.id, widget.type, widget.RenderWidget.name])]));
}
console.log(JSON.stringify(slots));
