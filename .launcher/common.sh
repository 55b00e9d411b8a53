# Shared by the ./latchkey and ./latchkeyd launchers. Sourced, not run.

# Prints the path of a java binary >= 21: JAVA_HOME, then PATH, then /usr/lib/jvm/* (the package's search,
# in latchkey-cli-cache, sourced below).
latchkey_find_java() {
  cli_find_java
}

# This user's own cache folder (the java found, the command line's class cache), or nothing: see
# cli_cache_user_dir in latchkey-cli-cache (sourced below).
latchkey_cache_dir() {
  cli_cache_user_dir
}

# latchkey_find_java, remembered: probing a JVM costs a JVM start, so the answer is kept in the cache
# and reused while that java is still there (and JAVA_HOME does not name another).
latchkey_find_java_cached() {
  local cache j
  cache=$(latchkey_cache_dir) || cache=""
  if cli_cache_remembered_java "$cache"; then
    echo "$cli_cache_java"
    return 0
  fi
  j=$(latchkey_find_java) || return 1
  cli_cache_remember_java "$cache" "$j"
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
  if ! (cd "$here" && JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$LATCHKEY_JAVA")")")" ./mvnw -B -q package -DskipTests \
          -pl provisioning -am >"$log" 2>&1); then
    echo "latchkey: the build failed; its output is in $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  touch "$stamp"
  echo "latchkey: build done." >&2
}

# The command line's class cache: the same code as the package's launcher.
. "$here/provisioning/src/deb/bin/latchkey-cli-cache"

latchkey_run() {
  local main="$1"
  shift
  latchkey_java_or_die
  latchkey_build_if_needed
  local opts=(--enable-native-access=ALL-UNNAMED)
  local cp="$here/provisioning/target/latchkey-provisioning.jar:$here/provisioning/target/lib/*"
  if [ "$main" = org.latchkey.cli.Main ]; then
    cli_cache_opts user "$(latchkey_cache_dir || true)" "$LATCHKEY_JAVA" "$cp" \
      "$here"/provisioning/target/latchkey-provisioning.jar "$here"/provisioning/target/lib/*.jar
    opts=("${cli_jvm_opts[@]}") # the native-access option among them
  fi
  exec "$LATCHKEY_JAVA" "${opts[@]}" ${LATCHKEY_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
