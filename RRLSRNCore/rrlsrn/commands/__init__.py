"""The subcommands of ``rrlsrn``, one module each: its argparse options (``add_cli``) and the
function that runs them on the library. argparse lives here only; the library below takes one
settings object per job and never imports this package."""
