"""Words of Vietnamese unit names and the abbreviations they are written with. Pure.

The built-in abbreviations (UBND, P., TH, GD&ĐT …) are completed from the roster itself
(``learn_vocabulary``): short names ("Ban Tổ chức TU") are aligned with full names to learn what the
letters stand for in that campaign ("TU" is "Thành ủy" in Nha Trang and "Tỉnh ủy" in Trà Vinh).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from rapidfuzz.distance import OSA

from aggregator.many_texts import clean_many
from aggregator.textnorm import fold_clean, fold_word, fold_words, is_syllable, strip_marks, telex_into

BUILTIN: Mapping[str, str] = {
    "ubnd": "ủy ban nhân dân", "hdnd": "hội đồng nhân dân", "ub": "ủy ban", "ubkt": "ủy ban kiểm tra",
    "mttq": "mặt trận tổ quốc", "ubmttq": "ủy ban mặt trận tổ quốc", "hlhpn": "hội liên hiệp phụ nữ",
    "lhpn": "liên hiệp phụ nữ", "hnd": "hội nông dân", "hccb": "hội cựu chiến binh", "ccb": "cựu chiến binh",
    "ldld": "liên đoàn lao động", "ctd": "chữ thập đỏ", "nct": "người cao tuổi",
    "tnxp": "thanh niên xung phong", "tncs": "thanh niên cộng sản", "hcm": "hồ chí minh",
    "tp": "thành phố", "tx": "thị xã", "x": "xã", "h": "huyện", "q": "quận", "vp": "văn phòng",
    "f": "phường",  # "F.Cam Lộc", "F4": southern offices write phường with F
    "th": "tiểu học", "thcs": "trung học cơ sở", "thpt": "trung học phổ thông", "mn": "mầm non",
    "mg": "mẫu giáo", "trg": "trường", "tr": "trường", "dh": "đại học", "cd": "cao đẳng",
    "bql": "ban quản lý", "bqlda": "ban quản lý dự án", "ql": "quản lý", "qldt": "quản lý đô thị",
    "gddt": "giáo dục và đào tạo", "ldtbxh": "lao động thương binh và xã hội",
    "tnmt": "tài nguyên và môi trường", "vhtt": "văn hóa thông tin", "vhtttt": "văn hóa thông tin thể thao",
    "vhttdl": "văn hóa thể thao và du lịch", "tdtt": "thể dục thể thao", "tttt": "thông tin và truyền thông",
    "khdt": "kế hoạch và đầu tư", "khcn": "khoa học và công nghệ", "gtvt": "giao thông vận tải",
    "nnptnt": "nông nghiệp và phát triển nông thôn", "ptnt": "phát triển nông thôn", "tckh": "tài chính kế hoạch",
    "ktht": "kinh tế và hạ tầng", "yt": "y tế", "gd": "giáo dục", "ctxh": "công tác xã hội",
    "ptth": "phát thanh truyền hình", "gdnn": "giáo dục nghề nghiệp", "gdtx": "giáo dục thường xuyên",
    "tg": "tuyên giáo", "vn": "việt nam", "dbqh": "đại biểu quốc hội", "qlda": "quản lý dự án",
    "tbxh": "thương binh và xã hội", "xd": "xây dựng", "ctxd": "công trình xây dựng",
    "qltt": "quản lý trật tự", "qlttdt": "quản lý trật tự đô thị", "mttqvn": "mặt trận tổ quốc việt nam",
    "ubmttqvn": "ủy ban mặt trận tổ quốc việt nam", "ptqd": "phát triển quỹ đất", "dvnn": "dịch vụ nông nghiệp",
    "ttyt": "trung tâm y tế", "bv": "bệnh viện", "vh": "văn hóa", "tyt": "trạm y tế",
    "ptdtbt": "phổ thông dân tộc bán trú", "ptdtnt": "phổ thông dân tộc nội trú", "kbnn": "kho bạc nhà nước",
    "bhxh": "bảo hiểm xã hội", "bhyt": "bảo hiểm y tế", "chqs": "chỉ huy quân sự", "bchqs": "bộ chỉ huy quân sự",
    "bdbp": "bộ đội biên phòng", "kcn": "khu công nghiệp", "kkt": "khu kinh tế", "ccn": "cụm công nghiệp",
    "ttgdnn": "trung tâm giáo dục nghề nghiệp", "cdcs": "công đoàn cơ sở",
}  # fmt: skip
# Letters whose meaning depends on the word before them: (those words, meaning after them, otherwise).
CONTEXTUAL: Mapping[str, tuple[frozenset[str], str, str]] = {
    "tt": (frozenset({"ubnd", "ub"}), "thị trấn", "trung tâm"),
    "tc": (frozenset({"ban"}), "tổ chức", "tài chính"),
    "dv": (frozenset({"ban"}), "dân vận", "dịch vụ"),
    "kt": (frozenset({"ban", "ub"}), "kiểm tra", "kinh tế"),
    "nd": (frozenset({"hoi"}), "nông dân", "nhân dân"),
    "tp": (frozenset({"so", "phong"}), "tư pháp", "thành phố"),  # "Sở TP", "Phòng TP"; "UBND TP Trà Vinh"
}
# What follows "P." when it means Phòng (a department) rather than Phường (a ward).
DEPARTMENTS = frozenset({
    "tu phap", "noi vu", "tai chinh", "tai nguyen", "kinh te", "y te", "van hoa", "giao duc", "lao dong",
    "quan ly", "nong nghiep", "cong thuong", "thong tin", "dan toc", "ha tang", "to chuc", "thanh tra",
})  # fmt: skip
STOP = frozenset({"va", "cac", "cua"})
_ROMAN_LETTERS = frozenset("ivxl")
COMPOUND = re.compile(r"[^\W\d_]+(?:[-&/.+,][^\W\d_]+)+\.?")  # "GD&ĐT", "LĐ-TB&XH", "VH,TT&DL"
PIECE = re.compile(r"[^\W_]+")


class Word(NamedTuple):
    text: str  # as typed: case tells all-caps abbreviations and Roman numerals
    toned: str  # lower case, diacritics kept
    folded: str  # matching key (textnorm.fold_word)
    expanded: bool = False  # a word of an abbreviation's meaning ("X." → xã): never a proper name's word


@dataclass(frozen=True)
class Vocabulary:
    abbreviations: Mapping[str, str] = field(default_factory=lambda: dict(BUILTIN))
    homes: tuple[tuple[str, ...], ...] = ()  # folded place every unit is in, e.g. ("nha", "trang")
    departments: frozenset[str] = DEPARTMENTS
    contextual: Mapping[str, tuple[frozenset[str], str, str]] = field(default_factory=lambda: dict(CONTEXTUAL))
    literal: frozenset[str] = frozenset()  # roster words that are no syllable ("KBang", "Tôr"): never raw Telex
    near_literal: frozenset[str] = frozenset()  # those words and each with one letter left out (``reads_literally``)
    # A single letter of ``literal`` and the word after it, as a roster name has them ("P Rao", "H Bông"): typed
    # so, the letter opens that name, never a unit type (abbreviations._name_letter)
    letter_names: frozenset[tuple[str, str]] = frozenset()
    # Type words some roster unit has in its proper name ("Phường Đúc", "Trường Lâm"), as (folded, tone key)
    # and folded: where a typed type word may be part of the name instead (``reading.readings``).
    named_types: frozenset[tuple[str, str]] = frozenset()
    named_type_words: frozenset[str] = frozenset()
    case_keys: frozenset[str] = frozenset()  # letters that stand for something only in capitals ("TU")
    names: tuple[str, ...] = field(default=(), compare=False)  # the full names: what capitals may spell
    spelled: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)  # ``initialism``
    initials: list[_Spellings] = field(default_factory=list, compare=False, repr=False)  # of ``names``, once asked
    chunks: dict[str, tuple[Word, ...]] = field(default_factory=dict, compare=False, repr=False)  # reading cache
    finals: dict[str, tuple[Word, ...]] = field(default_factory=dict, compare=False, repr=False)  # expanded too
    inner: dict[str, tuple[Word, ...]] = field(default_factory=dict, compare=False, repr=False)  # unless last

    def reads_literally(self, folded: str) -> bool:
        """Whether a typed word is read as it is, not as raw Telex: a roster word that is no syllable, or one
        letter from one ("Sar" typed for "SMar" is no Telex "sả", which may be another unit's word)."""
        if folded in self.near_literal:
            return True
        if not self.near_literal or not folded.isalpha() or is_syllable(folded):
            return False
        if not any(folded[:i] + folded[i + 1 :] in self.near_literal for i in range(len(folded))):
            return False
        # sharing a deletion is one edit (a letter changed) or two ("uyr", Telex for ủy, and "dur" share "ur")
        return any(OSA.distance(folded, word, score_cutoff=1) <= 1 for word in self.literal)

    def initialism(self, key: str) -> str | None:
        """The words of a roster name whose initials spell ``key`` ("kbnn": kho bạc nhà nước, "bchqs": bộ chỉ huy
        quân sự, "svhttdl": sở văn hóa thể thao và du lịch), when no other words of the roster do: capitals that
        no abbreviation names ("KBNN tỉnh"). The roster's initials are gathered on the first question."""
        if key not in self.spelled:
            may = _may_spell(key, self.literal)
            if may and not self.initials:
                self.initials.append(_spellings(self.names))
            self.spelled[key] = _spelled_by(key, self.names, self.initials[0]) if may else None
        return self.spelled[key]

    def telex_word(self, folded: str) -> tuple[str, str] | None:
        """The roster word that is no syllable which a typed word spells as raw Telex ("DDawks" for Đắk, "Lawks"
        for Lắk, "proong" for Prông), folded and with its marks; None for a roster word as it is ("Kroong")."""
        if not self.literal or folded in self.literal or not folded.isalpha() or is_syllable(folded):
            return None
        return telex_into(folded, self.literal)


class _Initials(NamedTuple):
    """A roster name's words and their initials: "|" for a word that is no letters (a run stops there), none
    for "và"/"các"/"của" (they spell nothing inside a run); ``at``: the word of each initial."""

    letters: str
    words: tuple[str, ...]
    at: tuple[int, ...]


def _initials(name: str) -> _Initials:
    words = tuple(piece.lower() for piece in PIECE.findall(name))
    folded = [strip_marks(word) for word in words]
    return _Initials(_initial_line(folded), words, tuple(at for at, word in enumerate(folded) if word not in STOP))


def _initial_line(folded: Sequence[str]) -> str:
    """The initials of a name's words (lower case, without marks): "|" for a word that is no letters, none for
    "và"/"các"/"của"."""
    return "".join(word[0] if word.isalpha() else "|" for word in folded if word not in STOP)


def _may_spell(key: str, literal: frozenset[str]) -> bool:
    """Letters that may be initials: three or more (two spell too much: "CH", "YN" are typos of words), no
    syllable nor raw keystrokes of one ("XAX" is xã), no roster word, no Roman numeral."""
    return (len(key) > 2 and key.isalpha() and key not in literal and not _ROMAN_LETTERS.issuperset(key)
            and not is_syllable(key) and fold_word(key) == key)


class _Spellings(NamedTuple):
    """The initials of every name of a roster (``_Initials.letters``), a line each, and where each line starts."""

    text: str
    starts: list[int]


def _spellings(names: Sequence[str]) -> _Spellings:
    lines = [_initial_line(words) for words in fold_words(names)]
    return _Spellings("\n".join(lines), list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0)))


