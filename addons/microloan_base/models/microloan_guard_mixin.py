from odoo import api, models
from odoo.exceptions import AccessError, UserError

from ..tools import inputs


class MicroloanGuardMixin(models.AbstractModel):
    """Fields that only the module's own actions set.

    A model that inherits this mixin refuses, in ``create`` and ``write`` from any
    caller that is not running as superuser, every *guarded* field: the fields the
    model lists in ``_microloan_guarded_fields`` (its state, say) and every field a
    microloan module declares read-only (numbers, approval stamps, balances, engine
    figures, computed fields). The actions check the caller's group, company and the
    record's state, then write these fields through ``sudo()``; a client (the web
    client, XML-RPC, JSON-RPC) cannot reach ``sudo()`` whatever context it sends, so
    a forged ``state`` or stamp is refused however it arrives.

    A value that changes nothing is accepted: on ``create`` an empty value or the
    field's default, on ``write`` the value the records already hold. Models that
    number their records at creation do it in ``_microloan_create_values``, which
    runs after the check.

    Through ``microloan.company.check.mixin`` it also keeps ``_check_company`` from
    naming another branch's records in its error message.
    """

    _name = "microloan.guard.mixin"
    _inherit = ["microloan.company.check.mixin"]
    _description = "Fields Set by the Microloan Actions Only"

    # Fields guarded besides the read-only ones (e.g. "state").
    _microloan_guarded_fields = ()
    # Read-only fields a client may still give (none by default).
    _microloan_client_fields = ()

    @api.model
    def _microloan_guarded_names(self):
        cls = type(self)
        names = cls.__dict__.get("_microloan_guarded_cache")
        if names is None:
            names = set(self._microloan_guarded_fields)
            for name, field in self._fields.items():
                if (
                    field.readonly
                    and not field.automatic
                    and (field._module or "").startswith("microloan")
                ):
                    names.add(name)
            names = frozenset(names - set(self._microloan_client_fields))
            cls._microloan_guarded_cache = names
        return names

    def _microloan_refuse(self, names):
        labels = sorted(
            self._fields[name]._description_string(self.env) for name in names
        )
        raise AccessError(
            self.env._(
                "%(fields)s of %(model)s can only be set by the application's own "
                "actions (its buttons and wizards), not written directly.",
                fields=", ".join(labels),
                model=self._microloan_model_label(),
            )
        )

    @api.model
    def _microloan_check_create(self, vals_list):
        if self.env.su:
            return
        guarded = self._microloan_guarded_names()
        offending = set()
        defaults = None
        for vals in vals_list:
            for name in guarded & vals.keys():
                value = vals[name]
                if not value:
                    continue
                if defaults is None:
                    defaults = self.default_get(list(guarded & vals.keys()))
                if name in defaults and defaults[name] == value:
                    continue
                offending.add(name)
        if offending:
            self._microloan_refuse(offending)
        # Values the ORM would fail to convert: a translated error, not a
        # traceback.
        for vals in vals_list:
            inputs.field_values(self, vals)

    def _microloan_check_write(self, vals):
        if self.env.su:
            return
        offending = set()
        for name in self._microloan_guarded_names() & vals.keys():
            if not self._microloan_holds(name, vals[name]):
                offending.add(name)
        if offending:
            self._microloan_refuse(offending)
        inputs.field_values(self, vals)

    def _microloan_holds(self, name, value):
        """Whether every record of ``self`` already holds ``value`` in ``name``."""
        field = self._fields[name]
        if field.type in ("one2many", "many2many"):
            return False
        for record in self:
            try:
                new = field.convert_to_cache(value, record, validate=False)
                old = field.convert_to_cache(record[name], record, validate=False)
            except (TypeError, ValueError, UserError):
                return False
            if new != old:
                return False
        return True

    @api.model
    def _microloan_create_values(self, vals_list):
        """Hook: complete ``vals_list`` with what the module sets itself at
        creation (numbers), after the guard has checked the caller's values."""

    @api.model_create_multi
    def create(self, vals_list):
        self._microloan_check_create(vals_list)
        self._microloan_create_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._microloan_check_write(vals)
        return super().write(vals)
