#!/usr/bin/env bash
# Regenerates docs/report.png: plans the demo and photographs report.html in
# headless Chromium (Debian packages `chromium`, and `fonts-noto-cjk` for the
# Chinese names).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet -- demo --out target/screenshot-out --quiet
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1400,1100 \
  --virtual-time-budget=5000 --screenshot="$PWD/docs/report.png" \
  "file://$PWD/target/screenshot-out/report.html" 2>/dev/null
rm -rf "$profile"
echo "wrote docs/report.png"
