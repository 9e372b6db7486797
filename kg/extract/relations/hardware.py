"""``runsOn``: "on/using (a|an) <Hardware>" in a sentence about a method."""

from __future__ import annotations




class HardwareRules:
    """Mixin of :class:`~kg.extract.relations.RelationExtractor` (see the module docstring)."""

    def _rel_runs_on(self, c, s) -> None:
        """Add this family's relations of sentence ``s`` (a :class:`~kg.extract.relations.base.SentCtx`)
        of document ``c`` (a :class:`~kg.extract.relations.base.DocCtx`) through ``c.add``."""
        doc, add, main, sent = c.doc, c.add, c.main, s.sent
        methods, hardware, self_ref, beaten = s.methods, s.hardware, s.self_ref, s.beaten
        for hw in hardware:
            prev = doc[hw.start - 1] if hw.start > 0 else None
            prev2 = doc[hw.start - 2] if hw.start > 1 else None
            on = any(t is not None and t.lower_ in ("on", "using", "with", "across") for t in (prev, prev2))
            if not on:
                continue
            hs = [m.i for m in methods if m.start < hw.start and m.i not in beaten]
            if not hs and main is not None and self_ref:
                hs = [main]
            for h in hs[:2]:
                add("runsOn", h, hw.i, sent, "on-hardware", 0.85)
