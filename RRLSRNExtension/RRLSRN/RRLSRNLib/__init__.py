"""Qt-free parts of the RRLSRN Slicer module (tested headlessly with slicer-core)."""
from .logic import RRLSRNLogic, SuperResolutionRun, SuperResolutionSettings

__all__ = ["RRLSRNLogic", "SuperResolutionRun", "SuperResolutionSettings"]
