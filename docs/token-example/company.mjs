// How a delivery company integrates with latchkey doors, from its own backend, in Node.js with
// panva's `paseto` 4 and the `mqtt` client — no latchkey code. Each step is a command:
//
//   node company.mjs keygen NAME                  NAME.key (k4.secret, 0600) and NAME.pub (k4.public):
//                                                 give NAME.pub to the door's owner (issuer add)
//   node company.mjs card URL|FILE [--owner-key K] [--out FILE]
//                                                 read a door card (GET URL/v1/card, or a file), check
//                                                 it, and — with the owner's key, or its fingerprint,
//                                                 got by another way — that the owner endorsed it
//   node company.mjs mint --key NAME.key --card CARD --sub TEXT [--for 2h] [--jti ID] [--role delivery]
//                                                 a once token for exactly that door (aud = door id)
//   node company.mjs present --url URL TOKEN      present it to the door's API (as a courier's app)
//   node company.mjs receipts --broker URL --prefix P --key NAME.key --card CARD [--count N] [--wait S]
//                                                 receive visit receipts on P/receipts/<our kid> and
//                                                 check each against the card
//   node company.mjs revoke --key NAME.key --card CARD --jti ID... [--fleet] [--url URL | --broker URL --topic T]
//                                                 revoke our own tokens on that door (or its fleet): a
//                                                 list signed by our key naming everything we revoked
//                                                 there (NAME.revoked.json keeps it), to the API or
//                                                 retained on T/<our kid>
//
// company-example.sh runs every step against a simulated door and a local mosquitto. Node.js 20.19+.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import mqtt from 'mqtt';
import { PAE, PublicProtocol } from 'paseto';
import { SecretKeyFromCryptoKey, SignFactory } from 'paseto/v4/public';
import { endorsedBy, fingerprint, verifyCard, verifyDoorDocument } from './verify.mjs';

const v4 = new PublicProtocol(SignFactory);

// ---- keys: PASERK k4.secret (seed ‖ public key) on disk, WebCrypto Ed25519 in memory ----
function k4Pid(k4Public) {
  const digest = blake2b(Buffer.from('k4.pid.' + k4Public, 'ascii'), { dkLen: 33 });
  return 'k4.pid.' + Buffer.from(digest).toString('base64url');
}

async function loadKey(file) {
  const m = /^k4\.secret\.([A-Za-z0-9_-]{86})$/.exec(readFileSync(file, 'ascii').trim());
  if (!m) throw new Error(file + ': not a k4.secret key');
  const raw = Buffer.from(m[1], 'base64url');
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw.subarray(0, 32)]);
  // Extractable only because Node 20 lacks SubtleCrypto.getPublicKey(), which paseto uses otherwise.
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  const publicKey = 'k4.public.' + raw.subarray(32).toString('base64url');
  return { privateKey, secretKey: await SecretKeyFromCryptoKey(privateKey), publicKey, kid: k4Pid(publicKey) };
}

// Signs claims with our key; the footer is latchkey's exact {"kid":"k4.pid.…"}.
async function sign(key, claims) {
  const footer = Buffer.from(JSON.stringify({ kid: key.kid }), 'ascii');
  return v4.Sign(key.secretKey, claims, { footer, addIssuedAt: false, nonExpiring: !claims.exp });
}

// A revocation list's `jti` and `kid` are arrays, but PASETO registers `jti` as a string, and
// paseto 4's Sign refuses the list's claims for that. So the list is signed as bytes: PASETO
// v4.public by its definition — Ed25519 over PAE("v4.public.", payload, footer, "").
async function signBytes(key, payload) {
  const footer = Buffer.from(JSON.stringify({ kid: key.kid }), 'ascii');
  const signed = PAE([Buffer.from('v4.public.'), payload, footer, new Uint8Array(0)]);
  const signature = Buffer.from(await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, signed));
  return 'v4.public.' + Buffer.concat([payload, signature]).toString('base64url') + '.'
      + footer.toString('base64url');
}

// ---- the door card ----
async function readCard(source) {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(new URL('/v1/card', source));
    if (!res.ok) throw new Error(source + '/v1/card: HTTP ' + res.status);
    // {"door_id":…,"fingerprint":…,…,"card":"v4.public…"}: only the signed card itself is believed.
    return String((await res.json()).card ?? '').trim();
  }
  return existsSync(source) ? readFileSync(source, 'utf8').trim() : source.trim();
}

