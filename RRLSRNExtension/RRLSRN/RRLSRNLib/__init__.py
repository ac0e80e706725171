"""Qt-free parts of the RRLSRN Slicer module (tested headlessly with slicer-core)."""
from .core import make_core_importable

make_core_importable()  # the bundled core library: the modules below import `rrlsrn` as usual

from .logic import MODULE_NAME, RRLSRNLogic, SuperResolutionRun, SuperResolutionSettings  # noqa: E402

__all__ = ["MODULE_NAME", "RRLSRNLogic", "SuperResolutionRun", "SuperResolutionSettings"]
