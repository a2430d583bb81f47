/** @odoo-module **/
// The loan's life through the web client, one role at a time (issue 12, item 10):
// the officer enters and submits an application, the approver approves it, finance
// disburses it and registers the first repayment at the amount the wizard proposes.
// Labels are checked in Simplified Chinese.

import {registry} from "@web/core/registry";

function stateIs(state) {
    return {
        content: `The loan is ${state}`,
        trigger: `.o_statusbar_status button[data-value="${state}"][aria-checked="true"]`,
    };
}

registry.category("web_tour.tours").add("microloan_officer_tour", {
    steps: () => [
        {
            content: "New loan application",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the borrower",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit 张三",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu li a:contains('张三')",
            run: "click",
        },
        {
            content: "Choose the product",
            trigger: ".o_field_widget[name=product_id] input",
            run: "edit 经营贷",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu li a:contains('经营贷')",
            run: "click",
        },
        {
            content: "Choose the guarantee",
            trigger: ".o_field_widget[name=guarantee_type_id] input",
            run: "edit 信用",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu li a:contains('信用')",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Submit, labelled in Chinese",
            trigger: "button[name=action_submit]:contains('提交')",
            run: "click",
        },
        stateIs("submitted"),
    ],
});

registry.category("web_tour.tours").add("microloan_approver_tour", {
    steps: () => [
        {
            content: "Approve, labelled in Chinese",
            trigger: "button[name=action_approve]:contains('审批')",
            run: "click",
        },
        stateIs("approved"),
    ],
});

registry.category("web_tour.tours").add("microloan_finance_tour", {
    steps: () => [
        {
            content: "Open the disbursement",
            trigger: "button[name=action_open_disburse_wizard]",
            run: "click",
        },
        {
            content: "The branch's bank journal is proposed",
            trigger: ".modal .o_field_widget[name=journal_id] input",
            run() {
                if (!this.anchor.value) {
                    throw new Error("No bank or cash journal proposed");
                }
            },
        },
        {
            content: "Disburse",
            trigger: ".modal button[name=action_disburse]",
            run: "click",
        },
        stateIs("active"),
        {
            content: "Open the repayment",
            trigger: "button[name=action_open_repay_wizard]:contains('登记还款')",
            run: "click",
        },
        {
            content: "The wizard proposes the next installment and shows the payoff",
            trigger:
                ".modal .o_field_widget[name=payoff_amount]:contains('100,000.00')",
        },
        {
            trigger: ".modal .o_field_widget[name=amount] input",
            run() {
                if (!this.anchor.value.includes("8,884.88")) {
                    throw new Error(`Amount proposed: ${this.anchor.value}`);
                }
            },
        },
        {
            content: "Register it",
            trigger: ".modal button[name=action_repay]",
            run: "click",
        },
        {
            content: "Back on the loan",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
