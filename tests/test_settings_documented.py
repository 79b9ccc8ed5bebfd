"""Every environment variable that parvis/settings.py reads is documented for the operator in docs/."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_read_from_the_environment_is_documented():
    names = set(re.findall(r'env_[a-z]+\(\s*"([A-Z][A-Z0-9_]+)"', (ROOT / "parvis" / "settings.py").read_text()))
    assert len(names) > 50
    docs = "\n".join(path.read_text() for path in (ROOT / "docs").rglob("*.md"))
    assert sorted(name for name in names if f"`{name}`" not in docs) == []
