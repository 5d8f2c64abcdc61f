"""When two names are one person: the identity key behind separation of duties and quorums.

People read names, so names that read alike are one identity: ``alice`` and ``Alice`` may not make a quorum of
two, and ``bot\u200b``, Cyrillic ``bоt`` or fullwidth ``ｂｏｔ`` may not approve what ``bot`` proposed. The key is the
name with compatibility forms folded (NFKC: fullwidth and other presentation forms), invisible characters removed
(format characters such as zero-width spaces and bidirectional controls, controls, whitespace), case folded, and
letters that look like Latin ones in Cyrillic, Greek and other scripts mapped to them (the common rows of Unicode's
confusables table, UTS #39).
"""

from __future__ import annotations

import functools
import unicodedata

# Letters drawn like Latin ones (Cyrillic, Greek, Latin IPA and small forms), after case folding.
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t",
        "ц": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "ӯ": "y", "ʒ": "3", "з": "3", "ь": "b", "п": "n",
        # Greek
        "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "ζ": "z", "σ": "o",
        # Latin lookalikes and digits read as letters
        "ı": "i", "ɡ": "g", "ɑ": "a", "ʟ": "l", "ɪ": "i", "ʀ": "r", "ꜱ": "s", "ᴏ": "o", "ᴄ": "c", "ᴜ": "u",
        "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "0": "o", "1": "l", "|": "l",
    }
)  # fmt: skip


@functools.lru_cache(maxsize=4096)
def identity_key(name: str) -> str:
    """The key under which ``name`` is one identity (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", name)
    visible = "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "CZ")
    return unicodedata.normalize("NFKC", visible.casefold()).translate(_LOOKALIKES)


def same_identity(a: str, b: str) -> bool:
    """Whether two names are one identity to a person reading them."""
    return identity_key(a) == identity_key(b)
