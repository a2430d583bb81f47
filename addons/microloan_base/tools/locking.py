"""Row locks taken before money moves, with a clear message when the row is busy.

Odoo runs each request in a REPEATABLE READ transaction and retries it, with a
growing random pause, when PostgreSQL reports a serialization failure or a lock it
could not get. Two postings on one loan are made one after the other by locking
the loan's row (``SELECT ... FOR UPDATE``): the second waits at most
``LOCK_TIMEOUT_MS``; if the first changed the row meanwhile, the second's snapshot
is stale and PostgreSQL refuses it. The first ``LOCK_TRIES - 1`` times this happens
on one cursor (a request keeps its cursor when Odoo retries it) the error goes back
to Odoo, which retries the request with a fresh snapshot; the next time the caller
gets a translated "being updated, try again" ``UserError`` instead of a raw
database error, so a request never ends on a raw serialization failure. Nothing
is written before the lock, so a refused posting changes nothing; a retry with the
same reference is safe.
"""

import weakref

from psycopg2 import errors

from odoo.exceptions import UserError
from odoo.tools import SQL

LOCK_TIMEOUT_MS = 2000
LOCK_TRIES = 3
BUSY_ERRORS = (errors.LockNotAvailable, errors.SerializationFailure)
# Busy failures met per cursor and rows: Odoo retries a request on the same cursor.
_busy_tries = weakref.WeakKeyDictionary()


def lock_rows(records, busy_message):
    """Lock the rows of ``records`` until the end of the transaction, or raise
    ``UserError(busy_message)`` (see the module's docstring)."""
    if not records.ids:
        return
    cr = records.env.cr
    key = (records._table, tuple(sorted(records.ids)))
    try:
        with cr.savepoint(flush=False):
            # The wait is bounded here only; the transaction's own setting is
            # given back once the rows are locked.
            cr.execute(
                SQL(
                    "SELECT current_setting('lock_timeout'), "
                    "set_config('lock_timeout', %s, true)",
                    f"{LOCK_TIMEOUT_MS}ms",
                )
            )
            previous = cr.fetchone()[0]
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                    SQL.identifier(records._table),
                    tuple(records.ids),
                )
            )
        cr.execute(SQL("SELECT set_config('lock_timeout', %s, true)", previous))
    except BUSY_ERRORS as error:
        tries = _busy_tries.setdefault(cr, {})
        tries[key] = tries.get(key, 0) + 1
        if tries[key] < LOCK_TRIES:
            raise  # Odoo retries the request with a fresh snapshot
        del tries[key]
        raise UserError(busy_message) from error
    else:
        _busy_tries.get(cr, {}).pop(key, None)
