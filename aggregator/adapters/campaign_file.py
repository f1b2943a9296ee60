"""Campaign files on disk: find the default one, read one and hand its text to ``campaign.parse``."""

from __future__ import annotations

import os
from pathlib import Path

from aggregator.campaign import Campaign, parse
from aggregator.errors import ConfigError

__all__ = ["BUNDLED_CONFIG_DIR", "DEFAULT_CAMPAIGN", "DEFAULT_ENV", "default_campaign", "load", "parse"]

BUNDLED_CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
DEFAULT_CAMPAIGN = BUNDLED_CONFIG_DIR / "nhatrang-2024.yaml"
DEFAULT_ENV = "AGGREGATOR_CONFIG"  # overrides the default campaign file (e.g. in the Docker image)


def default_campaign() -> Path:
    """The campaign file used when --config is not given."""
    configured = os.environ.get(DEFAULT_ENV)
    if configured:
        return Path(configured)
    if DEFAULT_CAMPAIGN.exists():  # a checkout or an editable install
        return DEFAULT_CAMPAIGN
    return Path.cwd() / "config" / DEFAULT_CAMPAIGN.name


def load(path: Path | None = None) -> Campaign:
    """Load and validate a campaign file (default: the bundled Nha Trang 2024 campaign)."""
    path = (path or default_campaign()).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(str(path), ["the file does not exist"], "Pass an existing file with --config.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"it cannot be read ({exc})"], "Save it as UTF-8 text.") from exc
    return parse(text, origin=str(path), base_dir=path.resolve().parent)
