#!/usr/bin/env bash
# Install the Debian packages Haven needs, only those missing. Needs root (or sudo).
#   install-system-deps.sh run    what `make run` needs (PyICU's build: ICU headers, a compiler)
#   install-system-deps.sh test   that, plus what the tests need (Chromium, fonts, PostgreSQL)
set -euo pipefail
what="${1:-test}"

missing=()
dpkg -s libicu-dev >/dev/null 2>&1 || missing+=(libicu-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# The Myanmar font: pages and printed documents (capture cards) embed it.
dpkg -s fonts-noto-core >/dev/null 2>&1 || missing+=(fonts-noto-core)
if [ "$what" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing+=(postgresql)
  fi
  command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The test cluster runs as `postgres` when the suite runs as root (initdb refuses root).
if [ "$what" = "test" ] && [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
