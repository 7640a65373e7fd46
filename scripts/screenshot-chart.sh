#!/usr/bin/env bash
# Screenshots a placement chart in headless Chromium, to check that the SVG renders in a
# browser (labelled axes, every cost curve, break-even and operating point marked, no label
# over a curve).
#
#   scripts/screenshot-chart.sh [chart.svg[#workload]] [out.png]
#
# A chart file holds the charts of one stack; `#workload` shows one of them alone (an SVG view).
# Without a chart, synthesizes the example app (examples/app.ts) into a temporary folder and
# screenshots the chart of its first workload with a break-even. Installs nothing: it needs
# Debian's `chromium` package (apt-get install -y chromium). CI does not run this script.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
chart="${1:-}"
png="${2:-$here/docs/placement-chart.png}"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "screenshot-chart: chromium not found; install Debian's package: apt-get install -y chromium" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -z "$chart" ]; then
  (cd "$here" && npx ts-node --transpile-only -e "
    const { App } = require('aws-cdk-lib');
    const { buildExampleApp } = require('./examples/app');
    buildExampleApp(new App({ outdir: '$work/cdk.out' })).synth();
  ")
  # the first workload whose chart shows a break-even (else the first chart)
  chart="$work/cdk.out/$(node -e "
    const r = require('$work/cdk.out/placement-report.json');
    const w = r.workloads.find(x => x.breakEvenUtilization !== null) || r.workloads[0];
    process.stdout.write(w.files.chart);
  ")"
fi
svg="${chart%%#*}"
view=""
if [ "$svg" != "$chart" ]; then
  view="#${chart#*#}"
fi
if [ ! -f "$svg" ]; then
  echo "screenshot-chart: no such chart: $svg" >&2
  exit 2
fi

# one chart is 960 x 560; a page with no margin shows it whole
cp "$svg" "$work/chart.svg"
cat > "$work/index.html" <<HTML
<!doctype html>
<html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;background:#fff}</style></head>
<body><img src="chart.svg$view" width="960" height="560" alt="placement chart"></body></html>
HTML

mkdir -p "$(dirname "$png")"
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
  --user-data-dir="$(mktemp -d -p "$work")" \
  --window-size=960,560 --screenshot="$png" "file://$work/index.html" >/dev/null 2>&1
test -s "$png"
echo "screenshot-chart: wrote $png from $chart"
