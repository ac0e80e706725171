"""``python -m rrlsrn`` is the ``rrlsrn`` command (also what torchrun starts)."""
import sys

from .cli import main

sys.exit(main())
