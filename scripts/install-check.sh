#!/usr/bin/env bash
# The README's Install and Getting started, followed as a new user would, in a checkout where
# `npm ci` has run (.ci/run does that first, on a clean clone):
#   1. the README's build commands: `npx projen compile && npx projen package:js`;
#   2. the tarball holds the compiled library, the jsii assembly and the hybrid router, and no
#      source maps;
#   3. a new CDK app (the files `cdk init app --language typescript` writes that synth reads)
#      installs the tarball with `npm install <tarball>` (npm installs the peer dependencies),
#      takes the README's Getting started code as its app, and `cdk synth` with the README's quiet
#      setting prints the library's summary as its last lines and no template.
# Only the npm registry is used (through npm's cache first: --prefer-offline).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

echo "== install: npx projen compile && npx projen package:js"
npx projen compile
npx projen package:js
VERSION=$(node -p "require('./package.json').version")
TARBALL="$ROOT/dist/js/inference-workload@$VERSION.jsii.tgz"
test -f "$TARBALL" || { echo "no tarball at $TARBALL" >&2; exit 1; }

echo "== install: the tarball's contents"
LISTING=$(tar tzf "$TARBALL")
for f in package/build/index.js package/build/index.d.ts package/.jsii package/bin/inference-workload \
  package/build/targets/hybrid/router/index.js package/README.md package/LICENSE; do
  grep -qx "$f" <<<"$LISTING" || { echo "the tarball lacks $f" >&2; exit 1; }
done
UNPACKED=$(mktemp -d)
trap 'rm -rf "$UNPACKED" ${APP:+"$APP"}' EXIT
tar xzf "$TARBALL" -C "$UNPACKED"
if grep -rl 'sourceMappingURL' "$UNPACKED/package/build" >/dev/null; then
  echo "the tarball's JavaScript carries source maps:" >&2
  grep -rl 'sourceMappingURL' "$UNPACKED/package/build" | head >&2
  exit 1
fi

echo "== install: npm install <tarball> in a new CDK app"
APP=$(mktemp -d)
CDK_LIB=$(node -p "require('aws-cdk-lib/package.json').version")
(
  cd "$APP"
  # what `cdk init app --language typescript` writes, as far as synth reads it
  cat > package.json <<'EOF'
{ "name": "newcomer-app", "version": "0.1.0", "private": true, "bin": { "newcomer-app": "bin/app.js" } }
EOF
  cat > tsconfig.json <<'EOF'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "lib": ["es2022"], "strict": true, "skipLibCheck": true, "esModuleInterop": true } }
EOF
  mkdir bin
  # the README's Getting started code, as the app
  node -e '
    const md = require("fs").readFileSync(process.argv[1], "utf-8");
    const section = md.split(/^## Getting started$/m)[1].split(/^## /m)[0];
    process.stdout.write(/```ts\n([\s\S]*?)```/.exec(section)[1]);
  ' "$ROOT/README.md" > bin/app.ts
  npm install --prefer-offline --no-audit --no-fund "aws-cdk-lib@$CDK_LIB" constructs aws-cdk ts-node typescript@~5.9.0 @types/node
  # cdk.json as `cdk init` writes it (the app command and aws-cdk-lib's recommended feature flags),
  # plus the README's quiet setting (the CDK CLI does not print the template after synth); no notices
  # and no telemetry, which would reach for the network
  node -e '
    const flags = require("aws-cdk-lib/recommended-feature-flags.json");
    const cdkJson = { app: "npx ts-node --prefer-ts-exts bin/app.ts", quiet: true, notices: false, context: { ...flags, "cli-telemetry": false } };
    require("fs").writeFileSync("cdk.json", JSON.stringify(cdkJson, null, 2));
  '
  npm install --prefer-offline --no-audit --no-fund "$TARBALL"
  node -e 'require("inference-workload")'

  echo "== install: cdk synth in the new app"
  npx cdk synth > synth.out 2>&1 || { cat synth.out >&2; exit 1; }
  cat synth.out
  if grep -q '^Resources:' synth.out; then
    echo "cdk synth printed the template" >&2
    exit 1
  fi
  # the library's summary is the last thing printed: '<n> on <target>...; $<total>/month in total. Files: ...'
  tail -n 1 synth.out | grep -q '/month in total\. Files: ' || { echo "the summary is not the last line of cdk synth" >&2; exit 1; }
  test -s cdk.out/placement-report.md
)
echo "== install: passed"
