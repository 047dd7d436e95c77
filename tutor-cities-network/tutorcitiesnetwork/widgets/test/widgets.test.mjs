/**
 * The widgets' own rules, run with `npm test` (node --test) (the browser tests render them against the live host).
 * Modules are bundled with esbuild first, because @edx/frontend-platform ships ES modules for webpack, not Node.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

async function load(file) {
  const result = await build({
    entryPoints: [path.join(src, file)], bundle: true, platform: 'node', format: 'esm', write: false,
    jsx: 'automatic', loader: { '.js': 'jsx' }, alias: { 'env.config': path.join(src, 'index.js') },
    define: { 'process.env.NODE_ENV': '"test"' }, logLevel: 'silent',
  });
  const code = Buffer.from(result.outputFiles[0].contents).toString('base64');
  return import(`data:text/javascript;base64,${code}`);
}

test('the widgets import only what every micro-frontend has', async () => {
  // The MFEs build this folder with their own node_modules: anything else would break their build.
  const allowed = /^(react|prop-types|@edx\/frontend-platform(\/(auth|i18n))?|\.\/[A-Za-z]+)$/;
  for (const file of await readdir(src)) {
    const text = await readFile(path.join(src, file), 'utf8');
    for (const [, name] of text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
      assert.match(name, allowed, `${file} imports ${name}`);
    }
  }
});

test('every message has an id of its own, English words and a note for translators', async () => {
  const { default: messages } = await load('messages.js');
  const ids = Object.values(messages).map((message) => message.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const message of Object.values(messages)) {
    assert.match(message.id, /^citiesNetwork\./);
    assert.ok(message.defaultMessage && message.description, message.id);
  }
});

test('a load that does not answer becomes an error, one that answers keeps its value', async () => {
  const { withTimeout } = await load('useLoaded.js');
  assert.equal(await withTimeout(Promise.resolve('badges'), 50), 'badges');
  await assert.rejects(withTimeout(new Promise(() => {}), 20), /no answer after 20 ms/);
});
