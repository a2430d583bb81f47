"""Files linked to a record through a many2many: they belong to that record.

An attachment uploaded without a record (``res_model``/``res_id`` empty) is
readable by its uploader only; once linked to an application document, a
report or an inspection it takes that record, so that whoever may read the
record reads its files, and nobody else.
"""


def claim(records, field_name):
    """Give the files of ``field_name`` on ``records`` to each record, unless
    they already belong to another record."""
    for record in records:
        # sudo: only the attachments the caller just linked, and only their
        # owner record, are written.
        files = record.sudo()[field_name].filtered(
            lambda a, r=record: not a.res_id and a.res_model in (False, r._name)
        )
        if files:
            files.write({"res_model": record._name, "res_id": record.id})
