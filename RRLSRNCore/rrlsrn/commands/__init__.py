"""The subcommands of ``rrlsrn`` whose code is nothing but the command: each module holds its
argparse options (``add_cli``) and the function that runs them on the library. (``train``,
``evaluate``, ``benchmark`` and ``demo`` keep their ``add_cli`` beside their code for now.)"""
