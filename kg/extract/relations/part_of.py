"""``partOf`` (Dataset → Benchmark)."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extract.relations.base import _M


class PartOfRules:
    """Mixin of :class:`~kg.extract.relations.RelationExtractor` (see the module docstring)."""

    def _rel_part_of(self, c, s) -> None:
        """Add this family's relations of sentence ``s`` (a :class:`~kg.extract.relations.base.SentCtx`)
        of document ``c`` (a :class:`~kg.extract.relations.base.DocCtx`) through ``c.add``."""
        doc, add, sent, sm = c.doc, c.add, s.sent, s.sm
        benches = [m for m in sm if m.label == "Benchmark"]
        dsets = [m for m in sm if m.label == "Dataset"]
        if benches and dsets:
            for d, b, pattern, conf in self._part_of(doc, sent, dsets, benches):
                add("partOf", d.i, b.i, sent, pattern, conf)
    def _part_of(self, doc: Doc, sent: Span, dsets: list[_M], benches: list[_M]) -> list[tuple[_M, _M, str, float]]:
        """``partOf`` pairs (dataset, benchmark, pattern, confidence) of one sentence.

        * ``bench-list`` — the benchmark followed by its members: "the SuperGLUE
          benchmark (BoolQ, COPA, …)", "the GLUE tasks MNLI, QQP and SST-2", "GLUE
          tasks such as / including MNLI and RTE".
        * ``bench-contains`` — "GLUE consists of / includes / contains … CoLA, SST-2";
          "GLUE, which includes …".
        * ``part-of`` — a part noun with "of/in/from <Benchmark>" said of the
          dataset: "MNLI, part of the GLUE benchmark", "QNLI is defined as a binary
          classification task in GLUE", "STS-B is the only example of the task in
          GLUE"; "RTE and CoLA from the GLUE benchmark".
        * ``bench-possessive`` — "GLUE's MNLI".

        Negated statements ("X is not part of GLUE") give nothing. Word lists are
        the lexicon's ``part_of_nouns``, ``part_of_preps``, ``contain_verbs`` and
        ``list_cues``.
        """
        lex = self.lex
        out: list[tuple[_M, _M, str, float]] = []
        starts = {d.start: d for d in dsets}
        others = {i for m in dsets + benches for i in range(m.start, m.end)}
        collection_nouns = {"benchmark", "benchmarks", "suite", "suites", "tasks", "datasets", "collection",
                            "leaderboard", "games", "environments", "subtasks", "corpora"}
        plural_members = {"tasks", "datasets", "games", "environments", "subtasks", "corpora"}
        cues = sorted((c.split() for c in lex["list_cues"]), key=len, reverse=True)

        def run_of_members(j: int, stop: int, skip_unknown: bool) -> list[_M]:
            got = []
            while j < stop:
                t = doc[j]
                if j in starts:
                    got.append(starts[j])
                    j = starts[j].end
                    continue
                if t.text in (",", ";") or t.lower_ in ("and", "or", "the"):
                    j += 1
                    continue
                # "(BoolQ, CB, COPA, …)": unknown names are skipped, but a lower-case
                # word ends the list ("(using the 262 hours of SWB-1 training data)")
                if skip_unknown and t.text != ")" and (t.text[:1].isupper() or t.text[:1].isdigit()):
                    j += 1
                    continue
                break
            return got

        for b in benches:
            # bench-list
            j = b.end
            noun = None
            while j < sent.end and j - b.end < 2 and doc[j].lower_ in collection_nouns:
                noun = doc[j].lower_
                j += 1
            members: list[_M] = []
            if j < sent.end and doc[j].text in ("(", ":"):
                close = j + 1
                while close < sent.end and doc[close].text != ")" and close - j < 40:
                    close += 1
                members = run_of_members(j + 1, close, skip_unknown=doc[j].text == "(")
            else:
                k = j + 1 if j < sent.end and doc[j].text == "," else j
                for cue in cues:
                    if [t.lower_ for t in doc[k:k + len(cue)]] == cue:
                        members = run_of_members(k + len(cue), sent.end, skip_unknown=False)
                        break
                else:
                    if noun in plural_members:
                        members = run_of_members(j, sent.end, skip_unknown=False)
            for d in members:
                out.append((d, b, "bench-list", 0.8))
            # bench-contains: "GLUE consists of …", "GLUE, which includes …"
            root = b.span.root
            verbs = []
            if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in lex["contain_verbs"]:
                verbs.append(root.head)
            for c in root.children:
                if c.dep_ in ("relcl", "acl") and c.lemma_.lower() in lex["contain_verbs"]:
                    verbs.append(c)
            for v in verbs:
                if self._negated(v):
                    continue
                for d in dsets:
                    if d.start > v.i and v.left_edge.i <= d.span.root.i <= v.right_edge.i:
                        out.append((d, b, "bench-contains", 0.8))
            # bench-possessive: "GLUE's MNLI"
            if b.end < sent.end and doc[b.end].lower_ in ("'s", "’s") and b.end + 1 in starts:
                out.append((starts[b.end + 1], b, "bench-possessive", 0.7))
            # part-of
            r = b.span.root
            if not (r.dep_ == "pobj" and r.head.lower_ in lex["part_of_preps"]):
                continue
            prep = r.head
            n = prep.head
            for d in dsets:
                if d.end > prep.i or prep.i - d.end > 14:
                    continue
                if any(i in others for i in range(d.end, prep.i)):
                    continue  # another name sits between: "MNLI and SQuAD in GLUE"
                if any(t.lower_ in lex["negations"] for t in doc[d.end:prep.i]):
                    continue
                dr = d.span.root
                if n.lemma_.lower() in lex["part_of_nouns"] or n.lower_ in lex["part_of_nouns"]:
                    anc = [n] + list(n.ancestors)[:5]
                    ok = dr in anc or n.head.i == dr.i or (n.dep_ == "appos" and n.head.i == dr.i)
                    if not ok:
                        verb = next((a for a in anc if a.pos_ in ("VERB", "AUX")), None)
                        ok = verb is not None and not self._negated(verb) and any(
                            c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.i <= dr.i <= c.right_edge.i
                            for c in verb.children)
                    if ok:
                        out.append((d, b, "part-of", 0.8))
                elif prep.lower_ == "from" and n.pos_ == "VERB" and not self._negated(n):
                    # "We use RTE and CoLA from the GLUE benchmark"
                    objs = [c for c in n.children if c.dep_ == "dobj"]
                    objs += [cc for o in objs for cc in o.conjuncts]
                    if any(o.i == dr.i for o in objs):
                        out.append((d, b, "part-of", 0.75))
                elif prep.lower_ == "from" and (prep.head.i == dr.i or dr.i in [c.i for c in prep.head.conjuncts]):
                    out.append((d, b, "part-of", 0.75))
        # "RTE and CoLA from the GLUE benchmark": the conjuncts of a member are members
        roots = {d.span.root.i: d for d in dsets}
        for d, b, pattern, conf in list(out):
            if pattern == "part-of":
                for c in d.span.root.conjuncts:
                    if c.i in roots and roots[c.i] is not d:
                        out.append((roots[c.i], b, pattern, conf))
        return out
