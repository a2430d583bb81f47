"""Screenshots of every list and form of the microloan menus, and the cells cut.

Logs in to a running Odoo as the demo users, in a language (zh_CN by default), in
headless Chromium at 1440x900, opens each menu of the microloan apps, takes a
screenshot of its list (or of what the menu opens), then of the form of the list's
first record, and reports every cell, column header and form label that the browser
cut with an ellipsis, every list wider than the screen (columns off the right
edge), and, in a language other than English, every text on the screen holding an
English word (labels, data, values of fields). An active loan, an active credit line
and an application are also shown page by page, with the wizards of their buttons
(disbursement, repayment, extension...).

Needs the Playwright Python client (``pip install playwright``) and a Chromium
(Debian ``chromium``; Playwright's own browser download is not used):

    scripts/run --lang zh_CN --http-port 8069 &
    .venv/bin/pip install playwright
    .venv/bin/python tests/ui/screenshots.py --db microloan --out .local/screenshots

The report is printed and written to ``OUT/report.json``; with ``--fail-on-cut`` the
script exits with status 1 when anything was cut.
"""

import argparse
import json
import re
import sys
import time
from pathlib import Path

DEFAULT_USERS = "admin:admin,officer_cd,approver_cd,finance_cd,risk_cd,admin_hq"
# Records whose form is shown page by page, with the wizards of its buttons (the
# buttons named action_open_*_wizard only open a wizard): the first record of
# the model matching the domain that the user can read.
FORMS = (
    ("microloan.loan", [("state", "=", "active"), ("installment_ids", "!=", False)]),
    ("microloan.credit.line", [("state", "=", "active")]),
    ("microloan.application", []),
)
# The apps whose menus are walked: their root menus' xml ids start with these.
APP_PREFIXES = ("microloan_",)

