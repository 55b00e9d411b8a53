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
# Only an absolute XDG_CACHE_HOME, or an existing absolute HOME: never a folder made up (root with no
# HOME made /nonexistent/.cache) or one relative to wherever the command runs.
latchkey_cache_dir() {
  local d
  case "${XDG_CACHE_HOME:-}" in
    /*) d="$XDG_CACHE_HOME/latchkey" ;;
    *) case "${HOME:-}" in
         /?*) [ -d "$HOME" ] || return 1; d="$HOME/.cache/latchkey" ;;
         *) return 1 ;;
       esac ;;
  esac
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
# collector, the JVM's own messages on stderr (stdout carries tokens), and the classes it needs made
# ready once, by this machine's own JVM (a class-data archive works only on the JVM build that wrote it,
# so none is shipped):
# - Java 25 and newer: an ahead-of-time cache (JEP 483/514). The command's first run records what it
#   loads, quietly; the next run turns that into the cache in a detached background process; later
#   runs use it.
# - Java 21 to 24: a dynamic class-data archive, written when the first run exits.
# One per command of this install, named after the JVM and the jars, so a new build or a new JDK makes a
# new one (the JVM would refuse a stale one and run without) and this install's old ones go. Nothing is
# recorded with less than 256 MiB free in the cache, or when LATCHKEY_JAVA_OPTS brings options of the
# user's own (a record run that cannot finish ends the command with an error).
latchkey_cli_words=" init keys token issuer revoke status hw-test audit mqtt bench "
latchkey_cli_groups=" keys token issuer audit mqtt "
latchkey_cli_opts() {
  local cache cp=$1 command="" home feature key loc base room=0
  shift
  LATCHKEY_CLI_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -XX:+DisplayVMOutputToStderr)
  cache=$(latchkey_cache_dir) || return 0
  [ -z "${LATCHKEY_JAVA_OPTS:-}" ] || return 0
  case "${1:-}" in
    -* | "") command=none ;; # --version, --help
    *) case "$latchkey_cli_words" in *" $1 "*) command="$1" ;; *) return 0 ;; esac ;;
  esac
  case "$latchkey_cli_groups" in
    *" $command "*) case "${2:-}" in [a-z]*) [[ $2 =~ ^[a-z][a-z-]*$ ]] && command="$command-$2" ;; esac ;;
  esac
  home=$(dirname "$(dirname "$(readlink -f "$LATCHKEY_JAVA")")")
  feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
  key=$({ echo "$LATCHKEY_JAVA"; latchkey_stat "$home/lib/modules" "$here"/provisioning/target/*.jar \
          "$here"/provisioning/target/lib/*.jar; } | cksum | cut -d ' ' -f 1)
  loc=$(printf '%s' "$here" | cksum | cut -d ' ' -f 1)
  base="$cache/cli.$loc.$command.$key"
  rm -f "$cache"/cli-*.jsa 2>/dev/null || true # the first release's archives
  if [ ! -f "$base.aot" ] && [ ! -f "$base.jsa" ] &&
     [ "$(df -Pk "$cache" 2>/dev/null | awk 'NR == 2 { print $4 }')" -ge 262144 ] 2>/dev/null; then
    room=1
  fi
  if [ "${feature:-0}" -ge 25 ] 2>/dev/null; then
    LATCHKEY_CLI_OPTS+=(-Xlog:aot=off) # a tag Java 21 does not know: it would refuse to start
    if [ -f "$base.aot" ]; then
      LATCHKEY_CLI_OPTS+=(-XX:AOTCache="$base.aot")
    elif [ -f "$base.aotconf" ]; then
      [ $room = 1 ] && latchkey_aot_create "$base" "$cp"
    elif [ $room = 1 ]; then
      rm -f "$cache/cli.$loc.$command."* 2>/dev/null || true
      LATCHKEY_CLI_OPTS+=(-XX:AOTMode=record -XX:AOTConfiguration="$base.aotconf"
                          -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput)
    fi
  elif [ -f "$base.jsa" ]; then
    LATCHKEY_CLI_OPTS+=(-XX:SharedArchiveFile="$base.jsa")
  elif [ $room = 1 ]; then
    rm -f "$cache/cli.$loc.$command."* 2>/dev/null || true
    LATCHKEY_CLI_OPTS+=(-XX:SharedArchiveFile="$base.jsa" -XX:+AutoCreateSharedArchive)
  fi
  LATCHKEY_CLI_OPTS+=(-Xlog:cds=off -Xlog:cds+dynamic=off)
}

# Size and modification time of each file, GNU or BSD stat.
latchkey_stat() {
  stat -c '%n %s %Y' "$@" 2>/dev/null || stat -f '%N %z %m' "$@" 2>/dev/null
}

# latchkey_aot_create BASE CLASSPATH: BASE.aotconf into BASE.aot, in the background and detached, once
# at a time (a run that finds it under way goes on without); on disk before it takes the name.
latchkey_aot_create() {
  local base=$1 cp=$2
  [ -n "$(find "$base.creating" -mmin -10 2>/dev/null)" ] && return 0
  : 2>/dev/null >"$base.creating" || return 0
  local detach=()
  command -v setsid >/dev/null 2>&1 && detach=(setsid)
  "${detach[@]}" sh -c '"$1" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:AOTMode=create \
      -XX:AOTConfiguration="$2.aotconf" -XX:AOTCache="$2.aot.$$" -Xlog:aot=off -Xlog:cds=off -cp "$3" \
      && { sync "$2.aot.$$" 2>/dev/null || true; } && mv "$2.aot.$$" "$2.aot"
      rm -f "$2.aot.$$" "$2.aotconf" "$2.creating"' \
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
