"""Builders that tests share to take a step lawfully under the dossier rules of Circular 36/2013."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong.accounts.models import User
from khuyencong.projects.documents import document_attach
from khuyencong.projects.dossier_rules import AdvanceCondition, DossierStep, advance_rule_for, documents_for
from khuyencong.projects.models import Project
from khuyencong.projects.services import project_record_event

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def lawful_advance(project: Project, actor: User, on: datetime.date) -> None:
    """What Art. 13 asks before an advance of this content: the documents of its dossier, and for an investment the
    progress above the threshold (entered after the fact, as the scenarios' steps are)."""
    standing = list(project.events.standing())
    day = next((e.on for e in standing if e.action == "approved"), on)
    for required in documents_for(project.content.code, DossierStep.ADVANCE, day):
        document_attach(project=project, actor=actor, upload=SimpleUploadedFile("hoa-don.pdf", PDF),
                        title="Hoá đơn đầu tư", kind=required.kind)  # fmt: skip
    rule = advance_rule_for(project.content.code, day)
    if rule is not None and rule.condition == AdvanceCondition.PROGRESS and rule.threshold is not None:
        project_record_event(project=project, actor=actor, action="progress", on=on, percent=rule.threshold + 5,
                             organization=project.implementer, transcribed=True)  # fmt: skip


def contracted_national() -> Project:
    """The first national đề án under contract (the Bắc Kạn scenario's), or under way once a test has reported the
    progress an advance needs (Art. 13): the hostile-input tests of the pages and of the API write on it."""
    project = (
        Project.objects.filter(state__in=("contracted", "in_progress"), plan__funding_source="national")
        .filter(events__action="contract_signed")
        .order_by("code")
        .first()
    )
    assert project is not None
    return project
