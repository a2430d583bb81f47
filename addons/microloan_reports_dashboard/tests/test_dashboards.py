"""The dashboards load, name only fields the analysis views have, and show
each user the dashboards of his role; their figures are the views' (read
with the user's rights)."""

import base64
import json

from odoo.tests import tagged

from odoo.addons.microloan_reports.tests.analytics_common import AnalyticsCommon


@tagged("post_install", "-at_install")
class TestDashboards(AnalyticsCommon):
    def dashboards(self):
        return self.env.ref(
            "microloan_reports_dashboard.spreadsheet_dashboard_head_office"
        ) | self.env.ref("microloan_reports_dashboard.spreadsheet_dashboard_branch")

    def test_the_spreadsheets_name_real_fields(self):
        for dashboard in self.dashboards():
            data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
            self.assertEqual(data["version"], 21)
            self.assertTrue(data["pivots"])
            for pivot in data["pivots"].values():
                Model = self.env[pivot["model"]]
                for measure in pivot["measures"]:
                    self.assertIn(measure["fieldName"], Model._fields)
                for group in pivot["rows"] + pivot["columns"]:
                    self.assertIn(group["fieldName"], Model._fields)
                for matching in pivot["fieldMatching"].values():
                    self.assertIn(matching["chain"], Model._fields)
                # the pivot's own query runs
                Model._read_group(
                    pivot["domain"],
                    [group["fieldName"] for group in pivot["rows"]],
                    [f"{m['fieldName']}:sum" for m in pivot["measures"]],
                )
            charts = [
                figure["data"]
                for sheet in data["sheets"]
                for figure in sheet["figures"]
                if figure["data"]["type"].startswith("odoo_")
            ]
            self.assertTrue(charts)
            for chart in charts:
                Model = self.env[chart["metaData"]["resModel"]]
                self.assertIn(chart["metaData"]["measure"], Model._fields)

    def test_who_sees_which_dashboard(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        head_office, branch = self.dashboards()
        self.assertEqual(
            Dashboard.with_user(self.admin).search(
                [("id", "in", self.dashboards().ids)]
            ),
            head_office | branch,
        )
        self.assertEqual(
            Dashboard.with_user(self.approver).search(
                [("id", "in", self.dashboards().ids)]
            ),
            branch,
        )
        self.assertFalse(
            Dashboard.with_user(self.officer).search(
                [("id", "in", self.dashboards().ids)]
            )
        )

    def test_a_branch_manager_reads_his_branch(self):
        data = (
            self.env.ref("microloan_reports_dashboard.spreadsheet_dashboard_branch")
            .with_user(self.approver)
            .get_readonly_dashboard()
        )
        self.assertIn("snapshot", data)
        rows = (
            self.env["microloan.portfolio.report"]
            .with_user(self.approver)
            ._read_group([("balance", "!=", 0)], [], ["balance:sum"])
        )
        self.assertAlmostEqual(rows[0][0], 139615.12, 2)
