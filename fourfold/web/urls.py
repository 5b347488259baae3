from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from fourfold.web.forms.accounts import ThrottledPasswordResetForm
from fourfold.web.views import (
    accounts,
    activity,
    budget,
    calendar,
    consumption,
    coops,
    entries,
    flags,
    governance,
    insights,
    ledger,
    notifications,
    pages,
    production,
    pwa,
    receipts,
    recurring,
    week,
)

app_name = "web"

urlpatterns = [
    path("", pages.home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("account/tokens/", accounts.api_tokens, name="api_tokens"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        accounts.api_token_revoke,
        name="api_token_revoke",
    ),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ThrottledPasswordResetForm,
            success_url=reverse_lazy("web:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("web:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("week/", week.week, name="week"),
    path("coops/", coops.my_coops, name="my_coops"),
    path("coops/new/", coops.coop_found, name="coop_found"),
    path("c/<slug:slug>/", coops.coop_detail, name="coop_detail"),
    path("c/<slug:slug>/members/", coops.coop_members, name="coop_members"),
    path(
        "c/<slug:slug>/members/<str:username>/",
        insights.member_detail,
        name="member_detail",
    ),
    path("c/<slug:slug>/dashboard/", insights.dashboard, name="dashboard"),
    path("c/<slug:slug>/invitations/", coops.invitation_create, name="invitation_create"),
    path("c/<slug:slug>/ledger/", ledger.ledger, name="ledger"),
    path("c/<slug:slug>/ledger/expense/", ledger.expense_record, name="ledger_expense"),
    path("c/<slug:slug>/ledger/pay-in/", ledger.contribution_record, name="ledger_pay_in"),
    path("c/<slug:slug>/ledger/deposit/", ledger.deposit_pay, name="ledger_deposit"),
    path(
        "c/<slug:slug>/ledger/transactions/<int:pk>/confirm/",
        ledger.entry_confirm,
        name="ledger_confirm",
    ),
    path(
        "c/<slug:slug>/ledger/transactions/<int:pk>/decline/",
        ledger.entry_decline,
        name="ledger_decline",
    ),
    path(
        "c/<slug:slug>/ledger/transactions/<int:pk>/reverse/",
        ledger.transaction_reverse,
        name="ledger_reverse",
    ),
    path("c/<slug:slug>/ledger/transactions/<int:pk>/flag/", flags.entry_flag, name="ledger_flag"),
    path("c/<slug:slug>/ledger/transactions/<int:pk>/", entries.entry, name="ledger_entry"),
    path(
        "c/<slug:slug>/ledger/transactions/<int:pk>/receipts/",
        receipts.receipts,
        name="ledger_receipts",
    ),
    path(
        "c/<slug:slug>/ledger/receipts/<int:receipt_id>/",
        receipts.receipt_file,
        name="ledger_receipt",
    ),
    path(
        "c/<slug:slug>/ledger/transactions.csv",
        ledger.transactions_csv,
        name="ledger_transactions_csv",
    ),
    path("c/<slug:slug>/ledger/balances.csv", ledger.balances_csv, name="ledger_balances_csv"),
    path("c/<slug:slug>/ledger/statement/", ledger.statement, name="ledger_statement"),
    path("c/<slug:slug>/ledger/budget/", budget.budget, name="ledger_budget"),
    path("c/<slug:slug>/ledger/recurring/", recurring.recurring_costs, name="ledger_recurring"),
    path(
        "c/<slug:slug>/ledger/recurring/<int:pk>/end/",
        recurring.recurring_end,
        name="ledger_recurring_end",
    ),
    path("c/<slug:slug>/ledger/settle/", ledger.settlement, name="ledger_settle"),
    path(
        "c/<slug:slug>/ledger/settle/record/",
        ledger.settlement_record,
        name="ledger_settle_record",
    ),
    path("c/<slug:slug>/production/", production.production, name="production"),
    path(
        "c/<slug:slug>/production/batches/<int:pk>/",
        production.batch_record,
        name="production_batch",
    ),
    path(
        "c/<slug:slug>/production/batches/<int:pk>/made/",
        production.batch_made,
        name="production_made",
    ),
    path(
        "c/<slug:slug>/production/batches/<int:pk>/missed/",
        production.batch_missed,
        name="production_missed",
    ),
    path("c/<slug:slug>/production/shifts/", production.my_shifts, name="production_shifts"),
    path(
        "c/<slug:slug>/production/shifts/<int:pk>/offer/",
        production.shift_offer,
        name="production_offer",
    ),
    path(
        "c/<slug:slug>/production/calendar/rotate/",
        production.calendar_rotate,
        name="production_calendar_rotate",
    ),
    path(
        "c/<slug:slug>/production/availability/",
        production.availability,
        name="production_availability",
    ),
    path(
        "c/<slug:slug>/production/availability/<int:pk>/remove/",
        production.availability_remove,
        name="production_availability_remove",
    ),
    path("c/<slug:slug>/production/swaps/", production.swap_board, name="production_swaps"),
    path(
        "c/<slug:slug>/production/swaps/<int:pk>/take/",
        production.swap_take,
        name="production_take",
    ),
    path(
        "c/<slug:slug>/production/swaps/<int:pk>/withdraw/",
        production.swap_withdraw,
        name="production_withdraw",
    ),
    # Consumption: shares, reservations, the batch just made, costs, my membership.
    path("c/<slug:slug>/shares/", consumption.shares, name="shares"),
    path("c/<slug:slug>/shares/mine/", consumption.share_set, name="shares_set"),
    path("c/<slug:slug>/shares/mine/pause/", consumption.share_pause, name="shares_pause"),
    path(
        "c/<slug:slug>/shares/batches/<int:pk>/reservation/",
        consumption.reservation_set,
        name="shares_reserve",
    ),
    path("c/<slug:slug>/shares/batch/", consumption.batch_latest, name="shares_batch"),
    path(
        "c/<slug:slug>/shares/batches/<int:pk>/",
        consumption.batch_detail,
        name="shares_batch_detail",
    ),
    path(
        "c/<slug:slug>/shares/batches/<int:pk>/extras/",
        consumption.extras_claim,
        name="shares_extras",
    ),
    path(
        "c/<slug:slug>/shares/batches/<int:pk>/collected/",
        consumption.collected_mark,
        name="shares_collected",
    ),
    path("c/<slug:slug>/shares/costs/", consumption.costs, name="shares_costs"),
    path(
        "c/<slug:slug>/shares/membership/pause/",
        consumption.membership_pause,
        name="membership_pause",
    ),
    path(
        "c/<slug:slug>/shares/membership/resume/",
        consumption.membership_resume,
        name="membership_resume",
    ),
    path(
        "c/<slug:slug>/shares/membership/leave/",
        consumption.membership_leave,
        name="shares_leave",
    ),
    # Governance: proposals and votes, the decision log, the rules (changed only by proposal).
    path("c/<slug:slug>/decisions/", governance.decisions, name="decisions"),
    path("c/<slug:slug>/decisions/log/", governance.decision_log, name="decision_log"),
    path("c/<slug:slug>/decisions/tallies/", governance.open_tallies, name="open_tallies"),
    path("c/<slug:slug>/decisions/fields/", governance.proposal_fields, name="proposal_fields"),
    path("c/<slug:slug>/decisions/<int:pk>/", governance.proposal, name="proposal"),
    path(
        "c/<slug:slug>/decisions/<int:pk>/tally/",
        governance.proposal_tally,
        name="proposal_tally",
    ),
    path(
        "c/<slug:slug>/decisions/<int:pk>/proxy/",
        governance.proxy_grant,
        name="proposal_proxy",
    ),
    path(
        "c/<slug:slug>/decisions/<int:pk>/proxy/revoke/",
        governance.proxy_revoke,
        name="proposal_proxy_revoke",
    ),
    path("c/<slug:slug>/settings/", governance.coop_settings, name="coop_settings"),
    path("c/<slug:slug>/settings/value/", governance.rule_value_fields, name="rule_value_fields"),
    # The old per-co-op reminder choices, linked from e-mails already sent: one choice per
    # kind now, across co-ops, on the notifications page.
    path(
        "c/<slug:slug>/reminders/",
        RedirectView.as_view(url=reverse_lazy("web:notifications"), permanent=True),
    ),
    path("notifications/", notifications.notifications, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path("notifications/push/", notifications.push_subscribe, name="push_subscribe"),
    path("notifications/push/delete/", notifications.push_unsubscribe, name="push_unsubscribe"),
    path("unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
    path("c/<slug:slug>/activity/", activity.activity, name="activity"),
    path("c/<slug:slug>/week/health/", week.week_health, name="week_health"),
    path("invite/<str:code>/", coops.invitation, name="invitation"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
