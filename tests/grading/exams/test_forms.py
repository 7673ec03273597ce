"""Parallel forms: the file's rules are enforced on load, each naming the item and form."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.exams.forms import FormsError, fixed_items

FORM = """
[[items.forms]]
id = "f{n}"
text = "第 {n} 个情景"
options = {{ "1" = "甲", "2" = "乙" }}
key = "1"
mistakes = {{ picks_the_other = "{wrong}" }}
"""


def write(tmp_path: Path, forms: int, wrong: str = "2", head: str = 'question = "q9"\nkind = "text"') -> Path:
    text = f"[[items]]\n{head}\n" + "".join(FORM.format(n=n, wrong=wrong) for n in range(forms))
    (tmp_path / "exam.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    items = fixed_items("exam", write(tmp_path, 4))
    assert [f.id for f in items["q9"].forms] == ["f0", "f1", "f2", "f3"]
    assert items["q9"].expected("f2").accepts("1")
    assert items["q9"].form("f1").public() == {
        "form": "f1",
        "text": "第 1 个情景",
        "options": {"1": "甲", "2": "乙"},
    }


def test_an_exam_without_forms_has_no_fixed_items(tmp_path: Path) -> None:
    assert fixed_items("none", tmp_path) == {}


@pytest.mark.parametrize(
    ("forms", "wrong", "head", "message"),
    [
        (
            3,
            "2",
            'question = "q9"\nkind = "text"',
            "exam.toml items[0] (q9): 3 form(s); a fixed-text item needs at least 4",
        ),
        (4, "1", 'question = "q9"\nkind = "text"', "form f0: mistake(s) ['picks_the_other'] earn full marks"),
        (4, "2", 'question = "q9"', "exam.toml items[0]: missing field 'kind'"),
        (4, "2", 'question = "q9"\nkind = "text"\nscoring = "per_key"', "does not apply to text answers"),
    ],
    ids=["too-few-forms", "mistake-scores", "missing-kind", "rule-does-not-fit"],
)
def test_a_broken_file_names_the_item(
    tmp_path: Path, forms: int, wrong: str, head: str, message: str
) -> None:
    with pytest.raises(FormsError) as err:
        fixed_items("exam", write(tmp_path, forms, wrong, head))
    assert message in str(err.value)


def test_a_key_outside_the_options_is_refused(tmp_path: Path) -> None:
    folder = write(tmp_path, 4)
    path = folder / "exam.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('key = "1"', 'key = "3"', 1), encoding="utf-8")
    with pytest.raises(FormsError, match="key '3' is not among the options"):
        fixed_items("exam", folder)
