"""Qt-free parts of the RRLSRN Slicer module (tested headlessly with slicer-core)."""
from .logic import MODULE_NAME, RRLSRNLogic, SuperResolutionRun, SuperResolutionSettings

__all__ = ["MODULE_NAME", "RRLSRNLogic", "SuperResolutionRun", "SuperResolutionSettings"]
