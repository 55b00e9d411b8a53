// A second, independent check of what a latchkey door signs about itself — its door card, visit
// receipts and audit checkpoints — with nothing but Node.js itself (no npm install): Ed25519 from
// node:crypto, PASETO v4.public's pre-authentication encoding and PASERK's k4.pid written out below
// from their specifications. latchkey's own tests run it against a real door's documents
// (DoorEvidenceTest), so the contract in docs/token-profile.md is checked by code that shares nothing
// with latchkey's Java.
//
//   node verify.mjs card CARD [--owner-key K]    the card: door id = k4.pid of door_key = footer kid,
//                                                signed by door_key; endorsed by the owner key it names
//                                                (K: that key, k4.public…, or its fingerprint), for the
//                                                same door key, lock id and fleet
//   node verify.mjs receipt --card CARD RECEIPT  a visit receipt, signed by that card's door key
//   node verify.mjs checkpoint --card CARD DOC   an audit checkpoint (the "signature" of a record)
//
// CARD, RECEIPT and DOC are the text itself or a file holding it. Prints the verified claims as
// JSON and exits 0; exits 3 with "rejected: REASON: detail" on stderr when a check fails, 2 on a
// usage error. Node.js 18 or newer.

import { createHash, createPublicKey, verify as ed25519Verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

class Rejected extends Error {
  constructor(reason, detail) {
    super(detail);
    this.reason = reason;
  }
}

// ---- BLAKE2b (RFC 7693), for PASERK's k4.pid: a 33-byte digest, which node:crypto cannot make ----
const MASK = (1n << 64n) - 1n;
const IV = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
];
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];
const rotr = (x, n) => ((x >> n) | (x << (64n - n))) & MASK;

