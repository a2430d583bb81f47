# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts
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

# Where --get-odoo fetches Odoo from: the official repository, branch 18.0 (a
# branch, a tag or a full commit id; ODOO_GIT_URL and ODOO_GIT_REF override them,
# e.g. a company mirror or a local clone).
ODOO_GIT_URL_DEFAULT=https://github.com/odoo/odoo.git
ODOO_GIT_REF_DEFAULT=18.0
ODOO_LOCAL="$LOCAL/odoo"

# The interpreter named by ODOO_PYTHON (default: python3 on PATH). Sets
# BASE_PY (its sys.executable), BASE_KIND (venv, conda or system), BASE_PREFIX
# (its sys.prefix), VENV_BASE (the real interpreter .venv is made from: the base
# interpreter behind a virtualenv) and BASE_SITE (a virtualenv's own site-packages,
# which .venv is then made to see).
find_base_python() {
    local py=${ODOO_PYTHON:-python3} info=()
    command -v "$py" >/dev/null || die "Python interpreter '$py' (ODOO_PYTHON) not found."
    mapfile -t info < <(cd / && "$py" "$LIB/pyinfo.py") || true
    [ ${#info[@]} -ge 4 ] || die "'$py' (ODOO_PYTHON) does not run $LIB/pyinfo.py: is it Python 3.10 to 3.12?"
    BASE_PY=${info[0]}
    BASE_KIND=${info[1]}
    BASE_PREFIX=${info[2]}
    VENV_BASE=${info[3]}
    BASE_SITE=("${info[@]:4}")
}

# "PYTHON (a virtualenv in PREFIX)" and the like, for messages.
describe_python() {
    case $BASE_KIND in
    venv) printf '%s (virtualenv %s)' "$BASE_PY" "$BASE_PREFIX" ;;
    conda) printf '%s (conda environment %s)' "$BASE_PY" "$BASE_PREFIX" ;;
    *) printf '%s' "$BASE_PY" ;;
    esac
}

