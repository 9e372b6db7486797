"""Normalise accelerator names ("NVIDIA A100 SXM4 80 GB") to one canonical chip.

Memory size, form factor and board variants (SXM4, PCIe, DGXS, "80 GB") name
the same chip in running text, so they become aliases of one entry
("NVIDIA A100"); real model differences (A100 vs A800, V100 vs V100S, TPU v3 vs
TPU v4) stay apart. The rules follow NVIDIA's and Google's product naming as it
appears in Epoch AI's "Training hardware" column.
"""

from __future__ import annotations

import re

__all__ = ["normalise_hardware"]

_MEMORY = re.compile(r"\s*\b\d+\s*G(?:B|iB)?\b|\s*\b\d+G\b", re.I)
_FORM = re.compile(r"\s*\b(?:SXM\d?|PCIe|DGXS|GPUs?|NVLink)\b", re.I)


def _dedupe(items: list[str], exclude: str) -> list[str]:
    out: list[str] = []
    for item in items:
        item = " ".join(item.split())
        if item and item != exclude and item not in out:
            out.append(item)
    return out


def normalise_hardware(raw: str) -> tuple[str, list[str]]:
    """Return ``(canonical name, aliases)`` for one hardware name.

    Parameters
    ----------
    raw : str
        A name as a list gives it, e.g. ``"NVIDIA Tesla V100 DGXS 32 GB"``,
        ``"Google TPU v4"``, ``"NVIDIA GeForce RTX 3090"``.

    Returns
    -------
    tuple of (str, list of str)
        E.g. ``("NVIDIA V100", ["NVIDIA Tesla V100 DGXS 32 GB", "Tesla V100",
        "V100", ...])``. The raw name is among the aliases when it differs from
        the canonical name. Names of unknown vendors come back unchanged, with
        no aliases.

    Examples
    --------
    >>> normalise_hardware("NVIDIA A100 SXM4 80 GB")[0]
    'NVIDIA A100'
    >>> "RTX 3090" in normalise_hardware("NVIDIA GeForce RTX 3090")[1]
    True
    """
    raw = " ".join(raw.split())
    text = raw
    m = re.match(r"^(?:NVIDIA|Nvidia|nvidia)\s+(.*)$", text)
    if m:
        rest = _FORM.sub("", _MEMORY.sub("", m.group(1))).strip()
        line = ""
        lm = re.match(r"^(GeForce|Tesla|Quadro)\s+(.*)$", rest)
        if lm:
            line, rest = lm.group(1), lm.group(2).strip()
        # Tesla K-series board variants (K40c/K40m/K40s/K40t) are one chip.
        model = re.sub(r"^(K\d+)[cmst]$", r"\1", rest)
        if line in ("GeForce", "Quadro"):
            canonical = f"NVIDIA {line} {model}"
        else:
            canonical = f"NVIDIA {model}"
        aliases = [raw, f"NVIDIA {model}", model, f"{model} GPU", f"NVIDIA {model} GPU"]
        if line:
            aliases += [f"{line} {model}", f"{line} {model} GPU", f"NVIDIA {line} {model}"]
        number = re.search(r"\b(\d{3,4})\b", model)
        if line == "GeForce" and number and re.match(r"^(?:RTX|GTX)\s", model):
            # "NVIDIA 3090 GPU", "3090 GPU": how papers name consumer cards.
            n = number.group(1) + model[number.end():]
            aliases += [f"NVIDIA {n}", f"NVIDIA {n} GPU", f"{n} GPU", f"{n} GPUs"]
        aliases.append(f"{model} GPUs")
        return canonical, _dedupe(aliases, canonical)
    m = re.match(r"^Google\s+TPU\s*(v\d+[a-z]?)(?:\s+(\w+))?$", text)
    if m:
        version, nickname = m.group(1), m.group(2)
        canonical = f"Google TPU {version}"
        aliases = [raw, f"TPU {version}", f"TPU{version}", f"TPU-{version}",
                   f"Cloud TPU {version}", f"TPU {version} Pod", f"TPU {version} pods",
                   f"TPU {version} chips"]
        if nickname:
            aliases += [nickname, f"TPU {nickname}", f"Google TPU {nickname}"]
        return canonical, _dedupe(aliases, canonical)
    m = re.match(r"^AMD\s+(?:Radeon\s+)?Instinct\s+(MI\d+\w*)$", text)
    if m:
        chip = m.group(1)
        return f"AMD Instinct {chip}", _dedupe([raw, chip, f"AMD {chip}", f"Instinct {chip}", f"{chip} GPU"], f"AMD Instinct {chip}")
    m = re.match(r"^Huawei\s+Ascend\s+(\w+)$", text)
    if m:
        chip = m.group(1)
        return f"Huawei Ascend {chip}", _dedupe([raw, f"Ascend {chip}", f"Ascend-{chip}"], f"Huawei Ascend {chip}")
    m = re.match(r"^Amazon\s+Trainium(\d*)$", text)
    if m:
        gen = m.group(1)
        canonical = "AWS Trainium" + (gen if gen and gen != "1" else "")
        return canonical, _dedupe([raw, f"Trainium{gen}", f"AWS Trainium{gen}", "Trainium" if gen in ("", "1") else ""], canonical)
    m = re.match(r"^Cerebras\s+(CS-\d+|WSE-\d+)$", text)
    if m:
        return raw, _dedupe([f"Cerebras {m.group(1)} system", f"{m.group(1)} system"], raw)
    return raw, []
