#!/usr/bin/env bash
# A delivery company's integration, end to end, with company.mjs (Node, panva's paseto 4, mqtt.js)
# against a real simulated door (latchkeyd --simulate) and a real local mosquitto: read the door's
# card, mint a once token for that door, present it, receive the visit receipt from the broker and
# check it, then revoke a token of our own. Prints every step; exits 1 when one does not answer as
# the token profile says.
#
#   npm ci && bash company-example.sh
#
# LATCHKEY and LATCHKEYD default to the launchers at the top of the checkout; mosquitto must be
# installed (Debian package mosquitto). The scratch directory and both processes go at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LATCHKEY="${LATCHKEY:-$here/../../latchkey}"
LATCHKEYD="${LATCHKEYD:-$here/../../latchkeyd}"
command -v curl >/dev/null || { echo "company-example: curl is not installed" >&2; exit 1; }
command -v mosquitto >/dev/null || { echo "company-example: mosquitto is not installed (Debian package mosquitto)" >&2; exit 1; }
[ -d "$here/node_modules/paseto" ] || { echo "company-example: run npm ci in $here first" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-company.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
company() { node "$here/company.mjs" "$@"; }
step() { printf '\n== %s\n' "$*"; }
fail() { echo "!! $*" >&2; exit 1; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

step "a local broker and a simulated door that joins it"
broker_port="$(free_port)"; api_port="$(free_port)"
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$broker_port" >mosquitto.conf
mosquitto -c mosquitto.conf >mosquitto.log 2>&1 & pids+=($!)
"$LATCHKEY" init --config-dir door --lock-id front-door --driver simulated --no-passphrase \
  --mqtt "mqtt://127.0.0.1:$broker_port" >/dev/null
# Quick visits for the example, and a topic where companies publish their own revocation lists.
sed -i -e 's/^camera_post_roll = .*/camera_post_roll = "0s"/' -e 's/^relock_delay = .*/relock_delay = "0s"/' \
  -e 's|^\[mqtt\]$|[mqtt]\nrevocations_topic = "latchkey/front-door/revocations"|' door/latchkey.toml
grep -q '^revocations_topic' door/latchkey.toml || fail "the config has no [mqtt] section"

step "the company makes its key; the owner trusts it for once-only deliveries"
company keygen parcel-co
"$LATCHKEY" issuer add --config door/latchkey.toml --name parcel-co --key parcel-co.pub \
  --roles delivery --max-window 4h --once-only
"$LATCHKEYD" --config door/latchkey.toml --simulate --port "$api_port" >latchkeyd.log 2>&1 & pids+=($!)
door="http://127.0.0.1:$api_port"
for _ in $(seq 1 300); do curl -fsS "$door/v1/status" 2>/dev/null | grep -q '"state":"LOCKED"' && break; sleep 0.2; done
curl -fsS "$door/v1/status" | grep -q '"connected":true' || sleep 2

step "read the door's card, and check that the owner we know endorsed it"
company card "$door" --owner-key door/owner.pub --out door.card

step "a card checked against another owner key is refused: never mint for it"
"$LATCHKEY" keys generate --out . --name stranger --no-passphrase >/dev/null
if company card "$door" --owner-key stranger.pub >/dev/null 2>refused.txt; then fail "a card passed for another owner's"; fi
cat refused.txt

step "listen for our receipts (a persistent session: none is lost while we are away)"
company receipts --broker "mqtt://127.0.0.1:$broker_port" --prefix latchkey/front-door \
  --key parcel-co.key --card door.card --owner-key door/owner.pub --ready listening --wait 60 >receipt.json & receiver=$!
for _ in $(seq 1 100); do [ -f listening ] && break; sleep 0.1; done
[ -f listening ] || fail "the receipt listener did not subscribe"

step "mint a once token for this door, and present it as the courier's app would"
TOKEN="$(company mint --key parcel-co.key --card door.card --owner-key door/owner.pub --sub "order 4711" --jti order-4711-at-the-door --for 2h)"
company present --url "$door" "$TOKEN" | tee answer.txt
grep -q '"granted":true' answer.txt || fail "the door did not grant the token"
for _ in $(seq 1 50); do curl -fsS "$door/v1/status" | grep -q '"state":"UNLOCKED"' && break; sleep 0.1; done
curl -fsS -H 'Content-Type: text/plain' -d open "$door/v1/sim/door" >/dev/null
curl -fsS -H 'Content-Type: text/plain' -d close "$door/v1/sim/door" >/dev/null

step "the visit's receipt, from the broker, checked against the card"
wait "$receiver" || fail "no receipt arrived"
cat receipt.json
grep -q '"jti":"order-4711-at-the-door"' receipt.json || fail "the receipt is for another token"
grep -q '"ended":"relocked"' receipt.json || fail "the visit did not end relocked"

step "the same once token again"
company present --url "$door" "$TOKEN" | tee answer.txt || true
grep -q 'ALREADY_USED' answer.txt || fail "a once token opened twice"

step "revoke a token of our own over MQTT (retained, on our own topic), then present it"
SECOND="$(company mint --key parcel-co.key --card door.card --owner-key door/owner.pub --sub "order 4712" --jti order-4712-cancelled)"
company revoke --key parcel-co.key --card door.card --owner-key door/owner.pub --jti order-4712-cancelled \
  --broker "mqtt://127.0.0.1:$broker_port" --topic latchkey/front-door/revocations
# The door installs it when the broker delivers it: wait for that before presenting the token.
for _ in $(seq 1 30); do
  "$LATCHKEY" revoke --list --config door/latchkey.toml --url "$door" >installed.txt 2>&1 || true
  grep -q order-4712-cancelled installed.txt && break
  sleep 0.5
done
cat installed.txt
grep -q order-4712-cancelled installed.txt || fail "the door did not install the company's list"
company present --url "$door" "$SECOND" | tee answer.txt || true
grep -q REVOKED answer.txt || fail "the revoked token was not refused REVOKED"

echo
echo "company example done"
