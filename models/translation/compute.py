"""Which arithmetic CTranslate2 runs with on this CPU: int8 where its kernels stay faithful to float32,
else float32 (`QARI_MT_COMPUTE` overrides)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from models.settings import translation_compute

DEFAULT_QUANTIZATION = "int8"


def _cpu() -> tuple[str, set[str]]:
    """(vendor, feature flags) of this x86 CPU from /proc/cpuinfo; ("", set()) elsewhere."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "", set()
    vendor = re.search(r"^vendor_id\s*:\s*(\S+)", text, re.MULTILINE)
    flags = re.search(r"^flags\s*:(.*)$", text, re.MULTILINE)
    return (vendor.group(1) if vendor else ""), set(flags.group(1).split()) if flags else set()


def int8_is_faithful() -> tuple[bool, str]:
    """Whether CTranslate2's int8 GEMM on this CPU stays close to float32, and why.

    On x86 CPUs without VNNI, oneDNN's u8·s8 kernels add pairs of products in 16 bits, which saturate
    (measured: 2.1 nats per token from float32 on the test model, against 0.1 with VNNI or MKL). MKL's
    int8 GEMM (CTranslate2's choice on Intel CPUs, or with `CT2_USE_MKL=1`) and VNNI's 32-bit
    accumulation do not. `CT2_FORCE_CPU_ISA` and `CT2_USE_MKL` are honoured as CTranslate2 reads them.
    """
    vendor, flags = _cpu()
    if not flags:
        return True, "not an x86 CPU: CTranslate2's int8 kernels there accumulate in 32 bits"
    forced = os.environ.get("CT2_FORCE_CPU_ISA", "").strip().upper()
    vnni = bool(flags & {"avx512_vnni", "avx_vnni", "amx_int8"}) and forced in ("", "AVX512")
    if vnni:
        return True, "this CPU has VNNI (32-bit int8 accumulation)"
    mkl = os.environ.get("CT2_USE_MKL", "").strip()
    if mkl == "1" or (mkl == "" and vendor == "GenuineIntel"):
        return True, "MKL's int8 GEMM"
    return False, "this CPU lacks VNNI and oneDNN's int8 kernels saturate there: float32 instead"


def compute_type_for(quantization: str = DEFAULT_QUANTIZATION) -> str:
    """The compute type to run a conversion with: `QARI_MT_COMPUTE`, or int8 where it is faithful."""
    wanted = translation_compute()
    if not quantization.startswith("int8") or wanted == "float32":
        return "float32" if wanted == "float32" else "default"
    if wanted == "int8" or int8_is_faithful()[0]:
        return "int8"
    return "float32"
