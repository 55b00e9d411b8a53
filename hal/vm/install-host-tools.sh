#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the host packages the VM harness needs (host-tools.txt), with the host's own apt sources.
# With --stage2 also those of stage two (host-tools-stage2.txt: mmdebstrap, qemu-user-static,
# binfmt-support, arch-test) and registers qemu-aarch64 with binfmt_misc, so the arm64 maintainer
# scripts of the trixie root file system can run on this amd64 host.
# Needs root. The JDK that builds the project is not installed here (.ci/run and README.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lists=("$here/host-tools.txt")
stage2=0
case ${1:-} in
--stage2) stage2=1; lists+=("$here/host-tools-stage2.txt") ;;
"") ;;
*) echo "usage: install-host-tools.sh [--stage2]" >&2; exit 2 ;;
esac
mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${lists[@]}" | awk '{ print $2 }' | sort -u)
if ((EUID != 0)); then
    echo "install-host-tools.sh: run as root (apt-get install ${pkgs[*]})" >&2
    exit 1
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"
if ((stage2)); then
    # Mounts binfmt_misc if needed and registers the interpreter (flags F: it works inside chroots).
    update-binfmts --enable qemu-aarch64
    arch-test arm64
fi
