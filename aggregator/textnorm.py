"""Cleaning and folding of typed Vietnamese text. Pure functions, no I/O.

- ``clean_text`` undoes what copy-paste and spreadsheets do to text: NFD from macOS, zero-width
  characters, NBSP, stray control characters, UTF-8 that was read as Windows-1252.
- ``strip_notes`` drops what agencies append to their name ("(đã gửi)", "- ĐÃ BÁO CÁO", "✔").
- ``traditional_tones`` puts tone marks where official documents put them (hòa, khỏe, thủy, Ủy).
- ``fold`` is the accent-, case- and punctuation-free key names are compared on; it also undoes
  raw Telex/VNI keystrokes left in the text when the input method was switched off.
- ``fold_word``, ``tone_key`` and ``is_syllable`` are the per-word pieces the matcher reuses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Sequence
from functools import lru_cache

# Format characters that render as nothing (zero-width space/joiners, word joiner, BOM, soft
# hyphen, bidi controls): pasted from web pages and Word, they split words invisibly.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
# Icelandic eth and African D look exactly like the Vietnamese Đ and come from wrong keyboards.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u0189": "\u0110", "\u00f0": "\u0111", "\u0256": "\u0111"})

# Windows-1252 has printable characters where Latin-1 has C1 controls; Excel uses either.
_CP1252_BYTE = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
# A UTF-8 lead byte (Â..ô) followed by a continuation byte, both seen through cp1252/latin-1.
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf" + re.escape("".join(_CP1252_BYTE)) + "]")
# Characters ``clean_text`` removes or replaces (besides mojibake and the Unicode form): controls, any
# whitespace but the space, invisible characters, look-alike letters. Newlines are for joined texts.
_ODD_CHARS = ("\x00-\x09\x0b-\x1f\x7f-\xa0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f"
              "\u205f-\u206f\u3000\ufeff\u00d0\u0189\u00f0\u0256")
_ODD = re.compile(f"[\n{_ODD_CHARS}]|{_MOJIBAKE_HINT.pattern}")
# Text ``clean_text`` gives back unchanged, told by one regex: words of printable ASCII and precomposed
# Vietnamese letters (NFC as they are; none of them is a control, invisible or look-alike character, nor a
# byte of mojibake), separated by single spaces. Anything else goes through ``clean_text``.
CLEAN_CHARS = "!-~ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9"
ALREADY_CLEAN = re.compile(f"[{CLEAN_CHARS}]+(?: [{CLEAN_CHARS}]+)*")
# Words are repaired one by one. An NBSP right after a byte-like character is part of the
# mojibake ("Ã" + NBSP is "à"); anywhere else it separates words.
_TOKEN_GAPS = re.compile(r"([ \t\r\n]+|(?<![\u0080-\u00f4" + re.escape("".join(_CP1252_BYTE)) + r"])\u00a0)")

_TONE_DIGIT = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_TONES = "".join(_TONE_DIGIT)
# New-style mark on the last vowel of a closing oa/oe/uy ("hoà", "thuỷ"); never after q ("quý").
_NEW_STYLE = re.compile(
    rf"(?<![qQ])(?P<glide>[oO](?=[aAeE])|[uU](?=[yY]))(?P<vowel>.)(?P<tone>[{_TONES}])(?![\w\u0300-\u036f])"
)
_MARKS = re.compile("[\u0300-\u036f]")
_NON_WORD = re.compile(r"[\W_]+")

# Every Vietnamese rime with its diacritics removed; with the initials below they describe the
# syllables the language allows, so "hai" is a syllable and "hair" (Telex for "hải") is not.
# "oong"/"ooc" (xoong, moóc) are left out: in names "noong", "coong" are Telex for nông, công.
_RIMES = (
    "a|ac|ach|ai|am|an|ang|anh|ao|ap|at|au|ay|e|ec|ech|em|en|eng|enh|eo|ep|et|eu|i|ia|ich|iec|iem|"
    "ien|ieng|iep|iet|ieu|im|in|inh|ip|it|iu|o|oa|oac|oach|oai|oam|oan|oang|oanh|oao|oap|oat|oay|oc|"
    "oe|oem|oen|oeo|oet|oi|om|on|ong|op|ot|u|ua|uan|uang|uanh|uat|uay|uc|ue|uech|uen|uenh|uet|ui|um|"
    "un|ung|uo|uoc|uoi|uom|uon|uong|uop|uot|uou|up|ut|uu|uy|uya|uych|uyen|uyet|uynh|uyt|uyu|y|yem|"
    "yen|yet|yeu"
)
_SYLLABLE = re.compile(f"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?(?:{_RIMES})")
_VNI = re.compile(r"[a-z]+(?:[1-9]+[a-z]+)+[1-9]*")  # "vi4nh", "phu7o7ng2": digits inside a word
_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|\d+")
_TELEX_TONE_KEYS = "sfrxj"
_TELEX_DOUBLE = re.compile(r"([aeod])\1")
_TELEX_BREVE_HORN = re.compile(r"(?<=[aou])w")
_TELEX_HORN = re.compile(r"(?<![a-z])w|(?<=[^aeiouy])w")
_TELEX_KEYS = re.compile("dd|aa|ee|oo|aw|ow|uw|w")
_TELEX_LETTER = {"dd": "đ", "aa": "â", "ee": "ê", "oo": "ô", "aw": "ă", "ow": "ơ", "uw": "ư", "w": "ư"}
_TELEX_TONE_MARKS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONE_MARKS = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_VNI_LETTERS = {("a", "6"): "â", ("e", "6"): "ê", ("o", "6"): "ô", ("o", "7"): "ơ", ("u", "7"): "ư", ("a", "8"): "ă",
                ("d", "9"): "đ"}
_HORN_PAIR = re.compile("(?:u[ơư]|ư[oơ])(?=[a-zđ])")
_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
# What agencies append to their name, matched on accent-free text: "(đã gửi)", "- ĐÃ BÁO CÁO",
# "báo cáo lần 2", "✔". Words that could be part of a name ("sửa", "xong", "lần 2") only count
# after a dash or inside brackets.
_VERB = r"(?:bao\s*cao|gui|nop|cap\s*nhat|bo\s*sung|sua|xong|hoan\s*thanh|duyet|nhap)"
_STRONG = rf"\b(?:(?:da|chua)\s+{_VERB}|bao\s+cao|gui|nop)\b[^()\[\]]*"
_WEAK = (
    r"\b(?:cap\s+nhat|bo\s+sung|sua|dieu\s+chinh|hoan\s+thanh|xong|ok|lan\s+(?:thu\s+)?\d+|moi\s+nhat)"
    r"\b[^()\[\]]*"
)
# Every note above holds one of these words (folded; glued verbs only after "đã", "chưa"): looked for first.
NOTE_WORD = re.compile(r"\b(?:bao|gui|nop|cap|bo|sua|xong|hoan|da|chua|dieu|ok|lan|moi)\b")
_NOTE_AT_END = re.compile(
    rf"(?:\s*[(\[]\s*(?:{_STRONG}|{_WEAK})[)\]]?|\s*(?:[-–—:|,;]\s*)?{_STRONG}|\s*[-–—:|,;]\s*{_WEAK}"
    r"|[^\w()\[\]]+)$"
)


def _as_bytes(token: str) -> bytes | None:
    """The bytes a cp1252/latin-1 reader turned into ``token``; None when it cannot be that."""
    out = bytearray()
    for char in token:
        code = ord(char)
        if code < 0x100:
            out.append(code)
        elif char in _CP1252_BYTE:
            out.append(_CP1252_BYTE[char])
        else:
            return None
    return bytes(out)


def _plausible(text: str) -> bool:
    """Repaired text must be Latin letters, digits, punctuation or symbols, not Cyrillic or CJK."""
    return all(
        char.isascii() or unicodedata.category(char)[0] in "PSNZ" or unicodedata.name(char, "").startswith("LATIN")
        for char in text
    )


def _repair_token(token: str) -> str:
    if not _MOJIBAKE_HINT.search(token):
        return token
    raw = _as_bytes(token)
    if raw is None:
        return token
    try:
        fixed = raw.decode("utf-8")  # strict: re-encoding gives the same bytes back (round trip)
    except UnicodeDecodeError:
        return token
    return fixed if _plausible(fixed) else token


def _repair_parts(text: str, lost_nbsp: bool) -> str | None:
    """Repair word by word; None unless some word is evidently mojibake."""
    parts = _TOKEN_GAPS.split(text)
    fixed = [_repair_token(part) for part in parts]
    evident = any(
        new != old and (not lost_nbsp or _MOJIBAKE_HINT.search(old.replace("Ã\u00a0", "")))
        for new, old in zip(fixed, parts, strict=True)
    )
    return "".join(fixed) if evident else None


def _repair_mojibake(text: str) -> str:
    """Decode UTF-8 that was read as Windows-1252/Latin-1, word by word, only where it decodes."""
    if not _MOJIBAKE_HINT.search(text):
        return text
    if "Ã " in text:
        # "à" is C3 A0 = "Ã" + NBSP, and the NBSP often arrives as a plain space. Put it back only
        # when another word proves the text is mojibake ("XÃ VINH" alone is a real name).
        repaired = _repair_parts(text.replace("Ã ", "Ã\u00a0"), lost_nbsp=True)
        if repaired is not None:
            return repaired
    return _repair_parts(text, lost_nbsp=False) or text


def clean_text(text: str | None) -> str:
    """NFC text with invisible and control characters removed and whitespace collapsed.

    >>> clean_text("  UBND\\u00a0PhÆ°á»›c  Long\\u200b ")
    'UBND Phước Long'
    """
    if not text:
        return ""
    text = str(text)
    if (not _ODD.search(text) and "  " not in text and text[0] != " " and text[-1] != " "
            and unicodedata.is_normalized("NFC", text)):
        return text  # already clean, the common case
    text = _repair_mojibake(_repair_mojibake(text))  # twice: double-encoded text exists
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    return _SPACES.sub(" ", text).strip()


def is_empty_cell(cell: object) -> bool:
    """A cell with nothing in it: none, NaN, or text that is only spaces and invisible characters.

    >>> [is_empty_cell(c) for c in (None, float("nan"), " \u200b", "0", 0, False)]
    [True, True, True, False, False, False]
    """
    return cell is None or (isinstance(cell, str) and not clean_text(cell)) or (
        isinstance(cell, float) and cell != cell)  # NaN is the only value unequal to itself


def traditional_tones(text: str) -> str:
    """Move new-style tone marks to the traditional place used in official names.

    >>> traditional_tones("Uỷ ban phường Vĩnh Hoà, khoẻ, hoàn, quý")
    'Ủy ban phường Vĩnh Hòa, khỏe, hoàn, quý'
    """
    decomposed = unicodedata.normalize("NFD", text)
    moved = _NEW_STYLE.sub(lambda m: m["glide"] + m["tone"] + m["vowel"], decomposed)
    return unicodedata.normalize("NFC", moved)


# NFC text with a toned vowel after the o of oa/oe or the u of uy at a word's end: where new-style marks sit
_NEW_STYLE_HINT = re.compile(r"(?<![qQ])(?:[oO][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?!\w)")


def traditional(text: str) -> str:
    """``traditional_tones`` for NFC text, at the cost of one search when there is nothing to move (most text).

    >>> traditional("Phú Hoà"), traditional("Khánh Hòa")
    ('Phú Hòa', 'Khánh Hòa')
    """
    return traditional_tones(text) if _NEW_STYLE_HINT.search(text) else text


def strip_marks(text: str) -> str:
    """Remove every diacritic; đ becomes d."""
    bare = _MARKS.sub("", unicodedata.normalize("NFD", text))
    return bare.replace("đ", "d").replace("Đ", "D")


class _BaseChars(dict[int, str]):
    """A ``str.translate`` table from a character to its accent-free lower-case base, filled as met."""

    def __missing__(self, code: int) -> str:
        base = strip_marks(chr(code)).lower()
        base = self[code] = base if len(base) == 1 else "x"  # a letter of its own: only the length matters
        return base


_BASE_CHARS = _BaseChars()


def base_chars(text: str) -> str:
    """Each character as its accent-free lower-case base, one for one ("x" for a letter of its own): the
    text keeps its length, so positions in it are positions in ``text``.

    >>> base_chars("Tổng Đ")
    'tong d'
    """
    return text.translate(_BASE_CHARS)


def strip_notes(text: str) -> str:
    """Drop trailing notes from a clean name: "Phòng Y tế (đã gửi) ✔" → "Phòng Y tế"."""
    folded = base_chars(text)  # same length as text, so match offsets carry over
    if folded[-1:].isalnum() and not NOTE_WORD.search(folded):
        return text  # no word any note is made of, and no mark at the end: the common case
    while (found := _NOTE_AT_END.search(folded)) and found.start() > 0:
        text, folded = text[: found.start()].rstrip(), folded[: found.start()].rstrip()
    return text


def is_syllable(word: str) -> bool:
    """Whether an accent-free lower-case word can be one Vietnamese syllable."""
    return _SYLLABLE.fullmatch(word) is not None


def _telex_candidates(word: str) -> list[str]:
    """The word without one tone key: the last letter first, where Telex users type it."""
    cuts = [word[:-1]] if word[-1] in _TELEX_TONE_KEYS else []
    for i in range(1, len(word) - 1):
        if word[i] in _TELEX_TONE_KEYS and any(v in word[:i] for v in "aeiouy"):
            cuts.append(word[:i] + word[i + 1 :])
    return [word, *cuts]


def _telex_plain(cut: str) -> str:
    plain = _TELEX_HORN.sub("u", _TELEX_BREVE_HORN.sub("", cut))  # aw ă, ow ơ, uw/w ư
    return _TELEX_DOUBLE.sub(r"\1", plain)  # aa â, ee ê, oo ô, dd đ


def _untelex(word: str, accept: Callable[[str], bool] = is_syllable) -> tuple[str, str] | None:
    """The keystrokes of a raw Telex word without its tone key, and that key ("" for none): the first reading
    whose letters without marks ``accept`` takes (a Vietnamese syllable)."""
    for cut in _telex_candidates(word):
        if accept(_telex_plain(cut)):
            tone = "" if cut == word else next(a for a, b in zip(word, cut + " ", strict=False) if a != b)
            return cut, tone
    return None


def _telex_letters(cut: str) -> str:
    """Keystrokes without a tone key as letters: "dduwowng" → "đương"."""
    return _HORN_PAIR.sub("ươ", _TELEX_KEYS.sub(lambda m: _TELEX_LETTER[m[0]], cut))  # "uow" is ươ


def _place_tone(base: str, mark: str) -> str | None:
    """Put a tone mark on a syllable's main vowel, the traditional way ("hoa" → "hòa", "phương" → "phường")."""
    start = 2 if base[:2] in ("qu", "gi") and base[2:3] in _VOWELS else 0
    vowels = [i for i in range(start, len(base)) if base[i] in _VOWELS] or [i for i, c in enumerate(base)
                                                                             if c in _VOWELS]
    if not vowels:
        return None
    marked = [i for i in vowels if base[i] in _MARKED_VOWELS]
    if marked or not mark:
        at = marked[-1] if marked else vowels[-1]
    elif vowels[-1] < len(base) - 1 or len(vowels) == 1:
        at = vowels[-1]  # closed syllable: "hoàn", "toán"
    else:
        at = vowels[1] if len(vowels) == 3 else vowels[0]  # "ngoài"; "hòa", "tài", "thủy"
    return unicodedata.normalize("NFC", base[: at + 1] + mark + base[at + 1 :])


