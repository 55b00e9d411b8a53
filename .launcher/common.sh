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

# A writable per-user cache folder (the java found, the CLI's class-data archive), or nothing.
latchkey_cache_dir() {
  local d="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/latchkey"
  mkdir -p "$d" 2>/dev/null && [ -w "$d" ] && echo "$d"
}

# latchkey_find_java, remembered: probing a JVM costs a JVM start, so the answer is kept in the cache
# and reused while that java is still there (and JAVA_HOME does not name another).
latchkey_find_java_cached() {
  local cache j
  cache=$(latchkey_cache_dir) || cache=""
  if [ -n "$cache" ] && [ -f "$cache/java" ]; then
    j=$(cat "$cache/java")
    if [ -x "$j" ] && { [ -z "${JAVA_HOME:-}" ] || [ "$j" = "$JAVA_HOME/bin/java" ]; }; then
      echo "$j"
      return 0
    fi
  fi
  j=$(latchkey_find_java) || return 1
  [ -n "$cache" ] && echo "$j" >"$cache/java"
  echo "$j"
}

latchkey_java_or_die() {
  if ! LATCHKEY_JAVA=$(latchkey_find_java_cached); then
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

# Builds when the runtime class path is missing or older than a main source file or a pom: only the
# main sources count (tests do not change the command), and the walk stops at the first newer file.
latchkey_build_if_needed() {
  local lib="$here/provisioning/target/lib" stamp="$here/provisioning/target/.launcher-built"
  if [ -f "$stamp" ] && [ -d "$lib" ] && \
     [ -z "$(find "$here/pom.xml" "$here/hal/pom.xml" "$here/controller/pom.xml" "$here/provisioning/pom.xml" \
              "$here/hal/src/main" "$here/controller/src/main" "$here/provisioning/src/main" \
              -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
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

# The command line's JVM options: a short-lived process, so the client compiler only and the serial
# collector, and the classes it needs made ready once, by this machine's own JVM (a class-data archive
# works only on the JVM build that wrote it, so none is shipped):
# - Java 25 and newer: an ahead-of-time cache (JEP 483/514). The command's first run records what it
#   loads; the next run turns that into the cache in the background, quietly; later runs use it.
# - Java 21 to 24: a dynamic class-data archive, written when the first run exits.
# One per command ("token verify", "status"…), named after the JVM and the jars, so a new build or a new
# JDK makes a new one (the JVM would otherwise refuse a stale one and run without) and the old go.
latchkey_cli_opts() {
  local cache cp=$1 command="" home feature key base
  shift
  LATCHKEY_CLI_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)
  cache=$(latchkey_cache_dir) || return 0
  case "${1:-}" in [a-z]*) command="$1" ;; esac
  case "${2:-}" in [a-z]*) command="$command-$2" ;; esac
  home=$(dirname "$(dirname "$(readlink -f "$LATCHKEY_JAVA")")")
  feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
  key=$({ echo "$LATCHKEY_JAVA"; latchkey_stat "$home/lib/modules" "$here"/provisioning/target/*.jar \
          "$here"/provisioning/target/lib/*.jar; } | cksum | cut -d ' ' -f 1)
  base="$cache/cli.${command:-none}.$key"
  if [ "${feature:-0}" -ge 25 ] 2>/dev/null; then
    LATCHKEY_CLI_OPTS+=(-Xlog:aot=off) # a tag Java 21 does not know: it would refuse to start
    if [ -f "$base.aot" ]; then
      LATCHKEY_CLI_OPTS+=(-XX:AOTCache="$base.aot")
    elif [ -f "$base.aotconf" ]; then
      latchkey_aot_create "$base" "$cp"
    else
      rm -f "$cache/cli.${command:-none}".*
      LATCHKEY_CLI_OPTS+=(-XX:AOTMode=record -XX:AOTConfiguration="$base.aotconf"
                          -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput)
    fi
  else
    [ -f "$base.jsa" ] || rm -f "$cache/cli.${command:-none}".*
    LATCHKEY_CLI_OPTS+=(-XX:SharedArchiveFile="$base.jsa" -XX:+AutoCreateSharedArchive)
  fi
  LATCHKEY_CLI_OPTS+=(-Xlog:cds=off -Xlog:cds+dynamic=off)
}

# Size and modification time of each file, GNU or BSD stat.
latchkey_stat() {
  stat -c '%n %s %Y' "$@" 2>/dev/null || stat -f '%N %z %m' "$@" 2>/dev/null
}

# latchkey_aot_create BASE CLASSPATH: BASE.aotconf into BASE.aot, in the background and detached, once
# at a time (a run that finds it under way goes on without).
latchkey_aot_create() {
  local base=$1 cp=$2
  [ -n "$(find "$base.creating" -mmin -10 2>/dev/null)" ] && return 0
  : >"$base.creating"
  local detach=()
  command -v setsid >/dev/null 2>&1 && detach=(setsid)
  "${detach[@]}" sh -c '"$1" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:AOTMode=create \
      -XX:AOTConfiguration="$2.aotconf" -XX:AOTCache="$2.aot.$$" -Xlog:aot=off -Xlog:cds=off -cp "$3" \
      && mv "$2.aot.$$" "$2.aot"; rm -f "$2.aot.$$" "$2.aotconf" "$2.creating"' \
      sh "$LATCHKEY_JAVA" "$base" "$cp" </dev/null >/dev/null 2>&1 &
}

latchkey_run() {
  local main="$1"
  shift
  latchkey_java_or_die
  latchkey_build_if_needed
  local opts=()
  local cp="$here/provisioning/target/latchkey-provisioning.jar:$here/provisioning/target/lib/*"
  if [ "$main" = org.latchkey.cli.Main ]; then
    latchkey_cli_opts "$cp" "$@"
    opts=("${LATCHKEY_CLI_OPTS[@]}")
  fi
  exec "$LATCHKEY_JAVA" --enable-native-access=ALL-UNNAMED "${opts[@]}" ${LATCHKEY_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
