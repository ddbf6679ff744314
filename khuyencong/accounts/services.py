from __future__ import annotations

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
