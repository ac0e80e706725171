#!/usr/bin/env bash
# Every table of docs/RESULTS.md, from the repository root, with ../shared beside it.
# 1. Training (CPU, 1 thread each; the shipped models' recipes and the ablations, equal budgets):
#      rrlsrn train --config configs/rrlsrn_x2_cpu.json            # RRLSRN, 6,000 steps   -> runs/rrlsrn_x2
#      rrlsrn train --config configs/rrlsrn_x2_cpu_finetune.json   # + 4,500 steps (shipped)
#      rrlsrn train --config configs/srcnn_x2_cpu.json             # SRCNN, same data/degradations/steps
#      rrlsrn train --config configs/srcnn_x2_cpu_finetune.json    # + 4,500 steps (shipped)
#      rrlsrn train --config configs/ablation_base_cpu.json                # RRLSRN, 3,000 steps (reference)
#      rrlsrn train --config configs/ablation_no_gdl_cpu.json              # Table 4, 3,000 steps
#      rrlsrn train --config configs/ablation_no_feature_upconv_cpu.json   # Table 5, 3,000 steps
#      rrlsrn train --config configs/ablation_lapsrn_init_cpu.json         # LapSRN init, 1,500 steps
#      rrlsrn train --config configs/ablation_scratch_k3_cpu.json          # the same from scratch
# 2. Evaluation (below) and timing (rrlsrn benchmark; benchmarks/memory_upscale.py).
set -euo pipefail
D=../shared/data
INFANT="$D/infant_t1/sub-0006_ses-V01_T1w.nii.gz"
ATLAS="$D/fetal_atlas/gholipour2017_GA24_T2w.nii.gz $D/fetal_atlas/gholipour2017_GA30_T2w.nii.gz $D/fetal_atlas/gholipour2017_GA36_T2w.nii.gz $D/fetal_atlas/spinabifida_GA27_operated_T2w.nii.gz"
DEV="$D/fetal_stacks_dev"
LAPSRN=../shared/pretrained/LapSRN_x2.mat
R="rrlsrn evaluate --device cpu -q"
ABLATIONS=(--model "RRLSRN 3k=runs/ablation_base/last.pt"
           --model "no GDL 3k=runs/ablation_no_gdl/last.pt"
           --model "no feature upconv 3k=runs/ablation_no_feature_upconv/last.pt"
           --model "k3 LapSRN init 1.5k=runs/ablation_lapsrn_init/last.pt"
           --model "k3 scratch 1.5k=runs/ablation_scratch_k3/last.pt")
tables() {  # Tables 1-3: each dataset, shipped models and the released LapSRN
  $R $INFANT --degradation $1 --max-slices 12 --lapsrn-mat $LAPSRN --out docs/results/infant_t1_$1
  $R $ATLAS --degradation $1 --max-slices 12 --lapsrn-mat $LAPSRN --out docs/results/fetal_atlas_$1
  $R $DEV --degradation $1 --lapsrn-mat $LAPSRN --out docs/results/dev_stacks_$1
}
ablations() {  # Tables 4-5 and initialisation, per dev stack and on the validation volumes
  $R $DEV --degradation $1 "${ABLATIONS[@]}" --out docs/results/ablations_dev_$1
  $R $INFANT $ATLAS --degradation $1 --max-slices 12 "${ABLATIONS[@]}" --out docs/results/ablations_val_$1
}
x4() {  # ×4: the ×2 models cascaded
  $R $INFANT $ATLAS --scale 4 --degradation $1 --max-slices 12 --out docs/results/x4_val_$1
  $R $DEV --scale 4 --degradation $1 --out docs/results/x4_dev_$1
}
# DEGRADATIONS=kspace or PARTS="tables x4" run a share (e.g. two shares in parallel on 2 cores).
for deg in ${DEGRADATIONS:-bicubic kspace}; do
  for part in ${PARTS:-tables ablations x4}; do $part $deg; done
done
