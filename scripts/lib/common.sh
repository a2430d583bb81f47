# shellcheck shell=bash
# Shared by scripts/run, scripts/test and scripts/pg: finding Odoo 18, the project
# virtualenv, PostgreSQL (the user's server or a project-local cluster) and the Odoo
# configuration file. Source it; it only defines variables and functions.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOCAL="$REPO/.local"
VENV="$REPO/.venv"
LIB="$REPO/scripts/lib"

say() { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------
# Odoo 18
# ---------------------------------------------------------------------------

# Looks for Odoo 18: a source tree given by --odoo / ODOO_PATH (a folder holding
# odoo-bin), else `import odoo` in ODOO_PYTHON (default python3).
# Sets BASE_PY (the interpreter the venv is made from), ODOO_ROOT (folder that holds
# the `odoo` package) and ODOO_BIN (odoo-bin, or empty to run `python -m odoo`).
# Returns 1 and sets ODOO_MISSING (one line for the user) when there is none.
find_odoo() {
    local version
    ODOO_MISSING=""
    find_base_python
    if [ -n "${ODOO_PATH:-}" ]; then
        if [ ! -d "$ODOO_PATH" ]; then
            ODOO_MISSING="No Odoo 18 found: --odoo/ODOO_PATH '$ODOO_PATH' is not a folder."
            return 1
        fi
        ODOO_PATH=$(cd "$ODOO_PATH" && pwd)
        if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -f "$ODOO_PATH/odoo/release.py" ]; then
            ODOO_MISSING="No Odoo 18 found: $ODOO_PATH has no odoo-bin; pass the folder of an Odoo 18 source checkout."
            return 1
        fi
        version=$("$BASE_PY" -c 'import runpy, sys
print(runpy.run_path(sys.argv[1])["version_info"][0])' "$ODOO_PATH/odoo/release.py" 2>/dev/null) || version=""
        ODOO_ROOT=$ODOO_PATH
        ODOO_BIN=$ODOO_PATH/odoo-bin
    else
        version=$("$BASE_PY" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null) || version=""
        if [ -z "$version" ]; then
            ODOO_MISSING="No Odoo 18 found: install Odoo 18 Community into $BASE_PY (pip install -e <odoo-18-source>) or pass --odoo /path/to/odoo (or set ODOO_PATH / ODOO_PYTHON)."
            return 1
        fi
        ODOO_ROOT=$("$BASE_PY" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))')
        ODOO_BIN=""
    fi
    if [ "$version" != 18 ]; then
        ODOO_MISSING="No Odoo 18 found: the Odoo at $ODOO_ROOT is version '${version:-unknown}', this project needs 18.0."
        return 1
    fi
    return 0
}

# BASE_PY: the interpreter .venv is made from, ODOO_PYTHON or python3.
find_base_python() {
    local py=${ODOO_PYTHON:-python3}
    command -v "$py" >/dev/null || die "Python interpreter '$py' (ODOO_PYTHON) not found."
    BASE_PY=$("$py" -c 'import sys; print(sys.executable)')
}

# The command that runs Odoo with the project venv's interpreter.
odoo_cmd() {
    ODOO=(env TZ=UTC "$VPY")
    if [ -n "$ODOO_BIN" ]; then
        ODOO+=("$ODOO_BIN")
    else
        ODOO+=(-m odoo)
    fi
}

# Odoo must import in .venv: its Python requirements are there.
check_odoo_imports() {
    local err
    if ! err=$(cd / && PYTHONPATH=${ODOO_BIN:+$ODOO_ROOT} "$VPY" -c 'import odoo.cli' 2>&1); then
        printf '%s\n' "$err" | tail -3 >&2
        die "Odoo at $ODOO_ROOT does not import in .venv: install its requirements (.venv/bin/pip install -r $ODOO_ROOT/requirements.txt)."
    fi
}

# Comma-separated addons_path: Odoo's own add-on folders, the repository's addons/
# and every folder listed in MICROLOAN_EXTRA_ADDONS (comma or colon separated).
odoo_addons_path() {
    local dirs=() d extra
    for d in "$ODOO_ROOT/odoo/addons" "$ODOO_ROOT/addons"; do
        [ -d "$d" ] && dirs+=("$d")
    done
    [ -n "$(addon_modules "$REPO/addons")" ] && dirs+=("$REPO/addons")
    IFS=',:' read -r -a extra <<<"${MICROLOAN_EXTRA_ADDONS:-}"
    for d in "${extra[@]}"; do
        [ -n "$d" ] || continue
        [ -d "$d" ] || die "MICROLOAN_EXTRA_ADDONS: '$d' is not a folder."
        dirs+=("$(cd "$d" && pwd)")
    done
    local IFS=,
    printf '%s\n' "${dirs[*]}"
}

