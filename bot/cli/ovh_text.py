"""What the command line says of OVHcloud: links, syncs and the stand-in it runs on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot import run_outcome
from bot.i18n import Translator
from ledger.services.linked import SyncReport


def sync_line(report: SyncReport, t: Translator, names: Mapping[str, str] | None = None) -> str:
    line = t.say_n(
        "{project} ← {service}: {n} credit, {posted}, {amount} available",
        "{project} ← {service}: {n} credits, {posted}, {amount} available",
        report.credits,
        project=(names or {}).get(report.project, report.project),
        service=report.service,
        posted=run_outcome.figure("entries", report.entries_posted, t),
        amount=t.money(report.available),
    )
    if report.error:
        line += " — " + t.say("failed: {reason}", reason=t.refusal(report.error)[0])
    if report.disappeared:
        line += " — " + t.say(
            "gone at OVHcloud: {credits}",
            credits=", ".join(key.rsplit(":", 1)[1] for key in report.disappeared),
        )
    return line


def synced(reports: Sequence[SyncReport], t: Translator, names: Mapping[str, str]) -> str:
    return "\n".join(sync_line(r, t, names) for r in reports) or t.gettext(
        "no project is linked to OVHcloud"
    )


def linked_to_ovh(report: SyncReport, t: Translator, names: Mapping[str, str]) -> str:
    head = t.say(
        "project {project} linked to OVHcloud {service}",
        project=names.get(report.project, report.project),
        service=report.service,
    )
    return head + "\n" + sync_line(report, t, names)


def unlinked_from_ovh(project: str, service: str, t: Translator) -> str:
    return t.say(
        "project {project} unlinked from OVHcloud {service}; its history stays",
        project=project,
        service=service,
    )


def ovh_standin(service: str, t: Translator) -> str:
    return t.say(
        "OVHcloud stand-in: project {service} (link it with /credit project ovh).",
        service=service,
    )


def ovh_standin_kept(file: str, resumed: bool, t: Translator) -> str:
    if resumed:
        return t.say("OVHcloud stand-in resumed from {file}.", file=file)
    return t.say("OVHcloud stand-in kept in {file}.", file=file)


def ovh_standin_not_kept(reason: str | None, t: Translator) -> str:
    return t.say("OVHcloud stand-in not kept: {reason}", reason=reason)
