#!/usr/bin/env bash
# Checks the Prometheus configuration, rules and rule unit tests with promtool, and that every
# Grafana dashboard is valid JSON. Exits non-zero on the first failure.
#   observability/check.sh            (PROMTOOL=/path/to/promtool to use another binary)
set -euo pipefail
cd "$(dirname "$0")"

promtool="${PROMTOOL:-promtool}"
if ! command -v "$promtool" >/dev/null 2>&1; then
  echo "promtool not found: install it (Debian: apt-get install prometheus) or set PROMTOOL" >&2
  exit 1
fi

step() { printf '\n== %s\n' "$*"; }

step "promtool: $("$promtool" --version 2>&1 | head -n 1)"

step "check config: prometheus/prometheus.yml (local layout)"
"$promtool" check config prometheus/prometheus.yml

step "check config: prometheus/prometheus.compose.yml (docker compose layout)"
"$promtool" check config prometheus/prometheus.compose.yml

step "check rules: prometheus/rules/*.yml"
"$promtool" check rules prometheus/rules/*.yml

step "test rules: prometheus/tests/*.test.yml"
"$promtool" test rules prometheus/tests/*.test.yml

step "dashboards: grafana/dashboards/*.json parse as JSON"
for dashboard in grafana/dashboards/*.json; do
  node -e 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))' "$dashboard"
  echo "  ok $dashboard"
done

printf '\nall observability checks passed\n'
