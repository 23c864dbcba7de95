#!/usr/bin/env bash
# Makes this host ready for mrt's integration tests: the Debian packages they drive
# (real gearmand, registry, skopeo/umoci, mmdebstrap for test images, systemd-analyze,
# newuidmap, MariaDB for Archivematica's Tasks table, pasta for containers' private networks,
# qemu-user-static to run the other architecture's embedded helper) and the unprivileged user that
# rootless tests run as. Idempotent and quick when all is there.
# As root it installs what is missing; otherwise it names what to install and fails.
set -euo pipefail

TEST_USER=${MRT_TEST_USER:-mrt-test}
# The tests start their own mariadbd (own datadir, port and socket): a system MariaDB that the
# package's postinst may start is neither needed nor disturbed.
PACKAGES=(uidmap passt gearman-job-server gearman-tools docker-registry skopeo umoci mmdebstrap systemd python3
  mariadb-server mariadb-client qemu-user-static)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "$(id -u)" != 0 ]; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "prepare-host: missing packages; run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "prepare-host: not root; rootless tests run as $(id -un), rootful ones are skipped" >&2
  exit 0
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "prepare-host: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! id "$TEST_USER" >/dev/null 2>&1; then
  echo "prepare-host: creating unprivileged test user $TEST_USER" >&2
  useradd --create-home --shell /bin/bash "$TEST_USER"
fi
# A subordinate range lets tests build nested user namespaces (unshare --map-auto).
grep -q "^$TEST_USER:" /etc/subuid || usermod --add-subuids 200000-265535 "$TEST_USER"
grep -q "^$TEST_USER:" /etc/subgid || usermod --add-subgids 200000-265535 "$TEST_USER"
# pasta opens /dev/net/tun as the user it runs for. Debian's udev makes it 0666; a container
# host (this one) may leave it 0600, which would deny rootless private networks.
if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
  echo "prepare-host: /dev/net/tun is mode $(stat -c %a /dev/net/tun); making it 0666 as udev does" >&2
  chmod 0666 /dev/net/tun
fi