# Installable modules (folders with a __manifest__.py) in the given addons folders.
addon_modules() {
    python3 "$LIB/addons.py" list "$@"
}

# ---------------------------------------------------------------------------
# The project virtualenv (.venv): sees the system's packages (so the installed
# Odoo), holds microloan_engine installed in editable mode.
# ---------------------------------------------------------------------------

ensure_venv() {
    local base have=""
    base=$(realpath "$BASE_PY")
    if [ -x "$VENV/bin/python" ] && grep -qx 'include-system-site-packages = true' "$VENV/pyvenv.cfg"; then
        have=$(realpath "$("$VENV/bin/python" -c 'import sys; print(sys._base_executable)')")
    fi
    if [ "$have" != "$base" ]; then
        [ -d "$VENV" ] && say "Replacing .venv: it is not a --system-site-packages venv of $base"
        rm -rf "$VENV"
        step "Creating .venv (with the system site-packages) from $base"
        "$base" -m venv --system-site-packages "$VENV"
    fi
    VPY="$VENV/bin/python"
}

# pip_install PYTHON ARGS...: pip install, its chatter kept in .local/logs/pip.log.
pip_install() {
    local py=$1
    shift
    mkdir -p "$LOCAL/logs"
    if ! "$py" -m pip install --disable-pip-version-check "$@" >"$LOCAL/logs/pip.log" 2>&1; then
        tail -20 "$LOCAL/logs/pip.log" >&2
        die "pip install $* failed (log: $LOCAL/logs/pip.log)."
    fi
}