# Cells, headers and labels whose content is wider than their box, with text-overflow
# ellipsis or hidden overflow: what a person sees cut.
CUT_SCRIPT = r"""
(scope) => {
    const root = document.querySelector(scope) || document;
    const cut = (el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1;
    const text = (el) =>
        (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ");
    const out = {cells: [], headers: [], labels: [], wide: []};
    for (const table of root.querySelectorAll(".o_list_renderer")) {
        if (table.offsetParent === null) continue;
        const t = table.querySelector("table");
        if (t && t.getBoundingClientRect().right > window.innerWidth + 1) {
            out.wide.push({
                table_px: Math.round(t.getBoundingClientRect().width),
                right_px: Math.round(t.getBoundingClientRect().right),
                viewport_px: window.innerWidth,
            });
        }
        for (const th of table.querySelectorAll("thead th[data-name]")) {
            const span = th.querySelector(".d-block, span") || th;
            if (cut(span) || cut(th)) {
                out.headers.push({field: th.dataset.name, text: text(th),
                                  px: Math.round(th.getBoundingClientRect().width)});
            }
        }
        for (const td of table.querySelectorAll("tbody td.o_data_cell")) {
            const inner = [td, ...td.querySelectorAll("span, a, div")];
            if (inner.some(cut)) {
                out.cells.push({field: td.getAttribute("name"), text: text(td),
                                px: Math.round(td.getBoundingClientRect().width)});
            }
        }
    }
    // Every text a person reads in the scope (visible text and field values),
    // for the English words left in a Chinese screen.
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    out.texts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        const value = node.textContent.trim().replace(/\s+/g, " ");
        if (!value || !parent || parent.offsetParent === null) continue;
        // Codes (a type's code, a bin's values) are identifiers, not words.
        const skipped = "script, style, [name=code], .o_notebook_headers .d-none";
        if (parent.closest(skipped)) continue;
        if (!seen.has(value)) { seen.add(value); out.texts.push(value); }
    }
    for (const input of root.querySelectorAll("input:not([type=hidden]), textarea")) {
        const value = (input.value || "").trim();
        if (input.closest("[name=code]")) continue;
        if (value && input.offsetParent !== null && !seen.has(value)) {
            seen.add(value); out.texts.push(value);
        }
    }
    const labels = ".o_form_view .o_form_label, .o_form_view .o_td_label label";
    for (const label of root.querySelectorAll(labels)) {
        if (cut(label)) {
            out.labels.push({text: text(label),
                             px: Math.round(label.getBoundingClientRect().width)});
        }
    }
    return out;
}
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="microloan")
    parser.add_argument(
        "--users",
        default=DEFAULT_USERS,
        help="login[:password],... (the password is the login when omitted); "
        f"default {DEFAULT_USERS}",
    )
    parser.add_argument("--lang", default="zh_CN", help="the users' language")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--out", default=".local/screenshots")
    parser.add_argument(
        "--chromium", default="/usr/bin/chromium", help="the browser to drive"
    )
    parser.add_argument(
        "--every-user",
        action="store_true",
        help="screenshot a menu for every user who sees it, not only the first",
    )
    parser.add_argument("--no-forms", action="store_true", help="lists only")
    parser.add_argument(
        "--menu", default="", help="only the menus whose xml id matches this regex"
    )
    parser.add_argument(
        "--timezone",
        default="Asia/Shanghai",
        help="the browser's time zone (Odoo takes it as the user's at his first login)",
    )
    parser.add_argument("--fail-on-cut", action="store_true")
    return parser.parse_args(argv)


def users_of(spec):
    for item in filter(None, (part.strip() for part in spec.split(","))):
        login, _sep, password = item.partition(":")
        yield login, password or login


def slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.-") or "menu"


def rpc(page, model, method, args, kwargs=None):
    return page.evaluate(
        """async ([model, method, args, kwargs]) => {
            // The companies selected in the web client (its cids cookie), as
            // the web client's own calls send them.
            const cids = (document.cookie.match(/(?:^|; )cids=([^;]*)/) || [])[1];
            if (cids) {
                kwargs.context = {
                    ...(kwargs.context || {}),
                    allowed_company_ids: decodeURIComponent(cids)
                        .split(/[-,]/).map(Number),
                };
            }
            const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
                method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({jsonrpc: "2.0", method: "call", params: {
                    model, method, args, kwargs}}),
            });
            const data = await response.json();
            if (data.error) throw new Error(JSON.stringify(data.error.data.message));
            return data.result;
        }""",
        [model, method, args, kwargs or {}],
    )


def login(page, args, user, password):
    page.goto(f"{args.url}/web/login?db={args.db}")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector(".o_web_client, .o_main_navbar", timeout=60000)
    info = page.evaluate(
        """async () => {
            const r = await fetch("/web/session/get_session_info", {method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({jsonrpc: "2.0", method: "call", params: {}})});
            return (await r.json()).result;
        }"""
    )
    uid = info["uid"]
    lang = info["user_context"].get("lang")
    if args.lang and lang != args.lang:
        # A user may change their own language (Odoo's preferences do the same).
        rpc(page, "res.users", "write", [[uid], {"lang": args.lang}])
        print(f"  {user}: language {lang} -> {args.lang}")
        page.goto(f"{args.url}/odoo")
        page.wait_for_selector(".o_main_navbar", timeout=60000)
    return uid


def microloan_menus(page, args):
    """The menus of the microloan apps that open an action, with their path."""
    menus = page.evaluate(
        "async () => (await fetch(`/web/webclient/load_menus/${Date.now()}`)).json()"
    )
    by_id = {str(key): menu for key, menu in menus.items()}
    found = []

    def walk(menu, path):
        path = [*path, menu["name"]]
        if menu.get("actionID") and menu["id"] != menu.get("appID"):
            found.append((menu, " / ".join(path)))
        for child in menu["children"]:
            walk(by_id[str(child)], path)

    for app_id in by_id["root"]["children"]:
        app = by_id[str(app_id)]
        if app["xmlid"].split(".")[0].startswith(APP_PREFIXES):
            walk(app, [])
    pattern = re.compile(args.menu) if args.menu else None
    return [
        (menu, path)
        for menu, path in found
        if not pattern or pattern.search(menu["xmlid"])
    ]


def settle(page):
    """Waits for the web client to stop loading."""
    # Not "networkidle": the web client's bus keeps a request open.
    page.wait_for_load_state("load", timeout=60000)
    try:
        page.wait_for_selector(
            ".o_action_manager .o_view_controller, .modal-dialog, .o_action",
            timeout=30000,
        )
        page.wait_for_function(
            "() => !document.querySelector('.o_loading_indicator, .o_blockUI')",
            timeout=30000,
        )
    except Exception:  # noqa: BLE001 - a screen that never settles shows in its shot
        pass
    time.sleep(0.8)


# A word of English: a Latin word of three letters or more with a lower-case
# letter (so not a code such as CD-TX, CNY or LPR), outside e-mail addresses,
# logins, URLs and file names.
ENGLISH_WORD = re.compile(r"(?<![\w@./-])[A-Za-z][a-z]{2,}(?![\w@/-])")
# Names that stay Latin in a Chinese screen: brands, formats and the demo's logins.
# File formats (an attachment's extension) are not words either.
NOT_ENGLISH = {
    "Odoo",
    "Excel",
    "Chromium",
    "admin",
    "Administrator",
    "Tab",
    "Enter",
} | {"pdf", "png", "jpg", "jpeg", "xlsx", "xls", "csv", "docx", "zip", "txt"}


def english_words(text):
    """The English words of a text a person reads (see ``ENGLISH_WORD``)."""
    if "@" in text or "://" in text:
        return []
    return [word for word in ENGLISH_WORD.findall(text) if word not in NOT_ENGLISH]


def measure(page, scope):
    found = page.evaluate(CUT_SCRIPT, scope)
    found["english"] = [text[:80] for text in found.pop("texts") if english_words(text)]
    return found


def shoot(page, out, name, scope, report, where):
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    cut = measure(page, scope)
    entry = {"screen": where, "file": path.name, **cut}
    report.append(entry)
    for kind in ("wide", "headers", "cells", "labels"):
        for item in cut[kind]:
            print(f"    CUT {kind[:-1]}: {json.dumps(item, ensure_ascii=False)}")
    if report_english(page):
        for text in cut["english"]:
            print(f"    ENGLISH: {text}")
    return entry


def report_english(page):
    """Whether the screen is meant to be in a language other than English."""
    return not page.evaluate("() => document.documentElement.lang || ''").startswith(
        "en"
    )


def visit(page, args, out, menu, path, user, report):
    name = slug(f"{user}-{menu['xmlid'] or menu['id']}")
    page.goto(f"{args.url}/odoo/action-{menu['actionID']}")
    settle(page)
    if page.query_selector(".o_switch_view.o_list") and not page.query_selector(
        ".o_list_view"
    ):
        page.click(".o_switch_view.o_list")
        settle(page)
    dialog = page.query_selector(".modal-dialog")
    scope = ".modal-dialog" if dialog else ".o_action_manager"
    kind = "dialog" if dialog else "list" if page.query_selector(".o_list_view") else ""
    print(f"  {path} [{kind or 'other'}]")
    shoot(page, out, f"{name}-{kind or 'view'}", scope, report, f"{user}: {path}")
    if args.no_forms or kind != "list":
        return
    row = page.query_selector(".o_list_view tbody tr.o_data_row td.o_data_cell")
    if not row:
        return
    row.click()
    try:
        page.wait_for_selector(".o_form_view", timeout=20000)
    except Exception:  # noqa: BLE001 - an editable list edits in place
        return
    settle(page)
    shoot(
        page, out, f"{name}-form", ".o_action_manager", report, f"{user}: {path} (form)"
    )


def visit_form(page, args, out, model, domain, user, report):
    """A record's form, each page of its notebook, and the wizard of each of
    its buttons that opens one."""
    ids = rpc(page, model, "search", [domain], {"limit": 1})
    if not ids:
        return
    name = slug(f"{user}-{model}")
    page.goto(f"{args.url}/odoo/{model}/{ids[0]}")
    settle(page)
    tabs = page.query_selector_all(".o_form_view .o_notebook_headers .nav-link")
    for index in range(len(tabs)):
        tab = page.query_selector_all(".o_form_view .o_notebook_headers .nav-link")[
            index
        ]
        label = tab.inner_text().strip()
        tab.click()
        settle(page)
        # The page, not the top of the form: the notebook at the top of the screen.
        page.eval_on_selector(".o_form_view .o_notebook", "el => el.scrollIntoView()")
        print(f"  {model} {ids[0]}, page {label}")
        where = f"{user}: {model} {ids[0]} ({label})"
        shoot(page, out, f"{name}-page{index}", ".o_action_manager", report, where)
    selector = ".o_statusbar_buttons button[name^=action_open_][name$=_wizard]"
    buttons = [
        button.get_attribute("name") for button in page.query_selector_all(selector)
    ]
    for button in buttons:
        page.click(f".o_statusbar_buttons button[name={button}]")
        try:
            page.wait_for_selector(".modal-dialog", timeout=20000)
        except Exception:  # noqa: BLE001 - a button that opens no dialog
            continue
        settle(page)
        print(f"  {model} {ids[0]}, {button}")
        where = f"{user}: {model} {ids[0]} ({button})"
        shoot(page, out, f"{name}-{button}", ".modal-dialog", report, where)
        page.keyboard.press("Escape")
        page.wait_for_selector(".modal-dialog", state="detached", timeout=20000)


def main(argv=None):
    args = parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("tests/ui/screenshots.py needs Playwright: pip install playwright")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report, seen = [], set()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--no-sandbox"]
        )
        for user, password in users_of(args.users):
            context = browser.new_context(
                viewport={"width": args.width, "height": args.height},
                locale=args.lang.replace("_", "-"),
                # Odoo gives a user the browser's time zone at his first login.
                timezone_id=args.timezone,
            )
            page = context.new_page()
            print(f"{user}:")
            login(page, args, user, password)
            for model, domain in () if args.no_forms else FORMS:
                if not args.every_user and model in seen:
                    continue
                seen.add(model)
                try:
                    visit_form(page, args, out, model, domain, user, report)
                except Exception as error:  # noqa: BLE001 - report and go on
                    print(f"    ERROR {type(error).__name__}: {error}")
                    report.append({"screen": f"{user}: {model}", "error": str(error)})
            for menu, path in microloan_menus(page, args):
                if not args.every_user and menu["actionID"] in seen:
                    continue
                seen.add(menu["actionID"])
                try:
                    visit(page, args, out, menu, path, user, report)
                except Exception as error:  # noqa: BLE001 - report and go on
                    print(f"    ERROR {type(error).__name__}: {error}")
                    report.append({"screen": f"{user}: {path}", "error": str(error)})
            context.close()
        browser.close()
    (out / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    counts = {
        kind: sum(len(entry.get(kind, ())) for entry in report)
        for kind in ("wide", "headers", "cells", "labels", "english")
    }
    errors = sum(1 for entry in report if "error" in entry)
    print(
        f"{len(report)} screens in {out}: {counts['wide']} lists wider than "
        f"{args.width} px, {counts['headers']} headers, {counts['cells']} cells and "
        f"{counts['labels']} form labels cut, {counts['english']} texts with English "
        f"words, {errors} errors"
    )
    if args.fail_on_cut and (any(counts.values()) or errors):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
