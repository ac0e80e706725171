"""``rrlsrn brainmask``: a brain mask from a few points inside (and outside) the brain."""
from __future__ import annotations

import argparse

from .options import add_geometry_options, parse_point


def add_cli(sub: argparse._SubParsersAction) -> None:
    bm = sub.add_parser("brainmask", help="brain mask from a few seed points",
                        description="Segment the brain from points inside it (and optionally outside).")
    bm.add_argument("input")
    bm.add_argument("-o", "--output", required=True)
    bm.add_argument("--seed", type=parse_point, action="append", default=[], metavar="R,A,S",
                    help="a point inside the brain, RAS mm as 3D Slicer shows it (repeatable)")
    bm.add_argument("--seed-ijk", type=parse_point, action="append", default=[], metavar="I,J,K",
                    help="a point inside the brain as voxel indices (repeatable)")
    bm.add_argument("--background", type=parse_point, action="append", default=[], metavar="R,A,S",
                    help="a point outside the brain, RAS mm (repeatable)")
    bm.add_argument("--background-ijk", type=parse_point, action="append", default=[], metavar="I,J,K",
                    help="a point outside the brain as voxel indices (repeatable)")
    add_geometry_options(bm)
    bm.add_argument("--overwrite", action="store_true", help="replace an existing output mask")
    bm.add_argument("-q", "--quiet", action="store_true")
    bm.set_defaults(func=run)



def run(args: argparse.Namespace) -> int:
    import numpy as np
    import SimpleITK as sitk

    from ..brainmask import brain_mask_from_seeds
    from ..geometry import Grid, ras_to_lps
    from ..io import check_output_path, parse_spacing, read_volume, write_volume

    check_output_path(args.output, args.overwrite, inputs=[args.input])
    image = read_volume(args.input, parse_spacing(args.spacing) if args.spacing else None, args.spacing_from_name)
    grid = Grid.of(image)

    def to_ijk(ras: list, ijk: list) -> list[tuple[int, int, int]]:
        points = [grid.lps_to_index(ras_to_lps(p)) for p in ras] + [np.asarray(p) for p in ijk]
        return [tuple(int(v) for v in np.rint(p)) for p in points]

    mask = brain_mask_from_seeds(image, to_ijk(args.seed, args.seed_ijk),
                                 to_ijk(args.background, args.background_ijk))
    out = write_volume(mask, args.output, overwrite=args.overwrite)
    if not args.quiet:
        voxels = int(sitk.GetArrayViewFromImage(mask).sum())
        volume_ml = voxels * float(np.prod(image.GetSpacing())) / 1000
        print(f"wrote {out} ({voxels} voxels, {volume_ml:.1f} ml)")
    return 0
