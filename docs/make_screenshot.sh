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

# docs/editor.png: `linli serve` on the demo, one neighborhood picked.
cargo build --release --quiet
target/release/linli serve data/demo --plan target/screenshot-serve --bind 127.0.0.1:8158 --quiet > target/screenshot-serve.log 2>&1 &
server=$!
until grep -q http target/screenshot-serve.log; do sleep 0.2; done
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" \
  --hide-scrollbars --window-size=1400,860 --virtual-time-budget=10000 \
  --screenshot="$PWD/docs/editor.png" "http://127.0.0.1:8158/?pick=WDK-01-A" 2>/dev/null
kill $server; rm -rf "$profile"
echo "wrote docs/editor.png"
