"""The bulk tests use the resource tests' emulator fixtures."""

from tests.resources.conftest import emulator, ws

__all__ = ["emulator", "ws"]
