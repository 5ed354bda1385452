#!/bin/sh
# PostgreSQL for Checker's deployment. Starts as root only to own the data volume, then runs the
# server as `postgres`. On first start (an empty volume) it creates the cluster, with the
# superuser's password read from a file (a Docker secret), never from the command line or the
# environment, and the application's database.
set -eu

PGDATA=${PGDATA:-/var/lib/postgresql/data}
password_file=${POSTGRES_PASSWORD_FILE:-/run/secrets/db_password}
user=${POSTGRES_USER:-checker}
database=${POSTGRES_DB:-checker}
port=${POSTGRES_PORT:-5432}
listen=${POSTGRES_LISTEN:-127.0.0.1}

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ ! -s "$password_file" ]; then
    echo "checker-postgres: no password in $password_file (mount the db_password secret)" >&2
    exit 2
  fi
  pwfile=$(mktemp)
  head -n 1 "$password_file" >"$pwfile"
  chown postgres "$pwfile"
  as_postgres initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "CREATE DATABASE \"$database\";" | as_postgres postgres --single -D "$PGDATA" postgres >/dev/null
  echo "checker-postgres: created the cluster and database $database"
fi

# SIGINT (compose.yml's stop_signal) is PostgreSQL's fast shutdown: clients' pools hold their
# connections, and the default smart shutdown would wait for them until Docker kills it.
exec setpriv --reuid=postgres --regid=postgres --init-groups \
  postgres -D "$PGDATA" -p "$port" -c listen_addresses="$listen" \
  -c unix_socket_directories=/run/postgresql -c max_connections="${POSTGRES_MAX_CONNECTIONS:-200}"
