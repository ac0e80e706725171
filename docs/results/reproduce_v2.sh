#!/usr/bin/env bash
# Model v2 (issue 11): every evaluation of RESULTS.md §9, from the repository root, ../shared beside it.
# 1. Training (CPU, 1 thread; logs in docs/training/v2_*):
#      rrlsrn train --config configs/v2_ablation_paper_cpu.json  --time-limit 17   # paper form (4x4 upconv image branch)
#      rrlsrn train --config configs/v2_ablation_spline_cpu.json --time-limit 17   # spline form (residual on a cubic spline)
#      rrlsrn train --config configs/rrlsrn_v2_x2_cpu.json --time-limit 42         # spline form from v1's feature branch (96² patches)
# 2. The weights shipped before v2, for the comparison:
#      mkdir -p runs/v1 && git show 0b92978:RRLSRNCore/rrlsrn/weights/rrlsrn_x2.pt > runs/v1/rrlsrn_x2.pt
# PART=base: the v1 weights and the released LapSRN; PART=arms: the two ablation arms (run with GRIDS=stored);
# (The first candidate, runs/rrlsrn_v2_x2, was scored by the PART=final of commit 5874e25's version.)
# PART=candidates: the second session's three fine-tunings from v1 (1 thread each, two at a time, shared CPU):
#      rrlsrn train --config configs/rrlsrn_v2_x2_upconv_cpu.json --time-limit 64   # acquisition mix, upconv
#      rrlsrn train --config configs/rrlsrn_v2_x2_mix_cpu.json --time-limit 52      # bicubic/k-space mix, upconv
#      rrlsrn train --config configs/rrlsrn_v2_x2_spline_cpu.json                   # acquisition mix + zero-filled
#                   targets, spline, from the first candidate (stopped by hand after 15 of 32 epochs)
#   into docs/results/v2c_* (v1 again as RRLSRN: the same numbers as v2base_*, checked by build_results.py);
#   with DEGRADATIONS=acquisition GRIDS=acquired: LR from the MR acquisition model.
# PART=adapt: WEIGHTS with and without `--adapt 60` (in-plane) into docs/results/${NAME:-v2}adapt_*.
set -euo pipefail
D=../shared/data
VAL="$D/infant_t1/sub-0006_ses-V01_T1w.nii.gz $D/fetal_atlas/gholipour2017_GA24_T2w.nii.gz $D/fetal_atlas/gholipour2017_GA30_T2w.nii.gz $D/fetal_atlas/gholipour2017_GA36_T2w.nii.gz $D/fetal_atlas/spinabifida_GA27_operated_T2w.nii.gz $D/fetal_haste/sub-01_run-5_T2w.nii.gz $D/fetal_haste/sub-01_run-6_T2w.nii.gz $D/adult_child_t1_t2/seg3d_T1w.nii.gz $D/adult_child_t1_t2/pyradiomics_brain2_T1wGd.nrrd"
DEV="$D/fetal_stacks_dev"
LAPSRN=../shared/pretrained/LapSRN_x2.mat
R="rrlsrn evaluate --device cpu -q"
WEIGHTS=${WEIGHTS:-RRLSRNCore/rrlsrn/weights/rrlsrn_x2.pt}
run() {  # $1 = val|dev, $2 = degradation, $3 = grid
  local set=$1 deg=$2 grid=$3 vols extra=()
  if [ "$set" = val ]; then vols=$VAL; extra=(--max-slices 12); else vols=$DEV; fi
  if [ "${PART:-candidates}" = base ]; then
    $R $vols "${extra[@]}" --degradation $deg --grid $grid --weights runs/v1/rrlsrn_x2.pt --lapsrn-mat $LAPSRN \
       --out docs/results/v2base_${set}_${deg}_${grid}
  elif [ "${PART}" = arms ]; then
    $R $vols "${extra[@]}" --degradation $deg --grid $grid --weights runs/v1/rrlsrn_x2.pt \
       --model "paper form=runs/v2_ablation_paper/last.pt" --model "spline form=runs/v2_ablation_spline/last.pt" \
       --out docs/results/v2arms_${set}_${deg}_${grid}
  elif [ "${PART}" = candidates ]; then
    $R $vols "${extra[@]}" --degradation $deg --grid $grid --weights runs/v1/rrlsrn_x2.pt \
       --model "v2 upconv=runs/rrlsrn_v2_x2_upconv/last.pt" --model "v2 mix=runs/rrlsrn_v2_x2_mix/last.pt" \
       --model "v2 spline=runs/rrlsrn_v2_x2_spline/last.pt" --out docs/results/v2c_${set}_${deg}_${grid}
  elif [ "${PART}" = adapt ]; then
    $R $vols "${extra[@]}" --degradation $deg --grid $grid --weights $WEIGHTS --adapt 60 \
       --out docs/results/${NAME:-v2}adapt_${set}_${deg}_${grid}
  else
    echo "PART must be base, arms, candidates or adapt" >&2; exit 2
  fi
}
for grid in ${GRIDS:-stored acquired}; do
  for deg in ${DEGRADATIONS:-bicubic kspace}; do
    for set in ${SETS:-val dev}; do run $set $deg $grid; done
  done
done
