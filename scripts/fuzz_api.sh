#!/usr/bin/env bash
# Property-based testing of the JSON API with schemathesis, against the OpenAPI schema the API
# publishes: every operation, first without a token, then with an editor's token. Fails on
# any server error or any response that does not match the schema. `make fuzz` runs it.
#
#   FUZZ_EXAMPLES   examples per operation and phase (default 40)
# It runs its own server on a free port with a throwaway SQLite database.
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
$PY manage.py import_stories seeds >/dev/null
$PY manage.py shell -c "
from django.contrib.auth.models import Group, User
user, _ = User.objects.get_or_create(username='fuzz-editor')
user.groups.add(Group.objects.get(name='Editors'))
" >/dev/null
TOKEN=$($PY manage.py create_api_token fuzz-editor 2>/dev/null)

$PY manage.py runserver --noreload --insecure "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.2
done

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
run() {
  .venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/openapi.json" \
    --checks "$CHECKS" --max-examples "${FUZZ_EXAMPLES:-40}" --workers 2 \
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
