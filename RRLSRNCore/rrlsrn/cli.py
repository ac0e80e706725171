"""The ``rrlsrn`` command: the subcommands (one module each in rrlsrn.commands), and the one way errors reach the user: a sentence on
stderr (rrlsrn.jobs.error_line) and exit status 1; Ctrl-C and SIGTERM clean up and exit 130."""
from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading

from . import __version__
from .commands.options import DefaultsHelpFormatter
from .errors import RRLSRNError
from .jobs import error_line


def build_parser() -> argparse.ArgumentParser:
    from .commands import benchmark, brainmask, demo, evaluate, evaluate_through_plane, train, upscale

    parser = argparse.ArgumentParser(prog="rrlsrn", description="Deep robust residual super-resolution "
                                     "of (fetal) brain MRI: in-plane ×2/×4/×8 and through-plane (thick slices).")
    parser.add_argument("--version", action="version", version=f"rrlsrn {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for module in (upscale, brainmask, train, evaluate, evaluate_through_plane, benchmark, demo):
        module.add_cli(sub)
    for command in sub.choices.values():
        command.formatter_class = DefaultsHelpFormatter
    return parser


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM (schedulers, `timeout`) cleans up exactly as Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    import SimpleITK as sitk

    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.command_line = shlex.join(["rrlsrn", *argv])  # what reports record: the arguments given to main()
    sitk.ProcessObject.SetGlobalWarningDisplay(False)  # ITK's raw warnings; errors come as one sentence
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
        # A parent that ignores SIGINT (a shell's background job, nohup) passes that on, and Python
        # then never raises KeyboardInterrupt: Ctrl-C and --stop-with-parent would not stop the run.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return args.func(args) or 0
    except RRLSRNError as error:
        print(error_line(str(error)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("rrlsrn: interrupted; no output was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