// The card, checked: signed by the door key it carries and endorsed by the owner key it names
// (an unendorsed card is anyone's word: refused) — and, when we know the owner's key or its
// fingerprint (--owner-key, got by another way), endorsed by that owner.
async function checkedCard(source, ownerKey) {
  const text = await readCard(source);
  const card = verifyCard(text);
  if (ownerKey === undefined) {
    endorsedBy(card);
    console.error('warning: the card is NOT checked against the owner you know (no --owner-key): '
        + 'compare its fingerprints with the owner by another way');
  } else {
    const known = existsSync(ownerKey) ? readFileSync(ownerKey, 'ascii').trim() : String(ownerKey).trim();
    endorsedBy(card, known); // an empty value is refused, never taken for "no check"
  }
  return { text, ...card };
}

// ---- commands ----
const DURATION = /^(\d+)(s|m|h|d)$/;
function seconds(text) {
  const m = DURATION.exec(text);
  if (!m) throw new Error('a duration is like 90s, 30m, 2h, 1d: ' + text);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
}

const rfc3339 = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const COMMANDS = {
  async keygen([name]) {
    if (!name) throw new Error('usage: keygen NAME');
    if (existsSync(name + '.key')) throw new Error(name + '.key exists: never overwritten');
    const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const d = Buffer.from((await crypto.subtle.exportKey('jwk', pair.privateKey)).d, 'base64url');
    const x = Buffer.from((await crypto.subtle.exportKey('jwk', pair.publicKey)).x, 'base64url');
    writeFileSync(name + '.key', 'k4.secret.' + Buffer.concat([d, x]).toString('base64url') + '\n',
        { mode: 0o600, flag: 'wx' });
    const pub = 'k4.public.' + x.toString('base64url');
    writeFileSync(name + '.pub', pub + '\n', { flag: 'wx' });
    console.log('public key  ' + pub + '   (' + name + '.pub: give it to the door\'s owner)');
    console.log('key id      ' + k4Pid(pub));
    console.log('fingerprint ' + fingerprint(pub));
  },

  async card([source], o) {
    const card = await checkedCard(source, o['owner-key']);
    if (o.out) writeFileSync(o.out, card.text + '\n');
    const { text, ...fields } = card;
    console.log(JSON.stringify(fields, null, 2));
  },

  async mint(_, o) {
    const key = await loadKey(o.key);
    const card = await checkedCard(o.card, o['owner-key']);
    const now = new Date();
    const claims = {
      iss: o.iss ?? 'parcel-co',
      aud: card.door_id, // the door id: never the lock_id, which other homes share
      jti: o.jti ?? randomBytes(16).toString('base64url'),
      iat: rfc3339(now),
      nbf: rfc3339(now),
      exp: rfc3339(new Date(now.getTime() + seconds(o.for ?? '2h') * 1000)),
      use: 'once',
      role: o.role ?? 'delivery',
      sub: o.sub ?? '',
    };
    console.log(await sign(key, claims));
  },

  async present([token], o) {
    const res = await fetch(new URL('/v1/access', o.url), {
      method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: token,
    });
    console.log(res.status + ' ' + (await res.text()));
    if (res.status !== 200) process.exitCode = 3;
  },

  async receipts(_, o) {
    const key = await loadKey(o.key);
    const card = await checkedCard(o.card, o['owner-key']);
    const topic = o.prefix + '/receipts/' + key.kid;
    const want = Number(o.count ?? 1);
    // A persistent session (clean: false, a fixed client id): the broker keeps QoS 1 receipts that
    // arrive while this collector is away, and hands them over when it comes back.
    const client = await mqtt.connectAsync(o.broker, {
      protocolVersion: 5, clean: false, clientId: o['client-id'] ?? 'parcel-co-receipts',
      properties: { sessionExpiryInterval: 7 * 86400 }, reconnectPeriod: 0,
    });
    const seen = new Set(); // receipt numbers: a receipt sent again counts once
    const done = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no receipt within ' + (o.wait ?? 60) + ' s')),
          Number(o.wait ?? 60) * 1000);
      client.on('message', (t, payload) => {
        try {
          // Signed by this door's key (its card), typ latchkey-receipt, naming this door. No clock
          // check: a receipt is a record of the past, and may arrive days later.
          const claims = verifyDoorDocument(payload.toString('utf8').trim(), card,
              'latchkey-receipt', 'receipt');
          if (claims.kid !== key.kid) throw new Error('a receipt for another issuer\'s token');
          if (seen.has(claims.n)) return;
          seen.add(claims.n);
          console.log(JSON.stringify(claims));
          if (seen.size >= want) { clearTimeout(timer); resolve(); }
        } catch (e) {
          console.error('refused a message on ' + t + ': ' + e.message);
        }
      });
    });
    await client.subscribeAsync(topic, { qos: 1 });
    console.error('waiting for receipts on ' + topic);
    if (o.ready) writeFileSync(o.ready, topic + '\n'); // tells a script we are listening
    try { await done; } finally { await client.endAsync(); }
  },

  async revoke(_, o) {
    const key = await loadKey(o.key);
    const card = await checkedCard(o.card, o['owner-key']);
    // A door (or fleet) keeps one list per signer, and each new list replaces the last: it must name
    // every token still to be refused. So the company keeps a ledger of what it revoked, per aud.
    const aud = o.fleet ? card.fleet_id : card.door_id;
    if (!aud) throw new Error('the card names no fleet: a fleet list needs one');
    const ledgerFile = o.ledger ?? o.key.replace(/\.key$/, '') + '.revoked.json';
    const ledger = existsSync(ledgerFile) ? JSON.parse(readFileSync(ledgerFile, 'utf8')) : {};
    const jtis = [...new Set([...(ledger[aud] ?? []), ...[].concat(o.jti ?? [])])];
    if (jtis.length === 0) throw new Error('nothing to revoke: give --jti (an empty list would un-revoke)');
    const list = {
      typ: 'latchkey-revocation',
      aud,
      seq: Date.now(), // a company has no door state: Unix milliseconds always grow
      iat: rfc3339(new Date()),
      jti: jtis.map((j) => key.kid + '/' + j), // only our own tokens
      kid: [],
    };
    const signed = await signBytes(key, Buffer.from(JSON.stringify(list), 'utf8'));
    if (o.url) {
      const res = await fetch(new URL('/v1/revocations', o.url), {
        method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: signed,
      });
      console.log(res.status + ' ' + (await res.text()));
      if (res.status !== 200) process.exitCode = 3;
    } else if (o.broker && o.topic) {
      const client = await mqtt.connectAsync(o.broker, { protocolVersion: 5, reconnectPeriod: 0 });
      // Retained, on our own topic under the door's revocations topic: each signer has its own,
      // so no one's list replaces another's.
      await client.publishAsync(o.topic + '/' + key.kid, signed, { qos: 1, retain: true });
      await client.endAsync();
      console.log('published on ' + o.topic + '/' + key.kid);
    } else {
      console.log(signed);
    }
    if (process.exitCode === undefined) {
      ledger[aud] = jtis;
      writeFileSync(ledgerFile, JSON.stringify(ledger, null, 2) + '\n');
    }
  },
};

// --name value options (repeatable ones collect into an array), --flag alone, the rest positional.
const FLAGS = new Set(['fleet']);
function parse(args) {
  const o = {};
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--') && FLAGS.has(args[i].slice(2))) {
      o[args[i].slice(2)] = true;
    } else if (args[i].startsWith('--')) {
      const name = args[i].slice(2);
      const value = args[++i];
      if (value === undefined) throw new Error('--' + name + ' needs a value');
      o[name] = name in o ? [].concat(o[name], value) : value;
    } else {
      rest.push(args[i]);
    }
  }
  return [rest, o];
}

const [command, ...args] = process.argv.slice(2);
if (!COMMANDS[command]) {
  console.error('usage: node company.mjs keygen|card|mint|present|receipts|revoke … (see the top of the file)');
  process.exit(2);
}
try {
  await COMMANDS[command](...parse(args));
} catch (e) {
  console.error('company.mjs ' + command + ': ' + e.message);
  process.exit(1);
}
