#!/usr/bin/env bash
# Every route of the ff server, called once with curl, in an order that works
# against a fresh `make run` (which seeds flags/ and prints a dev token):
#
#   export FF_TOKEN=<the dev token make run printed>
#   scripts/curl-examples.sh
#
#   FF_SERVER  server URL (default http://localhost:8000)
#   FF_TOKEN   a JWT with every scope covering FF_TENANT (required)
#   FF_TENANT  tenant to work in (default acme, from flags/)
#   FF_ENV     an existing environment of that tenant (default production)
#   VERBOSE=1  also print every response body
#
# It creates what it needs (an environment, a segment, a flag, an API key),
# with names unique to this run so it can run again against the same database,
# and archives or revokes them at the end. Each line printed is
# "METHOD path → status"; an unexpected status stops the script (exit 1).
# `test/server/curl-examples.test.ts` runs it against a real server and fails
# when a registered route is missing here.
set -euo pipefail

FF_SERVER="${FF_SERVER:-http://localhost:8000}"
FF_SERVER="${FF_SERVER%/}"
: "${FF_TOKEN:?set FF_TOKEN to a token with every scope (make run prints one as TOKEN)}"
TENANT="${FF_TENANT:-acme}"
ENV="${FF_ENV:-production}"
RUN="$(date +%s)-$$"

FLAG="curl-flag-$RUN"
SEGMENT="curl-seg-$RUN"
NEW_ENV="curl-env-$RUN"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
BODY="$WORK/body"
HEADERS="$WORK/headers"

JWT=(-H "Authorization: Bearer $FF_TOKEN" -H "X-Tenant-ID: $TENANT")
JSON=(-H "Content-Type: application/json")

# call STATUS METHOD PATH [curl options...]: one request; any other status stops the script.
call() {
  local want=$1 method=$2 path=$3
  shift 3
  local got
  got=$(curl -sS -o "$BODY" -D "$HEADERS" -w '%{http_code}' -X "$method" "$@" "$FF_SERVER$path")
  printf '%-6s %-60s → %s\n' "$method" "$path" "$got"
  if [[ "${VERBOSE:-}" == 1 ]]; then cat "$BODY"; echo; fi
  if [[ "$got" != "$want" ]]; then
    echo "expected $want, got $got:" >&2
    cat "$BODY" >&2
    echo >&2
    exit 1
  fi
}

# header NAME: a header of the last response.
header() {
  grep -i "^$1:" "$HEADERS" | head -n 1 | cut -d' ' -f2- | tr -d '\r'
}

# field NAME: a string member of the last (flat JSON) response body.
field() {
  sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$BODY" | head -n 1
}

# expect_body TEXT: the last response body contains TEXT.
expect_body() {
  if ! grep -qF -- "$1" "$BODY"; then
    echo "expected the response to contain $1:" >&2
    cat "$BODY" >&2
    exit 1
  fi
}

# expect_header NAME VALUE
expect_header() {
  if [[ "$(header "$1")" != "$2" ]]; then
    echo "expected header $1: $2, got: $(header "$1")" >&2
    exit 1
  fi
}

echo "== operations (public)"
call 200 GET /healthz
expect_body ok
call 200 GET /readyz
expect_body ready
call 200 GET /metrics
expect_body http_requests_total
call 200 GET /openapi.json
expect_body '"openapi":"3.1.0"'
call 200 GET /docs
call 200 GET /docs/json
call 200 GET /docs/yaml
call 302 GET /docs/static/index.html # redirects to the UI at /docs/
call 200 GET /docs/static/swagger-initializer.js
call 200 GET /docs/static/swagger-ui.css

