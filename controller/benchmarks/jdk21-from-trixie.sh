#!/bin/bash
# OpenJDK 21 from Debian trixie (amd64) into /opt/jdk21-trixie, nothing installed system-wide: the
# benchmarks' Java 21 on a build machine that has only bookworm's 17 and a JDK 25 (docs/benchmarks.md,
# the footprint). A private apt configuration, as the hardware-truth harness uses for trixie's arm64
# packages; run as root, needs deb.debian.org. Then, for example:
#   /opt/jdk21-trixie/usr/lib/jvm/java-21-openjdk-amd64/bin/java -cp controller/benchmarks/target/benchmarks.jar \
#       org.latchkey.bench.DaemonBenchmark
set -euo pipefail
R=/opt/jdk21-trixie; D=/tmp/apt-trixie-amd64
mkdir -p $D/state/lists/partial $D/cache/archives/partial $D/sources.list.d $D/preferences.d; : >$D/state/status
cat >$D/sources.list <<S
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security trixie-security main
S
cat >$D/apt.conf <<C
Dir::Etc::sourcelist "$D/sources.list"; Dir::Etc::sourceparts "$D/sources.list.d";
Dir::Etc::preferences "$D/preferences"; Dir::Etc::preferencesparts "$D/preferences.d";
Dir::State "$D/state"; Dir::State::status "$D/state/status"; Dir::Cache "$D/cache";
APT::Architecture "amd64"; APT::Architectures "amd64"; APT::Sandbox::User "root"; Acquire::Languages "none";
C
export APT_CONFIG=$D/apt.conf
apt-get -q update
mkdir -p /tmp/jdk21-debs && cd /tmp/jdk21-debs
# the JRE needs glibc >= 2.38 (bookworm has 2.36): take trixie's libc and the libraries libjvm links
apt-get -q download openjdk-21-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g
rm -rf $R && mkdir -p $R && for f in *.deb; do dpkg -x "$f" $R; done
# patchelf (bookworm's, unpacked, not installed) points the JDK's executables at trixie's loader and libs
mkdir -p /tmp/patchelf && (cd /tmp/patchelf && env -u APT_CONFIG apt-get -q download patchelf && dpkg -x patchelf_*.deb .)
P=/tmp/patchelf/usr/bin/patchelf; J=$R/usr/lib/jvm/java-21-openjdk-amd64; TL=$R/usr/lib/x86_64-linux-gnu
for f in $J/bin/*; do $P --set-interpreter $TL/ld-linux-x86-64.so.2 --force-rpath --set-rpath "\$ORIGIN:\$ORIGIN/../lib:$TL" "$f"; done
for f in $J/lib/jspawnhelper $J/lib/jexec; do $P --set-interpreter $TL/ld-linux-x86-64.so.2 --force-rpath --set-rpath "\$ORIGIN:$TL" "$f"; done
for f in $(find $J/lib -name '*.so'); do r=$($P --print-rpath "$f"); $P --force-rpath --set-rpath "${r:+$r:}$TL" "$f"; done
# Debian's conf symlinks point at /etc/java-21-openjdk: repoint them at the unpacked copy
find $J -type l -lname '/etc/java-21-openjdk/*' | while read -r l; do ln -sfn "$R$(readlink "$l")" "$l"; done
$J/bin/java -version
