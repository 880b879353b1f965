"""The reliability suite reuses the emulator fixtures of the resource tests."""

from tests.resources.conftest import emulator, ws

__all__ = ["emulator", "ws"]
