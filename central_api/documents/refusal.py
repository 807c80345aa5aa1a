"""A refusal is a written decision (АПК чл. 21 and 59): who refuses what, on which legal basis,
why, and how it may be appealed. It is numbered, signed and printed at the kiosk like a
certificate; this module writes its text from the decision's facts.
"""

from __future__ import annotations

from .texts import CertificateText, format_date

# The law under which each kind of certificate is issued, named as the basis of a refusal
# unless the clerk names another.
LEGAL_BASES = {
    "permanent-address-certificate": "чл. 106, ал. 1 от Закона за гражданската регистрация",
    "current-address-certificate": "чл. 106, ал. 1 от Закона за гражданската регистрация",
    "marital-status-certificate": "чл. 106, ал. 1 от Закона за гражданската регистрация",
    "heirs-certificate": "чл. 106, ал. 1 от Закона за гражданската регистрация и "
    "чл. 5–10 от Закона за наследството",
    "local-tax-debts-certificate": "чл. 87, ал. 6 от Данъчно-осигурителния процесуален кодекс",
}
PROCEDURE = "чл. 59, ал. 1 от Административнопроцесуалния кодекс"


def default_legal_basis(service_id: str) -> str:
    law = LEGAL_BASES.get(service_id)
    return f"{law} във връзка с {PROCEDURE}" if law else PROCEDURE


def refusal_text(facts: dict) -> CertificateText:
    applicant = facts["applicant"]
    who = applicant["names"]
    if applicant.get("egn"):
        who += f", ЕГН {applicant['egn']}"
    elif applicant.get("lnch"):
        who += f", ЛНЧ {applicant['lnch']}"
    who = who.lstrip(", ")
    if applicant.get("as_typed"):
        who += " (както е посочено в заявлението)"
    appeal = facts["appeal"]
    return CertificateText(
        "ОТКАЗ",
        f"за издаване на „{facts['service']}“",
        [
            f"По заявление {facts['reference']} от {format_date(facts['submitted_on'])}, "
            f"подадено от {who}, в информационния център на {facts['village']}, за издаване на "
            f"„{facts['service']}“,",
            f"на основание {facts['legal_basis']}",
            f"{facts['refused_by']}, {facts['refused_by_title']}, ОТКАЗВА да издаде искания "
            "документ.",
            f"Мотиви: {facts['reasons']}",
            f"Отказът може да бъде обжалван чрез {appeal['through']} пред {appeal['court']} в "
            f"{appeal['days']}-дневен срок от получаването му (чл. 149, ал. 1 и чл. 152, ал. 1 "
            "от Административнопроцесуалния кодекс).",
        ],
    )