function compress(h, block, t, last) {
  const v = [...h, ...IV];
  const m = [];
  for (let i = 0; i < 16; i++) m.push(block.readBigUInt64LE(i * 8));
  v[12] ^= t & MASK;
  v[13] ^= t >> 64n;
  if (last) v[14] ^= MASK;
  const g = (a, b, c, d, x, y) => {
    v[a] = (v[a] + v[b] + x) & MASK; v[d] = rotr(v[d] ^ v[a], 32n);
    v[c] = (v[c] + v[d]) & MASK;     v[b] = rotr(v[b] ^ v[c], 24n);
    v[a] = (v[a] + v[b] + y) & MASK; v[d] = rotr(v[d] ^ v[a], 16n);
    v[c] = (v[c] + v[d]) & MASK;     v[b] = rotr(v[b] ^ v[c], 63n);
  };
  for (let r = 0; r < 12; r++) {
    const s = SIGMA[r % 10];
    g(0, 4, 8, 12, m[s[0]], m[s[1]]);
    g(1, 5, 9, 13, m[s[2]], m[s[3]]);
    g(2, 6, 10, 14, m[s[4]], m[s[5]]);
    g(3, 7, 11, 15, m[s[6]], m[s[7]]);
    g(0, 5, 10, 15, m[s[8]], m[s[9]]);
    g(1, 6, 11, 12, m[s[10]], m[s[11]]);
    g(2, 7, 8, 13, m[s[12]], m[s[13]]);
    g(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (let i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

export function blake2b(data, outLength) {
  const h = [...IV];
  h[0] ^= 0x01010000n ^ BigInt(outLength); // no key, fan-out and depth 1
  let offset = 0;
  while (data.length - offset > 128) {
    compress(h, data.subarray(offset, offset + 128), BigInt(offset + 128), false);
    offset += 128;
  }
  const last = Buffer.alloc(128);
  data.copy(last, 0, offset);
  compress(h, last, BigInt(data.length), true);
  const out = Buffer.alloc(64);
  h.forEach((w, i) => out.writeBigUInt64LE(w, i * 8));
  return out.subarray(0, outLength);
}

// ---- PASERK: k4.public text and its k4.pid ----
export function k4Pid(k4Public) {
  return 'k4.pid.' + blake2b(Buffer.from('k4.pid.' + k4Public, 'ascii'), 33).toString('base64url');
}

function publicKeyFromPaserk(text) {
  const m = /^k4\.public\.([A-Za-z0-9_-]{43})$/.exec(text ?? '');
  if (!m) throw new Rejected('MALFORMED', 'not a k4.public key: ' + String(text).slice(0, 60));
  const raw = Buffer.from(m[1], 'base64url');
  if (raw.length !== 32 || raw.toString('base64url') !== m[1]) {
    throw new Rejected('MALFORMED', 'not a canonical k4.public key');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: m[1] }, format: 'jwk' });
}

// The door key's fingerprint as latchkey prints it, to compare with the owner by other means: the
// first 16 bytes of the SHA-256 of the raw key, in groups of four hex digits.
export function fingerprint(k4Public) {
  const raw = Buffer.from(k4Public.slice('k4.public.'.length), 'base64url');
  return createHash('sha256').update(raw).digest('hex').slice(0, 32).replace(/(.{4})(?!$)/g, '$1 ');
}

// ---- PASETO v4.public ----
function le64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

// Pre-authentication encoding: the count, then each piece with its length (little-endian 64 bit).
function pae(...pieces) {
  return Buffer.concat([le64(pieces.length), ...pieces.flatMap((p) => [le64(p.length), p])]);
}

const B64URL = /^[A-Za-z0-9_-]+$/;

// Splits a v4.public token; the footer must be latchkey's {"kid":"k4.pid.…"}.
function parse(text) {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || parts[0] !== 'v4' || parts[1] !== 'public') {
    throw new Rejected('MALFORMED', 'not a v4.public token with a footer');
  }
  for (const p of parts.slice(2)) {
    if (!B64URL.test(p) || Buffer.from(p, 'base64url').toString('base64url') !== p) {
      throw new Rejected('MALFORMED', 'not canonical unpadded base64url');
    }
  }
  const body = Buffer.from(parts[2], 'base64url');
  if (body.length < 64) throw new Rejected('MALFORMED', 'too short for a signature');
  const footer = Buffer.from(parts[3], 'base64url');
  const kid = /^\{"kid":"(k4\.pid\.[A-Za-z0-9_-]{44})"\}$/.exec(footer.toString('utf8'));
  if (!kid) throw new Rejected('MALFORMED', 'the footer is not {"kid":"k4.pid.…"}');
  return {
    message: body.subarray(0, body.length - 64),
    signature: body.subarray(body.length - 64),
    footer,
    kid: kid[1],
  };
}

// The claims of a token that `k4Public` signed and whose footer names that key. A footer naming
// another key is, for a card, a card that is not what it says (BAD_SIGNATURE); for a door's
// receipt or checkpoint, another door's (WRONG_LOCK) — as latchkey says.
function verifiedBy(token, k4Public, what, otherKey = 'BAD_SIGNATURE') {
  if (token.kid !== k4Pid(k4Public)) {
    throw new Rejected(otherKey, what + ': the footer names another key (' + token.kid + ')');
  }
  const signed = pae(Buffer.from('v4.public.'), token.message, token.footer, Buffer.alloc(0));
  if (!ed25519Verify(null, signed, publicKeyFromPaserk(k4Public), token.signature)) {
    throw new Rejected('BAD_SIGNATURE', what + ': the signature does not verify');
  }
  return claimsOf(token, what);
}

function claimsOf(token, what) {
  let claims;
  try {
    claims = JSON.parse(token.message.toString('utf8'));
  } catch (e) {
    throw new Rejected('MALFORMED', what + ': the payload is not JSON');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new Rejected('MALFORMED', what + ': the payload is not a JSON object');
  }
  return claims;
}

function expectType(claims, typ, what) {
  if (claims.typ !== typ) throw new Rejected('MALFORMED', what + ': typ is not "' + typ + '"');
}

// ---- the door's documents ----
export function verifyCard(text) {
  const token = parse(text);
  const claims = verifiedBy(token, claimsOf(token, 'door card').door_key, 'door card');
  expectType(claims, 'latchkey-door-card', 'door card');
  if (claims.door_id !== token.kid) {
    throw new Rejected('MALFORMED', 'door card: door_id is not the id of door_key');
  }
  for (const f of ['lock_id', 'tz', 'iat']) {
    if (typeof claims[f] !== 'string') throw new Rejected('MALFORMED', 'door card: no ' + f);
  }
  const card = { door_id: claims.door_id, door_key: claims.door_key, lock_id: claims.lock_id,
                 fingerprint: fingerprint(claims.door_key), tz: claims.tz, iat: claims.iat,
                 endorsed_by: null };
  if (claims.fleet_id !== undefined) card.fleet_id = claims.fleet_id;
  if (claims.endorsement !== undefined) {
    const e = parse(String(claims.endorsement));
    const by = claimsOf(e, 'endorsement').owner_key;
    const endorsed = verifiedBy(e, by, 'endorsement');
    expectType(endorsed, 'latchkey-door-endorsement', 'endorsement');
    if (endorsed.door_key !== claims.door_key || endorsed.lock_id !== claims.lock_id
        || endorsed.fleet_id !== claims.fleet_id) {
      throw new Rejected('BAD_SIGNATURE', 'endorsement: for another door key, lock id or fleet');
    }
    card.endorsed_by = { owner_key: by, owner_kid: k4Pid(by), fingerprint: fingerprint(by),
                         iat: endorsed.iat };
  }
  return card;
}

// The owner stands behind the card: it is endorsed, and (given the owner's key or its
// fingerprint, got by another way) by that owner. An unendorsed card is anyone's word.
export function endorsedBy(card, ownerKey) {
  if (!card.endorsed_by) {
    throw new Rejected('NOT_ENDORSED', 'door card: no owner endorses it');
  }
  if (ownerKey !== undefined) {
    const known = String(ownerKey).trim();
    if (known === '' || (card.endorsed_by.owner_key !== known && card.endorsed_by.fingerprint !== known)) {
      throw new Rejected('NOT_ENDORSED', 'door card: endorsed by another owner key than the one given');
    }
  }
  return card;
}

export function verifyDoorDocument(text, card, typ, what) {
  const claims = verifiedBy(parse(text), card.door_key, what, 'WRONG_LOCK');
  expectType(claims, typ, what);
  if (claims.door !== card.door_id) throw new Rejected('MALFORMED', what + ': door is not ' + card.door_id);
  return claims;
}

// ---- self-checks against published vectors, so a broken hash is caught here, not at the door ----
function selfTest() {
  const abc = blake2b(Buffer.from('abc'), 64).toString('hex');
  if (!abc.startsWith('ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b7')) {
    throw new Error('BLAKE2b does not match RFC 7693 appendix A');
  }
  const pub2 = 'k4.public.' + Buffer.from(
      '707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f', 'hex').toString('base64url');
  if (k4Pid(pub2) !== 'k4.pid.9ShR3xc8-qVJ_di0tc9nx0IDIqbatdeM2mqLFBJsKRHs') {
    throw new Error('k4.pid does not match PASERK vector k4.pid-2');
  }
}

function textOf(arg) {
  if (arg === undefined) usage();
  return arg.startsWith('v4.') || !existsSync(arg) ? arg : readFileSync(arg, 'utf8');
}

function usage() {
  process.stderr.write('usage: node verify.mjs card CARD [--owner-key K] | receipt --card CARD RECEIPT | '
      + 'checkpoint --card CARD DOC\n');
  process.exit(2);
}

const KINDS = {
  receipt: ['latchkey-receipt', 'receipt'],
  checkpoint: ['latchkey-checkpoint', 'checkpoint'],
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  selfTest();
  const [kind, ...args] = process.argv.slice(2);
  try {
    if (kind === 'card' && (args.length === 1 || (args.length === 3 && args[1] === '--owner-key'))) {
      const card = verifyCard(textOf(args[0]));
      const owner = args.length === 3 ? textOf(args[2]) : undefined;
      console.log(JSON.stringify(card, null, 2));
      endorsedBy(card, owner); // printed either way; exit 3 when nobody (or another owner) stands behind it
    } else if (KINDS[kind] && args.length === 3 && args[0] === '--card') {
      const card = verifyCard(textOf(args[1]));
      const [typ, what] = KINDS[kind];
      console.log(JSON.stringify(verifyDoorDocument(textOf(args[2]), card, typ, what), null, 2));
    } else {
      usage();
    }
  } catch (e) {
    if (!(e instanceof Rejected)) throw e;
    process.stderr.write('rejected: ' + e.reason + ': ' + e.message + '\n');
    process.exit(3);
  }
}
