#!/usr/bin/env bash
# The Debian packages the browser tests need, installed with apt where missing: Chromium (the panel tests of npm test
# drive it, and skip without it; the e2e specs run VS Code in it), the headers code-server's native modules compile
# against, a CJK font (zh-CN screenshots). test/e2e/run.sh runs it; so does .ci/run before npm test.
set -euo pipefail
log() { echo "== e2e: $*"; }
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v unzip >/dev/null 2>&1 || need+=(unzip)  # package verification and the harness read the .vsix
for p in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config fonts-wqy-zenhei; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} (apt)"
  apt-get -o DPkg::Lock::Timeout=600 update -q
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${need[@]}"
fi
