"""Abbreviations and raw keystrokes in typed words, expanded and decoded. Pure.

Letters are read the way a clerk reads them (see ``vocabulary``): "UBND", "P.", "F4", "TH", "GD&ĐT",
"TT" (thị trấn after "UBND", else trung tâm), "P." (phòng before a department, else phường); raw Telex
and VNI words get their marks ("Thanhj" is Thạnh). Letters of a unit type cut off at the end of a
name ("Phuong Tr") stay letters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from aggregator.names.heads import HEADS, folded_phrase, level_keys, phrase_at
from aggregator.names.localities import Chain, Place, parse_locality, read_places
from aggregator.names.vocabulary import COMPOUND, PIECE, Vocabulary, Word, compact, meaning_words, word_of
from aggregator.textnorm import clean_text, fold_word, is_syllable, strip_marks, telex_toned

MAX_NAME = 300  # longer cells are not names; the cap keeps hostile input cheap
_CHUNK_CACHE = 1 << 16  # words of a typed chunk, per vocabulary: tokens repeat across names
_UBND = frozenset({"ubnd", "ub"})
_COMMUNE_TYPE_ENDS = frozenset({"xa", "phuong", "tran", "x", "tt"})  # xã, phường, thị trấn, "X.", "TT."
_LOCALITY_GAP = re.compile(r"[,;]|\s[-–—]\s")
_GLUED_NUMBER = re.compile(r"([^\W\d_]{1,2})(\d{1,3})")
_APOSTROPHES = frozenset("'’‘`")  # "ʼ" (a letter to regular expressions) is read as "'"
# Unit types (not place levels, which close names as markers: "Phòng Y tế TP") a cut-off word may look like.
_CUT_TYPES = frozenset(phrase for phrase, entry in HEADS.items() if entry.head and (
    entry.head[0] != "ubnd" or entry.head[1:] in (("xa",), ("phuong",), ("thi tran",))))


def _lookup(key: str, vocab: Vocabulary) -> str | None:
    """The expansion of letters, also when Đ was typed as raw Telex "DD" ("LDDLDD", "GD&DDT")."""
    return vocab.abbreviations.get(key) or vocab.abbreviations.get(key.replace("dd", "d"))


def _pieces(chunk: str, vocab: Vocabulary) -> list[Word]:
    """ "P4", "F12", "Q1": the letters of a unit type glued to its number are two words. Letters before an
    apostrophe ("Ea H'leo", "Cư M'gar", "Ea T'Ling", "Ia H' Drai") are a word of an Ê Đê, M'Nông or Gia Rai
    name, never an abbreviation ("H." is huyện, "T." tỉnh): kept with an apostrophe in their text (``_abbreviated``)
    and without it in their folded form, so "H’leo", "H'leo" and "H' leo" read alike."""
    pieces = []
    for found in PIECE.finditer(chunk.replace("ʼ", "'")):
        piece = found[0]
        glued = _GLUED_NUMBER.fullmatch(piece)
        letters = glued[1].lower() if glued else ""
        if piece.isalpha() and found.string[found.end() : found.end() + 1] in _APOSTROPHES:
            pieces.append(word_of(piece)._replace(text=piece + "'"))
        elif glued and (letters == "p" or _lookup(letters, vocab) or letters in vocab.contextual):
            pieces += [word_of(glued[1]), word_of(glued[2])]
        else:
            pieces.append(word_of(piece))
    return pieces


def _chunk_words(chunk: str, vocab: Vocabulary) -> tuple[Word, ...]:
    if (cached := vocab.chunks.get(chunk)) is not None:
        return cached
    key = compact(chunk)
    if COMPOUND.fullmatch(chunk) and not _word_after_dot(chunk) \
            and (_lookup(key, vocab) or _joined_initials(chunk, key, vocab)):  # "GD&ĐT"
        words: tuple[Word, ...] = (Word(chunk, chunk.lower(), key),)
    else:
        words = tuple(_pieces(chunk, vocab))
    if len(vocab.chunks) < _CHUNK_CACHE:
        vocab.chunks[chunk] = words
    return words


def _word_after_dot(chunk: str) -> bool:
    """ "TX.An", "P.Nhơn": an abbreviated type with a dot, then a word in lower case (no initials: "TXAN" is
    thị xã An Nhơn, yet "TX.An Nhơn" is that place typed whole)."""
    return any(not piece.isupper() for piece in chunk.split(".")[1:] if piece)


def _raw_words(segment: str, vocab: Vocabulary) -> list[Word]:
    return [word for chunk in segment.split() for word in _chunk_words(chunk, vocab)]


@lru_cache(maxsize=1 << 16)
def _abbreviated(word: Word) -> bool:
    """Letters that are no syllable ("ubnd", "p"), or capitals such as "TU"; never accented, never before an
    apostrophe ("H'leo": ``_pieces``)."""
    if word.text.endswith("'") or not word.folded.isalpha() or not _unmarked(word.toned):
        return False
    return not is_syllable(word.folded) or (len(word.folded) > 1 and word.text.isupper())


def _unmarked(toned: str) -> bool:
    """Letters without a tone or vowel mark (đ is a letter): what an abbreviation is typed with."""
    return strip_marks(toned) == toned.replace("đ", "d")


def _department_follows(following: Sequence[Word], vocab: Vocabulary) -> bool:
    if not following:
        return False
    expansion = _lookup(following[0].folded, vocab) if _abbreviated(following[0]) else None
    text = strip_marks(expansion) if expansion else " ".join(w.folded for w in following)
    return any(text == d or text.startswith(d + " ") for d in vocab.departments)


def _meaning(word: Word, previous: str, following: Sequence[Word], vocab: Vocabulary) -> str | None:
    if not _abbreviated(word) or _name_letter(word, previous, following, vocab):
        return None
    if word.folded == "p":  # Phòng when a department name follows (P. Tư pháp), else Phường
        phong = previous not in _UBND and _department_follows(following, vocab)
        return "phòng" if phong else "phường"
    if word.folded in vocab.contextual:
        after, there, otherwise = vocab.contextual[word.folded]
        return there if previous in after else otherwise
    return _lookup(word.folded, vocab) or _spelled(word.text, word.folded, vocab)


def _joined_initials(chunk: str, key: str, vocab: Vocabulary) -> bool:
    """Initials joined as sectors' are ("TT&DL", "VH,TT&DL"); not "X.MY" (xã Mỹ …), whose letter is a type."""
    return ("&" in chunk or "," in chunk) and _spelled(chunk, key, vocab) is not None


