"""The one way the documented batch-insert paths write their rows (schedules,
charges, accruals, journal items, credit-bureau events): every stored value
given, many rows per query."""

from odoo.tools import SQL

INSERT_CHUNK = 5000


def insert_rows(env, table, columns, rows):
    """Insert ``rows`` (sequences of values in the order of ``columns``) into
    ``table``, ``INSERT_CHUNK`` per query; return their ids, in order."""
    ids = []
    for start in range(0, len(rows), INSERT_CHUNK):
        ids += [
            row[0]
            for row in env.execute_query(
                SQL(
                    "INSERT INTO %s (%s) VALUES %s RETURNING id",
                    SQL.identifier(table),
                    SQL(", ").join(map(SQL.identifier, columns)),
                    SQL(", ").join(
                        SQL("%s", tuple(row))
                        for row in rows[start : start + INSERT_CHUNK]
                    ),
                )
            )
        ]
    return ids
