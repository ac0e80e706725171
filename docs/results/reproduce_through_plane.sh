#!/usr/bin/env bash
# Through-plane restoration (issue 15): every number of docs/THROUGH_PLANE.md, from the repository
# root with ../shared beside it and the venv on PATH (. .venv/bin/activate), on the shipped model (or WEIGHTS=...). Two evaluations run at a
# time, one torch thread each (the project's CPU has 2 cores).
# 1. Training (CPU; log in docs/training/through_plane_cpu_log.csv):
#      rrlsrn train --config configs/through_plane_cpu.json --time-limit 75
#      cp runs/through_plane/best.pt RRLSRNCore/rrlsrn/weights/rrlsrn_through_plane.pt   # + write_sha256
# 2. Simulated thick slices from held-out isotropic volumes (rrlsrn evaluate-through-plane),
# 3. real stacks (docs/results/through_plane_real.py), 4. the tables of docs/THROUGH_PLANE.md.
set -euo pipefail
D=../shared/data
VAL="$D/infant_t1/sub-0006_ses-V01_T1w.nii.gz $D/fetal_atlas/gholipour2017_GA24_T2w.nii.gz $D/fetal_atlas/gholipour2017_GA30_T2w.nii.gz $D/fetal_atlas/gholipour2017_GA36_T2w.nii.gz $D/fetal_atlas/spinabifida_GA27_operated_T2w.nii.gz $D/adult_child_t1_t2/seg3d_T1w.nii.gz"
OUT=docs/results/through_plane
W=()
[ -n "${WEIGHTS:-}" ] && W=(--weights "$WEIGHTS")
export OMP_NUM_THREADS=1
E="rrlsrn evaluate-through-plane --device cpu -q ${W[*]}"
mkdir -p $OUT
# name ratio profile thickness [assumed profile] [assumed thickness] [extra]
jobs=(
  "x4_gaussian 4 gaussian 1.0 - - --naive --adapt 60"
  "x4_rect 4 rect 1.0 - - --naive"
  "x4_gaussian_gap 4 gaussian 0.6 - -"
  "x4_rect_told_gaussian 4 rect 1.0 gaussian -"
  "x4_gap_told_none 4 gaussian 0.6 - 1.0"
  "x4_none_told_gap 4 gaussian 1.0 - 0.6"
  "x5_gaussian 5 gaussian 1.0 - -"
  "x6_gaussian 6 gaussian 1.0 - -"
  "x8_gaussian 8 gaussian 1.0 - - --naive"
  "x2_gaussian 2 gaussian 1.0 - - --naive"
  "x3_gaussian 3 gaussian 1.0 - -"
)
run() {
  set -- $1
  local name=$1 ratio=$2 profile=$3 thickness=$4 aprof=$5 athick=$6 extra="${*:7}"
  local args=(--ratio "$ratio" --profile "$profile" --thickness-factor "$thickness")
  [ "$aprof" != - ] && args+=(--assume-profile "$aprof")
  [ "$athick" != - ] && args+=(--assume-thickness-factor "$athick")
  $E $VAL "${args[@]}" $extra --out $OUT/$name
}
for ((i = 0; i < ${#jobs[@]}; i += 2)); do
  run "${jobs[i]}" &
  if ((i + 1 < ${#jobs[@]})); then run "${jobs[i + 1]}" & fi
  wait
done
unset OMP_NUM_THREADS
python docs/results/through_plane_real.py ${WEIGHTS:-} > $OUT/real.md
python docs/results/build_through_plane.py   # fills docs/THROUGH_PLANE.md's tables
