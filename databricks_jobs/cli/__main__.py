"""``python -m databricks_jobs.cli``: the same as the ``brickjobs`` command."""

from databricks_jobs.cli import main

if __name__ == "__main__":
    main()
