#!/usr/bin/env bash
# Property-based testing of the JSON API with schemathesis, against the OpenAPI schema the API
# publishes: every operation, first without a token, then with an editor's token, with every
# check and both valid and invalid data (`--mode all`): a server error, a response the schema
# does not describe, a valid request refused or an invalid one accepted all fail it.
# `make fuzz` runs it.
#
#   FUZZ_EXAMPLES   examples per operation and phase (default 40)
# It serves the API as production does (gunicorn with gunicorn.conf.py, whose request-line
# limit the API's schema is sized to) on a free port with a throwaway SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
WORK=$(mktemp -d)
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

export DJANGO_DEBUG=0 DJANGO_SECRET_KEY=fuzz-only DJANGO_MEDIA_ROOT="$WORK/media"
export DATABASE_URL="sqlite:///$WORK/fuzz.sqlite3"
# Throttling is tested on its own; here it would only turn the fuzzing into 429s.
export FANPORTAL_API_ANON_RATE=1000000/min FANPORTAL_API_TOKEN_RATE=1000000/min

$PY manage.py migrate --no-input -v 0
$PY manage.py load_demo_club >/dev/null
# The demo season's matches, before the stories (which link to them, as `make demo` does), so
# the fuzzer reads real matches, tables and articles' matches.
$PY manage.py import_matches seeds/matches >/dev/null
$PY manage.py import_stories seeds >/dev/null
$PY manage.py shell -c "
from django.contrib.auth.models import Group, User
user, _ = User.objects.get_or_create(username='fuzz-editor')
user.groups.add(Group.objects.get(name='Editors'))
" >/dev/null
TOKEN=$($PY manage.py create_api_token fuzz-editor 2>/dev/null)

# One worker: SQLite takes one writer at a time, and one process is enough to fuzz.
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=1 GUNICORN_ACCESS_LOG=- \
  .venv/bin/gunicorn -c gunicorn.conf.py fanportal.wsgi >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.2
done

cat >"$WORK/schemathesis.toml" <<'TOML'
# POST /api/stories takes a story file's text, whose grammar ("date YYYY-MM-DD Headline", a
# real date, a blank line, paragraphs) JSON Schema cannot state: text the schema allows can
# still be a file the importer refuses, with a 400 that says which line is wrong. That 400 is
# the operation's answer to a bad file, not a valid request refused.
[[operations]]
include-path = "/api/stories"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
TOML

# ensure_resource_availability (stateful) reads an article just created with
# GET /api/articles/{slug}, which answers 404 for a draft or an article scheduled for later:
# only published articles are public, by design, and drafts are what the API creates unless
# told otherwise. Every other check runs.
run() {
  .venv/bin/schemathesis --config-file "$WORK/schemathesis.toml" run \
    "http://127.0.0.1:$PORT/api/openapi.json" \
    --checks all --exclude-checks ensure_resource_availability --mode all \
    --max-examples "${FUZZ_EXAMPLES:-40}" --workers 2 \
    --suppress-health-check all --seed 20260226 "$@"
}
status=0
echo "== schemathesis: anonymous"
run || status=1
echo "== schemathesis: with an editor's token"
run -H "Authorization: Bearer $TOKEN" || status=1
if [ $status -ne 0 ]; then
  echo "--- server log (last 40 lines)"; tail -40 "$WORK/server.log"
fi
exit $status
