# Start a throw-away PostgreSQL for the engine parity tests; sourced by .ci/run.
#
# The server listens on 127.0.0.1:54329 only, keeps its data and socket in a
# temporary folder, and is stopped (and the folder removed) when the shell that
# sourced this file exits. initdb refuses to run as root, so the server runs as
# the postgres user.

pg_port=54329
pg_database=backlogdesk_ci
pg_bin=$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2
  exit 1
fi
pg_dir=$(mktemp -d /tmp/backlogdesk-pg.XXXXXX)

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_postgres() {
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_postgres EXIT
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$pg_dir"
fi

as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust \
  --encoding UTF8 --locale C.UTF-8 >"$pg_dir/initdb.log"
as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir" start
as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$pg_database"

export BACKLOGDESK_TEST_PG_URL="postgresql://postgres@127.0.0.1:$pg_port/$pg_database"