def _spelled(text: str, key: str, vocab: Vocabulary) -> str | None:
    """Capitals no abbreviation names, as the initials of words of a roster name (``Vocabulary.initialism``):
    "KBNN", "BCHQS", "SVHTTDL" (the type's initial glued on), "TT&DL"; never letters in lower case (a typo)
    nor marked ones ("H.HÀ" is huyện Hà)."""
    return vocab.initialism(key) if text.isupper() and _unmarked(text.lower()) else None


def _name_letter(word: Word, previous: str, following: Sequence[Word], vocab: Vocabulary) -> bool:
    """A letter that opens a commune's name ("Xã H Bông", "Thị trấn P Rao": Gia Lai, Quảng Nam) where the roster
    has such names: after a commune's type and before a word, it is no huyện or phường ("Phường P4" keeps it);
    elsewhere, when the word after it is the one a roster name has after that letter ("UBND P Rao", "H Bông")."""
    if not _roster_letter(word, vocab) or not following or not following[0].folded.isalpha():
        return False
    return previous in _COMMUNE_TYPE_ENDS or (word.folded, following[0].folded) in vocab.letter_names


def _roster_letter(word: Word, vocab: Vocabulary) -> bool:
    """A single letter that some roster name has as a word ("H" of xã H Bông, of Ea H'leo)."""
    return len(word.folded) == 1 and word.folded in vocab.literal


