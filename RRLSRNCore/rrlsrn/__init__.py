"""RRLSRN: deep robust residual super-resolution of (fetal) brain MRI."""

__version__ = "0.1.0"
