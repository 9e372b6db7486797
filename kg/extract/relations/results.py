"""Results: numbers a sentence states as a method's outcome (see the package docstring)."""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.relations.base import (
    _CHANGE_NOUNS,
    _CHANGE_VERBS,
    _COMPARATIVE_MEASURE,
    _EFFICIENCY_WORDS,
    _FILLERS,
    _LINKS,
    _NUM_UNIT,
    _SIZE_UNITS,
    _metric_text,
    _noun_phrase,
    _result,
    _subject_of,
    _under_prep,
    _unit,
    canonical_decimal,
)


class ResultRules:
    """Mixin of :class:`~kg.extract.relations.RelationExtractor`: :meth:`_results`."""

    def _results(self, doc, sent, sm, methods, datasets, main, self_ref, beaten, prev=None,
                 stated: list[dict] = ()) -> list[dict]:
        """Stated results of one sentence: dicts as :func:`_result` builds them.

        A result is a number (``_NUM_UNIT``: "52.8", "52.8%", "700X", "+12.0") that
        the sentence states as a method's outcome, with the measure it names:

        * ``number-metric`` — a Metric mention right after the number and its unit
          ("52.8% AP", "12% higher accuracy") or before it through "of / = / : /
          over / is" ("AP of 52.8", "an average score of 91.3", "a compression
          ratio over 700X"), or a metric head noun of the lexicon before "of";
        * ``number-phrase`` — a percentage or factor followed by the noun phrase it
          measures ("save 76% computational costs", "consuming 40% less energy",
          "saves 99% of the total communication volume"); comparatives and "of the
          total" are skipped; a change noun ("a 5% improvement in BLEU") takes the
          "in/on" phrase after it, else no metric;
        * ``verb-by`` — "reduces computation cost by 29%", "improves accuracy by 2
          points": the verb's object is the metric (an object that is a method is
          the ``outperform-margin`` of the outperforms rule instead);
        * ``number-fps`` — "runs at 140 FPS";
        * ``number-on-dataset`` — a bare score followed by "on <Dataset>" in an
          evaluation sentence ("SOTA results of 96.9 (+0.2) on PKU"): no metric;
        * lists — "80.1%, 75.2% and 60.3% top-1 accuracy on A, B and C,
          respectively": the members share the measure after the last one and pair
          with an equally long dataset list; members of a margin list ("outperforms
          KP by 2.6%, 3.8% and 0.6%") are margins like the first;
        * "improves accuracy from 70.1% to 75.3%": the end point (``verb-by``).

        Not results: dates, "Table 3", deltas in parentheses ("(+0.2)", "(7.7%
        point absolute improvement)"), ranges ("3% to 14%", "between 3 and 4"),
        sizes ("4.08 MB"), numbers inside names ("NVIDIA 3090 GPU"), deficits ("2
        BLEU points behind"), hyper-parameters ("a learning rate of 0.001",
        lexicon ``hyperparameter_words``), numbers under a setup verb ("we use 10%
        of the data", lexicon ``setup_verbs``), results of an unnamed subject ("a
        phrase-based SMT system achieves …"), numbers in a purpose clause ("To reach
        an accuracy of 70%, …") or a speed/size after "with" following a result
        ("52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU"): the last two
        become the ``condition`` of the sentence's results. The method is the subject of the verb the number hangs
        from, else the last method before it, else (for "we/our/it" sentences or
        none named) the document's method; the dataset is the first one after the
        number (before the next number), else the nearest one before it, else — for
        a pronoun subject ("it saves …") — the dataset of the previous sentence's
        result ``prev``. A number already in ``stated`` (the sentence's
        ``outperform-margin`` results) for the same method is not repeated.
        """
        lex = self.lex
        out: list[tuple[Token, dict]] = []
        conditions: list[tuple[Token, str]] = []
        metrics = [m for m in sm if m.label == "Metric"]
        in_name = {i for m in sm if m.label != "Metric" for i in range(m.start, m.end)}
        # "96.9 (+0.2)", "80.5% (7.7% point absolute improvement)": a delta in
        # parentheses after a score is no result of its own
        nums = [t for t in sent if _NUM_UNIT.match(t.text) and t.i not in in_name
                and not (t.i > sent.start + 1 and doc[t.i - 1].text == "(" and (
                    t.text[0] in "+-" or _NUM_UNIT.match(doc[t.i - 2].text) or doc[t.i - 2].lower_ in lex["units"]))]
        if not nums:
            return []  # no number, no result (what follows only reads the sentence)
        eval_sent = bool({t.lemma_.lower() for t in sent} & lex["eval_triggers"])

        def unit_end(t: Token) -> int:
            q = t.i + 1
            while q < sent.end and (doc[q].text == "+" or (q == t.i + 1 and doc[q].lower_ in lex["units"])):
                q += 1
            return q

        # "80.1%, 75.2% and 60.3% top-1 accuracy on A, B and C, respectively": a list
        # of numbers shares the measure after its last member (and, with
        # "respectively", pairs with an equally long list of datasets)
        group_of: dict[int, list[Token]] = {}
        run: list[Token] = []
        for t in nums + [None]:
            if t is not None and run and all(x.text in (",", "and", "or", "+") for x in doc[unit_end(run[-1]):t.i]) \
                    and t.i > unit_end(run[-1]):
                run.append(t)
                continue
            if len(run) > 1:
                for x in run:
                    group_of[x.i] = run
            run = [t] if t is not None else []
        respectively = any(t.lower_ == "respectively" for t in sent)
        for n_k, tok in enumerate(nums):
            mt = _NUM_UNIT.match(tok.text)
            value, unit = mt.group(1), _unit(mt.group(2))
            prev_t = doc[tok.i - 1] if tok.i > sent.start else None
            if tok.ent_type_ in ("DATE", "TIME") or (prev_t is not None and prev_t.lower_ in (
                    "top", "table", "figure", "fig", "fig.", "section", "sec.", "eq", "eq.", "step", "version", "v")):
                continue
            j = tok.i + 1
            while j < sent.end and doc[j].text == "+":
                j += 1  # "300+ FPS"
            if unit is None and j < sent.end and doc[j].lower_ in lex["units"]:
                unit = _unit(doc[j].text)
                j += 1
            if unit in _SIZE_UNITS:
                continue  # "a 4.08 MB CNN model", "from 587.61 Mb to 6.79 Mb"
            # ranges: "3% to 14%", "3-4%", "between 3 and 4"
            if j + 1 < sent.end and doc[j].lower_ in ("to", "-", "–", "~") and _NUM_UNIT.match(doc[j + 1].text):
                continue
            # "improves accuracy from 70.1% to 75.3%": the end point of a change is a
            # result (the verb's object its measure), the start point is not
            pv = None if prev_t is None else next((a for a in prev_t.ancestors if a.pos_ in ("VERB", "AUX")), None)
            change_to = (prev_t is not None and prev_t.lower_ == "to" and pv is not None
                         and pv.lemma_.lower() in _CHANGE_VERBS
                         and any(t.lower_ == "from" for t in doc[max(sent.start, tok.i - 5):tok.i - 1]))
            if prev_t is not None and prev_t.lower_ in ("to", "-", "–") and not change_to and any(
                    _NUM_UNIT.match(t.text) for t in doc[max(sent.start, tok.i - 4):tok.i - 1]):
                continue
            if prev_t is not None and prev_t.lower_ == "from" and j + 1 < sent.end and doc[j].lower_ == "to":
                continue
            if prev_t is not None and prev_t.lower_ in ("vs", "vs.", "versus"):
                continue  # "(77.9 vs. 72.4% PCK)": the number compared against
            if prev_t is not None and prev_t.lower_ == "and" and any(
                    t.lower_ == "between" for t in doc[max(sent.start, tok.i - 5):tok.i]):
                continue
            # "outperforms KP by about 2.6%, 3.8% and 0.6% on Birds, Aircrafts and Cars":
            # the other members of a margin list are margins too
            group = group_of.get(tok.i)
            margin = next((r for r in stated if r["pattern"] == "outperform-margin" and group
                           and any(r["value"] == canonical_decimal(_NUM_UNIT.match(x.text).group(1)) for x in group)), None)
            if margin is not None:
                if margin["value"] != canonical_decimal(value):
                    ds = margin["dataset"]
                    if respectively and len(datasets) == len(group):
                        ds = datasets[group.index(tok)].i
                    out.append((tok, _result(margin["method"], ds, margin["metric"], value, unit or margin["unit"],
                                             sent, "outperform-margin", 0.7, condition=margin["condition"],
                                             metric_name=margin["metric_name"])))
                elif respectively and len(datasets) == len(group) and margin["dataset"] is None:
                    margin["dataset"] = datasets[group.index(tok)].i
                continue
            # a condition of the sentence's result, not a result
            purpose = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX") and a.dep_ in ("advcl", "xcomp")
                            and a.i < tok.i and any(c.dep_ == "aux" and c.lower_ == "to" for c in a.children)), None)
            if purpose is not None and purpose.head.i > tok.i:
                lo_i = min(t.i for t in purpose.subtree)
                conditions.append((tok, doc[lo_i:purpose.right_edge.i + 1].text))
                continue
            # "… 52.8% AP on COCO with 300+ FPS on an NVIDIA 3090 GPU": a speed or
            # size that qualifies the result (a second score after "with" is a result)
            with_p = next((a for a in list(tok.ancestors)[:3] if a.dep_ == "prep" and a.lower_ == "with"), None)
            efficiency = unit in ("fps", "ms", "s", "hours", "hour", "days") or any(
                t.lower_ in _EFFICIENCY_WORDS for t in doc[j:min(j + 2, sent.end)])
            if with_p is not None and out and efficiency:
                end = with_p.right_edge.i + 1
                conditions.append((tok, doc[with_p.i:end].text))
                continue

            metric, metric_name, pattern = None, None, "number-metric"
            own_cond = None
            group = group_of.get(tok.i)
            k = unit_end(group[-1]) if group else j
            comparative = None
            while k < sent.end and doc[k].lower_ in _FILLERS:
                comparative = comparative or _COMPARATIVE_MEASURE.get(doc[k].lower_)
                k += 1
            metric = next((m for m in metrics if m.start == k), None)
            if metric is None:
                for m in metrics:
                    gap = doc[m.end:tok.i]
                    if m.end <= tok.i and len(gap) <= 3 and gap and all(t.lower_ in _LINKS for t in gap):
                        metric = m
            if metric is None and prev_t is not None and prev_t.lower_ in ("of", "to", "=", ":", "over") and tok.i - 1 > sent.start:
                # "an average score of 91.3", "pushing the GLUE score to 80.5%"
                h = doc[tok.i - 2]
                if lex.head_noun_type.get(h.lemma_.lower()) == "Metric" and h.i not in in_name:
                    mods = []
                    q = h.i - 1
                    while q >= sent.start and q not in in_name and doc[q].head.i == h.i and doc[q].dep_ in ("amod", "compound", "nmod"):
                        mods.insert(0, doc[q])
                        q -= 1
                    metric_name = _metric_text(mods + [h])
            if metric is None and metric_name is None and unit in ("%", "x", "points"):
                np_toks = _noun_phrase(doc, k, sent.end, in_name)
                if np_toks:
                    head = np_toks[-1]
                    if head.lemma_.lower() in _CHANGE_NOUNS:
                        after = head.i + 1
                        if after < sent.end and doc[after].lower_ in ("in", "on") and after + 1 < sent.end:
                            rest = _noun_phrase(doc, after + 1, sent.end, in_name)
                            m2 = next((m for m in metrics if m.start == after + 1 or (rest and m.start <= rest[-1].i < m.end)), None)
                            metric = m2
                            if m2 is None and rest:
                                metric_name = _metric_text(rest)
                        elif head.lemma_.lower() in ("speedup", "speed-up"):
                            metric_name = "speedup"  # "a 3x speedup" measures speed
                        pattern = "number-change"
                    elif lex.head_noun_type.get(head.lemma_.lower()) not in ("Method", "Dataset", "Benchmark", "Task", "Hardware", "Organization"):
                        m2 = next((m for m in metrics if m.start <= head.i < m.end), None)
                        metric = m2
                        metric_name = None if m2 else _metric_text(np_toks)
                        pattern = "number-phrase"
            if metric is None and metric_name is None and pattern == "number-metric" and prev_t is not None and (
                    prev_t.lower_ == "by" or change_to):
                v = prev_t.head if prev_t.head.pos_ in ("VERB", "AUX") else pv
                objs = [c for c in v.children if c.dep_ == "dobj"] if v is not None and v.pos_ in ("VERB", "AUX") else []
                # "outperforms bert2BERT by +12.0%" is the outperforms rule's margin
                if (objs and not any(m.has_token(objs[0]) for m in methods) and not self._negated(v)
                        and v.lemma_.lower() not in lex["outperform_verbs"]):
                    o = objs[0]
                    m2 = next((m for m in metrics if self._in_subtree(m, o)), None)
                    if m2 is not None:
                        metric = m2
                    elif o.pos_ in ("NOUN", "PROPN"):
                        np_toks = [t for t in o.lefts if t.dep_ in ("amod", "compound") and t.i not in in_name] + [o]
                        metric_name = _metric_text(np_toks)
                    if metric is not None or metric_name is not None:
                        pattern = "verb-by"
                        # "reducing the error of FaceNet by 12.3%": relative to FaceNet
                        rel = [m for m in methods if self._in_subtree(m, o) and m.span.root.dep_ == "pobj"]
                        if rel:
                            own_cond = "vs " + rel[0].span.text
            if metric is None and metric_name is None and comparative and unit in ("x", "%") and k < sent.end \
                    and doc[k].lower_ == "than":
                # "3.8 times faster than RetinaNet": a speed ratio against the method after "than"
                metric_name, pattern = comparative, "number-comparative"
                rel = [m for m in methods if m.start in (k + 1, k + 2)]
                if rel:
                    own_cond = "vs " + rel[0].span.text
            if metric is None and metric_name is None and unit == "fps":
                metric_name, pattern = "FPS", "number-fps"
            if metric is None and metric_name is None and pattern == "number-metric" and eval_sent:
                # "96.9 (+0.2) on PKU": a bare score on a named dataset
                q = j
                if q < sent.end and doc[q].text == "(":
                    while q < sent.end and doc[q].text != ")" and q - j < 6:
                        q += 1
                    q += 1
                if q + 1 < sent.end and doc[q].lower_ in ("on", "in") and any(d.start == q + 1 or (d.start == q + 2 and doc[q + 1].lower_ == "the") for d in datasets):
                    pattern = "number-on-dataset"
                else:
                    continue
            elif metric is None and metric_name is None and pattern == "number-metric":
                continue
            # "around 2 BLEU points behind it": a deficit, not a result
            end_m = metric.end if metric is not None else k
            if any(t.lower_ in ("behind", "worse", "short") for t in doc[end_m:min(end_m + 3, sent.end)]):
                continue
            # --- not a result: a setup number ("we use 10% of the data", "a learning
            # rate of 0.001", "with a dropout rate of 0.1")
            mwords = (metric.span.text if metric is not None else metric_name or "").lower().replace("-", " ").split()
            # "set the dropout rate to 0.5": the words before a bare "rate" count too
            m_at = metric.start if metric is not None else (tok.i - 2 if prev_t is not None and prev_t.lower_ in ("of", "to", "=", ":") else tok.i)
            mwords += [t.lower_ for t in doc[max(sent.start, m_at - 2):max(sent.start, m_at)]]
            if set(mwords) & lex["hyperparameter_words"]:
                continue
            # --- the method
            gov = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
            if gov is not None and (self._negated(gov) or gov.lemma_.lower() in lex["setup_verbs"]):
                continue
            subj = _subject_of(gov) if gov is not None else None
            if subj is None and gov is not None:
                subj = _subject_of(sent.root)
            if subj is not None and gov is not None and not any(
                    subj.left_edge.i <= m.span.root.i <= subj.right_edge.i for m in methods):
                # a parse with two subjects ("Control chars …: GPT-4 achieves 86.4% …"):
                # the one that names a method is the verb's subject
                subj = next((c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass") and c is not subj
                             and any(c.left_edge.i <= m.span.root.i <= c.right_edge.i for m in methods)), subj)
            heads = [h for h in (self._subjects(subj.head, methods, main) if subj is not None else []) if h not in beaten]
            pronoun = subj is not None and subj.lower_ in ("it", "they", "this")
            own = subj is not None and bool({t.lower_ for t in subj.subtree} & {"we", "our", "it", "its", "this", "which", "they", "proposed"})
            named = subj is not None and any(subj.left_edge.i <= m.span.root.i <= subj.right_edge.i for m in methods)
            if subj is not None and not named and not own:
                continue  # "a phrase-based SMT system achieves a BLEU score of 33.3": not a method of ours
            if heads:
                # the method that is the subject word itself, else the one nearest the verb
                by_i = {m.i: m for m in methods}
                head = next((h for h in heads if h in by_i and by_i[h].has_token(subj)), heads[-1])
            elif own and not named and main is not None and subj.lower_ in ("we", "it", "they", "this"):
                head = main  # "we get 22.5 BLEU points in …": the document's method
            else:
                # a method named before the verb ("… the COCO-style AP by 2.3 points":
                # a modifier of the measure is not the method)
                limit = gov.i if gov is not None and gov.i < tok.i else tok.i
                before = [m for m in methods if m.start < limit and m.i not in beaten
                          and not _under_prep(m, None, ("than", "over", "with", "like", "from", "against", "to"))]
                head = before[-1].i if before else (
                    main if main is not None and (self_ref or pronoun or not methods) else None)
            if head is None:
                continue
            # --- the dataset
            # "52.8% AP on COCO": a dataset after the number in an "on/in/…" phrase
            # (before the next number); else "the GLUE score to 80.5%": the nearest before
            nxt = nums[n_k + 1].i if n_k + 1 < len(nums) else sent.end
            after = [d for d in datasets if tok.i < d.start < nxt and any(
                t.lower_ in ("on", "in", "across", "over", "for", "of") for t in doc[max(tok.i, d.start - 3):d.start])]
            before_d = [d for d in datasets if d.end <= tok.i]
            dataset = after[0].i if after else (before_d[-1].i if before_d else None)
            if group and respectively and len(datasets) == len(group):
                dataset = datasets[group.index(tok)].i
            if dataset is None and not datasets and pronoun and prev is not None:
                dataset = prev.get("dataset")
            if any(r["method"] == head and r["value"] == canonical_decimal(value) for r in stated):
                continue  # "outperforms Y by 15 BLEU": the outperforms rule's margin already
            out.append((tok, _result(head, dataset, metric.i if metric else None, value, unit, sent,
                                     pattern, 0.8 if pattern != "number-on-dataset" else 0.7,
                                     condition=own_cond, metric_name=metric_name)))
        results = [r for _, r in out]
        for ctok, text in conditions:
            for rtok, r in out:
                if r["condition"] is None and (rtok.i < ctok.i or text[:3].lower() == "to "):
                    r["condition"] = text
        return results

