"""Models a newcomer can find (issue 11): one model per file, and no method
that one class of a model silently takes from another.

A model is composed from named abstract mixins, each in its own file, rather
than from partial classes spread over several files; a method two of its
microloan classes define must chain with ``super()``, or one definition
silently wins over the other (an abstract hook raising
``NotImplementedError`` is meant to be replaced).
"""

import ast
import inspect
import textwrap
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged

MODULE_PREFIX = "microloan_"

# microloan.loan is composed from mixins (issue 11): none of its methods is
# defined twice without super(), and no file holds more than one model. Both
# sets stay empty; nothing may be added.
LOAN_DUPLICATE_METHODS_TO_FIX = set()
LOAN_MULTI_MODEL_FILES_TO_SPLIT = set()


def _is_microloan_class(klass):
    """Whether ``klass`` is a model class defined by a microloan module (and
    not a class the registry builds for a model)."""
    return (vars(klass).get("_module") or "").startswith(MODULE_PREFIX)


def _calls_super(code):
    return "super" in code.co_names or any(
        _calls_super(const) for const in code.co_consts if inspect.iscode(const)
    )


def _is_abstract_hook(func):
    """Whether ``func``'s body (its docstring aside) only raises
    ``NotImplementedError``."""
    node = ast.parse(textwrap.dedent(inspect.getsource(func))).body[0]
    body = [
        stmt
        for stmt in node.body
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
    ]
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    exc = body[0].exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def silent_overrides(registry):
    """The methods a microloan class of a model defines without calling
    ``super()`` over another microloan class's definition of the same model:
    a set of ``(model, method)``, with the classes in ``details``."""
    found = {}
    for model_name in registry:
        mro = registry[model_name].__mro__
        if not any(_is_microloan_class(klass) for klass in mro):
            continue
        definitions = {}
        for klass in mro:
            if "_module" not in vars(klass):
                continue
            for name, value in vars(klass).items():
                if inspect.isfunction(value):
                    # The function itself, under api.model_create_multi's wrapper.
                    func = inspect.unwrap(value)
                    definitions.setdefault(name, []).append((klass, func))
        for name, defs in definitions.items():
            for index, (klass, func) in enumerate(defs):
                if not _is_microloan_class(klass) or _calls_super(func.__code__):
                    continue
                hidden = [
                    other
                    for other, other_func in defs[index + 1 :]
                    if _is_microloan_class(other) and not _is_abstract_hook(other_func)
                ]
                if hidden:
                    found[model_name, name] = (klass, hidden)
    return found


def _describe(klass):
    return f"{klass.__module__}.{klass.__qualname__}"


def models_of_source(source, filename="<source>"):
    """The models the classes of a Python file's ``source`` define, one item
    per model class (its ``_name``, else its ``_inherit``)."""
    models = []
    for node in ast.parse(source, filename).body:
        if not isinstance(node, ast.ClassDef):
            continue
        attrs = {
            target.id: stmt.value
            for stmt in node.body
            if isinstance(stmt, ast.Assign)
            for target in stmt.targets
            if isinstance(target, ast.Name)
        }
        value = attrs.get("_name") or attrs.get("_inherit")
        if value is None:
            continue
        if isinstance(value, ast.List | ast.Tuple) and value.elts:
            value = value.elts[0]
        models.append(value.value if isinstance(value, ast.Constant) else node.name)
    return models


# Made-up model classes for the test of the checks.
class _FakeBase:
    _module = "microloan_x"

    def _hook(self):
        raise NotImplementedError()

    def _compute(self):
        return 1


class _FakeWinner(_FakeBase):
    _module = "microloan_y"

    def _hook(self):
        return 2

    def _compute(self):
        return 3


class _FakeChained(_FakeBase):
    _module = "microloan_y"

    def _compute(self):
        return super()._compute()


@tagged("post_install", "-at_install")
class TestModelLayout(TransactionCase):
    def test_no_method_silently_defined_twice(self):
        found = silent_overrides(self.env.registry)
        known = {("microloan.loan", name) for name in LOAN_DUPLICATE_METHODS_TO_FIX}
        problems = [
            f"{model}.{method}: {_describe(klass)} does not call super() and "
            f"replaces {', '.join(map(_describe, hidden))}"
            for (model, method), (klass, hidden) in sorted(found.items())
            if (model, method) not in known
        ]
        self.assertFalse(problems, "\n".join(problems))
        fixed = sorted(known - set(found))
        self.assertFalse(
            fixed,
            f"Fixed: remove {fixed} from LOAN_DUPLICATE_METHODS_TO_FIX.",
        )

    def test_one_model_per_file(self):
        addons = Path(get_module_path("microloan_base")).parent
        found = {}
        for path in sorted(addons.glob(f"{MODULE_PREFIX}*/models/*.py")):
            models = models_of_source(path.read_text(encoding="utf-8"), str(path))
            if len(models) > 1:
                found[path.relative_to(addons).as_posix()] = models
        problems = [
            f"{path} defines {', '.join(models)}: one model per file"
            for path, models in sorted(found.items())
            if path not in LOAN_MULTI_MODEL_FILES_TO_SPLIT
        ]
        self.assertFalse(problems, "\n".join(problems))
        split = sorted(LOAN_MULTI_MODEL_FILES_TO_SPLIT - set(found))
        self.assertFalse(
            split,
            f"Split: remove {split} from LOAN_MULTI_MODEL_FILES_TO_SPLIT.",
        )

    def test_the_checks_catch_what_they_look_for(self):
        """The checks themselves, on a made-up model and file."""

        found = silent_overrides({"x": _FakeWinner, "y": _FakeChained})
        self.assertEqual(set(found), {("x", "_compute")})

        source = (
            "class A(models.Model):\n"
            '    _inherit = "res.company"\n'
            "class B(models.AbstractModel):\n"
            '    _name = "x.mixin"\n'
            '    _inherit = ["mail.thread"]\n'
            "class C:\n"
            "    pass\n"
        )
        self.assertEqual(models_of_source(source), ["res.company", "x.mixin"])
