// The door card: what the door says about itself, signed by its door key, endorsed by its owner.
import { parse, verify, claimsOf, DocError } from "./paseto.js";
import { k4Pid, fingerprint, isK4Public } from "./paserk.js";
import { isZone } from "./zone.js";

/**
 * Checks a card and returns {door_id, door_key, lock_id, tz, fleet_id?, iat, endorsed, owner_key?,
 * owner_kid?, owner_fingerprint?, door_fingerprint, text}. Throws DocError naming why not.
 */
export async function verifyCard(text) {
  const token = parse(String(text ?? "").trim());
  const unverified = claimsOf(token, "door card");
  if (unverified.typ !== "latchkey-door-card") throw new DocError("MALFORMED", 'door card: typ is not "latchkey-door-card"' + (typeof unverified.typ === "string" ? ` (it is "${unverified.typ}")` : ""));
  if (!isK4Public(unverified.door_key)) throw new DocError("MALFORMED", "door card: door_key is not a k4.public key");
  if (unverified.door_id !== k4Pid(unverified.door_key)) throw new DocError("MALFORMED", "door card: door_id is not the id of door_key");
  if (token.kid !== unverified.door_id) throw new DocError("BAD_SIGNATURE", "door card: the footer names another key than door_id");
  const c = await verify(token, unverified.door_key, "door card");
  for (const f of ["lock_id", "tz", "iat"]) {
    if (typeof c[f] !== "string" || !c[f]) throw new DocError("MALFORMED", "door card: no " + f);
  }
  if (!isZone(c.tz)) throw new DocError("MALFORMED", `door card: time zone "${c.tz}" is unknown to this browser`);
  const card = {
    door_id: c.door_id, door_key: c.door_key, lock_id: c.lock_id, tz: c.tz, iat: c.iat,
    door_fingerprint: await fingerprint(c.door_key), endorsed: false, text: token.text,
  };
  if (c.fleet_id !== undefined) card.fleet_id = c.fleet_id;
  if (c.endorsement !== undefined) {
    const e = parse(String(c.endorsement));
    const ec = claimsOf(e, "endorsement");
    if (!isK4Public(ec.owner_key)) throw new DocError("MALFORMED", "endorsement: owner_key is not a k4.public key");
    if (e.kid !== k4Pid(ec.owner_key)) throw new DocError("BAD_SIGNATURE", "endorsement: the footer does not name owner_key");
    const en = await verify(e, ec.owner_key, "endorsement");
    if (en.typ !== "latchkey-door-endorsement") throw new DocError("MALFORMED", 'endorsement: typ is not "latchkey-door-endorsement"');
    if (en.door_key !== c.door_key || en.lock_id !== c.lock_id || (en.door_id !== undefined && en.door_id !== c.door_id) || en.fleet_id !== c.fleet_id) {
      throw new DocError("BAD_SIGNATURE", "endorsement: it is for another door key, lock id or fleet");
    }
    card.endorsed = true;
    card.owner_key = en.owner_key;
    card.owner_kid = e.kid;
    card.owner_fingerprint = await fingerprint(en.owner_key);
  }
  return card;
}
