#!/usr/bin/env bash
# `make demo`: a register with the West Midlands reference data, the June 2021 request worked
# through to its letters, the public disclosure log published and served.
set -euo pipefail
cd "$(dirname "$0")/.."
FOIKIT=".venv/bin/foikit"
export FOIKIT_DB="${FOIKIT_DB:-register.db}"
export FOIKIT_USER="${FOIKIT_USER:-demo.officer}"

echo "== foikit init: the register, reference data and UK bank holidays"
$FOIKIT init
echo
echo "== foikit facts check: what the sources get wrong, before anyone discloses a figure"
$FOIKIT facts check
echo
echo "== foikit deadline: received Saturday 5 June 2021 (day one is Monday 7 June)"
$FOIKIT deadline 2021-06-05 --json

SUBJECT="Community Safety Partnerships and Domestic Homicide Reviews"
if $FOIKIT request list --json | grep -q "\"subject\": \"$SUBJECT\""; then
  REF=$($FOIKIT request list --json | .venv/bin/python -c \
    "import json,sys; print([r['reference'] for r in json.load(sys.stdin) if r['subject']=='$SUBJECT'][0])")
  echo "== the worked request is already in the register: $REF"
else
  echo
  echo "== the worked request of June 2021, logged, answered from the register and closed"
  REF=$($FOIKIT request add --received 2021-06-05 --subject "$SUBJECT" \
    --requester-name "Jordan Ellis" --requester-email "jordan.ellis@example.org" \
    --handler "disclosure.officer" --today 2021-06-07 \
    --question "How many Community Safety Partnerships (CSP) are there in total within the West Midlands police force area?" \
    --question "List all relevant CSPs and provide web addresses." \
    --question "How many Domestic Homicide Reviews (DHRs) did each CSP conduct between 1 Jan 17 to 31 Dec 19?" \
    --question "Are all DHRs available on each CSP website?" \
    --question "If no to question 4 above, how can each DHR be accessed?")
  echo "logged $REF"
  $FOIKIT letter "$REF" acknowledgement --today 2021-06-07
  $FOIKIT request answer "$REF" 1 --by disclosure.officer --text \
    "There are {{ csps|length }} Community Safety Partnerships in the West Midlands police force area. The OPCC provides money to each of them through annual grants."
  $FOIKIT request answer "$REF" 2 --by disclosure.officer --text \
    "The {{ csps|length }} CSPs are {{ csps|map(attribute='name')|join(', ') }}. {% for c in csps if c.website %}{{ c.name }}: {{ c.website }}. {% else %}The OPCC does not hold their web addresses; each CSP can be contacted at the addresses given in answer to question 5.{% endfor %}"
  $FOIKIT request answer "$REF" 3 --by disclosure.officer --text \
    "The OPCC holds the DHR claims made for 2019-20 rather than DHRs by calendar year. Birmingham's DHR funding sits within its overall CSP budget. Claims for 2019-20: {% for f in figures if f.topic == 'dhr' and f.measure == 'claimed' %}{{ f.area }} {{ f.value }}{{ ' (' ~ f.note ~ ')' if f.note and 'Wolves' not in f.note else '' }}{{ '; ' if not loop.last else '.' }}{% endfor %} The other six CSPs each have {{ figure('dhr', 'budget', area='Coventry')|money }} a year to draw on for the costs of a review."
  $FOIKIT request answer "$REF" 4 --by disclosure.officer --not-held
  $FOIKIT request answer "$REF" 5 --by disclosure.officer --exempt 40\(2\) \
    --reason "Some CSP contact addresses name individual officers; they are personal data and disclosure would breach the data protection principles." \
    --text "Each CSP lead can tell you how its reviews may be read: {% for c in csps %}{{ c.name }}: {{ c.email if c.email else 'address withheld (s.40(2))' }}{{ '; ' if not loop.last else '.' }}{% endfor %}"
  $FOIKIT request close "$REF" --responded 2021-06-10 --outcome partially-withheld --by disclosure.officer
fi
echo
$FOIKIT request show "$REF"
echo
echo "== letters, from templates/ (copied there from foikit/letters/templates by foikit init)"
$FOIKIT letter "$REF" response --today 2021-06-10
$FOIKIT letter "$REF" response --published --today 2021-06-10
echo
echo "== the public disclosure log"
$FOIKIT publish --out disclosure.db --letter-pdfs
echo
echo
echo "== the staff interface, with demo users"
DEMO_PASSWORD="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')"
for who in demo.reviewer:reviewer demo.admin:administrator; do
  name="${who%%:*}"; role="${who##*:}"
  if $FOIKIT users list --json | grep -q "\"name\": \"$name\""; then
    FOIKIT_NEW_PASSWORD="$DEMO_PASSWORD" $FOIKIT users password "$name" --by demo.setup
  else
    FOIKIT_NEW_PASSWORD="$DEMO_PASSWORD" $FOIKIT users add "$name" --role "$role" --by demo.setup
  fi
done
if [ "${DEMO_NO_SERVE:-}" = "1" ]; then
  echo "DEMO_NO_SERVE=1: not starting the servers"
  exit 0
fi
$FOIKIT staff --host 127.0.0.1 --port 8002 &
STAFF_PID=$!
trap 'kill $STAFF_PID 2>/dev/null' EXIT
echo "Staff interface:    http://127.0.0.1:8002/  (user demo.reviewer or demo.admin, password $DEMO_PASSWORD)"
echo "Disclosure log:     http://127.0.0.1:8001/  (Ctrl-C stops both)"
$FOIKIT serve disclosure.db --host 127.0.0.1 --port 8001