def _spelled_by(key: str, names: Sequence[str], spellings: _Spellings) -> str | None:
    """The one run of words of ``names`` whose initials spell ``key`` (words that spell nothing inside it
    included), or None when there is none or several: found in all the names' initials at once."""
    runs: set[str] = set()
    found = spellings.text.find(key)
    while found >= 0 and len(runs) < 2:
        line = bisect_right(spellings.starts, found) - 1
        name, at = _initials(names[line]), found - spellings.starts[line]
        if name.letters[at:at + len(key)] == key:
            runs.add(" ".join(name.words[name.at[at]:name.at[at + len(key) - 1] + 1]))
        found = spellings.text.find(key, found + 1)
    return runs.pop() if len(runs) == 1 else None


def _near(words: Iterable[str]) -> frozenset[str]:
    """The words and each with one letter left out: two words one edit apart share one of these."""
    return frozenset({*words, *(word[:i] + word[i + 1 :] for word in words for i in range(len(word)))})


@lru_cache(maxsize=1 << 16)
def word_of(text: str) -> Word:
    toned = text.lower()
    return Word(text, toned, strip_marks(toned))


@lru_cache(maxsize=1 << 12)
def meaning_words(meaning: str) -> tuple[Word, ...]:
    """The words an abbreviation stands for: "ủy ban nhân dân"."""
    return tuple(word_of(part)._replace(expanded=True) for part in meaning.split())


