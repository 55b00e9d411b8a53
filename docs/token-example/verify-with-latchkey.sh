#!/usr/bin/env bash
# The worked example of docs/token-profile.md, end to end: mint the token with Node (mint.mjs), then
# verify it with latchkey in a scratch door configuration. Prints every command and its output, and
# fails (exit 1) when the token, the key id or an exit code differs from the document.
#
#   LATCHKEY=/path/to/latchkey bash verify-with-latchkey.sh
#
# LATCHKEY defaults to the launcher at the top of the checkout (../../latchkey from docs/token-example),
# else `latchkey` on the PATH. The scratch directory is made with mktemp and removed at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${LATCHKEY:-}" ]; then
  if [ -x "$here/../../latchkey" ]; then LATCHKEY="$here/../../latchkey"; else LATCHKEY=latchkey; fi
fi
EXPECTED_TOKEN='v4.public.eyJpc3MiOiJwYXJjZWwtY28iLCJhdWQiOiJrNC5waWQueDJRaXdoN1RtQlh4OGdHWXp3bkUxTHh5bnRVTEpDdGRIck1FWU42V3pOSFciLCJqdGkiOiJvcmRlci00NzExLWV4YW1wbGUtMSIsImlhdCI6IjIwMjYtMTItMDFUMDc6NTU6MDBaIiwibmJmIjoiMjAyNi0xMi0wMVQwODowMDowMFoiLCJleHAiOiIyMDI2LTEyLTAxVDEwOjAwOjAwWiIsInVzZSI6Im9uY2UiLCJyb2xlIjoiZGVsaXZlcnkiLCJzdWIiOiJvcmRlciA0NzExIn2OS4MGPJ89xsOoO_X-5v5ERU3TsBq0MbfaKVCWeFraf3D-_OfG6_L2UDQF8NACs1yMK-s5nGLpcA5fxlSI4ZcA.eyJraWQiOiJrNC5waWQudzFUaXJta0d6eHRZNkxKOGpxeFhDbzZWZ1ZHbmJxSkxqV0ZfSjk3RHpYV2YifQ'
EXPECTED_KID='k4.pid.w1TirmkGzxtY6LJ8jqxXCo6VgVGnbqJLjWF_J97DzXWf'
EXPECTED_DOOR='k4.pid.x2Qiwh7TmBXx8gGYzwnE1LxyntULJCtdHrMEYN6WzNHW'

work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-example.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

# Runs a command, shows it as `$ latchkey …` (the token as "$TOKEN", the scratch directory as $WORK)
# with its stdout and stderr, and checks its exit code.
run() {
  local want="$1"; shift
  local shown="$*" code=0
  shown="${shown//$LATCHKEY/latchkey}"
  [ -n "${TOKEN:-}" ] && shown="${shown//$TOKEN/\"\$TOKEN\"}"
  [ -n "${TAMPERED:-}" ] && shown="${shown//$TAMPERED/\"\$TAMPERED\"}"
  printf '$ %s\n' "$shown"
  "$@" >out.txt 2>&1 || code=$?
  sed "s|$work|\$WORK|g" out.txt
  if [ "$code" -ne "$want" ]; then
    echo "!! exit code $code, expected $want" >&2
    exit 1
  fi
  echo "(exit $code)"
  echo
}

echo "== mint with Node (panva's paseto), no latchkey code"
node "$here/mint.mjs" >mint.out
cat mint.out
echo
TOKEN="$(sed -n 's/^token *//p' mint.out)"
PUBLIC="$(sed -n 's/^public key *//p' mint.out)"
[ "$TOKEN" = "$EXPECTED_TOKEN" ] || { echo "!! mint.mjs printed another token" >&2; exit 1; }
[ "$(sed -n 's/^key id *//p' mint.out)" = "$EXPECTED_KID" ] || { echo "!! another key id" >&2; exit 1; }
[ "$(sed -n 's/^door id *//p' mint.out)" = "$EXPECTED_DOOR" ] || { echo "!! another door id" >&2; exit 1; }
echo "$PUBLIC" >parcel-co.pub

echo "== a scratch door that is the example door and trusts the example key"
run 0 "$LATCHKEY" init --config-dir door --lock-id front-door --driver simulated --no-passphrase
# A real door keeps the key init made it. This one takes the published example door key instead,
# so that its door id is the one the token names.
rm door/state/door.key
(umask 077 && node "$here/mint.mjs" --example-door-key >door/state/door.key)
run 0 "$LATCHKEY" door key --config door/latchkey.toml
[ "$(sed -n 's/^door id *//p' out.txt)" = "$EXPECTED_DOOR" ] || { echo "!! the door has another id" >&2; exit 1; }
run 0 "$LATCHKEY" issuer add --config door/latchkey.toml --name parcel-co --key parcel-co.pub \
  --roles delivery --max-window 4h --once-only

echo "== what the token says, and whether the door accepts it"
run 0 "$LATCHKEY" token inspect "$TOKEN"
run 0 "$LATCHKEY" token verify --config door/latchkey.toml --at 2026-12-01T09:00:00Z "$TOKEN"
run 0 "$LATCHKEY" token verify --config door/latchkey.toml --at 2026-12-01T09:00:00Z --json "$TOKEN"

echo "== the edges of the window, and refusals"
run 0 "$LATCHKEY" token verify --config door/latchkey.toml --at 2026-12-01T10:00:59Z "$TOKEN"
run 3 "$LATCHKEY" token verify --config door/latchkey.toml --at 2026-12-01T10:01:00Z "$TOKEN"
run 3 "$LATCHKEY" token verify --config door/latchkey.toml --at 2026-12-01T07:58:59Z "$TOKEN"
TAMPERED="${TOKEN:0:10}f${TOKEN:11}" # the payload's first character, e -> f
run 3 "$LATCHKEY" token verify --config door/latchkey.toml --at 2026-12-01T09:00:00Z "$TAMPERED"

echo "== another home's front-door, trusting the same company: not the door the token names"
run 0 "$LATCHKEY" init --config-dir other --lock-id front-door --driver simulated --no-passphrase
run 0 "$LATCHKEY" issuer add --config other/latchkey.toml --name parcel-co --key parcel-co.pub \
  --roles delivery --max-window 4h --once-only
run 3 "$LATCHKEY" token verify --config other/latchkey.toml --at 2026-12-01T09:00:00Z "$TOKEN"

echo "== revoke it (no latchkeyd listens on port 1, so the list goes into the state directory)"
run 0 "$LATCHKEY" revoke --config door/latchkey.toml --url http://127.0.0.1:1 \
  --jti "$EXPECTED_KID/order-4711-example-1"
run 3 "$LATCHKEY" token verify --config door/latchkey.toml --at 2026-12-01T09:00:00Z "$TOKEN"

echo "worked example verified"
