"""Config for Tortoise's own ``tortoise`` command (``make migrations``), read from pyproject's [tool.tortoise]."""

from app.db.config import tortoise_config
from app.settings import get_settings

TORTOISE_ORM = tortoise_config(get_settings().database_url)