@lru_cache(maxsize=1 << 16)
def compact(chunk: str) -> str:
    return "".join(PIECE.findall(strip_marks(chunk.lower())))


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
        elif not (span and word.folded in STOP):
            return None
    return span if done == len(key) else None


def _learn(short: str, full: str, learned: defaultdict[str, set[str]]) -> None:
    """Align a short name with the full one: each capitalised chunk spells some run of words."""
    full_words = [word_of(piece) for piece in PIECE.findall(full)]
    spelled = {word_of(piece).folded for piece in PIECE.findall(short)}
    for chunk in short.split():
        key = compact(chunk)
        capitals = (chunk.isupper() and len(key) > 1) or COMPOUND.fullmatch(chunk) is not None
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


def _contextual(folded_names: list[str]) -> dict[str, tuple[frozenset[str], str, str]]:
    """ "TT" is always "thị trấn" in a roster that has towns and no centres ("TT. Châu Thành"); a centre is a unit
    whose name opens with "Trung tâm" (Yên Bái's xã Trung Tâm is none)."""
    towns = any(" thi tran " in f" {name} " for name in folded_names)
    centres = any(name.startswith("trung tam ") for name in folded_names)
    if towns and not centres:
        return {**CONTEXTUAL, "tt": (frozenset(), "thị trấn", "thị trấn")}
    return dict(CONTEXTUAL)


