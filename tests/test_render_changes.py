"""The monitor's change lines (starrules.render.changes): the Chinese labels follow the
programme's own words. In the seed reports 摘星 means *winning* a star, so a lost star must
never be labelled with it (a cadre would read every revocation as a win)."""

from __future__ import annotations

import pytest

from starrules.monitor.changes import ChangeKind
from starrules.render.changes import _w

# The domain's terms for what happens to a star, as the reports use them.
GLOSSARY_ZH = {
    ChangeKind.STAR_GRANTED: "授星",
    ChangeKind.STAR_REVOKED: "撤星",
    ChangeKind.STAR_DENIED: "确定未获得",
    ChangeKind.STAR_UNDETERMINED: "转为待定",
    ChangeKind.LEVEL_UP: "升级",
    ChangeKind.LEVEL_DOWN: "降级",
}
WINNING = ("摘星", "摘得", "摘取")


@pytest.mark.parametrize("kind", list(GLOSSARY_ZH))
def test_change_labels_use_the_glossary(kind: ChangeKind) -> None:
    assert _w(kind, "zh") == GLOSSARY_ZH[kind]


@pytest.mark.parametrize(
    "kind", [ChangeKind.STAR_REVOKED, ChangeKind.STAR_DENIED, ChangeKind.LEVEL_DOWN]
)
def test_a_loss_is_never_worded_as_winning_a_star(kind: ChangeKind) -> None:
    label = _w(kind, "zh")
    assert not any(word in label for word in WINNING), label
