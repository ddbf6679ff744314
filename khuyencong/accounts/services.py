"""Writes to an account: its password and its API token. Each is the holder's own (`access.can_manage_own_account`),
atomic and audited; the audit says what happened, never the secret."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write
from khuyencong.core.refusals import Refused, refuse

from . import access
from .models import SYSTEM_NAME, SYSTEM_USERNAME, User

__all__ = ["SYSTEM_USERNAME", "api_token_issue", "api_token_revoke", "password_set", "system_user", "user_language_set"]

# Stable codes of the account's refusals.
NOT_YOUR_ACCOUNT = "not_your_account"


def system_user() -> User:
    """The account that acts for the organisations named in an import or a demo load; it cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": SYSTEM_NAME, "is_superuser": True, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def user_language_set(*, actor: User, language: str) -> User:
    """The language the user reads the system in, kept with the account so that it follows him to any browser."""
    if not access.can_choose_language(actor):
        raise Refused("forbidden", _("Chỉ người dùng đã đăng nhập mới lưu được ngôn ngữ."))
    if language not in dict(settings.LANGUAGES):
        choices = ", ".join(code for code, _ in settings.LANGUAGES)
        raise refuse(
            "language",
            _("Ngôn ngữ «%(code)s» không có; chọn một trong: %(choices)s.")
            % {"code": language[:20], "choices": choices},
            "unknown_language",
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        before = user.language
        if before == language:
            return user
        user.language = language
        user.save(update_fields=["language"])
        audit_entry_write(actor=actor, action=AuditAction.UPDATE, instance=user, before={"language": before},
                          after={"language": language})  # fmt: skip
    actor.language = language
    return user


def _require(actor: User, account: User) -> None:
    if not access.can_manage_own_account(actor, account):
        raise Refused(NOT_YOUR_ACCOUNT, _("Chỉ chính người dùng (hoặc quản trị hệ thống) được đổi mật khẩu và mã API."))


def _token_state(account: User) -> str | None:  # vi-only: an audit record
    token = Token.objects.filter(user=account).first()
    if token is None:
        return None
    return f"Mã cấp lúc {timezone.localtime(token.created):%d/%m/%Y %H:%M}"


@transaction.atomic
def api_token_issue(*, actor: User, account: User) -> str:
    """A new API token for the account; the one it had stops working at once. The key is returned to be shown once;
    the audit records that a token was issued, never the key."""
    _require(actor, account)
    before = _token_state(account)
    Token.objects.filter(user=account).delete()
    token = Token.objects.create(user=account)
    audit_entry_write(
        actor=actor,
        action=AuditAction.CREATE,
        instance=account,
        before={"api_token": before},
        after={"api_token": _token_state(account)},
        note="Cấp mã truy cập API" + (" (mã cũ bị thu hồi)" if before else ""),  # vi-only: an audit record
    )
    return str(token.key)


@transaction.atomic
def api_token_revoke(*, actor: User, account: User) -> bool:
    """Revokes the account's API token; False (and nothing written) when it had none."""
    _require(actor, account)
    before = _token_state(account)
    if before is None:
        return False
    Token.objects.filter(user=account).delete()
    audit_entry_write(
        actor=actor,
        action=AuditAction.DELETE,
        instance=account,
        before={"api_token": before},
        after={"api_token": None},
        note="Thu hồi mã truy cập API",  # vi-only: an audit record
    )
    return True


@transaction.atomic
def password_set(*, actor: User, form: SetPasswordForm[Any], how: str) -> User:
    """Saves a new password from Django's password form (change, or reset by an e-mailed link): the form has checked
    the old password or the link, and the password rules (settings.AUTH_PASSWORD_VALIDATORS)."""
    account = form.user
    _require(actor, account)
    form.save()
    audit_entry_write(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=account,
        before={"password": "mật khẩu cũ"},  # vi-only: an audit record
        after={"password": "mật khẩu mới"},  # vi-only: an audit record
        note=how,
    )
    return account