def learn_vocabulary(names: Iterable[tuple[str, Sequence[str]]], *, homes: bool = True) -> Vocabulary:
    """Vocabulary for one roster, from (full name, other names: short name and aliases) pairs.

    ``homes=False`` when the roster states every unit's locality: places are then checked against it,
    never guessed from name endings (a district shared by a tenth of the communes is no home).
    """
    entries = [(full, [other for other in others if other]) for full, others in names]
    cleaned = iter(clean_many([other for _, others in entries for other in others]))
    pairs = [(full, [next(cleaned) for _ in others])
             for full, (_, others) in zip(clean_many([full for full, _ in entries]), entries, strict=True)]
    words = fold_words([full for full, _ in pairs])
    other_words = fold_words([other for _, others in pairs for other in others])
    pieces = {word for name in (*words, *other_words) for word in name}
    keyed = {word for word in pieces if fold_word(word) != word}  # raw keystrokes, letters with digits
    folded = [fold_clean(name) if not keyed.isdisjoint(name) else " ".join(name) for name in words]
    home_places = _homes(folded) if homes else ()
    learned: defaultdict[str, set[str]] = defaultdict(set)
    for full, others in pairs:
        for other in others:
            _learn(other, full, learned)
    for home in home_places:  # "NT" for Nha Trang, "TV" for Trà Vinh
        learned["".join(word[0] for word in home)].add(" ".join(home))
    unique = {key: next(iter(meanings)) for key, meanings in learned.items() if len(meanings) == 1}
    departments = {" ".join(name.split()[1:3]) for name in folded if name.startswith("phong ")}
    # Roman numerals ("Phường VII") are numbers, no words: "Vij" (Telex for Vị) is no typo of "VII"
    literal = {word for word in pieces
               if word.isalpha() and not is_syllable(word) and not _ROMAN_LETTERS.issuperset(word)}
    abbreviations = {**BUILTIN, **unique}
    contextual = _contextual(folded)
    letters = {word for word in literal if len(word) == 1}  # most rosters have none: no walk over their words
    letter_names = frozenset((word, name[i + 1]) for name in (*words, *other_words)
                             for i, word in enumerate(name[:-1]) if word in letters) if letters else frozenset()
    return Vocabulary(abbreviations, home_places, DEPARTMENTS | departments, contextual, frozenset(literal),
                      _near(literal), letter_names, case_keys=case_keys(abbreviations, contextual),
                      names=tuple(full for full, _ in entries))  # the roster's own texts: no copies held



def case_keys(abbreviations: Iterable[str], contextual: Iterable[str]) -> frozenset[str]:
    """Abbreviations that are also syllables: in capitals they stand for something ("TU"), else a word."""
    return frozenset(key for key in (*abbreviations, *contextual) if key.isalpha() and is_syllable(key))
