from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# The account that acts for the organisations named in an import or a demo load; it cannot log in.
SYSTEM_USERNAME = "system"
# Its name, as records keep it (audit entries store it in Vietnamese) and as pages say it in the reader's language.
SYSTEM_NAME = gettext_noop("Hệ thống")


def person_label(name: str) -> str:
    """A recorded person's name as a page shows it: the system account's in the reader's language, any other as it is
    (a person's name is not translated)."""
    return gettext(SYSTEM_NAME) if name == SYSTEM_NAME else name


class Role(models.TextChoices):
    # The roles' names in a context of their own: «Xem» is also a button, «Phê duyệt» a step, «Thẩm định» an amount.
    VIEWER = "viewer", pgettext_lazy("role", "Xem")
    OFFICER = "officer", _("Cán bộ nghiệp vụ")
    APPRAISER = "appraiser", pgettext_lazy("role", "Thẩm định")
    APPROVER = "approver", pgettext_lazy("role", "Phê duyệt")
    ADMINISTRATOR = "administrator", _("Quản trị")
    FACILITY_REPRESENTATIVE = "facility_representative", _("Đại diện cơ sở")


class User(AbstractUser):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name=_("cơ sở được đại diện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representatives",
        help_text=_("Chỉ dùng cho tài khoản đại diện cơ sở."),
    )
    # Vietnamese first: the user's own choice, never the browser's Accept-Language (see core/language.py).
    language = models.CharField(_("ngôn ngữ"), max_length=8, choices=settings.LANGUAGES, default="vi")

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    @property
    def role_set(self) -> frozenset[str]:
        # Cached on the instance: scope checks ask several times per request.
        cached: frozenset[str] | None = getattr(self, "_role_set", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_set = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    def get_full_name(self) -> str:
        """A Vietnamese name is said family name first: "Nguyễn Văn" (họ, Django's `last_name`) then "Giám" (tên,
        `first_name`); Django's own puts the given name first ("Giám Nguyễn Văn")."""
        if self.username == SYSTEM_USERNAME:
            return person_label(SYSTEM_NAME)
        return f"{self.last_name} {self.first_name}".strip()


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("người dùng"))
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="accounts_user_role_unique")]

    def __str__(self) -> str:
        return str(Role(self.role).label)
