# Shared set-up for ./run and ./test: a Python >= 3.12, the virtualenv, the packages and a
# reachable Postgres with the project's database. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

find_python() {
  local candidates=()
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  local dir
  for dir in $(ls -d "$pyenv_root"/versions/3.* 2>/dev/null | sort -V -r); do
    [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
  done
  candidates+=(python3.14 python3.13 python3.12 python3)
  for py in "${candidates[@]}"; do
    if command -v "$py" >/dev/null 2>&1 &&
      "$py" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$py"; return 0
    fi
  done
  return 1
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    local py
    if ! py="$(find_python)"; then
      echo "No Python 3.12 or newer was found. Install one (e.g. 'apt-get install python3.12'" >&2
      echo "or 'pyenv install 3.13') and run this again." >&2
      exit 1
    fi
    say "Making a virtualenv in .venv with $py"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -e "$stamp" ]; then
    say "Installing the project's packages"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
    "$VENV/bin/python" -m pip install --quiet -e ".[dev]" 2>&1 | grep -v '^WARNING: Location' >&2 || true
    "$VENV/bin/python" -c 'import django, procrastinate, taggit, nh3, playwright' || {
      echo "Installing the project's packages failed; see pip's messages above." >&2; exit 1; }
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

ensure_postgres() {
  export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/newsroom}"
  if ! python "$ROOT/config/dbcheck.py" ping 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      say "Starting the local PostgreSQL server"
      for version in $(ls /etc/postgresql); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
      done
      for _ in $(seq 1 30); do python "$ROOT/config/dbcheck.py" ping 2>/dev/null && break; sleep 1; done
    fi
  fi
  if ! python "$ROOT/config/dbcheck.py" ping; then
    cat >&2 <<MSG

No PostgreSQL server answers at the address in DATABASE_URL ($DATABASE_URL).
Start one (on Debian: 'apt-get install postgresql' then 'pg_ctlcluster 15 main start'),
or point DATABASE_URL at a server you can reach, e.g.
DATABASE_URL=postgres://user:password@db.example.com:5432/newsroom ./run

MSG
    exit 1
  fi
  python "$ROOT/config/dbcheck.py" create
}

# apt-get, waiting (with a message) while another process holds apt's or dpkg's lock: an
# unattended upgrade or another install on the machine. Up to APT_LOCK_WAIT seconds (15 min).
apt_get() {
  local sudo="" waited=0 limit="${APT_LOCK_WAIT:-900}" log
  [ "$(id -u)" = 0 ] || sudo="sudo"
  log="$(mktemp)"
  while true; do
    if $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=60 "$@" >"$log" 2>&1; then
      rm -f "$log"; return 0
    fi
    if ! grep -qiE 'could not get lock|unable to lock|is another process using it' "$log" ||
      [ "$waited" -ge "$limit" ]; then
      cat "$log" >&2; rm -f "$log"; return 1
    fi
    say "Another process holds apt's lock ($(grep -oiE '/var/[a-z/_-]*lock[a-z-]*' "$log" | head -1)); waiting for it (${waited}s of ${limit}s)"
    sleep 10; waited=$((waited + 10))
  done
}

# axe-core and the Nu Html Checker (vnu.jar) for the accessibility tests, from npm into
# var/node (git-ignored); node, npm and Java from Debian when the machine lacks them.
A11Y_PACKAGES="axe-core@4.14.1 vnu-jar@26.9.27"
ensure_a11y_tools() {
  if ! command -v npm >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    say "Installing node, npm and Java (axe-core and the Nu Html Checker)"
    apt_get update -qq
    apt_get install -y -qq nodejs npm default-jre-headless
  fi
  local stamp="$ROOT/var/node/.installed-$(echo "$A11Y_PACKAGES" | sha1sum | cut -c1-12)"
  if [ ! -e "$stamp" ]; then
    say "Installing $A11Y_PACKAGES into var/node"
    mkdir -p "$ROOT/var/node"
    # --ignore-scripts: vnu-jar's optional download of a Java runtime; Debian's is used.
    npm install --prefix "$ROOT/var/node" --no-save --no-package-lock --no-audit --no-fund \
      --ignore-scripts --loglevel=error $A11Y_PACKAGES
    rm -f "$ROOT"/var/node/.installed-*
    touch "$stamp"
  fi
}