# use_odoo_tree DIR: ODOO_ROOT and ODOO_BIN for the Odoo source tree in DIR (or one
# level below it); returns 1 with ODOO_MISSING set when DIR holds none, or not 18.0.
use_odoo_tree() {
    local out=() version
    if ! mapfile -t out < <(python3 "$LIB/odoo_tree.py" "$1" 2>&1) || [ ${#out[@]} -ne 2 ]; then
        ODOO_MISSING="No Odoo 18 found: ${out[*]:-$1 holds no Odoo source tree}; pass the folder of an Odoo 18 source checkout (the one holding odoo-bin)."
        return 1
    fi
    ODOO_ROOT=${out[0]}
    version=${out[1]}
    ODOO_BIN=$ODOO_ROOT/odoo-bin
    if [ "$version" != 18 ]; then
        ODOO_MISSING="No Odoo 18 found: the Odoo at $ODOO_ROOT is version '$version', this project needs 18.0."
        return 1
    fi
}

# Looks for Odoo 18, in this order: the source tree given by --odoo / ODOO_PATH (a
# folder holding odoo-bin); `import odoo` in ODOO_PYTHON or python3 (the system's
# Python, a virtualenv or a conda environment); the tree --get-odoo fetched into
# .local/odoo. Sets ODOO_ROOT (the folder holding the `odoo` package), ODOO_BIN
# (odoo-bin, or empty to run `python -m odoo`) and ODOO_FOUND (one line saying what
# was found where). Returns 1 and sets ODOO_MISSING (one line) when there is none.
find_odoo() {
    local version
    ODOO_MISSING=""
    ODOO_FOUND=""
    find_base_python
    if [ -n "${ODOO_PATH:-}" ]; then
        if [ ! -d "$ODOO_PATH" ]; then
            ODOO_MISSING="No Odoo 18 found: --odoo/ODOO_PATH '$ODOO_PATH' is not a folder."
            return 1
        fi
        use_odoo_tree "$(cd "$ODOO_PATH" && pwd)" || return 1
        ODOO_FOUND="Odoo 18: source tree $ODOO_ROOT (--odoo/ODOO_PATH), run by $(describe_python)"
        return 0
    fi
    version=$(cd / && "$BASE_PY" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null) || version=""
    if [ -n "$version" ]; then
        ODOO_ROOT=$(cd / && "$BASE_PY" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))')
        ODOO_BIN=""
        if [ "$version" != 18 ]; then
            ODOO_MISSING="No Odoo 18 found: $(describe_python) imports Odoo version '$version' from $ODOO_ROOT, this project needs 18.0."
            return 1
        fi
        ODOO_FOUND="Odoo 18: $ODOO_ROOT/odoo, imported by $(describe_python)"
        return 0
    fi
    if [ -f "$ODOO_LOCAL/odoo-bin" ] || [ -d "$ODOO_LOCAL" ]; then
        use_odoo_tree "$ODOO_LOCAL" || return 1
        ODOO_FOUND="Odoo 18: $ODOO_ROOT, fetched earlier by --get-odoo, run by $(describe_python)"
        return 0
    fi
    ODOO_MISSING="No Odoo 18 found: $(describe_python) does not import odoo and no --odoo PATH was given; pass --get-odoo to fetch Odoo 18.0 into .local/odoo, or install it (pip install -e <odoo-18-source>), or pass --odoo PATH or ODOO_PYTHON=/path/to/python."
    return 1
}

# Clones Odoo 18.0 Community (shallow) into .local/odoo from ODOO_GIT_URL at
# ODOO_GIT_REF, then uses it. Nothing of it is ever committed (.local/ is ignored).
get_odoo() {
    local url=${ODOO_GIT_URL:-$ODOO_GIT_URL_DEFAULT} ref=${ODOO_GIT_REF:-$ODOO_GIT_REF_DEFAULT}
    local tmp="$LOCAL/odoo.partial" log="$LOCAL/logs/git-odoo.log"
    command -v git >/dev/null || die "--get-odoo needs git (Debian/Ubuntu: apt-get install git)."
    mkdir -p "$LOCAL/logs"
    # git clones a local path in full whatever --depth says; file:// makes it shallow.
    if [ -d "$url" ]; then url="file://$(cd "$url" && pwd)"; fi
    step "Fetching Odoo ($ref) from $url into .local/odoo (shallow clone)"
    say "    log: $log"
    rm -rf "$tmp"
    if ! {
        if [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
            git init -q "$tmp" &&
                git -C "$tmp" fetch --depth 1 "$url" "$ref" &&
                git -C "$tmp" -c advice.detachedHead=false checkout -q FETCH_HEAD
        else
            git clone --depth 1 --single-branch --branch "$ref" "$url" "$tmp"
        fi
    } >"$log" 2>&1; then
        tail -5 "$log" >&2
        rm -rf "$tmp"
        die "Could not fetch Odoo $ref from $url (set ODOO_GIT_URL / ODOO_GIT_REF; log: $log)."
    fi
    printf '%s %s %s\n' "$url" "$ref" "$(git -C "$tmp" rev-parse HEAD)" >"$tmp/.microloan-fetched"
    rm -rf "$ODOO_LOCAL"
    mv "$tmp" "$ODOO_LOCAL"
    use_odoo_tree "$ODOO_LOCAL" || die "$ODOO_MISSING"
    ODOO_FOUND="Odoo 18: $ODOO_ROOT, fetched from $url ($ref, commit $(git -C "$ODOO_LOCAL" rev-parse --short HEAD))"
}

# find_odoo, then --get-odoo (GET_ODOO=1) when there is none. Returns 1 (with
# ODOO_MISSING) when there is still none.
find_or_get_odoo() {
    find_odoo && return 0
    [ "${GET_ODOO:-0}" = 1 ] || return 1
    # A folder that is there but holds no Odoo tree is not fetched over.
    if [ -e "$ODOO_LOCAL" ] && [ -z "${ODOO_PATH:-}" ]; then
        ODOO_MISSING="$ODOO_MISSING (remove .local/odoo to fetch it again)"
        return 1
    fi
    [ -z "${ODOO_PATH:-}" ] || return 1
    say "No Odoo 18 found: $(describe_python) does not import odoo; --get-odoo fetches it."
    get_odoo
}

# The command that runs Odoo with the project venv's interpreter.
odoo_cmd() {
    ODOO=(env TZ=UTC "$VPY")
    if [ -n "$ODOO_BIN" ]; then
        ODOO+=("$ODOO_BIN")
    elif [ -f "$ODOO_ROOT/odoo-bin" ]; then
        # With --workers, Odoo starts its websocket (gevent) process by running
        # sys.argv[0] again: odoo/__main__.py (python -m odoo) cannot run that way.
        ODOO+=("$ODOO_ROOT/odoo-bin")
    else
        ODOO+=(-m odoo)
    fi
}

# Debian packages that Odoo's requirements build against (psycopg2, python-ldap).
ODOO_BUILD_DEBS=(libpq-dev libldap2-dev libsasl2-dev)

# The PDF documents (microloan_reports) need wkhtmltopdf and a CJK font whose family
# their style names (Noto CJK SC); the tests read the PDFs with pdftotext. Run as root
# on Debian/Ubuntu, installs the missing packages; otherwise says which in one line.
ensure_pdf_tools() {
    local missing=()
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    if ! command -v fc-list >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto S[a-z]* CJK SC"; then
        missing+=(fonts-noto-cjk)
    fi
    command -v pdftotext >/dev/null || missing+=(poppler-utils)
    [ ${#missing[@]} -gt 0 ] || return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        step "Installing what the PDF documents need: apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
            warn "could not install ${missing[*]}: the PDF documents need them"
    else
        warn "The PDF documents need ${missing[*]} (sudo apt-get install ${missing[*]})."
    fi
}

# Odoo's Python requirements in .venv for the tree --get-odoo fetched: the pins of
# its requirements.txt that have wheels for this Python
# (scripts/lib/odoo_requirements.py), once per tree and requirements file.
ensure_odoo_requirements() {
    local req="$ODOO_ROOT/requirements.txt" pins="$LOCAL/odoo-requirements.txt"
    local stamp="$VENV/.odoo-requirements" want missing=() d
    case $ODOO_ROOT in "$ODOO_LOCAL" | "$ODOO_LOCAL"/*) ;; *) return 0 ;; esac
    [ -f "$req" ] || die "$ODOO_ROOT has no requirements.txt: is it an Odoo source tree?"
    want="$ODOO_ROOT $(sha1sum "$req" | cut -d' ' -f1)"
    [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || return 0
    for d in "${ODOO_BUILD_DEBS[@]}" gcc python3-dev; do
        dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d")
    done
    if [ ${#missing[@]} -gt 0 ] && command -v dpkg >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            step "Installing the build packages Odoo's requirements need: apt-get install ${missing[*]}"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        else
            warn "Odoo's requirements may need these Debian packages to build: ${missing[*]} (sudo apt-get install ${missing[*]})"
        fi
    fi
    mkdir -p "$LOCAL"
    "$VPY" "$LIB/odoo_requirements.py" "$req" >"$pins"
    step "Installing Odoo's Python requirements into .venv (pip install -r .local/odoo-requirements.txt)"
    pip_install "$VPY" -r "$pins"
    printf '%s\n' "$want" >"$stamp"
}

# Odoo must import in .venv: its Python requirements are there.
check_odoo_imports() {
    local err
    if ! err=$(cd / && PYTHONPATH=${ODOO_BIN:+$ODOO_ROOT} "$VPY" -c 'import odoo.cli' 2>&1); then
        printf '%s\n' "$err" | tail -3 >&2
        die "Odoo at $ODOO_ROOT does not import in .venv (made from $VENV_BASE, seeing the packages of $(describe_python)): install its requirements into that interpreter (pip install -r $ODOO_ROOT/requirements.txt), or pass --get-odoo."
    fi
}

# Comma-separated addons_path: Odoo's own add-on folders, the repository's addons/,
# the pinned OCA add-ons (ensure_oca_addons) and every folder listed in
# MICROLOAN_EXTRA_ADDONS (comma or colon separated).
odoo_addons_path() {
    local dirs=() d extra
    mapfile -t dirs < <(python3 "$LIB/odoo_tree.py" --addons "$ODOO_ROOT")
    [ -n "$(addon_modules "$REPO/addons")" ] && dirs+=("$REPO/addons")
    [ -n "${OCA_ADDONS:-}" ] && dirs+=("$OCA_ADDONS")
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

# OCA add-ons at the versions pinned in scripts/oca-requirements.txt, as wheels
# installed with --no-deps into a folder of their own, .local/oca-addons/<hash of the
# pins>: never into a site-packages that holds Odoo, where their odoo/addons/
# folders would turn `import odoo` into an empty namespace package. Sets OCA_ADDONS
# to that folder's odoo/addons (empty when nothing is pinned).
ensure_oca_addons() {
    local pins="$REPO/scripts/oca-requirements.txt" hash target
    OCA_ADDONS=""
    [ -f "$pins" ] && grep -qE '^[^#[:space:]]' "$pins" || return 0
    hash=$(sha1sum "$pins" | cut -c1-12)
    target="$LOCAL/oca-addons/$hash"
    if [ ! -f "$target/.complete" ]; then
        step "Installing the pinned OCA add-ons into .local/oca-addons (pip install --no-deps --target)"
        rm -rf "$target"
        pip_install "$VPY" --no-deps --no-compile --target "$target" -r "$pins"
        touch "$target/.complete"
        find "$LOCAL/oca-addons" -mindepth 1 -maxdepth 1 ! -name "$hash" -exec rm -rf {} +
    fi
    OCA_ADDONS="$target/odoo/addons"
    [ -d "$OCA_ADDONS" ] || die "$pins installed no odoo/addons folder into $target."
}

# odoo_init LOG ODOO_ARGS...: runs Odoo once (install or update, --stop-after-init)
# with its log in LOG, showing "modules loaded N/M" while it works instead of a
# silent wait: on a terminal as one updated line, otherwise a line every 10 modules.
# Returns Odoo's exit status.
odoo_init() {
    local log=$1 pid rc=0 line last="" shown=-10 n name count
    shift
    : >"$log"
    "${ODOO[@]}" "$@" >"$log" 2>&1 &
    pid=$!
    # A background job of a script ignores Ctrl-C: pass it on, then stop.
    # shellcheck disable=SC2064 # $pid is meant to expand now
    trap "kill -TERM $pid 2>/dev/null; wait $pid; exit 130" INT TERM HUP
    while kill -0 "$pid" 2>/dev/null; do
        sleep 2
        line=$(grep -oE 'Loading module [A-Za-z0-9_]+ \([0-9]+/[0-9]+\)' "$log" | tail -1) || line=""
        if [ -z "$line" ] || [ "$line" = "$last" ]; then continue; fi
        last=$line
        line=${line#Loading module }
        name=${line%% *}
        count=${line#*(}
        count=${count%)}
        n=${count%%/*}
        [ "$n" -ge "$shown" ] || shown=-10 # Odoo loads the modules in passes
        if [ -t 1 ]; then
            printf '\r    modules loaded: %-60s' "$count ($name)"
        elif [ $((n - shown)) -ge 10 ] || [ "$n" = "${count#*/}" ]; then
            say "    modules loaded: $count ($name)"
            shown=$n
        fi
    done
    wait "$pid" || rc=$?
    trap - INT TERM HUP
    if [ -t 1 ] && [ -n "$last" ]; then printf '\n'; fi
    return "$rc"
}

# ---------------------------------------------------------------------------
# The project virtualenv (.venv): made from the real interpreter behind Odoo's
# Python with --system-site-packages; when that Python is a virtualenv, .venv also
# sees its site-packages (a .pth file); holds microloan_engine in editable mode.
# ---------------------------------------------------------------------------

ensure_venv() {
    local have="" site pth content
    if [ -x "$VENV/bin/python" ] && grep -qx 'include-system-site-packages = true' "$VENV/pyvenv.cfg"; then
        have=$(realpath "$("$VENV/bin/python" -c 'import sys; print(getattr(sys, "_base_executable", sys.executable))')")
    fi
    if [ "$have" != "$VENV_BASE" ]; then
        [ -d "$VENV" ] && say "Replacing .venv: it is not a --system-site-packages venv of $VENV_BASE"
        rm -rf "$VENV"
        step "Creating .venv (with the system site-packages) from $VENV_BASE"
        "$VENV_BASE" -m venv --system-site-packages "$VENV"
    fi
    VPY="$VENV/bin/python"
    site=$(cd / && "$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    pth="$site/_microloan_2_base_python.pth"
    if [ "$BASE_KIND" = venv ] && [ ${#BASE_SITE[@]} -gt 0 ]; then
        # Lines starting with "import" run at start-up; addsitedir also reads that
        # folder's own .pth files (editable installs such as Odoo's).
        content=$("$VPY" -c 'import sys
for d in sys.argv[1:]:
    print("import site; site.addsitedir(%r)" % d)' "${BASE_SITE[@]}")
        if [ "$(cat "$pth" 2>/dev/null)" != "$content" ]; then
            printf '%s\n' "$content" >"$pth"
            say ".venv sees the site-packages of the virtualenv $BASE_PREFIX (${BASE_SITE[*]})"
        fi
    else
        rm -f "$pth"
    fi
}

# venv_sees_odoo_tree: with an Odoo source tree (--odoo, --get-odoo), .venv imports
# `odoo` from it (a .pth file naming ODOO_ROOT), so pytest-odoo and `python -m odoo`
# find the same Odoo as odoo-bin.
venv_sees_odoo_tree() {
    local site pth
    site=$(cd / && "$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    pth="$site/_microloan_1_odoo_tree.pth"
    if [ -n "$ODOO_BIN" ]; then
        [ "$(cat "$pth" 2>/dev/null)" = "$ODOO_ROOT" ] || printf '%s\n' "$ODOO_ROOT" >"$pth"
    else
        rm -f "$pth"
    fi
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
