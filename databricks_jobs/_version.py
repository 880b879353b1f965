"""The one place the package version is written."""

__version__ = "0.1.0"
"""The version of brickjobs, as installed: ``databricks_jobs.__version__``."""