# pip install -e . unless this checkout's engine is already installed from an
# unchanged pyproject.toml.
ensure_engine() {
    local stamp="$VENV/.microloan-engine" want where
    [ -f "$REPO/pyproject.toml" ] || die "pyproject.toml is missing: cannot install microloan_engine into .venv."
    want=$(sha1sum "$REPO/pyproject.toml" | cut -d' ' -f1)
    where=$(cd / && "$VPY" -c 'import os, microloan_engine as m; print(os.path.dirname(os.path.dirname(os.path.abspath(m.__file__))))' 2>/dev/null) || where=""
    if [ "$where" != "$REPO" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        step "Installing microloan_engine into .venv (pip install -e .)"
        pip_install "$VPY" -e "$REPO"
        printf '%s\n' "$want" >"$stamp"
    fi
}

# ---------------------------------------------------------------------------
# Linters: a virtualenv of their own (.local/venv-lint) and prettier from npm.
# These run from the repository root.
# ---------------------------------------------------------------------------

ensure_lint_venv() {
    local venv="$LOCAL/venv-lint" want
    want=$(sha1sum "$REPO/scripts/lint-requirements.txt" | cut -d' ' -f1)
    if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$want" ]; then
        step "Installing the linters into .local/venv-lint"
        rm -rf "$venv"
        python3 -m venv "$venv"
        pip_install "$venv/bin/python" -r "$REPO/scripts/lint-requirements.txt"
        printf '%s\n' "$want" >"$venv/.requirements"
    fi
    LINT_BIN="$venv/bin"
}

# prettier from package.json, through npm; returns 1 when npm is unavailable.
ensure_prettier() {
    command -v npm >/dev/null || return 1
    if [ "$(node_modules/.bin/prettier --version 2>/dev/null)" != "$(node -p 'require("./package.json").devDependencies.prettier')" ] ||
        [ ! -d node_modules/@prettier/plugin-xml ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        step "Installing prettier into node_modules (npm ci)"
        npm ci --no-audit --no-fund --loglevel=error >/dev/null
    fi
}

# Files prettier formats (the set OCA's pre-commit configuration uses).
prettier_files() {
    {
        git ls-files -co --exclude-standard 2>/dev/null ||
            find . -path ./.git -prune -o -path ./.venv -prune -o -path ./.local -prune \
                -o -path ./node_modules -prune -o -type f -print | sed 's|^\./||'
    } | grep -E '\.(css|htm|html|js|json|jsx|less|md|scss|ts|xml|yaml|yml)$' |
        grep -vE '(^|/)static/(src/)?lib/|(^|/)readme/.*\.md$|^package-lock\.json$|/static/description/index\.html$' |
        while IFS= read -r f; do if [ -f "$f" ]; then printf '%s\n' "$f"; fi; done
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
# The user's server when PGHOST/PGPORT/PGUSER (or --db-host/--db-port/--db-user)
# say so; otherwise a project-local cluster listening on a unix socket and on
# 127.0.0.1 at a free port from 5433 up. As root the cluster belongs to the system
# user "microloan" and lives in /var/tmp/microloan-pg-<hash of the checkout path>
# (a checkout under /root cannot be entered by that user), linked as .local/pg;
# otherwise it lives in .local/pg and belongs to the current user.
# After pg_setup: DB_HOST (socket folder or host), DB_PORT, DB_USER, DB_PASSWORD are
# set and exported as PGHOST... for libpq clients.

PG_USER_SYS=microloan
PG_STARTED=0
PG_CREATED=0

pg_setup() {
    if [ -n "${DB_HOST:-}${DB_PORT:-}${DB_USER:-}${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        PG_MODE=external
        DB_HOST=${DB_HOST:-${PGHOST:-}}
        DB_PORT=${DB_PORT:-${PGPORT:-}}
        DB_USER=${DB_USER:-${PGUSER:-}}
        DB_PASSWORD=${PGPASSWORD:-}
        say "PostgreSQL: using your server (${DB_HOST:-local socket}:${DB_PORT:-5432}, user ${DB_USER:-$(id -un)})"
    else
        PG_MODE=local
        pg_local_start
    fi
    export PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER PGDATABASE=postgres
    [ -n "$DB_PASSWORD" ] && export PGPASSWORD=$DB_PASSWORD
    return 0
}

# Highest installed PostgreSQL server (Debian layout); installs it when root.
pg_find_bin() {
    local want=${1:-} d
    if [ -n "$want" ] && [ -x "/usr/lib/postgresql/$want/bin/pg_ctl" ]; then
        PGBIN=/usr/lib/postgresql/$want/bin
        return 0
    fi
    PGBIN=$(find_pg_bindir)
    if [ -z "$PGBIN" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            step "Installing PostgreSQL (apt-get install -y postgresql)"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            PGBIN=$(find_pg_bindir)
        fi
        [ -n "$PGBIN" ] || die "No PostgreSQL server found: install it (apt-get install postgresql) or point PGHOST/PGPORT/PGUSER at a running server."
    fi
    if [ -n "$want" ]; then
        d=$("$PGBIN/pg_ctl" --version | grep -oE '[0-9]+' | head -1)
        [ "$d" = "$want" ] || die "The local cluster in $PGDIR was made by PostgreSQL $want, which is no longer installed: remove it with 'scripts/pg destroy'."
    fi
}

find_pg_bindir() {
    local d
    d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
    if [ -n "$d" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then
        printf '%s\n' "$d"
    elif command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(command -v pg_ctl)"
    fi
}

pg_local_paths() {
    if [ "$(id -u)" = 0 ]; then
        PG_RUN_AS=(runuser -u "$PG_USER_SYS" --)
        DB_USER=$PG_USER_SYS
        PGDIR=${MICROLOAN_PG_DIR:-/var/tmp/microloan-pg-$(printf '%s' "$REPO" | sha1sum | cut -c1-10)}
    else
        PG_RUN_AS=()
        DB_USER=$(id -un)
        PGDIR=${MICROLOAN_PG_DIR:-$LOCAL/pg}
    fi
    PGDATA_DIR=$PGDIR/data
    PGSOCK=$PGDIR/run
}

# Removes the .local/pg link when it points at this cluster.
unlink_local_pg() {
    if [ -L "$LOCAL/pg" ] && [ "$(readlink "$LOCAL/pg")" = "$PGDIR" ]; then
        rm -f "$LOCAL/pg"
    fi
}

# Runs a PostgreSQL server binary as the cluster owner, from a folder it can enter.
pg_as_owner() {
    (cd "$PGDIR" && "${PG_RUN_AS[@]}" "$@")
}

pg_running() {
    [ -f "$PGDATA_DIR/postmaster.pid" ] && pg_as_owner "$PGBIN/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1
}

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_local_start() {
    local port version
    pg_local_paths
    mkdir -p "$LOCAL"
    exec 8>"$LOCAL/pg.lock"
    flock 8
    if [ -f "$PGDATA_DIR/PG_VERSION" ]; then
        version=$(cat "$PGDATA_DIR/PG_VERSION")
        pg_find_bin "$version"
    else
        pg_find_bin
        pg_local_init
    fi
    if [ "$PGDIR" != "$LOCAL/pg" ] && [ ! -e "$LOCAL/pg" ]; then
        ln -s "$PGDIR" "$LOCAL/pg"
    fi
    if pg_running; then
        port=$(sed -n 4p "$PGDATA_DIR/postmaster.pid")
    else
        port=${MICROLOAN_PG_PORT:-5433}
        while port_busy "$port" || [ -e "$PGSOCK/.s.PGSQL.$port.lock" ]; do
            port=$((port + 1))
            [ "$port" -lt $((${MICROLOAN_PG_PORT:-5433} + 100)) ] || die "No free TCP port for PostgreSQL from ${MICROLOAN_PG_PORT:-5433} up."
        done
        pg_as_owner "$PGBIN/pg_ctl" start -w -t 60 -D "$PGDATA_DIR" -l "$PGDIR/postgresql.log" \
            -o "-p $port -k '$PGSOCK' -h 127.0.0.1 -c synchronous_commit=off" >/dev/null ||
            die "PostgreSQL did not start; see $PGDIR/postgresql.log"
        PG_STARTED=1
    fi
    flock -u 8
    DB_HOST=$PGSOCK
    DB_PORT=$port
    DB_PASSWORD=""
    say "PostgreSQL: project cluster in $PGDIR (socket $PGSOCK, 127.0.0.1:$port, role $DB_USER)"
}

# A new cluster: superuser role named after its owner, trusted on the unix socket
# (the socket folder is private to the owner), password on TCP (in $PGDIR/password).
pg_local_init() {
    step "Creating the project PostgreSQL cluster in $PGDIR"
    if [ "$(id -u)" = 0 ]; then
        id -u "$PG_USER_SYS" >/dev/null 2>&1 ||
            useradd --system --user-group --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin --comment "Microloan for Odoo PostgreSQL" "$PG_USER_SYS"
    fi
    rm -rf "$PGDIR"
    mkdir -p "$PGDIR" "$PGSOCK"
    chmod 700 "$PGDIR" "$PGSOCK"
    head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$PGDIR/password"
    chmod 600 "$PGDIR/password"
    [ "$(id -u)" = 0 ] && chown -R "$PG_USER_SYS:" "$PGDIR"
    pg_as_owner "$PGBIN/initdb" -D "$PGDATA_DIR" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --pwfile="$PGDIR/password" \
        >"$PGDIR/initdb.log" 2>&1 || die "initdb failed; see $PGDIR/initdb.log"
    PG_CREATED=1
}

# Stops the project cluster if this script started it and no other client (say a
# running scripts/run) is connected. In CI a cluster this run created is removed.
pg_release() {
    [ "${PG_MODE:-}" = local ] && [ "$PG_STARTED" = 1 ] || return 0
    local others
    others=$("$VPY" "$LIB/pgdb.py" clients 2>/dev/null) || others=0
    if [ "$others" != 0 ]; then
        say "PostgreSQL: leaving the project cluster running ($others other connections)"
        return 0
    fi
    pg_as_owner "$PGBIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast >/dev/null 2>&1 || true
    if [ "$PG_CREATED" = 1 ] && [ -n "${CI:-}" ]; then
        rm -rf "$PGDIR"
        unlink_local_pg
    fi
    return 0
}

# ---------------------------------------------------------------------------
# Odoo configuration file
# ---------------------------------------------------------------------------

# write_odoo_conf FILE DBNAME HTTP_PORT
write_odoo_conf() {
    local file=$1 db=$2 http_port=$3
    mkdir -p "$(dirname "$file")" "$LOCAL/odoo-data"
    cat >"$file" <<EOF
; Written by scripts/run and scripts/test; edits are overwritten.
[options]
addons_path = $(odoo_addons_path)
data_dir = $LOCAL/odoo-data
db_host = ${DB_HOST:-False}
db_port = ${DB_PORT:-False}
db_user = ${DB_USER:-False}
db_password = ${DB_PASSWORD:-False}
db_name = $db
dbfilter = ^${db}\$
list_db = False
http_interface = 127.0.0.1
http_port = $http_port
proxy_mode = False
EOF
}
