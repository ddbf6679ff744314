from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.services import system_user
from khuyencong.geography.models import LAST_DAY_BEFORE_REFORM, Level
from khuyencong.geography.resolver import PlaceError, resolve_unit
from khuyencong.organizations.models import Organization, OrganizationTerritory
from khuyencong.organizations.selectors import organization_territories
from khuyencong.organizations.services import organization_territory_add, organization_territory_void


def _day(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("Ngày «%(value)s» không đúng dạng YYYY-MM-DD.") % {"value": value}) from error


class Command(BaseCommand):
    help = (
        "Lists, adds or voids a body's dated territories. E.g. that today's KC centre of province 15 (TTKC-15) "
        "continues the centre of the same province before the 2025 reform: kc_org_territory TTKC-15 --province NAME "
        "--until 2025-06-30 --reason '…'. Its projects dated before the reform are then reported under the "
        "pre-reform province."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the body's code (SCT-15, TTKC-15, …)")
        parser.add_argument("--province", help="the territory: a province's name or code, as on the period's dates")
        parser.add_argument("--from", dest="valid_from", help="first day (YYYY-MM-DD); empty: since before our data")
        parser.add_argument("--until", dest="valid_until", help="last day (YYYY-MM-DD); empty: still in force")
        parser.add_argument("--reason", default="", help="why (required to add or void)")
        parser.add_argument("--legal-basis", default="", help="the decision it rests on")
        parser.add_argument("--void", type=int, metavar="ID", help="void the dated territory with this id")
        parser.add_argument("--user", help="the administrator who records it (default: the system administrator)")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(code=options["code"]).first()
        if organization is None:
            raise CommandError(_("Không có tổ chức mã «%(code)s».") % {"code": options["code"]})
        if options["province"] or options["void"]:
            actor = self._actor(options["user"])
            try:
                if options["void"]:
                    self._void(organization, options["void"], actor, options["reason"])
                else:
                    self._add(organization, actor, options)
            except (ValidationError, PermissionDenied) as error:
                raise CommandError(_message(error)) from error
        for row in organization_territories(organization):
            struck = (
                "  "
                + _("[đã huỷ bỏ %(date)s: %(reason)s]")
                % {"date": f"{row.voided_on:%d/%m/%Y}", "reason": row.voided_reason}
                if row.is_voided
                else ""
            )
            self.stdout.write(f"{row.pk}\t{row}{struck}")

    def _actor(self, username: str | None) -> User:
        if not username:
            return system_user()
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(
                _("Không có người dùng «%(username)s» (hoặc tài khoản đã khoá).") % {"username": username}
            )
        return actor

    def _add(self, organization: Organization, actor: User, options: dict[str, Any]) -> None:
        valid_from, valid_until = _day(options["valid_from"]), _day(options["valid_until"])
        # The name as it was on the period's own dates: "Lào Cai" until 30/06/2025 is the pre-reform province.
        on = valid_until or valid_from or LAST_DAY_BEFORE_REFORM
        try:
            territory = resolve_unit(options["province"], on=on, level=Level.PROVINCE)
        except PlaceError as error:
            raise CommandError(str(error)) from error
        row = organization_territory_add(
            actor=actor, organization=organization, territory=territory, valid_from=valid_from,
            valid_until=valid_until, reason=options["reason"], legal_basis=options["legal_basis"],
        )  # fmt: skip
        self.stdout.write(
            self.style.SUCCESS(_("Đã ghi địa bàn %(row)s cho %(name)s.") % {"row": row, "name": organization.name})
        )

    def _void(self, organization: Organization, pk: int, actor: User, reason: str) -> None:
        row = OrganizationTerritory.objects.filter(organization=organization, pk=pk).first()
        if row is None:
            raise CommandError(_("%(name)s không có địa bàn số %(pk)s.") % {"name": organization.name, "pk": pk})
        organization_territory_void(actor=actor, row=row, reason=reason)
        self.stdout.write(
            self.style.SUCCESS(_("Đã huỷ bỏ địa bàn %(row)s của %(name)s.") % {"row": row, "name": organization.name})
        )


def _message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error)
