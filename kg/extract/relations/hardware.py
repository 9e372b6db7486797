"""``runsOn``: "on/using (a|an) <Hardware>" in a sentence about a method; in a sentence
about training, the qualified pattern ``trained-on-hardware`` (ANNOTATION.md: training
on hardware is told apart from inference)."""

from __future__ import annotations

from kg.extract.relations.base import used_by_authors

#: Optimizers: named methods, but not what runs on the hardware.
_OPTIMIZERS = {"SGD", "Adam", "AdamW", "RMSProp", "RMSprop", "Adagrad", "AdaGrad", "LAMB", "LARS", "Adafactor"}
#: Lemmas of training: the hardware of such a sentence trains the model.
_TRAIN_LEMMAS = {"train", "pretrain", "pre-train", "fine-tune", "finetune", "training"}


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
            # an optimizer or a lower-case technique ("SGD with weight decay … on 4 Titan
            # Xp GPUs") is no system that runs (eighth blind audit: 3 of 3 such wrong)
            hs = [m.i for m in methods if m.start < hw.start and m.i not in beaten and not m.generic
                  and m.span.text not in _OPTIMIZERS and not used_by_authors(m.span.root)]
            training = bool(s.lemmas & _TRAIN_LEMMAS)
            pattern = "trained-on-hardware" if training else "on-hardware"
            # the clause the hardware belongs to names its own subject: "char-CNN and
            # VDCNN are trained on a K40, while our models are trained on a CPU"
            # (thirteenth blind audit: the K40 went to the paper's own model)
            verb = next((a for a in hw.span.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
            named_subj = [i for i in (self._subjects(verb, methods, None) if verb is not None else [])
                          if i != main and not c.ms_by_i[i].generic]
            if named_subj:
                hs = [i for i in named_subj if i not in beaten]
            elif training and main is not None and self_ref:
                # "we train the network … on 4 GPUs": the paper's own model, inferred
                hs, pattern = [main], "trained-on-hardware-self"
            elif not hs and main is not None and self_ref:
                hs = [main]
            for h in hs[:2]:
                # training runs are a qualified runsOn: their own pattern, fitted apart
                add("runsOn", h, hw.i, sent, pattern, 0.85)
