from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from khuyencong.facilities.loading import load_trades
from khuyencong.geography.loading import load_geography
from khuyencong.organizations.loading import load_organizations, load_regions
from khuyencong.projects.loading import load_contents, load_support_caps
from khuyencong.reporting.loading import load_duties


class Command(BaseCommand):
    help = (
        "Fills a migrated database with reference data only: administrative units before and after 01/07/2025 "
        "with their lineage, KC regions, the organisations of the KC system, eligible trades, KC contents, "
        "support caps, periodic reporting duties. "
        "Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_geography()
        self.stdout.write(
            f"Geography: {result.created} units created, {result.updated} updated, {result.successions} lineage links."
        )
        load_regions()
        load_organizations()
        load_trades()
        load_contents()
        load_support_caps()
        load_duties()
        self.stdout.write(
            self.style.SUCCESS(
                "Reference data loaded: geography, regions, organisations, trades, KC contents, support caps, "
                "reporting duties."
            )
        )
