#!/usr/bin/env bash
# Re-extract UI strings, merge them into the English catalog and compile it. The catalog
# translations/en/LC_MESSAGES/messages.po is the one source of the English texts: write a new string's
# msgstr there (by hand or in a translator's tool), then run this again. Fails on any untranslated string.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel --quiet extract -F babel.cfg -k _ -k gettext -k ngettext -k lazy_gettext -o translations/messages.pot .
.venv/bin/pybabel --quiet update -i translations/messages.pot -d translations --no-fuzzy-matching -w 100
.venv/bin/pybabel compile -d translations --statistics
.venv/bin/python - <<'PY'
from babel.messages.pofile import read_po

with open("translations/en/LC_MESSAGES/messages.po", "rb") as fh:
    missing = [m.id for m in read_po(fh, locale="en") if m.id and (not m.string or m.fuzzy)]
for msgid in missing:
    print(f"untranslated (write its msgstr in translations/en/LC_MESSAGES/messages.po): {msgid}")
raise SystemExit(1 if missing else 0)
PY
