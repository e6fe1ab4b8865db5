"""`python -m sdpa_ext`: the command line."""

from .cli import main

raise SystemExit(main())
