#!/bin/bash
# Back up both databases of the DMPG proposal engine into DIRECTORY (run by dmpg-backup.service, nightly).
#
#   deploy/backup.sh DIRECTORY
#
# Reads the database URLs from the environment (site.env: PREFECT_SERVER_DATABASE_CONNECTION_URL,
# DMPG_DATABASE_URL) and writes DIRECTORY/prefect-<stamp>.dump and DIRECTORY/ledger-<stamp>.dump
# (pg_dump's custom format, without owners and grants, so they restore into any database the owner role
# can write). Safe while everything runs: each dump is one consistent snapshot of its database.
#
# Prefect's database is dumped first, then the ledger: a restored pair then has a ledger at least as new
# as Prefect's view. A decision recorded between the two dumps is in the ledger while the restored run still
# waits at its gate, and the recovery sweep wakes it. (The other order could leave a run suspended at a
# gate the ledger has never heard of.)
set -euo pipefail
dir=${1:?usage: backup.sh DIRECTORY}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
mkdir -p "$dir"

# The SQLAlchemy URLs of the settings without their driver name are libpq URLs.
libpq() { sed -e 's|+asyncpg||' -e 's|+psycopg||' <<<"$1"; }

pg_dump --format=custom --no-owner --no-privileges \
  --file="$dir/prefect-$stamp.dump" --dbname="$(libpq "$PREFECT_SERVER_DATABASE_CONNECTION_URL")"
pg_dump --format=custom --no-owner --no-privileges \
  --file="$dir/ledger-$stamp.dump" --dbname="$(libpq "$DMPG_DATABASE_URL")"
echo "backed up: $dir/prefect-$stamp.dump $dir/ledger-$stamp.dump"