@lru_cache(maxsize=1 << 16)
def _keyed(word: Word, literal: bool) -> tuple[Word, ...]:
    """A word's matching key: raw Telex/VNI keystrokes decoded, unless the roster has the word as it is
    ("Tôr", "Wy" are names), their marks applied in a word typed without others ("Thanhj" is Thạnh)."""
    key = fold_word(word.folded) if not literal or not word.folded.isalpha() else word.folded
    if " " in key:  # "nguyen3" → "nguyen", "3"
        return tuple(Word(part, part, part) for part in key.split())
    if key != word.folded and word.toned.isascii():
        return (Word(word.text, telex_toned(word.folded) or key, key),)
    return (word._replace(folded=key),)


def _read_word(word: Word, vocab: Vocabulary, telex: bool = False) -> tuple[Word, ...]:
    """A word's matching key (``_keyed``), or the roster word its raw Telex keystrokes spell when that word is
    no syllable (``Vocabulary.telex_word``: "DDawks" is Đắk; the roster's "Kroong" stays Kroong); ``telex``: a
    word that reads either way (``_either_way``) is read as Telex (``expand`` tells)."""
    spelled = vocab.telex_word(word.folded) if word.toned.isascii() else None
    if spelled is not None:
        return (Word(word.text, spelled[1], spelled[0]),)
    return _keyed(word, not telex and vocab.reads_literally(word.folded))


def _either_way(word: Word, vocab: Vocabulary) -> bool:
    """A word typed without marks that is a letter off a roster word that is no syllable and also raw Telex
    ("Moon": Hơ Moong's word mistyped, or Môn): ``Vocabulary.reads_literally`` keeps it as typed ("Đak Sar" is
    Đak SMar, no Đak Sả), unless the other words of its segment were typed with the input method off."""
    folded = word.folded
    return (word.toned.isascii() and folded.isalpha() and folded not in vocab.literal
            and fold_word(folded) != folded and vocab.reads_literally(folded))


def _keystrokes(words: Sequence[Word], vocab: Vocabulary) -> bool:
    """Whether a word of a segment reads only as raw Telex ("DDawks", "Phuwowngf"): typed with the input method
    off."""
    for word in words:
        folded = word.folded
        if not word.toned.isascii() or not folded.isalpha() or vocab.reads_literally(folded):
            continue
        if fold_word(folded) != folded or vocab.telex_word(folded) is not None:
            return True
    return False


def _join_pairs(words: list[Word], vocab: Vocabulary) -> list[Word]:
    """ "TN và MT", "GD và ĐT": two abbreviations joined by "và" that are one known abbreviation."""
    out: list[Word] = []
    for word in words:
        if len(out) > 1 and out[-1].folded == "va" and _abbreviated(out[-2]) and _abbreviated(word):
            key = out[-2].folded + word.folded
            if key in vocab.abbreviations and key not in vocab.contextual:
                out[-2:] = [Word(out[-2].text + word.text, out[-2].toned + word.toned, key)]
                continue
        out.append(word)
    return out


def _cut_off(words: Sequence[Word], i: int, meaning: str, vocab: Vocabulary) -> bool:
    """ "Phuong Tr", "PHUONG TR": letters of a unit type that end a segment after a word of the name (one
    that stands for nothing) are a word cut off ("Tr" is no trường there): expanding them would make up a
    name nobody typed."""
    if not 0 < i == len(words) - 1 or folded_phrase(meaning) not in _CUT_TYPES:
        return False
    previous = words[i - 1]
    return not _abbreviated(previous) or not (_lookup(previous.folded, vocab) or previous.folded in vocab.contextual
                                              or previous.folded == "p")


