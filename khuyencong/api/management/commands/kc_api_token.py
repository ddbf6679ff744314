"""Issues (or shows) the API token of a user, for a government system that connects on that user's behalf."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext, gettext_lazy
from rest_framework.authtoken.models import Token

from khuyencong.accounts.models import User
from khuyencong.accounts.services import api_token_issue, system_user
from khuyencong.core.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # argparse renders the lazy text in the active language
        "In mã truy cập API (token) của một người dùng; --rotate để cấp mã mới và huỷ mã cũ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help=gettext("Huỷ mã cũ, cấp mã mới."))

    def handle(self, *args: Any, username: str, rotate: bool, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                gettext("Không có người dùng đang hoạt động tên «%(username)s».") % {"username": username}
            )
        token = Token.objects.filter(user=user).first()
        if token is not None and not rotate:
            self.stdout.write(token.key)
            return
        # Issued through the account service, as from the user's token page: audited, in the system account's name.
        self.stdout.write(api_token_issue(actor=system_user(), account=user))
