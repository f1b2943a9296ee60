"""Administrative vocabulary of Vietnamese unit names, and the reading of one name with it. Pure.

A name is read the way a clerk reads it: trailing notes dropped ("(đã gửi)", "- ĐÃ BÁO CÁO"),
abbreviations expanded (UBND, P., TH, GD&ĐT …), the unit type recognised at its head (phường,
trường tiểu học, phòng …, also when typed last: "Vĩnh Hải - UBND phường"), the home city or
province dropped from its tail, and numbers (Roman numerals, "02") set apart.

The built-in abbreviations are completed from the roster itself (``learn_vocabulary``): short
names ("Ban Tổ chức TU") are aligned with full names to learn what the letters stand for in that
campaign ("TU" is "Thành ủy" in Nha Trang and "Tỉnh ủy" in Trà Vinh).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from aggregator.textnorm import clean_text, fold, fold_word, is_syllable, strip_marks, strip_notes

BUILTIN: Mapping[str, str] = {
    "ubnd": "ủy ban nhân dân", "hdnd": "hội đồng nhân dân", "ub": "ủy ban", "ubkt": "ủy ban kiểm tra",
    "mttq": "mặt trận tổ quốc", "ubmttq": "ủy ban mặt trận tổ quốc", "hlhpn": "hội liên hiệp phụ nữ",
    "lhpn": "liên hiệp phụ nữ", "hnd": "hội nông dân", "hccb": "hội cựu chiến binh", "ccb": "cựu chiến binh",
    "ldld": "liên đoàn lao động", "ctd": "chữ thập đỏ", "nct": "người cao tuổi",
    "tnxp": "thanh niên xung phong", "tncs": "thanh niên cộng sản", "hcm": "hồ chí minh",
    "tp": "thành phố", "tx": "thị xã", "x": "xã", "h": "huyện", "q": "quận", "vp": "văn phòng",
    "th": "tiểu học", "thcs": "trung học cơ sở", "thpt": "trung học phổ thông", "mn": "mầm non",
    "mg": "mẫu giáo", "trg": "trường", "tr": "trường", "dh": "đại học", "cd": "cao đẳng",
    "bql": "ban quản lý", "bqlda": "ban quản lý dự án", "ql": "quản lý", "qldt": "quản lý đô thị",
    "gddt": "giáo dục và đào tạo", "ldtbxh": "lao động thương binh và xã hội",
    "tnmt": "tài nguyên và môi trường", "vhtt": "văn hóa thông tin", "vhtttt": "văn hóa thông tin thể thao",
    "vhttdl": "văn hóa thể thao và du lịch", "tdtt": "thể dục thể thao", "tttt": "thông tin và truyền thông",
    "khdt": "kế hoạch và đầu tư", "khcn": "khoa học và công nghệ", "gtvt": "giao thông vận tải",
    "nnptnt": "nông nghiệp và phát triển nông thôn", "tckh": "tài chính kế hoạch",
    "ptth": "phát thanh truyền hình", "gdnn": "giáo dục nghề nghiệp", "gdtx": "giáo dục thường xuyên",
    "tg": "tuyên giáo", "vn": "việt nam", "dbqh": "đại biểu quốc hội", "qlda": "quản lý dự án",
    "tbxh": "thương binh và xã hội", "xd": "xây dựng", "ctxd": "công trình xây dựng",
    "qltt": "quản lý trật tự", "qlttdt": "quản lý trật tự đô thị", "mttqvn": "mặt trận tổ quốc việt nam",
    "ubmttqvn": "ủy ban mặt trận tổ quốc việt nam", "ptqd": "phát triển quỹ đất", "dvnn": "dịch vụ nông nghiệp",
    "ttyt": "trung tâm y tế", "bv": "bệnh viện", "vh": "văn hóa",
}  # fmt: skip
# Letters whose meaning depends on the word before them: (those words, meaning after them, otherwise).
_CONTEXTUAL: Mapping[str, tuple[frozenset[str], str, str]] = {
    "tt": (frozenset({"ubnd", "ub"}), "thị trấn", "trung tâm"),
    "tc": (frozenset({"ban"}), "tổ chức", "tài chính"),
    "dv": (frozenset({"ban"}), "dân vận", "dịch vụ"),
    "kt": (frozenset({"ban", "ub"}), "kiểm tra", "kinh tế"),
    "nd": (frozenset({"hoi"}), "nông dân", "nhân dân"),
}
# What follows "P." when it means Phòng (a department) rather than Phường (a ward).
DEPARTMENTS = frozenset({
    "tu phap", "noi vu", "tai chinh", "tai nguyen", "kinh te", "y te", "van hoa", "giao duc", "lao dong",
    "quan ly", "nong nghiep", "cong thuong", "thong tin", "dan toc", "ha tang", "to chuc", "thanh tra",
})  # fmt: skip
_ADMIN_LEVELS = ("phuong", "xa", "thi tran", "huyen", "thi xa", "thanh pho", "quan", "tinh")
_SCHOOL_LEVELS = {
    "tieu hoc": "th", "trung hoc co so": "thcs", "trung hoc pho thong": "thpt", "mam non": "mn",
    "mau giao": "mg", "nha tre": "nt", "dai hoc": "dh", "cao dang": "cd", "trung cap": "tc",
}  # fmt: skip
_PLAIN_HEADS = (
    "phong", "so", "ban", "hoi", "trung tam", "van phong", "doi", "uy ban", "lien doan", "cong an",
    "thanh tra", "bao", "bao hiem", "dai", "thanh doan", "tinh doan", "huyen doan", "chi cuc", "cuc",
    "benh vien", "cong ty", "chi nhanh", "vien thong", "hoc vien", "vien", "cong doan",
)  # fmt: skip
# Words that open a name without being its unit type ("Thành ủy - Ban Dân vận", "Quản lý …").
_NOT_HEADS = ("thanh uy", "tinh uy", "huyen uy", "quan uy", "thi uy", "dang uy", "quan ly")


def _head_table() -> dict[tuple[str, ...], tuple[str, ...] | None]:
    table: dict[tuple[str, ...], tuple[str, ...] | None] = {(*h.split(),): (h,) for h in _PLAIN_HEADS}
    table[("truong",)] = ("truong",)
    for level, code in _SCHOOL_LEVELS.items():
        table[(*level.split(),)] = table[("truong", *level.split())] = ("truong", code)
    table[("uy", "ban", "nhan", "dan")] = ("ubnd",)
    for level in _ADMIN_LEVELS:  # "UBND phường X", "UB phường X" and "Phường X" are one unit
        for prefix in ("uy ban nhan dan ", "uy ban ", ""):
            table[(*(prefix + level).split(),)] = ("ubnd", level)
    table[("mat", "tran", "to", "quoc")] = table[("uy", "ban", "mat", "tran", "to", "quoc")] = ("mttq",)
    table.update({(*h.split(),): None for h in _NOT_HEADS})
    return table


HEADS = _head_table()
_HEAD_WORDS = max(map(len, HEADS))
_SYNONYMS = {("the", "duc", "the", "thao"): slice(2, 4), ("to", "quoc", "viet", "nam"): slice(0, 2)}
_STOP = frozenset({"va", "cac", "cua"})
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6"}
_PLACE_MARKERS = (("thanh", "pho"), ("tinh",), ("huyen",), ("thi", "xa"))
_COMMITTEES = frozenset({("thanh", "uy"), ("tinh", "uy"), ("huyen", "uy"), ("quan", "uy"), ("thi", "uy")})
_UBND = frozenset({"ubnd", "ub"})

_TRAILING_BRACKET = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]$")
_SEGMENT_GAP = re.compile(r"\s+[-–—|:]\s+|\s*,\s+")
_COMPOUND = re.compile(r"[^\W\d_]+(?:[-&/.+][^\W\d_]+)+\.?")
_PIECE = re.compile(r"[^\W_]+")
MAX_NAME = 300  # longer cells are not names; the cap keeps hostile input cheap


class Word(NamedTuple):
    text: str  # as typed: case tells all-caps abbreviations and Roman numerals
    toned: str  # lower case, diacritics kept
    folded: str  # matching key (textnorm.fold_word)


@dataclass(frozen=True)
class NameParts:
    head: tuple[str, ...] | None  # unit type, e.g. ("ubnd", "phuong"), ("truong", "th"), ("phong",)
    body: tuple[Word, ...]  # the distinctive words, in typed order
    numbers: tuple[str, ...]  # "TH Vĩnh Hải II" → ("2",)
    qualifier: tuple[str, ...] = ()  # whose unit, when stated: ("thanh", "uy"), ("huyen", "cam", "lam")


@dataclass(frozen=True)
class Vocabulary:
    abbreviations: Mapping[str, str] = field(default_factory=lambda: dict(BUILTIN))
    homes: tuple[tuple[str, ...], ...] = ()  # folded place every unit is in, e.g. ("nha", "trang")
    departments: frozenset[str] = DEPARTMENTS


@lru_cache(maxsize=1 << 16)
def _word(text: str) -> Word:
    toned = text.lower()
    return Word(text, toned, strip_marks(toned))


@lru_cache(maxsize=1 << 16)
def _compact(chunk: str) -> str:
    return "".join(_PIECE.findall(strip_marks(chunk.lower())))


def name_variants(text: str) -> list[str]:
    """The name without notes, and the content of a trailing bracket as a second name."""
    text = strip_notes(clean_text(text)[:MAX_NAME])
    bracket = _TRAILING_BRACKET.search(text)
    if bracket is None or bracket.start() == 0:
        return [text] if text else []
    return [part for part in (text[: bracket.start()], bracket[1].strip()) if part]


def _lookup(key: str, vocab: Vocabulary) -> str | None:
    """The expansion of letters, also when Đ was typed as raw Telex "DD" ("LDDLDD", "GD&DDT")."""
    return vocab.abbreviations.get(key) or vocab.abbreviations.get(key.replace("dd", "d"))


def _raw_words(segment: str, vocab: Vocabulary) -> list[Word]:
    words: list[Word] = []
    for chunk in segment.split():
        compact = _compact(chunk)
        if _COMPOUND.fullmatch(chunk) and _lookup(compact, vocab):  # "LĐ-TB&XH", "GD&ĐT"
            words.append(Word(chunk, chunk.lower(), compact))
        else:
            words.extend(_word(piece) for piece in _PIECE.findall(chunk))
    return words


def _abbreviated(word: Word) -> bool:
    """Letters that are no syllable ("ubnd", "p"), or capitals such as "TU"; never accented."""
    if not word.folded.isalpha() or strip_marks(word.toned) != word.toned.replace("đ", "d"):
        return False
    return not is_syllable(word.folded) or (len(word.folded) > 1 and word.text.isupper())


def _department_follows(following: Sequence[Word], vocab: Vocabulary) -> bool:
    if not following:
        return False
    expansion = _lookup(following[0].folded, vocab) if _abbreviated(following[0]) else None
    text = strip_marks(expansion) if expansion else " ".join(w.folded for w in following)
    return any(text == d or text.startswith(d + " ") for d in vocab.departments)


def _meaning(word: Word, previous: str, following: Sequence[Word], vocab: Vocabulary) -> str | None:
    if not _abbreviated(word):
        return None
    if word.folded == "p":  # Phòng when a department name follows (P. Tư pháp), else Phường
        phong = previous not in _UBND and _department_follows(following, vocab)
        return "phòng" if phong else "phường"
    if word.folded in _CONTEXTUAL:
        after, there, otherwise = _CONTEXTUAL[word.folded]
        return there if previous in after else otherwise
    return _lookup(word.folded, vocab)


def _keyed(word: Word) -> list[Word]:
    key = fold_word(word.folded)
    if " " in key:  # "nguyen3" → "nguyen", "3"
        return [Word(part, part, part) for part in key.split()]
    return [word._replace(folded=key)]


def _join_pairs(words: list[Word], vocab: Vocabulary) -> list[Word]:
    """ "TN và MT", "GD và ĐT": two abbreviations joined by "và" that are one known abbreviation."""
    out: list[Word] = []
    for word in words:
        if len(out) > 1 and out[-1].folded == "va" and _abbreviated(out[-2]) and _abbreviated(word):
            key = out[-2].folded + word.folded
            if key in vocab.abbreviations and key not in _CONTEXTUAL:
                out[-2:] = [Word(out[-2].text + word.text, out[-2].toned + word.toned, key)]
                continue
        out.append(word)
    return out


def _expand(words: list[Word], vocab: Vocabulary) -> list[Word]:
    words = _join_pairs(words, vocab)
    out: list[Word] = []
    for i, word in enumerate(words):
        previous = words[i - 1].folded if i else ""
        meaning = _meaning(word, previous, words[i + 1 : i + 3], vocab)
        out.extend([_word(part) for part in meaning.split()] if meaning else _keyed(word))
    return out


def _phrase_at_start(words: Sequence[Word]) -> tuple[tuple[str, ...] | None, int]:
    """The longest known phrase the words open with: its unit type (None for "Thành ủy"…) and size."""
    folded = tuple(w.folded for w in words[:_HEAD_WORDS])
    for size in range(len(folded), 0, -1):
        if folded[:size] in HEADS:
            return HEADS[folded[:size]], size
    return None, 0


def _head_at_start(words: Sequence[Word]) -> tuple[tuple[str, ...] | None, int]:
    head, size = _phrase_at_start(words)
    return head, size if head else 0


def _reorder(segments: list[list[Word]]) -> list[Word]:
    """Put the unit type first: "Vĩnh Hải - UBND phường", "Thành ủy Ban Dân vận"."""
    if len(segments) > 1 and _head_at_start(segments[0])[0] is None:
        for i in range(1, len(segments)):
            if _head_at_start(segments[i])[0] is not None:
                segments = [segments[i], *segments[:i], *segments[i + 1 :]]
                break
    words = [word for segment in segments for word in segment]
    head, i = _phrase_at_start(words)
    i = max(i, 1)
    while head is None and i < len(words):
        head, size = _phrase_at_start(words[i:])
        if head is not None:
            return words[i:] + words[:i]
        i += max(size, 1)
    return words


def _synonyms(words: list[Word]) -> list[Word]:
    out: list[Word] = []
    i = 0
    while i < len(words):
        for pattern, keep in _SYNONYMS.items():
            if words[i].folded == pattern[0] and tuple(w.folded for w in words[i : i + len(pattern)]) == pattern:
                out.extend(words[i : i + len(pattern)][keep])
                i += len(pattern)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _ends_with(words: Sequence[Word], tail: tuple[str, ...]) -> bool:
    return len(words) >= len(tail) and tuple(w.folded for w in words[len(words) - len(tail) :]) == tail


def _strip_home(words: list[Word], homes: Sequence[tuple[str, ...]]) -> list[Word]:
    """ "… thành phố Nha Trang (tỉnh Khánh Hòa)", "… tỉnh", "… TP" qualify every unit: optional."""
    for tail in homes:
        if len(words) > 3 and words[-3].folded == "tinh" and _ends_with(words[:-3], tail):
            words = words[:-3]  # the province above the home city
        if _ends_with(words, tail):
            words = words[: len(words) - len(tail)]
            break
    for tail in _PLACE_MARKERS:
        if _ends_with(words, tail):
            return words[: len(words) - len(tail)]
    return words


def _split_qualifier(words: list[Word]) -> tuple[list[Word], tuple[str, ...]]:
    """A trailing "Thành ủy"/"Tỉnh ủy" or "huyện X" says whose unit it is; typing it is optional."""
    folded = tuple(w.folded for w in words)
    if len(words) > 2 and folded[-2:] in _COMMITTEES:
        return words[:-2], folded[-2:]
    for start in range(max(1, len(words) - 4), len(words) - 1):
        if any(folded[start : start + len(m)] == m for m in _PLACE_MARKERS):
            return words[:start], folded[start:]
    return words, ()


def _split_numbers(words: list[Word]) -> tuple[list[Word], list[str]]:
    body: list[Word] = []
    numbers: list[str] = []
    for i, word in enumerate(words):
        following = words[i + 1].folded if i + 1 < len(words) else ""
        if word.folded.isdigit():
            numbers.append(word.folded.lstrip("0") or "0")
        elif word.text in _ROMAN and i == len(words) - 1 and i > 0:
            numbers.append(_ROMAN[word.text])
        elif word.folded not in _STOP and not (word.folded == "so" and following.isdigit()):  # "số 2"
            body.append(word)
    return body, numbers


def _is_parent(segment: list[Word], homes: Sequence[tuple[str, ...]]) -> bool:
    """ "UBND thành phố Nha Trang" before or after "Phòng Y tế": the authority above every unit."""
    head, size = _head_at_start(segment)
    if head is None or head[0] != "ubnd" or head[1:] in (("phuong",), ("xa",), ("thi tran",)):
        return False  # "Vĩnh Hải - UBND phường" names the ward itself
    return not _strip_home(segment[size:], homes)


def read_name(text: str, vocab: Vocabulary) -> NameParts:
    """Read one clean name (see ``name_variants``) into unit type, distinctive words and numbers."""
    segments = [_expand(_raw_words(segment, vocab), vocab) for segment in _SEGMENT_GAP.split(text)]
    units = [segment for segment in segments if not _is_parent(segment, vocab.homes)]
    words = _synonyms(_reorder(units or segments))
    head, size = _head_at_start(words)
    rest, qualifier = _split_qualifier(_strip_home(words[size:], vocab.homes))
    body, numbers = _split_numbers(rest)
    return NameParts(head, tuple(body), tuple(numbers), qualifier)


def _spell(key: str, words: Sequence[Word], spelled: set[str]) -> list[Word] | None:
    """Words from the start of ``words`` whose initials spell ``key`` ("và"/"các" may sit between)."""
    span: list[Word] = []
    done = 0
    for word in words:
        if done == len(key):
            break
        if word.folded in spelled:
            return None
        if word.folded[:1] == key[done]:
            span.append(word)
            done += 1
        elif not (span and word.folded in _STOP):
            return None
    return span if done == len(key) else None


def _learn(short: str, full: str, learned: defaultdict[str, set[str]]) -> None:
    """Align a short name with the full one: each capitalised chunk spells some run of words."""
    full_words = [_word(piece) for piece in _PIECE.findall(full)]
    spelled = {_word(piece).folded for piece in _PIECE.findall(short)}
    for chunk in short.split():
        key = _compact(chunk)
        capitals = (chunk.isupper() and len(key) > 1) or _COMPOUND.fullmatch(chunk) is not None
        if not capitals or not key.isalpha() or key in {w.folded for w in full_words}:
            continue
        for start in range(len(full_words)):
            span = _spell(key, full_words[start:], spelled)
            if span:
                learned[key].add(" ".join(w.toned for w in span))
                break


def _homes(folded_names: list[str]) -> tuple[tuple[str, ...], ...]:
    """Two-word name endings shared by a tenth of the roster: the city or province itself."""
    tails = Counter(tuple(name.split()[-2:]) for name in folded_names if len(name.split()) > 2)
    least = max(3, len(folded_names) // 10)
    return tuple(t for t, n in tails.most_common() if n >= least and all(map(is_syllable, t)))


def learn_vocabulary(names: Iterable[tuple[str, Sequence[str]]]) -> Vocabulary:
    """Vocabulary for one roster, from (full name, other names: short name and aliases) pairs."""
    pairs = [(clean_text(full), [clean_text(o) for o in others if o]) for full, others in names]
    folded = [fold(full) for full, _ in pairs]
    homes = _homes(folded)
    learned: defaultdict[str, set[str]] = defaultdict(set)
    for full, others in pairs:
        for other in others:
            _learn(other, full, learned)
    for home in homes:  # "NT" for Nha Trang, "TV" for Trà Vinh
        learned["".join(word[0] for word in home)].add(" ".join(home))
    unique = {key: next(iter(meanings)) for key, meanings in learned.items() if len(meanings) == 1}
    departments = {" ".join(name.split()[1:3]) for name in folded if name.startswith("phong ")}
    return Vocabulary({**BUILTIN, **unique}, homes, DEPARTMENTS | departments)
