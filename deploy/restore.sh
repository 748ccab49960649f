#!/bin/bash
# Restore both databases of the DMPG proposal engine from a backup (docs/it.md → Restore).
#
#   deploy/restore.sh PREFECT_DUMP LEDGER_DUMP
#
# Into the databases named by PREFECT_SERVER_DATABASE_CONNECTION_URL and DMPG_DATABASE_URL (site.env),
# which must exist and be empty (created by the database administrator, the Prefect one with pg_trgm), and
# with every DMPG service stopped. Each restore is one transaction: all of it, or nothing.
set -euo pipefail
prefect_dump=${1:?usage: restore.sh PREFECT_DUMP LEDGER_DUMP}
ledger_dump=${2:?usage: restore.sh PREFECT_DUMP LEDGER_DUMP}

libpq() { sed -e 's|+asyncpg||' -e 's|+psycopg||' <<<"$1"; }

# Extensions (pg_trgm) are the database administrator's, created with the empty database: the restore
# leaves them out, since only their owner may touch them.
restore() {
  local list
  list=$(mktemp)
  pg_restore --list "$2" | grep -v -E ' (EXTENSION|COMMENT - EXTENSION) ' >"$list"
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --use-list="$list" \
    --dbname="$(libpq "$1")" "$2"
  rm -f "$list"
}

restore "$PREFECT_SERVER_DATABASE_CONNECTION_URL" "$prefect_dump"
restore "$DMPG_DATABASE_URL" "$ledger_dump"
echo "restored: $prefect_dump $ledger_dump"