def _vni_letters(word: str) -> tuple[str, str] | None:
    """ "phu7o7ng2" → ("phương", grave accent): the letters VNI digits make, and the tone mark."""
    letters: list[str] = []
    mark = ""
    for char in word:
        if char in _VNI_TONE_MARKS:
            mark = _VNI_TONE_MARKS[char]
        elif char.isdigit():
            if not letters or (letters[-1], char) not in _VNI_LETTERS:
                return None
            letters[-1] = _VNI_LETTERS[(letters[-1], char)]
        else:
            letters.append(char)
    return "".join(letters), mark


@lru_cache(maxsize=1 << 14)
def telex_toned(word: str) -> str | None:
    """A raw Telex or VNI word with its marks applied, not dropped: "thanhj" → "thạnh", "vinhx" → "vĩnh",
    "phuwowngf" → "phường", "vi4nh" → "vĩnh". None when the word is no such keystrokes (``fold_word``)."""
    if not word.isascii() or not word.isalnum() or is_syllable(word):
        return None
    if _VNI.fullmatch(word):
        found = _vni_letters(word)
        letters, mark = found if found else ("", "")
    elif word.isalpha() and (telex := _untelex(word)):
        letters = _telex_letters(telex[0])
        mark = _TELEX_TONE_MARKS.get(telex[1], "")
    else:
        return None
    letters = _HORN_PAIR.sub("ươ", letters)  # "uow" is ươ, as input methods type it (VNI letters too)
    if not letters or not is_syllable(strip_marks(letters)):
        return None
    return _place_tone(letters, mark)


