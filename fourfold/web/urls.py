from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from fourfold.web.views import accounts, calendar, coops, ledger, pages

app_name = "web"

urlpatterns = [
    path("", pages.home, name="home"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
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
    path("coops/", coops.my_coops, name="my_coops"),
    path("coops/new/", coops.coop_found, name="coop_found"),
    path("c/<slug:slug>/", coops.coop_detail, name="coop_detail"),
    path("c/<slug:slug>/members/", coops.coop_members, name="coop_members"),
    path("c/<slug:slug>/invitations/", coops.invitation_create, name="invitation_create"),
    path("c/<slug:slug>/ledger/", ledger.ledger, name="ledger"),
    path("c/<slug:slug>/ledger/expense/", ledger.expense_record, name="ledger_expense"),
    path("c/<slug:slug>/ledger/pay-in/", ledger.contribution_record, name="ledger_pay_in"),
    path(
        "c/<slug:slug>/ledger/transactions/<int:pk>/reverse/",
        ledger.transaction_reverse,
        name="ledger_reverse",
    ),
    path(
        "c/<slug:slug>/ledger/transactions.csv",
        ledger.transactions_csv,
        name="ledger_transactions_csv",
    ),
    path("c/<slug:slug>/ledger/balances.csv", ledger.balances_csv, name="ledger_balances_csv"),
    path("c/<slug:slug>/ledger/statement/", ledger.statement, name="ledger_statement"),
    path("c/<slug:slug>/ledger/settle/", ledger.settlement, name="ledger_settle"),
    path(
        "c/<slug:slug>/ledger/settle/record/",
        ledger.settlement_record,
        name="ledger_settle_record",
    ),
    path("invite/<str:code>/", coops.invitation, name="invitation"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
