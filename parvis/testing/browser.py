"""Helpers for browser tests: Playwright for Python driving Debian's chromium, and axe-core."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def find_chromium() -> str | None:
    candidate = os.environ.get("PARVIS_CHROMIUM")
    if candidate and Path(candidate).exists():
        return candidate
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_unavailable_reason() -> str | None:
    if not find_chromium():
        return "Chromium introuvable (paquet Debian « chromium ») : tests navigateur ignorés"
    if not AXE_PATH.exists():
        return "axe-core absent (lancez « npm ci ») : tests navigateur ignorés"
    return None


def check_accessibility(page, context: str = "") -> None:
    """Runs axe-core in the page and fails on any WCAG 2.0/2.1 A or AA violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    violations = result["violations"]
    if violations:
        lines = []
        for violation in violations:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} → {targets}")
        raise AssertionError(f"Accessibilité ({context or page.url}) :\n" + "\n".join(lines))


def log_in(page, email: str, password: str, next_url: str = "") -> None:
    """Signs in through the login form (then, with `next_url`, lands there)."""
    page.goto(f"{page.base_url}/compte/connexion/" + (f"?next={next_url}" if next_url else ""))
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def fits_width(page) -> bool:
    """The page needs no horizontal scrolling at the current viewport width."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def screenshot(page, name: str) -> None:
    """A full-page screenshot `<PARVIS_SCREENSHOTS>/<name>.png` when that folder is set (to review pages)."""
    folder = os.environ.get("PARVIS_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)