def telex_into(word: str, words: Container[str]) -> tuple[str, str] | None:
    """Raw Telex keystrokes that spell one of ``words`` (lower case, without diacritics) once decoded: that word,
    and the word with its marks ("ddawks" → ("dak", "đắk") when "dak" is one of them). ``fold_word`` decodes
    only into Vietnamese syllables and leaves the names of ethnic minorities as typed (Đắk, Lắk, Prông); a
    roster's own such words are known, and keystrokes that spell one of them are that word."""
    if not word.isascii() or not word.isalpha():
        return None
    found = _untelex(word, lambda plain: plain != word and plain in words)
    if found is None:
        return None
    letters = _telex_letters(found[0])
    return _telex_plain(found[0]), _place_tone(letters, _TELEX_TONE_MARKS.get(found[1], "")) or letters


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """Key of one accent-free lower-case word: raw Telex/VNI decoded, letters split from digits.

    Keystrokes are only undone when the word is not a syllable and undoing them gives one, so
    "hai" stays "hai" while "hair" (Telex for "hải") becomes "hai". May return two words
    ("nguyen3" → "nguyen 3").
    """
    if not word or not word.isascii() or is_syllable(word):
        return word
    if _VNI.fullmatch(word):
        plain = re.sub(r"[1-9]", "", word)
        return plain if is_syllable(plain) else word
    if word.isalpha():
        found = _untelex(word)
        return _telex_plain(found[0]) if found else word
    parts = _LETTERS_OR_DIGITS.findall(word)  # "nguyen3" → "nguyen 3"; "0aa" → "0 a", as folding "0 aa" gives
    return " ".join(fold_word(part) if part.isalpha() else part for part in parts)


