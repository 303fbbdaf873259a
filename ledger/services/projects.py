"""Registering projects and linking them to channels."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import Actor, LinkedChannel, ProjectView, Role
from ledger.errors import N_, AlreadyExists, InvalidInput, ProjectNotFound
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
            N_("{text!r} is not a usable project id"),
            hint=N_("use letters, digits, '-', '_' or '.', up to 64 characters, e.g. prod-eu"),
            text=raw,
        )
    return project_id


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > 200:
        raise InvalidInput(N_("a project needs a name of 1 to 200 characters"))
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
    actor.require(Role.ADMIN, N_("add projects"))
    check_request_id(request)
    clean_id, clean_name = _clean_id(project_id), _clean_name(name)
    code = normalise_currency(currency)
    rate = ledger.config.default_vat_bp if vat_rate_bp is None else vat_rate_bp
    if not 0 <= rate <= 10_000:
        raise InvalidInput(N_("a VAT rate is between 0 and 100 %"))

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
                N_("project {project!r} ({name}) already uses that id or name"),
                hint=N_("pick another id and name"),
                project=clash.id,
                name=clash.name,
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


def link_channel(ledger: Ledger, actor: Actor, project_ref: str, channel_id: str) -> LinkedChannel:
    """Make the project the channel's own; a channel has one project, a project many channels,
    so a channel linked elsewhere leaves its previous project (which the result names)."""
    actor.require(Role.ADMIN, N_("link channels"))
    channel = channel_id.strip().upper()
    if not CHANNEL_ID.fullmatch(channel):
        raise InvalidInput(
            N_("{channel!r} is not a Slack channel id"),
            hint=N_("for example C0123ABCD"),
            channel=channel_id,
        )

    def work(session: Session) -> LinkedChannel:
        project = find_project(session, project_ref)
        link = session.get(ProjectChannel, channel, with_for_update=True)
        previous = link.project_id if link is not None and link.project_id != project.id else None
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
        return LinkedChannel(project_view(session, project), channel, previous)

    return ledger.db.run(work)


def list_projects(ledger: Ledger) -> list[ProjectView]:
    with ledger.db.read() as session:
        return projects_in(session)


def projects_in(session: Session) -> list[ProjectView]:
    """Every project, read within the caller's transaction."""
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
        return channel_project_in(session, channel_id)


def channel_project_in(session: Session, channel_id: str) -> ProjectView | None:
    """The project linked to the channel, read within the caller's transaction."""
    link = session.get(ProjectChannel, channel_id.strip().upper())
    if link is None:
        return None
    project = session.get(Project, link.project_id)
    if project is None:
        raise ProjectNotFound(
            N_("channel {channel} is linked to a missing project"), channel=channel_id
        )
    return project_view(session, project)
