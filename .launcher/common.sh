# Shared by the ./latchkey and ./latchkeyd launchers. Sourced, not run.

# Prints the path of a java binary >= 21: JAVA_HOME, then PATH, then /usr/lib/jvm/*.
latchkey_find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  local d
  for d in /usr/lib/jvm/*/; do
    [ -x "${d}bin/java" ] && candidates+=("${d}bin/java")
  done
  local j v
  for j in "${candidates[@]}"; do
    [ -x "$j" ] || continue
    # "version" line: openjdk version "21.0.5" / "25" / "1.8.0_x"
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
    case "$v" in
      ''|1.*) continue ;;
    esac
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$j"
      return 0
    fi
  done
  return 1
}

latchkey_java_or_die() {
  if ! LATCHKEY_JAVA=$(latchkey_find_java); then
    cat >&2 <<'MSG'
latchkey needs Java 21 or newer, and none was found (looked at JAVA_HOME, PATH and /usr/lib/jvm).
Install one, for example:
  Debian / Raspberry Pi OS:  sudo apt-get install openjdk-21-jre-headless
  or any JDK 21+, then set JAVA_HOME to it.
MSG
    exit 1
  fi
  export LATCHKEY_JAVA
}

# Builds when the runtime class path is missing or older than any source or pom.
latchkey_build_if_needed() {
  local lib="$here/provisioning/target/lib" stamp="$here/provisioning/target/.launcher-built"
  if [ -f "$stamp" ] && [ -d "$lib" ] && \
     [ -z "$(find "$here/pom.xml" "$here/hal" "$here/controller" "$here/provisioning" \
              \( -name target -prune \) -o \( -newer "$stamp" \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -print \) 2>/dev/null | head -n 1)" ]; then
    return 0
  fi
  echo "latchkey: building the project first (./mvnw package, tests skipped; takes a minute the first time)..." >&2
  local log="$here/provisioning/target/launcher-build.log"
  mkdir -p "$here/provisioning/target"
  if ! (cd "$here" && JAVA_HOME="$(dirname "$(dirname "$LATCHKEY_JAVA")")" ./mvnw -B -q package -DskipTests \
          -pl provisioning -am >"$log" 2>&1); then
    echo "latchkey: the build failed; its output is in $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  touch "$stamp"
  echo "latchkey: build done." >&2
}

latchkey_run() {
  local main="$1"
  shift
  latchkey_java_or_die
  latchkey_build_if_needed
  exec "$LATCHKEY_JAVA" --enable-native-access=ALL-UNNAMED ${LATCHKEY_JAVA_OPTS:-} -cp "$here/provisioning/target/latchkey-provisioning.jar:$here/provisioning/target/lib/*" "$main" "$@"
}