echo "== console (public page; its calls carry the user's token)"
call 302 GET /ui # redirects to /ui/
call 200 GET /ui/
expect_header cache-control no-cache
ASSET_FILE="$(sed -n 's/.*src="\/ui\/assets\/\([^"]*\)".*/\1/p' "$BODY" | head -n 1)"
call 200 GET /ui/config.json
expect_body '"oidc"'
call 200 GET "/ui/assets/$ASSET_FILE"
expect_header cache-control "public, max-age=31536000, immutable"

echo "== environments"
ENV_BODY="{\"key\":\"$NEW_ENV\",\"name\":\"curl examples\",\"description\":\"created by scripts/curl-examples.sh\"}"
call 201 POST /v1/environments "${JWT[@]}" "${JSON[@]}" -H "Idempotency-Key: env-$RUN" -d "$ENV_BODY"
ENV_ETAG="$(header etag)"
# The same Idempotency-Key and body: the stored response again, nothing created twice.
call 201 POST /v1/environments "${JWT[@]}" "${JSON[@]}" -H "Idempotency-Key: env-$RUN" -d "$ENV_BODY"
expect_header idempotent-replayed true
# The same key with another body is refused.
call 422 POST /v1/environments "${JWT[@]}" "${JSON[@]}" -H "Idempotency-Key: env-$RUN" -d "{\"key\":\"$NEW_ENV-other\"}"
expect_body IDEMPOTENCY_KEY_REUSED
call 200 GET "/v1/environments?state=active&q=curl-env&limit=10" "${JWT[@]}"
expect_body "$NEW_ENV"
call 200 GET "/v1/environments/$NEW_ENV" "${JWT[@]}"
call 200 PUT "/v1/environments/$NEW_ENV" "${JWT[@]}" "${JSON[@]}" -H "If-Match: $ENV_ETAG" \
  -d "{\"key\":\"$NEW_ENV\",\"name\":\"curl examples (renamed)\"}"
call 200 DELETE "/v1/environments/$NEW_ENV" "${JWT[@]}"
expect_body '"archived":true'
call 200 POST "/v1/environments/$NEW_ENV/restore" "${JWT[@]}"
expect_body '"archived":false'

echo "== segments"
call 201 POST /v1/segments "${JWT[@]}" "${JSON[@]}" -H "Idempotency-Key: seg-$RUN" \
  -d "{\"key\":\"$SEGMENT\",\"description\":\"German and French shoppers\",\"conditions\":[{\"attribute\":\"country\",\"operator\":\"in\",\"value\":[\"DE\",\"FR\"]}]}"
SEGMENT_ETAG="$(header etag)"
call 200 GET "/v1/segments?q=curl-seg&limit=10" "${JWT[@]}"
call 200 GET "/v1/segments/$SEGMENT" "${JWT[@]}"
call 200 PUT "/v1/segments/$SEGMENT" "${JWT[@]}" "${JSON[@]}" -H "If-Match: $SEGMENT_ETAG" \
  -d "{\"key\":\"$SEGMENT\",\"description\":\"German, French and Dutch shoppers\",\"conditions\":[{\"attribute\":\"country\",\"operator\":\"in\",\"value\":[\"DE\",\"FR\",\"NL\"]}]}"
call 200 DELETE "/v1/segments/$SEGMENT" "${JWT[@]}"
call 200 POST "/v1/segments/$SEGMENT/restore" "${JWT[@]}"

echo "== flags"
flag_doc() { # flag_doc ROLLOUT_ON: the flag as a JSON document
  printf '{"key":"%s","description":"created by scripts/curl-examples.sh","tags":["curl-examples"],"type":"boolean","variants":{"on":true,"off":false},"offVariant":"off","environments":{"%s":{"enabled":true,"rules":[{"id":"eu","conditions":[{"segment":"%s"}],"serve":{"variant":"on"}}],"default":{"rollout":{"on":%d,"off":%d}}},"%s":{"enabled":true,"default":{"variant":"on"}}}}' \
    "$FLAG" "$ENV" "$SEGMENT" "$1" "$((100 - $1))" "$NEW_ENV"
}
call 201 POST /v1/flags "${JWT[@]}" "${JSON[@]}" -H "Idempotency-Key: flag-$RUN" -d "$(flag_doc 10)"
call 409 POST /v1/flags "${JWT[@]}" "${JSON[@]}" -d "$(flag_doc 10)"
expect_body ALREADY_EXISTS
call 200 GET "/v1/flags?state=active&tag=curl-examples&q=$FLAG&limit=5" "${JWT[@]}"
expect_body "$FLAG"
call 200 GET "/v1/flags/$FLAG" "${JWT[@]}"
FLAG_ETAG="$(header etag)"
call 428 PUT "/v1/flags/$FLAG" "${JWT[@]}" "${JSON[@]}" -d "$(flag_doc 25)"
call 200 PUT "/v1/flags/$FLAG" "${JWT[@]}" "${JSON[@]}" -H "If-Match: $FLAG_ETAG" -d "$(flag_doc 25)"
# The ETag changed: the old one no longer matches.
call 412 PUT "/v1/flags/$FLAG" "${JWT[@]}" "${JSON[@]}" -H "If-Match: $FLAG_ETAG" -d "$(flag_doc 50)"
expect_body PRECONDITION_FAILED
call 200 DELETE "/v1/flags/$FLAG" "${JWT[@]}"
call 200 GET "/v1/flags?state=archived&q=$FLAG" "${JWT[@]}"
expect_body "$FLAG"
call 200 POST "/v1/flags/$FLAG/restore" "${JWT[@]}"

echo "== API keys"
call 201 POST /v1/api-keys "${JWT[@]}" "${JSON[@]}" -H "Idempotency-Key: key-$RUN" -d "{\"name\":\"curl examples $RUN\",\"environment\":\"$ENV\"}"
API_KEY="$(field key)"
KEY_ID="$(field id)"
[[ "$API_KEY" == ffk_* ]] || { echo "no API key in the response" >&2; exit 1; }
call 200 GET "/v1/api-keys?environment=$ENV&limit=10" "${JWT[@]}"
call 200 GET "/v1/api-keys/$KEY_ID" "${JWT[@]}"
KEY=(-H "X-API-Key: $API_KEY")

echo "== evaluation (API key: the key's tenant and environment)"
CONTEXT='{"targetingKey":"user-42","country":"DE","email":"someone@example.com"}'
call 200 POST /v1/evaluate "${KEY[@]}" "${JSON[@]}" -d "{\"flag_key\":\"$FLAG\",\"context\":$CONTEXT}"
expect_body '"reason":"TARGETING_MATCH"'
call 404 POST /v1/evaluate "${KEY[@]}" "${JSON[@]}" -d "{\"flag_key\":\"no-such-flag-$RUN\",\"context\":$CONTEXT}"
# With a token instead of a key, name the environment.
call 200 POST /v1/evaluate "${JWT[@]}" "${JSON[@]}" -d "{\"flag_key\":\"$FLAG\",\"environment\":\"$NEW_ENV\",\"context\":{\"targetingKey\":\"user-42\"}}"
call 200 POST /v1/evaluate/bulk "${KEY[@]}" "${JSON[@]}" -d "{\"context\":$CONTEXT}"
call 200 POST /v1/evaluate/bulk "${KEY[@]}" "${JSON[@]}" -d "{\"context\":$CONTEXT,\"flag_keys\":[\"$FLAG\",\"no-such-flag\"]}"
expect_body FLAG_NOT_FOUND
call 200 POST /v1/evaluate/preview "${KEY[@]}" "${JSON[@]}" -d "{\"flag_key\":\"$FLAG\",\"context\":{\"targetingKey\":\"user-42\",\"country\":\"US\"}}"
expect_body '"trace"'
call 200 GET /v1/config "${KEY[@]}"
CONFIG_ETAG="$(header etag)"
call 304 GET /v1/config "${KEY[@]}" -H "If-None-Match: $CONFIG_ETAG"
call 200 GET "/v1/config?environment=$NEW_ENV" "${JWT[@]}"

echo "== OFREP (what @openfeature/ofrep-provider calls)"
call 200 POST "/ofrep/v1/evaluate/flags/$FLAG" "${KEY[@]}" "${JSON[@]}" -d "{\"context\":$CONTEXT}"
expect_body '"variant":"on"'
call 404 POST "/ofrep/v1/evaluate/flags/no-such-flag-$RUN" "${KEY[@]}" "${JSON[@]}" -d "{\"context\":$CONTEXT}"
expect_body FLAG_NOT_FOUND
call 400 POST "/ofrep/v1/evaluate/flags/$FLAG" "${KEY[@]}" "${JSON[@]}" -d '{"context":{"country":"US"}}'
expect_body TARGETING_KEY_MISSING
call 200 POST "/ofrep/v1/evaluate/flags/$FLAG" -H "Authorization: Bearer $API_KEY" "${JSON[@]}" -d "{\"context\":$CONTEXT}"
call 200 POST /ofrep/v1/evaluate/flags "${KEY[@]}" "${JSON[@]}" -d "{\"context\":$CONTEXT}"
OFREP_ETAG="$(header etag)"
call 304 POST /ofrep/v1/evaluate/flags "${KEY[@]}" "${JSON[@]}" -H "If-None-Match: $OFREP_ETAG" -d "{\"context\":$CONTEXT}"
call 200 POST /ofrep/v1/evaluate/flags "${JWT[@]}" "${JSON[@]}" -H "X-Environment: $NEW_ENV" -d '{"context":{"targetingKey":"user-42"}}'

echo "== experiments (flags/acme/pricing.yaml declares pricing-q4)"
call 200 POST /v1/evaluate "${KEY[@]}" "${JSON[@]}" -d '{"flag_key":"pricing-experiment","context":{"targetingKey":"u-1","accountId":"acct-1","plan":"pro","country":"US"}}'
call 202 POST /v1/events "${KEY[@]}" "${JSON[@]}" -d "{\"events\":[{\"id\":\"evt-$RUN-1\",\"event\":\"plan-purchased\",\"unit\":\"acct-1\"},{\"id\":\"evt-$RUN-2\",\"event\":\"revenue\",\"unit\":\"acct-1\",\"value\":49.5}]}"
expect_body '"stored":2'
# The same batch again: stored once.
call 202 POST /v1/events "${KEY[@]}" "${JSON[@]}" -d "{\"events\":[{\"id\":\"evt-$RUN-1\",\"event\":\"plan-purchased\",\"unit\":\"acct-1\"}]}"
expect_body '"duplicates":1'
call 202 POST /v1/exposures "${KEY[@]}" "${JSON[@]}" -d '{"revision":1,"exposures":[{"experiment":"pricing-q4","flag":"pricing-experiment","variant":"bundle","unit":"acct-2"}]}'
call 200 GET /v1/experiments/pricing-q4/results "${JWT[@]}"
expect_body '"srm"'
call 404 GET /v1/experiments/no-such-experiment/results "${JWT[@]}"

echo "== change stream and watch status"
# Replay the revisions so far and end (follow=false); a live subscriber omits it.
call 200 GET "/v1/stream?since=0&follow=false" "${KEY[@]}"
expect_body 'event: revision'
call 200 GET /v1/watch/status "${JWT[@]}"
expect_body '"enabled"'

echo "== audit"
call 200 GET "/v1/audit?resource=flag&key=$FLAG&limit=20" "${JWT[@]}"
expect_body '"action":"create"'
expect_body '"action":"restore"'
call 200 GET "/v1/audit?source=api&from=2000-01-01T00:00:00Z&limit=5" "${JWT[@]}"

echo "== GitOps (what ff plan, ff apply and ff export call)"
call 200 GET /v1/state "${JWT[@]}"
expect_body '"resources"'
call 200 GET /v1/state/manifest "${JWT[@]}"
expect_body '"flags":{'
# The same for the buckets whose digest differs from the client's (ff plan sends its files' 256 digests;
# digests of zeros match no bucket, so every bucket is listed).
ZEROS=$(printf '"%064d",' $(yes 0 | head -n 256))
call 200 POST /v1/state/manifest "${JWT[@]}" "${JSON[@]}" -d "{\"buckets\":[${ZEROS%,}]}"
expect_body '"buckets":[0,1,2,'
call 200 GET "/v1/usage?days=30" "${JWT[@]}"
expect_body '"since":"'
# A dry run returns the plan and writes nothing (here: a state without flags or segments).
PLAN_STATE="{\"environments\":[{\"key\":\"$ENV\"}],\"flags\":[],\"segments\":[]}"
call 200 POST /v1/plan "${JWT[@]}" "${JSON[@]}" -d "{\"state\":$PLAN_STATE}"
expect_body '"plan_hash":"sha256:'
# The same plan as an apply dry run (the apply scope; ff apply sends base_revision and expected_plan_hash for real).
call 200 POST /v1/apply "${JWT[@]}" "${JSON[@]}" -d "{\"state\":$PLAN_STATE,\"dry_run\":true}"
expect_body '"format_version":1'
# A plan computed against another revision than the current one is refused.
call 409 POST /v1/apply "${JWT[@]}" "${JSON[@]}" -d "{\"state\":$PLAN_STATE,\"dry_run\":true,\"base_revision\":0}"
expect_body STALE_PLAN

echo "== clean up: revoke the key, archive what this run created"
call 200 DELETE "/v1/api-keys/$KEY_ID" "${JWT[@]}"
expect_body '"revoked_at":"'
call 401 POST /v1/evaluate "${KEY[@]}" "${JSON[@]}" -d "{\"flag_key\":\"$FLAG\",\"context\":$CONTEXT}"
call 200 DELETE "/v1/flags/$FLAG" "${JWT[@]}"
call 200 DELETE "/v1/segments/$SEGMENT" "${JWT[@]}"
call 200 DELETE "/v1/environments/$NEW_ENV" "${JWT[@]}"

echo "all routes answered as expected"