@lru_cache(maxsize=1 << 16)
def tone_key(word: str) -> str:
    """A word with its tone mark moved to the end: "đòan", "đoàn" → "đoan2"; "hoà", "hòa" → "hoa2"."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [char for char in decomposed if char in _TONE_DIGIT]
    base = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in _TONE_DIGIT))
    return base + (_TONE_DIGIT[tones[0]] if tones else "")


def fold(text: str | None) -> str:
    """The matching key: clean, lower-case, no diacritics, punctuation as spaces, Telex undone.

    >>> fold("UBND phuwowngf Vinhx Hair, Thành phố Nha Trang")
    'ubnd phuong vinh hai thanh pho nha trang'
    """
    bare = strip_marks(clean_text(text).lower())
    return " ".join(key for word in _NON_WORD.split(bare) if (key := fold_word(word)))


def fold_words(texts: Sequence[str]) -> list[list[str]]:
    """The words of many clean texts, lower case without diacritics, raw keystrokes left as typed: the
    words ``fold`` makes keys of ("Ia Tôr" → ["ia", "tor"]). One pass for all, as a roster needs."""
    if not texts:
        return []
    bare = strip_marks("\n".join(texts).lower()).split("\n")
    return [[word for word in _NON_WORD.split(line) if word] for line in bare]


def fold_clean(words: Sequence[str]) -> str:
    """``fold`` of a clean text, from its ``fold_words``."""
    return " ".join(key for word in words if (key := fold_word(word)))
