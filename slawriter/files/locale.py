"""The locale one agreement's customer-facing documents are written in: the agreement's own
where it sets one, else the provider's. The agreement, its report and its memo all take it
from here, so a US customer's report reads like its agreement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider

__all__ = ["LETTER_LANGUAGES", "DocumentLocale", "document_locale"]

# Paper that goes with a language when an agreement sets its own (North America uses Letter).
LETTER_LANGUAGES = frozenset({"en_US", "en_CA"})


@dataclass(frozen=True)
class DocumentLocale:
    """The language, currency and paper one agreement's document is written in."""

    language: str
    currency: str
    page_size: Literal["A4", "Letter"]

    @property
    def tag(self) -> str:
        """The BCP 47 language tag HTML and Word expect: 'en-US'."""
        return self.language.replace("_", "-")


def document_locale(agreement: Agreement, provider: Provider) -> DocumentLocale:
    """The agreement's own locale where it sets one, else the provider's. An agreement that
    changes the language but not the paper gets the paper of that language."""
    own = agreement.locale
    language = own.language or provider.locale.language
    page_size = own.page_size
    if page_size is None:
        if own.language and own.language != provider.locale.language:
            page_size = "Letter" if own.language in LETTER_LANGUAGES else "A4"
        else:
            page_size = provider.page_size
    return DocumentLocale(language, own.currency or provider.locale.currency, page_size)
