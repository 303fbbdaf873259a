"""Registering projects and linking them to channels."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import Actor, ProjectView, Role
from ledger.errors import AlreadyExists, InvalidInput, ProjectNotFound
from ledger.money import normalise_currency
from ledger.orm import Project, ProjectChannel
from ledger.services.context import Ledger, find_project, project_view
from ledger.services.requests import check_request_id, earlier_result, remember

PROJECT_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,30}")


def _clean_id(raw: str) -> str:
    project_id = raw.strip().casefold()
    if not PROJECT_ID.fullmatch(project_id):
        raise InvalidInput(
            f"{raw!r} is not a usable project id",
            hint="use letters, digits, '-', '_' or '.', up to 64 characters, e.g. prod-eu",
        )
    return project_id


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > 200:
        raise InvalidInput("a project needs a name of 1 to 200 characters")
    return name


def add_project(
    ledger: Ledger,
    actor: Actor,
    project_id: str,
    name: str,
    currency: str = "EUR",
    vat_rate_bp: int | None = None,
    *,
    request: str | None = None,
) -> ProjectView:
    """Register a project. The same `request` again answers with that project instead of
    "already exists"."""
    actor.require(Role.ADMIN, "add projects")
    check_request_id(request)
    clean_id, clean_name = _clean_id(project_id), _clean_name(name)
    code = normalise_currency(currency)
    rate = ledger.config.default_vat_bp if vat_rate_bp is None else vat_rate_bp
    if not 0 <= rate <= 10_000:
        raise InvalidInput("a VAT rate is between 0 and 100 %")

    fingerprint = f"{actor.user_id} {clean_id} {clean_name} {code} {rate}"

    def work(session: Session) -> ProjectView:
        if request is not None:
            earlier = earlier_result(session, request, "project", fingerprint)
            if earlier is not None:
                return project_view(session, find_project(session, earlier))
        clash = session.scalars(
            select(Project).where(
                (Project.id == clean_id)
                | (Project.name_key == clean_name.casefold())
                | (Project.id == clean_name.casefold())
                | (Project.name_key == clean_id)
            )
        ).first()
        if clash is not None:
            raise AlreadyExists(
                f"project {clash.id!r} ({clash.name}) already uses that id or name",
                hint="pick another id and name",
            )
        project = Project(
            id=clean_id,
            name=clean_name,
            name_key=clean_name.casefold(),
            currency=code,
            vat_rate_bp=rate,
            created_at=ledger.now(),
            created_by=actor.user_id,
        )
        session.add(project)
        session.flush()
        if request is not None:
            remember(session, request, "project", fingerprint, project.id, project.created_at)
        return project_view(session, project)

    return ledger.db.run(work)


def link_channel(ledger: Ledger, actor: Actor, project_ref: str, channel_id: str) -> ProjectView:
    """Make the project the channel's own; a channel has one project, a project many channels."""
    actor.require(Role.ADMIN, "link channels")
    channel = channel_id.strip().upper()
    if not CHANNEL_ID.fullmatch(channel):
        raise InvalidInput(
            f"{channel_id!r} is not a Slack channel id", hint="for example C0123ABCD"
        )

    def work(session: Session) -> ProjectView:
        project = find_project(session, project_ref)
        link = session.get(ProjectChannel, channel, with_for_update=True)
        if link is None:
            session.add(
                ProjectChannel(
                    channel_id=channel,
                    project_id=project.id,
                    linked_at=ledger.now(),
                    linked_by=actor.user_id,
                )
            )
        elif link.project_id != project.id:
            link.project_id = project.id
            link.linked_at = ledger.now()
            link.linked_by = actor.user_id
        session.flush()
        return project_view(session, project)

    return ledger.db.run(work)


def list_projects(ledger: Ledger) -> list[ProjectView]:
    with ledger.db.read() as session:
        projects = session.scalars(select(Project).order_by(Project.id)).all()
        links = session.execute(
            select(ProjectChannel.project_id, ProjectChannel.channel_id).order_by(
                ProjectChannel.channel_id
            )
        ).all()
    channels: dict[str, list[str]] = {}
    for project_id, channel in links:
        channels.setdefault(project_id, []).append(channel)
    return [
        ProjectView(p.id, p.name, p.currency, p.vat_rate_bp, tuple(channels.get(p.id, ())))
        for p in projects
    ]


def get_project(ledger: Ledger, ref: str) -> ProjectView:
    with ledger.db.read() as session:
        return project_view(session, find_project(session, ref))


def project_of_channel(ledger: Ledger, channel_id: str) -> ProjectView | None:
    with ledger.db.read() as session:
        link = session.get(ProjectChannel, channel_id.strip().upper())
        if link is None:
            return None
        project = session.get(Project, link.project_id)
        if project is None:
            raise ProjectNotFound(f"channel {channel_id} is linked to a missing project")
        return project_view(session, project)
