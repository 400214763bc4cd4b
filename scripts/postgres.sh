#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for the tests, the load runs and
# local work with `laowu-server --db postgres://...`.
#
#   scripts/postgres.sh start [--durable]   init (once) and start; prints the URL
#   scripts/postgres.sh stop                stop it
#   scripts/postgres.sh url                 print the URL
#
# The cluster lives in $LAOWU_PG_DIR (default /tmp/laowu-pg-<port>) and
# listens on 127.0.0.1:$LAOWU_PG_PORT (default 55432), user `postgres`, trust
# authentication on loopback only. Without --durable it runs with fsync off,
# which is right for tests (a crash loses the whole throwaway cluster anyway)
# and wrong for anything else; the load figures use --durable.
#
# Uses Debian's PostgreSQL binaries (apt package `postgresql`; .ci/run
# installs it). PostgreSQL refuses to run as root, so as root the cluster is
# run as the `postgres` user the package creates.
set -euo pipefail

port="${LAOWU_PG_PORT:-55432}"
dir="${LAOWU_PG_DIR:-/tmp/laowu-pg-$port}"
url="postgres://postgres@127.0.0.1:$port/postgres"

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/pg_ctl" ]] && bin="$candidate"
done
if [[ -z "$bin" ]]; then
    echo "postgres.sh: no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 1
fi

as_owner() {
    if [[ $(id -u) == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-}" in
    start)
        durable="off"
        [[ "${2:-}" == "--durable" ]] && durable="on"
        if [[ ! -f "$dir/PG_VERSION" ]]; then
            mkdir -p "$dir"
            [[ $(id -u) == 0 ]] && chown postgres: "$dir"
            as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 \
                --locale=C.UTF-8 >/dev/null
        fi
        if as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
            as_owner "$bin/pg_ctl" -D "$dir" stop -m fast >/dev/null
        fi
        # One line: pg_ctl hands these to a shell, where a newline would end
        # the command before the log redirection.
        options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir"
        options+=" -c max_connections=300 -c fsync=$durable -c synchronous_commit=$durable"
        options+=" -c full_page_writes=$durable"
        as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w start -o "$options" >/dev/null
        echo "$url"
        ;;
    stop)
        as_owner "$bin/pg_ctl" -D "$dir" stop -m fast >/dev/null 2>&1 || true
        ;;
    url)
        echo "$url"
        ;;
    *)
        echo "usage: scripts/postgres.sh start [--durable] | stop | url" >&2
        exit 2
        ;;
esac
