"""The sentences of `creditbot export purchases|due` and `creditbot due …` for a person
(beside `text`, which holds every other command's)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Translator
from ledger.services import settlements
from ledger.services.settlements import DuePart, SettlementView


def exported(what: str, count: int, file: str, t: Translator) -> str:
    if what == "due":
        return t.say_n(
            "{count} part due written to {file}",
            "{count} parts due written to {file}",
            count,
            count=count,
            file=file,
        )
    return t.say_n(
        "{count} purchase order written to {file}",
        "{count} purchase orders written to {file}",
        count,
        count=count,
        file=file,
    )


def bills_unread(service: str, t: Translator) -> str:
    return t.say(
        "the bills of OVHcloud project {service} could not be read: its rows have none",
        service=service,
    )


def due_parts(parts: Sequence[DuePart], t: Translator, project: str | None = None) -> str:
    """One line a part; none: that nothing is due, in `project` (its name) or anywhere."""
    if not parts and project is not None:
        return t.say("nothing is due by other means for {project}", project=project)
    lines = []
    for part in parts:
        cells = [
            part.ref,
            part.project_name,
            t.moment(part.at),
            t.money(part.amount),
            part.memo or "",
        ]
        if part.settlement is not None:
            cells.append(
                t.say(
                    "settled by {reference} ({settlement})",
                    reference=part.settlement.reference,
                    settlement=part.settlement.ref,
                )
            )
        lines.append("  ".join(cell for cell in cells if cell))
    return "\n".join(lines) or t.gettext("nothing is due by other means")


def settled(done: Sequence[SettlementView], t: Translator) -> str:
    return "\n".join(
        t.say(
            "{part} settled: {amount} paid, reference {reference} ({settlement})",
            part=view.part,
            amount=t.money(view.amount),
            reference=view.reference,
            settlement=view.ref,
        )
        + ("" if not view.repeated else " " + t.gettext("(already recorded)"))
        for view in done
    )


def settlement_voided(view: SettlementView, t: Translator) -> str:
    return t.say(
        "settlement {settlement} of {part} voided: {amount} is due again",
        settlement=settlements.settlement_ref(view.voids_id or 0),
        part=view.part,
        amount=t.money(view.amount),
    )
