// Mints a latchkey access token with a second, independent PASETO library: panva's `paseto`
// for Node.js (V4.sign, Ed25519 through Node's own crypto), plus @noble/hashes for the BLAKE2b
// of the PASERK key id. Nothing from latchkey's Java code is used here.
//
//   npm ci && node mint.mjs
//
// It prints the issuer's public key (k4.public), its key id (k4.pid) and the token. Ed25519
// signatures are deterministic and the claims below are fixed, so the output never changes.
// See docs/token-profile.md, "Worked example".

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import paseto from 'paseto';

const { V4 } = paseto;

// ---------------------------------------------------------------------------------------------
// PUBLISHED EXAMPLE KEY. NEVER TRUST IT ON A REAL DOOR.
// Anyone who reads this file can sign tokens with it. It is the 32 ASCII bytes
// "latchkey-example-key-DO-NOT-USE!", written as hex: the Ed25519 private key seed.
// A real issuer keeps its seed in a secret store and never prints it.
// ---------------------------------------------------------------------------------------------
const EXAMPLE_SEED_HEX = '6c617463686b65792d6578616d706c652d6b65792d444f2d4e4f542d55534521';

// The claims of the example: a courier of "parcel-co" may open the door "front-door" once,
// between 08:00 and 10:00 UTC on 1 December 2026. Key order is the order latchkey itself writes.
const CLAIMS = {
  iss: 'parcel-co',
  aud: 'front-door',
  jti: 'order-4711-example-1',
  iat: '2026-12-01T07:55:00Z',
  nbf: '2026-12-01T08:00:00Z',
  exp: '2026-12-01T10:00:00Z',
  use: 'once',
  role: 'delivery',
  sub: 'order 4711',
};

// An Ed25519 private key from its 32-byte seed: the seed wrapped in a fixed PKCS#8 header.
function privateKeyFromSeed(seedHex) {
  const seed = Buffer.from(seedHex, 'hex');
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

// PASERK k4.public: "k4.public." + base64url (no padding) of the 32 raw public key bytes.
function k4Public(privateKey) {
  const raw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url');
  return 'k4.public.' + raw.toString('base64url');
}

// PASERK k4.pid: "k4.pid." + base64url of BLAKE2b with a 33-byte output over
// "k4.pid." followed by the k4.public text.
function k4Pid(k4PublicText) {
  const digest = blake2b(Buffer.from('k4.pid.' + k4PublicText, 'ascii'), { dkLen: 33 });
  return 'k4.pid.' + Buffer.from(digest).toString('base64url');
}

// Self-checks against the published PASERK and PASETO test vectors, so a broken library or a
// wrong key id is caught here rather than at the door.
async function selfTest() {
  // PASERK test vector k4.pid-2 (its "key" is a raw public key).
  const pub2 = 'k4.public.' + Buffer.from(
      '707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f', 'hex').toString('base64url');
  if (k4Pid(pub2) !== 'k4.pid.9ShR3xc8-qVJ_di0tc9nx0IDIqbatdeM2mqLFBJsKRHs') {
    throw new Error('k4.pid does not match PASERK vector k4.pid-2');
  }
  // PASETO test vector 4-S-2 (v4.public with a footer).
  const token = await V4.sign(
      Buffer.from('{"data":"this is a signed message","exp":"2022-01-01T00:00:00+00:00"}'),
      privateKeyFromSeed('b4cbfb43df4ce210727d953e4a713307fa19bb7d9f85041438d9e11b942a3774'),
      { footer: Buffer.from('{"kid":"zVhMiPBP9fRf2snEcT7gFTioeA9COcNy9DfgL1W60haN"}') });
  if (token !== 'v4.public.eyJkYXRhIjoidGhpcyBpcyBhIHNpZ25lZCBtZXNzYWdlIiwiZXhwIjoiMjAyMi0wMS0wMVQwMDowMDowMCswMDowMCJ9v3Jt8mx_TdM2ceTGoqwrh4yDFn0XsHvvV_D0DtwQxVrJEBMl0F2caAdgnpKlt4p7xBnx1HcO-SPo8FPp214HDw.eyJraWQiOiJ6VmhNaVBCUDlmUmYyc25FY1Q3Z0ZUaW9lQTlDT2NOeTlEZmdMMVc2MGhhTiJ9') {
    throw new Error('V4.sign does not reproduce PASETO vector 4-S-2');
  }
}

await selfTest();

const key = privateKeyFromSeed(EXAMPLE_SEED_HEX);
const publicKey = k4Public(key);
const kid = k4Pid(publicKey);

// The payload is passed as bytes, so the library signs exactly this JSON. (Given a plain object
// instead, panva's paseto adds "iat" = now unless told `iat: false`, and its `kid` option puts
// the kid into the payload, where latchkey does not look: latchkey wants it in the footer.)
const payload = Buffer.from(JSON.stringify(CLAIMS), 'utf8');
// The footer latchkey requires, exactly: {"kid":"k4.pid.<44 characters>"}, no spaces.
const footer = Buffer.from(JSON.stringify({ kid }), 'ascii');

const token = await V4.sign(payload, key, { footer }); // no implicit assertion

// Verify with the same library before printing: signature, footer and payload round-trip.
const { payload: back, footer: backFooter } = await V4.verify(token, createPublicKey(key), {
  complete: true,
  ignoreExp: true, ignoreIat: true, ignoreNbf: true, // the example's window is fixed in time
});
if (JSON.stringify(back) !== JSON.stringify(CLAIMS) || !backFooter.equals(footer)) {
  throw new Error('the token does not round-trip');
}

console.log('public key  ' + publicKey);
console.log('key id      ' + kid);
console.log('token       ' + token);
