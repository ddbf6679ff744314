"""The account pages: one's profile, password (changed signed in, or reset by an e-mailed link) and API token."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from . import access, services
from .models import Role, User


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "login_required"
    return user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    roles = [Role(role).label for role in sorted(user.role_set)]
    return render(request, "accounts/profile.html", {"account": user, "roles": roles})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        how = "Đổi mật khẩu khi đã đăng nhập"  # vi-only: an audit record
        services.password_set(actor=_user(self.request), form=form, how=how)
        # The session survives its own password change; the user's other sessions end (their hash no longer matches).
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return HttpResponseRedirect(self.get_success_url())


def _site() -> tuple[str, bool]:
    """The host and scheme links in e-mails point to: settings.SITE_URL, never the request's Host header (which a
    sender of forged requests would choose, to receive the reset link at their own address)."""
    parts = urlsplit(settings.SITE_URL)
    return parts.netloc, parts.scheme == "https"


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an e-mail address and always answers the same page, whether an account has it or not, so that the
    form does not tell who has an account (Django sends only to active accounts with a usable password)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Django's own form_valid, with the link's host taken from the settings.
        domain, use_https = _site()
        form.save(
            domain_override=domain,
            use_https=use_https,
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        # The link proves who the person is: they act on their own account.
        how = "Đặt lại mật khẩu bằng liên kết gửi qua thư điện tử"  # vi-only: an audit record
        services.password_set(actor=form.user, form=form, how=how)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _token_page(request: HttpRequest, user: User, new_key: str | None = None) -> HttpResponse:
    token = Token.objects.filter(user=user).first()
    response = render(
        request,
        "accounts/api_token.html",
        {
            "token": token,
            "new_key": new_key,
            "may_manage": access.can_manage_own_account(user, user),
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )
    if new_key is not None:
        # The key is shown once: no cache, no back button, keeps a copy.
        response["Cache-Control"] = "no-store"
    return response


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    return _token_page(request, _user(request))


@login_required
@require_POST
def api_token_issue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    key = services.api_token_issue(actor=user, account=user)
    return _token_page(request, user, new_key=key)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if services.api_token_revoke(actor=user, account=user):
        messages.success(request, _("Đã thu hồi mã truy cập API: các hệ thống dùng mã này không truy cập được nữa."))
    else:
        messages.info(request, _("Bạn chưa có mã truy cập API nào."))
    return redirect("accounts:api_token")
