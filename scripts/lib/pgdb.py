"""Small PostgreSQL chores for the scripts, through psycopg2 (which Odoo needs anyway).

Connection settings come from the libpq environment (PGHOST, PGPORT, PGUSER, ...).
``pgdb.py clients``   prints how many other client connections the server has.
``pgdb.py drop NAME`` drops database NAME if it exists, closing its connections.
``pgdb.py missing NAME a,b`` prints which of the modules a, b are not installed in
database NAME (all of them when it does not exist), comma separated.
"""

import sys

import psycopg2
from psycopg2 import sql


def query(statement, params=(), dbname="postgres"):
    """Run one statement in autocommit mode; return its rows (or None)."""
    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(statement, params)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def clients():
    rows = query(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    print(rows[0][0])
    return 0


def drop(name):
    query(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )
    return 0


def missing(name, modules):
    wanted = [m for m in modules.split(",") if m]
    installed = set()
    if query("SELECT 1 FROM pg_database WHERE datname = %s", (name,)):
        has_table = query("SELECT to_regclass('ir_module_module')", dbname=name)[0][0]
        if has_table:
            rows = query(
                "SELECT name FROM ir_module_module"
                " WHERE state = 'installed' AND name = ANY(%s)",
                (wanted,),
                dbname=name,
            )
            installed = {row[0] for row in rows}
    print(",".join(m for m in wanted if m not in installed))
    return 0


def main(argv):
    if argv == ["clients"]:
        return clients()
    if len(argv) == 2 and argv[0] == "drop":
        return drop(argv[1])
    if len(argv) == 3 and argv[0] == "missing":
        return missing(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
