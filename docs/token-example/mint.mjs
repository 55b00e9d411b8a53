// Mints a latchkey access token with a second, independent PASETO library: panva's `paseto` 4
// for Node.js (PublicProtocol with the v4.public Sign and Verify capabilities, Ed25519 through
// WebCrypto), plus @noble/hashes for the BLAKE2b of the PASERK key id. Nothing from latchkey's Java
// code is used here.
//
//   npm ci && node mint.mjs
//
// It prints the example door's id, the issuer's public key (k4.public), its key id (k4.pid) and the
// token. Ed25519 signatures are deterministic and the claims below are fixed, so the output never
// changes. `node mint.mjs --example-door-key` prints the example door's private key instead (a
// k4.secret), which verify-with-latchkey.sh gives a scratch door so that it *is* the example door.
// See docs/token-profile.md, "Worked example".

import { blake2b } from '@noble/hashes/blake2.js';
import { PublicProtocol } from 'paseto';
import {
  PublicKeyFromCryptoKey, SecretKeyFromCryptoKey, SignFactory, VerifyFactory,
} from 'paseto/v4/public';

const v4 = new PublicProtocol(SignFactory, VerifyFactory);

// ---------------------------------------------------------------------------------------------
// PUBLISHED EXAMPLE KEYS. NEVER TRUST THEM ON A REAL DOOR.
// Anyone who reads this file can sign with them. Each is the Ed25519 private key seed of 32 ASCII
// bytes, written as hex: "latchkey-example-key-DO-NOT-USE!" for the issuer (a delivery company),
// "latchkey-example-door-DO-NOT-USE" for the door. A real issuer keeps its seed in a secret store;
// a real door makes its own key at `latchkey init`, and it never leaves the door.
// ---------------------------------------------------------------------------------------------
const EXAMPLE_SEED_HEX = '6c617463686b65792d6578616d706c652d6b65792d444f2d4e4f542d55534521';
const EXAMPLE_DOOR_SEED_HEX = '6c617463686b65792d6578616d706c652d646f6f722d444f2d4e4f542d555345';

// An Ed25519 key pair from its 32-byte seed (the seed wrapped in a fixed PKCS#8 header), with
// the raw public key.
async function keyPairFromSeed(seedHex) {
  const seed = Buffer.from(seedHex, 'hex');
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  return { seed, privateKey, publicRaw: Buffer.from(jwk.x, 'base64url') };
}

// PASERK k4.public: "k4.public." + base64url (no padding) of the 32 raw public key bytes.
function k4Public(publicRaw) {
  return 'k4.public.' + publicRaw.toString('base64url');
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
  const pub2 = Buffer.from('707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f', 'hex');
  if (k4Pid(k4Public(pub2)) !== 'k4.pid.9ShR3xc8-qVJ_di0tc9nx0IDIqbatdeM2mqLFBJsKRHs') {
    throw new Error('k4.pid does not match PASERK vector k4.pid-2');
  }
  // PASETO test vector 4-S-2 (v4.public with a footer).
  const { privateKey } = await keyPairFromSeed(
      'b4cbfb43df4ce210727d953e4a713307fa19bb7d9f85041438d9e11b942a3774');
  const token = await v4.Sign(await SecretKeyFromCryptoKey(privateKey),
      { data: 'this is a signed message', exp: '2022-01-01T00:00:00+00:00' },
      { footer: Buffer.from('{"kid":"zVhMiPBP9fRf2snEcT7gFTioeA9COcNy9DfgL1W60haN"}'), addIssuedAt: false });
  if (token !== 'v4.public.eyJkYXRhIjoidGhpcyBpcyBhIHNpZ25lZCBtZXNzYWdlIiwiZXhwIjoiMjAyMi0wMS0wMVQwMDowMDowMCswMDowMCJ9v3Jt8mx_TdM2ceTGoqwrh4yDFn0XsHvvV_D0DtwQxVrJEBMl0F2caAdgnpKlt4p7xBnx1HcO-SPo8FPp214HDw.eyJraWQiOiJ6VmhNaVBCUDlmUmYyc25FY1Q3Z0ZUaW9lQTlDT2NOeTlEZmdMMVc2MGhhTiJ9') {
    throw new Error('v4.Sign does not reproduce PASETO vector 4-S-2');
  }
}

await selfTest();

const door = await keyPairFromSeed(EXAMPLE_DOOR_SEED_HEX);
if (process.argv[2] === '--example-door-key') {
  // PASERK k4.secret: the seed followed by the public key, base64url.
  console.log('k4.secret.' + Buffer.concat([door.seed, door.publicRaw]).toString('base64url'));
  process.exit(0);
}
const doorId = k4Pid(k4Public(door.publicRaw));

// The claims of the example: a courier of "parcel-co" may open the example door once, between
// 08:00 and 10:00 UTC on 1 December 2026. The door is named by its id (the k4.pid of its door key,
// as its door card says), not by its lock_id "front-door": every home may have a "front-door".
// Key order is the order latchkey itself writes.
const CLAIMS = {
  iss: 'parcel-co',
  aud: doorId,
  jti: 'order-4711-example-1',
  iat: '2026-12-01T07:55:00Z',
  nbf: '2026-12-01T08:00:00Z',
  exp: '2026-12-01T10:00:00Z',
  use: 'once',
  role: 'delivery',
  sub: 'order 4711',
};

const issuer = await keyPairFromSeed(EXAMPLE_SEED_HEX);
const publicKey = k4Public(issuer.publicRaw);
const kid = k4Pid(publicKey);

// The footer latchkey requires, exactly: {"kid":"k4.pid.<44 characters>"}, no spaces. (paseto's
// claims can carry a kid too, but latchkey looks for it in the footer only.) `addIssuedAt: false`:
// the claims carry their own iat, and the library would otherwise add one (now) when it is absent.
const footer = Buffer.from(JSON.stringify({ kid }), 'ascii');
const secretKey = await SecretKeyFromCryptoKey(issuer.privateKey);
const token = await v4.Sign(secretKey, CLAIMS, { footer, addIssuedAt: false });

// The payload the library signed must be exactly JSON.stringify(CLAIMS): the same bytes latchkey's
// own signer signs (TokenProfileExampleTest).
const payload = Buffer.from(token.split('.')[2], 'base64url');
if (!payload.subarray(0, payload.length - 64).equals(Buffer.from(JSON.stringify(CLAIMS), 'utf8'))) {
  throw new Error('the library signed other bytes than the claims as written');
}

// Verify with the same library before printing: signature, footer and claims round-trip. `now`
// inside the window: the example's window is fixed in time.
const jwk = await crypto.subtle.exportKey('jwk', issuer.privateKey);
const verifier = await PublicKeyFromCryptoKey(await crypto.subtle.importKey(
    'jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, true, ['verify']));
const { claims, footer: backFooter } = await v4.Verify(verifier, token, {
  footer, now: new Date('2026-12-01T09:00:00Z'),
});
if (JSON.stringify(claims) !== JSON.stringify(CLAIMS) || !Buffer.from(backFooter).equals(footer)) {
  throw new Error('the token does not round-trip');
}

console.log('door id     ' + doorId);
console.log('public key  ' + publicKey);
console.log('key id      ' + kid);
console.log('token       ' + token);
