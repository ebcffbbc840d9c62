"""Commands of the CLI that read or rework the archive, one module each (wired in cli.py)."""
