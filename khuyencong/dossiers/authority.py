"""Who may hold an organisation's signing certificate and who may have a form signed with it."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from khuyencong.accounts import access
from khuyencong.accounts.models import Role, User
from khuyencong.organizations.models import Organization


def can_manage_certificate(user: User | AnonymousUser, organization: Organization | None) -> bool:
    """Only the organisation's own administrator: its private key is the organisation's, so not even the system's
    superuser handles it unless they administer that organisation."""
    return (
        isinstance(user, User)
        and user.is_active
        and organization is not None
        and user.organization_id == organization.pk
        and user.has_role(Role.ADMINISTRATOR)
    )


def can_sign_forms(user: User | AnonymousUser) -> bool:
    """A signed form is a download like any other (the đề án must be in the user's view, which the selector checks);
    the certificate's password, asked at each signing, is what lets the key be used."""
    return access.can_export(user)
