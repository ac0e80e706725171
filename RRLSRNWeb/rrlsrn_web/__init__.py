"""RRLSRN Web: the RRLSRN Slicer module's brain-mask and super-resolution workflow in a browser (trame-slicer)."""
__version__ = "0.1.0"
