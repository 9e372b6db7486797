"""``evaluatedOn`` (and, in one block with it, ``trainedOn``): evaluation sentences naming a
dataset, and a method acting "on <dataset>"."""

from __future__ import annotations

from kg.extract.relations.base import _STRONG_EVAL, _after_lemma, _ListedWith, _own_mention, _under_prep


class EvaluatedRules:
    """Mixin of :class:`~kg.extract.relations.RelationExtractor` (see the module docstring)."""

    def _rel_evaluated_on(self, c, s) -> None:
        """Add this family's relations of sentence ``s`` (a :class:`~kg.extract.relations.base.SentCtx`)
        of document ``c`` (a :class:`~kg.extract.relations.base.DocCtx`) through ``c.add``."""
        add, main, ms_by_i = c.add, c.main, c.ms_by_i
        sent, methods, datasets, lemmas = s.sent, s.methods, s.datasets, s.lemmas
        self_ref, beaten = s.self_ref, s.beaten
        if datasets and lemmas & self.lex["eval_triggers"]:
            heads = [m.i for m in methods if m.i not in beaten and not _under_prep(m, None, ("than", "over", "in", "with", "into", "without", "unlike", "like", "against"))
                     and m.span.root.dep_ not in ("pobj",) or (m.label == "Method" and m.span.root.dep_ == "pobj" and m.span.root.head.lower_ in ("of", "by"))]
            # "experiments on IJB-A, YouTube Face, Celebrity-1000 benchmarks": a
            # "method" listed with the datasets is one of them, not the evaluated method
            listed_with = _ListedWith(datasets)
            listed = {m.i for m in methods if listed_with(m)}
            heads = [h for h in heads if h not in listed]
            # "the proposed regularized deep regressor": a description, but the
            # document's own method
            generic = {m.i for m in methods if m.generic and not _own_mention(m)}
            heads = [h for h in heads if h not in beaten and h not in generic]
            patterns = dict.fromkeys(heads, "eval-sentence")
            # a named method as the sentence's subject is the one evaluated, even in
            # a sentence that says "we"/"our": "In our experiments, X reaches 80 on A"
            subject_named = any(ms_by_i[h].span.root.dep_ in ("nsubj", "nsubjpass") for h in heads)
            if self_ref and main is not None and not subject_named:
                patterns.setdefault(main, "eval-sentence-self")
            elif not heads and main is not None and lemmas & _STRONG_EVAL:
                # "Extensive experiments on X show …" with no method named: the
                # document's own method is the one evaluated
                patterns = {main: "eval-sentence-main"}
            heads = sorted(patterns)
            trained = {m.i for m in datasets if _after_lemma(m, ("train", "pretrain", "pre-train", "fine-tune", "finetune"), participle=True)}
            for h in heads:
                for d in datasets:
                    if d.i in trained:
                        continue
                    add("evaluatedOn", h, d.i, sent, patterns[h],
                        {"eval-sentence": 0.8, "eval-sentence-self": 0.75}.get(patterns[h], 0.6))
            for h in heads:
                for d in datasets:
                    if d.i in trained:
                        add("trainedOn", h, d.i, sent, "trained-on", 0.8)
        elif datasets:
            # no evaluation word, but a method does something on the dataset:
            # "InfoGAN successfully disentangles writing styles from digit shapes
            # on the MNIST dataset"
            for d in datasets:
                r = d.span.root
                while r.dep_ in ("conj", "appos") and r.head.i != r.i:
                    r = r.head
                if r.dep_ != "pobj" or r.head.lower_ not in ("on", "over", "across"):
                    continue
                # the verb the phrase belongs to (the parser often hangs it from a noun)
                v = next((a for a in r.head.ancestors if a.pos_ == "VERB"), None)
                if v is None or self._negated(v) or v.lemma_.lower() in self.lex["trained_on_verbs"] \
                        or v.lemma_.lower() in ("base", "build"):
                    continue
                hs = [h for h in self._subjects(v, methods, None)
                      if h not in beaten and not ms_by_i[h].generic and not ms_by_i[h].has_token(r)]
                for h in hs[:1]:
                    add("evaluatedOn", h, d.i, sent, "method-verb-on", 0.6)
