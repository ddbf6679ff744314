from __future__ import annotations

from django.conf import settings
from django.db import transaction

from khuyencong.audit.models import AuditAction
from khuyencong.audit.services import audit_entry_write
from khuyencong.core.refusals import Refused, refuse

from . import access
from .models import User

SYSTEM_USERNAME = "system"


def system_user() -> User:
    """The account that acts for the organisations named in an import or a demo load; it cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Hệ thống", "is_superuser": True, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def user_language_set(*, actor: User, language: str) -> User:
    """The language the user reads the system in, kept with the account so that it follows him to any browser."""
    if not access.can_choose_language(actor):
        raise Refused("forbidden", "Chỉ người dùng đã đăng nhập mới lưu được ngôn ngữ.")
    if language not in dict(settings.LANGUAGES):
        choices = ", ".join(code for code, _ in settings.LANGUAGES)
        raise refuse("language", f"Ngôn ngữ «{language[:20]}» không có; chọn một trong: {choices}.", "unknown_language")
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
