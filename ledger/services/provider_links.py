"""Projects linked to their cloud provider: the link itself, from made to undone, and the
state of its last sync (when it ran, why it failed, which failure finance was told of).

Each of the provider's credits is mirrored as one lot keyed `ovh:<service>:<credit id>`;
`provider_sync` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ledger.domain import Actor, Role
from ledger.errors import (
    N_,
    AlreadyExists,
    CurrencyMismatch,
    InvalidInput,
    ProviderError,
    stored,
)
from ledger.orm import Lot, ProviderLink
from ledger.provider import CreditProvider, ProviderCredit
from ledger.services.context import Ledger, find_project
from ledger.services.locks import lock_project

SERVICE_NAME_LENGTH = 100
NOTICED_KINDS = ("credentials", "gone", "unsupported")


@dataclass(frozen=True, slots=True)
class LinkView:
    project_id: str
    service: str
    linked_at: datetime
    synced_at: datetime | None
    failed_at: datetime | None
    failure_kind: str | None
    failure: str | None


def external_key(service: str, credit_id: int) -> str:
    return f"ovh:{service}:{credit_id}"


def service_lots(service: str) -> Any:
    """The condition for the lots mirrored from one provider project, whoever holds them."""
    return Lot.external_key.like(f"ovh:{service}:%")


def link_view(link: ProviderLink) -> LinkView:
    return LinkView(
        link.project_id,
        link.service,
        link.linked_at,
        link.synced_at,
        link.failed_at,
        link.failure_kind,
        link.failure,
    )


def _clean_service(raw: str) -> str:
    service = raw.strip()
    if not service or len(service) > SERVICE_NAME_LENGTH or not service.isalnum():
        raise InvalidInput(
            N_("{text!r} is not an OVHcloud project id"),
            hint=N_("the serviceName, 32 hexadecimal characters, shown in the control panel"),
            text=raw,
        )
    return service


def add_link(
    ledger: Ledger,
    provider: CreditProvider,
    actor: Actor,
    project_ref: str,
    service: str,
) -> list[ProviderCredit]:
    """Tie a ledger project to a provider project, checked readable first; returns the
    credits read while checking, for the first sync."""
    actor.require(Role.ADMIN, "link projects to OVHcloud")
    clean = _clean_service(service)
    provider.check_project(clean)
    credits = provider.list_credits(clean)

    def work(session: Session) -> None:
        project = lock_project(session, project_ref)
        for credit in credits:
            if credit.total.currency != project.currency:
                raise CurrencyMismatch(
                    N_(
                        "OVHcloud counts {service} in {other}, but project {project} counts in {expected}"
                    ),
                    service=clean,
                    other=credit.total.currency,
                    project=project.id,
                    expected=project.currency,
                )
        taken = session.scalars(select(ProviderLink).where(ProviderLink.service == clean)).first()
        if taken is not None and taken.project_id != project.id:
            raise AlreadyExists(
                N_("{service} is already linked to project {project}"),
                service=clean,
                project=taken.project_id,
            )
        holder = session.scalar(
            select(Lot.project_id).where(service_lots(clean), Lot.project_id != project.id).limit(1)
        )
        if holder is not None:
            raise AlreadyExists(
                N_("the credits of {service} are held by project {project}"),
                hint=N_("link {service} to project {project} again"),
                service=clean,
                project=holder,
            )
        link = session.get(ProviderLink, project.id)
        if link is None:
            session.add(
                ProviderLink(
                    project_id=project.id,
                    service=clean,
                    linked_at=ledger.now(),
                    linked_by=actor.user_id,
                )
            )
        elif link.service != clean:
            raise AlreadyExists(
                N_("project {project} is linked to {service}"),
                hint=N_("unlink it first"),
                project=project.id,
                service=link.service,
            )

    ledger.db.run(work)
    return credits


def unlink_project(ledger: Ledger, actor: Actor, project_ref: str) -> str:
    """Undo the link; the lots and entries it brought stay, as history."""
    actor.require(Role.ADMIN, "unlink projects from OVHcloud")

    def work(session: Session) -> str:
        project = lock_project(session, project_ref)
        link = session.get(ProviderLink, project.id)
        if link is None:
            raise InvalidInput(
                N_("project {project} is not linked to OVHcloud"), project=project.id
            )
        session.delete(link)
        return link.service

    return ledger.db.run(work)


def link_of(ledger: Ledger, project_ref: str) -> LinkView | None:
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        link = session.get(ProviderLink, project.id)
        return link_view(link) if link else None


def linked_projects(ledger: Ledger) -> list[LinkView]:
    with ledger.db.read() as session:
        links = session.scalars(select(ProviderLink).order_by(ProviderLink.project_id)).all()
        return [link_view(link) for link in links]


def service_of(session: Session, project_id: str) -> str | None:
    return session.scalar(select(ProviderLink.service).where(ProviderLink.project_id == project_id))


def record_failure(ledger: Ledger, project_id: str, failure: ProviderError) -> None:
    def work(session: Session) -> None:
        link = session.get(ProviderLink, project_id, with_for_update=True)
        if link is None:
            return
        link.failed_at = ledger.now()
        link.failure_kind = failure.kind
        link.failure = stored(failure)

    ledger.db.run(work)


def claim_failure_notice(ledger: Ledger, project_id: str) -> LinkView | None:
    """The failure to tell finance about, once per kind until a sync succeeds: the first
    caller to move `noticed_kind` to the current kind gets it, every other gets None."""

    def work(session: Session) -> LinkView | None:
        claimed = session.execute(
            update(ProviderLink)
            .where(
                ProviderLink.project_id == project_id,
                ProviderLink.failure_kind.in_(NOTICED_KINDS),
                (ProviderLink.noticed_kind.is_(None))
                | (ProviderLink.noticed_kind != ProviderLink.failure_kind),
            )
            .values(noticed_kind=ProviderLink.failure_kind)
            .returning(ProviderLink.project_id)
        ).first()
        if claimed is None:
            return None
        link = session.get(ProviderLink, project_id)
        return link_view(link) if link else None

    return ledger.db.run(work)
