"""Names of records that have no name field: what a person reads in a
breadcrumb, a tag or a link instead of Odoo's ``microloan.inspection,13``."""


def selection_label(record, field_name):
    """The label of ``record``'s value of a selection field, in the user's
    language ("" when empty)."""
    labels = dict(record._fields[field_name]._description_selection(record.env))
    return labels.get(record[field_name], "")


def joined_name(*parts):
    """A name made of ``parts``, the empty ones left out, joined by " · "."""
    return " · ".join(str(part) for part in parts if part)
