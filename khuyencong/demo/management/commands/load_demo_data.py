from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from khuyencong.accounts.services import system_user
from khuyencong.demo.loading import (
    DEMO_PASSWORD,
    SCENARIOS,
    create_demo_users,
    generate_facilities,
    load_demo_programs,
    load_demo_reports,
    load_scenario,
    load_scenario_projects,
)


class Command(BaseCommand):
    help = (
        "Loads reference data, then the demo: both scenarios' organisations and facilities, "
        "their six-month reports as sent and accepted, generated facilities, demo users."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--facilities", type=int, default=400, help="How many facilities to generate (default 400)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_reference_data", stdout=self.stdout)
        actor = system_user()
        for name in SCENARIOS:
            orgs, facilities = load_scenario(name, actor=actor)
            projects = load_scenario_projects(name, actor=actor)
            self.stdout.write(f"{name}: {orgs} organisations, {facilities} facilities, {projects} đề án added.")
        load_demo_programs(actor=actor)
        reports = load_demo_reports(actor=actor)
        self.stdout.write(f"Periodic reports of the scenarios (sent and accepted): {reports} added.")
        generated = generate_facilities(options["facilities"], actor=actor)
        self.stdout.write(f"Generated facilities: {generated} added.")
        users = create_demo_users()
        self.stdout.write(self.style.SUCCESS(f"Demo users (password {DEMO_PASSWORD}):"))
        for user in users:
            self.stdout.write(f"  {user.username:<18} {user.full_name}")
