"""``rrlsrn-web`` / ``python -m rrlsrn_web``: start the RRLSRN Web server (loopback by default)."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rrlsrn-web", description=(
        "Brain mask and RRLSRN super-resolution of brain MRI in a browser (3D Slicer's scene, trame-slicer). "
        "No authentication: it listens on 127.0.0.1 unless --host says otherwise."))
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--input", type=Path, help="a volume to open at start (NIfTI, NRRD, MetaImage)")
    source.add_argument("--demo", action="store_true",
                        help="open a thick-slice low-resolution stack made from the MNI152 T1 that nilearn ships")
    spacing = p.add_mutually_exclusive_group()
    spacing.add_argument("--spacing", metavar="X,Y,Z", help="voxel spacing in mm for a broken header")
    spacing.add_argument("--spacing-from-name", action="store_true",
                         help="take the spacing from a '..._Res<x>_<y>_Spac<z>...' file name")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    sys.argv = sys.argv[:1]  # trame parses the command line too: it gets nothing of ours
    from .app import RRLSRNWebApp
    from .session import demo_volume, one_sentence

    app = RRLSRNWebApp()
    try:
        if args.demo:
            app.open_initial(demo_volume(Path(tempfile.gettempdir()) / "rrlsrn-web-demo"))
        elif args.input:
            app.open_initial(args.input, args.spacing, args.spacing_from_name)
    except (ValueError, RuntimeError) as error:
        print(f"rrlsrn-web: error: {one_sentence(error)}", file=sys.stderr)
        return 2
    url = f"http://{'127.0.0.1' if args.host in ('', '0.0.0.0') else args.host}:{args.port}/"

    def ready(**_):
        print(f"RRLSRN Web is running at {url}  (Ctrl+C stops it)", flush=True)

    app.ctrl.on_server_ready.add(ready)
    try:
        app.server.start(host=args.host, port=args.port, open_browser=False, show_connection_info=False, timeout=0)
    finally:
        app.session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