def expand(words: list[Word], vocab: Vocabulary) -> list[Word]:
    """Abbreviations replaced by their words ("UBND" → ủy ban nhân dân), raw Telex decoded."""
    words = _join_pairs(words, vocab)
    either = [_either_way(word, vocab) for word in words]
    keystrokes = any(either) and _keystrokes(words, vocab)
    out: list[Word] = []
    for i, word in enumerate(words):
        previous = words[i - 1].folded if i else ""
        meaning = _meaning(word, previous, words[i + 1 : i + 3], vocab)
        if meaning and not _cut_off(words, i, meaning, vocab):
            out.extend(meaning_words(meaning))
        else:
            telex = either[i] and (keystrokes or _opens_type(word, words[i + 1 : i + 4]))
            out.extend(_read_word(word, vocab, telex))
    return out


def _opens_type(word: Word, following: Sequence[Word]) -> bool:
    """Whether a word read as Telex opens a unit type with the words after it: "uyr ban nhân dân" is ủy ban nhân
    dân, though Gia Lai has a xã Uar."""
    return bool(following) and phrase_at([*_keyed(word, False), *following], 0)[1] > 1


def segment_words(segment: str, vocab: Vocabulary) -> list[Word]:
    """The words of one segment of a name, abbreviations expanded. What a chunk reads as, wherever it
    stands in a segment (or wherever but last), is kept per vocabulary (``Vocabulary.finals``, ``inner``)."""
    chunks = segment.split()
    out: list[Word] = []
    for j, chunk in enumerate(chunks):
        words = vocab.finals.get(chunk)
        if words is None and j < len(chunks) - 1:
            words = vocab.inner.get(chunk)
        if words is None:
            return _expand_and_keep(segment, chunks, vocab)
        out.extend(words)
    return out


def _expand_and_keep(segment: str, chunks: Sequence[str], vocab: Vocabulary) -> list[Word]:
    out = expand(_raw_words(segment, vocab), vocab)
    if len(vocab.finals) >= _CHUNK_CACHE:
        return out
    for chunk in chunks:
        raw = _chunk_words(chunk, vocab)
        if any(_either_way(word, vocab) for word in raw) or (len(raw) == 1 and _roster_letter(raw[0], vocab)):
            continue  # read as its segment's other words tell (``expand``, ``_name_letter``)
        if not any(_abbreviated(word) or word.folded == "va" for word in raw):  # "và" may join two abbreviations
            vocab.finals[chunk] = tuple(keyed for word in raw for keyed in _read_word(word, vocab))
        elif len(raw) == 1 and raw[0].folded != "p" and raw[0].folded not in vocab.contextual:
            meaning = _lookup(raw[0].folded, vocab)  # "UBND", "X.": the same wherever they stand (but "X" last)
            if meaning is None:
                vocab.finals[chunk] = _read_word(raw[0], vocab)
            else:
                cut = folded_phrase(meaning) in _CUT_TYPES
                (vocab.inner if cut else vocab.finals)[chunk] = meaning_words(meaning)
    return out


def read_words(text: str, vocab: Vocabulary) -> list[Word]:
    """Words of a text, abbreviations expanded: "H. Cầu Kè" → huyện, Cầu, Kè."""
    return segment_words(clean_text(text)[:MAX_NAME], vocab)


def read_folded(text: str, vocab: Vocabulary) -> list[str]:
    """Folded words of a text, abbreviations expanded: "H. Cầu Kè" → ["huyen", "cau", "ke"]."""
    return [word.folded for word in read_words(text, vocab)]


def read_locality(text: str, vocab: Vocabulary) -> Chain:
    """A roster ``locality`` or a campaign ``area``: "huyện Cầu Kè, tỉnh Trà Vinh" → its places."""
    segments = (read_words(part, vocab) for part in _LOCALITY_GAP.split(text or ""))
    return parse_locality(([w.folded for w in words], level_keys(words)) for words in segments)


def places_in(text: str, vocab: Vocabulary) -> tuple[Place, ...] | None:
    """The places a text is made of ("H. Cầu Kè, tỉnh Trà Vinh"), or None."""
    words = read_words(text, vocab)
    return read_places([word.folded for word in words], level_keys(words))
