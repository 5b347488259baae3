from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from fourfold.web.views import accounts, coops, pages

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
    path("invite/<str:code>/", coops.invitation, name="invitation"),
]
