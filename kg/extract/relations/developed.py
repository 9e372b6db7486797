"""``developedBy``: "<Org> introduced X", "X by <Org>", "X (, a model) from <Org>", "<Org>'s X",
"<Org> launched a version of X"."""

from __future__ import annotations

from kg.extract.relations.base import _direct_object_path


class DevelopedRules:
    """Mixin of :class:`~kg.extract.relations.RelationExtractor` (see the module docstring)."""

    def _rel_developed_by(self, c, s) -> None:
        """Add this family's relations of sentence ``s`` (a :class:`~kg.extract.relations.base.SentCtx`)
        of document ``c`` (a :class:`~kg.extract.relations.base.DocCtx`) through ``c.add``."""
        doc, add, sent, methods = c.doc, c.add, s.sent, s.methods
        hardware, orgs, beaten = s.hardware, s.orgs, s.beaten
        for o in orgs:
            root = o.span.root
            # "<Org> introduced/released X"
            if root.dep_ in ("nsubj",) and root.head.lemma_.lower() in self.lex["develop_verbs"] and not self._negated(root.head):
                for m in methods + hardware:
                    if m.start > root.head.i and _direct_object_path(m, root.head, self.lex) and m.i not in beaten \
                            and not _rival_of(m) and not _gloss(m, methods):
                        add("developedBy", m.i, o.i, sent, "org-subject", 0.9)
            # "Researchers at <Org> developed X", "a team from <Org> introduced X", "<Org>'s team released X"
            maker = root.head.head if root.dep_ == "pobj" and root.head.lower_ in ("at", "from", "of") else (
                root.head if root.dep_ in ("poss", "compound") else None)  # "Alibaba's Qwen team open-sourced X"
            if maker is not None and maker.lemma_.lower() in _MAKER_NOUNS and maker.dep_ == "nsubj":
                verb = maker.head
                if verb.lemma_.lower() in self.lex["develop_verbs"] and not self._negated(verb):
                    for m in methods + hardware:
                        if m.start > verb.i and _direct_object_path(m, verb, self.lex) and m.i not in beaten \
                                and not _rival_of(m) and not _gloss(m, methods):
                            add("developedBy", m.i, o.i, sent, "org-researchers", 0.8)
            # "X by <Org>", "X, developed by <Org>"
            if root.dep_ == "pobj" and root.head.lower_ == "by":
                gov = root.head.head
                for m in methods + hardware:
                    # the thing made is the phrase "by" hangs from ("X by Org", "X, developed
                    # by Org"), not a modifier of it ("a BERTology contribution by Org")
                    if m.end <= o.start and (m.span.root.i == gov.i or gov.head.i == m.span.root.i) and o.start - m.end < 8:
                        add("developedBy", m.i, o.i, sent, "by-org", 0.85)
                    elif m.end <= o.start and _passive_subject(m, gov, self.lex) and not self._negated(gov):
                        add("developedBy", m.i, o.i, sent, "by-org", 0.85)  # "X was designed by Org"
            # "AlphaFold 2, an AI model from Google DeepMind", "the H100 from Nvidia": the
            # phrase "from" hangs from is the name or a noun in apposition to it (not
            # "researchers from Org", "data from Org": no name there)
            if root.dep_ == "pobj" and root.head.lower_ == "from" and not self._negated(root.head.head):
                gov = root.head.head
                for m in methods + hardware:
                    r = m.span.root
                    if m.end <= o.start and o.start - m.end < 10 and m.i not in beaten and not _rival_of(m) and (
                            r.i == gov.i or (gov.dep_ == "appos" and gov.head.i == r.i and gov.pos_ == "NOUN")):
                        add("developedBy", m.i, o.i, sent, "from-org", 0.8)
        # "<Org>'s X", "OpenAI's 175 billion parameter language model GPT-3",
        # "Google, Cambridge, DeepMind & Alan Turing Institute's 'Performer'"
        org_roots = {o.span.root.i: o for o in orgs}
        for o in orgs:
            root = o.span.root
            possessive = root.dep_ == "poss" or (o.end < len(doc) and doc[o.end].lower_ in ("'s", "’s"))
            if not possessive:
                continue
            owned = root.head if root.dep_ == "poss" else None
            target = None
            for m in sorted(methods + hardware, key=lambda x: x.start):
                if not 0 < m.start - o.end <= 12 or _rival_of(m):
                    continue  # ("OpenAI's Gemini rival": the organisation made the other model)
                r = m.span.root
                under = owned is not None and (
                    r.i == owned.i or r.head.i == owned.i or owned.head.i == r.i
                    or owned.i in [a.i for a in r.ancestors][:2]
                )
                near = m.start - o.end <= 4 and not any(t.text in (",", ";", ":", "(", ")", "—", "–")
                                                        for t in doc[o.end:m.start])
                if under or near:  # not across a clause ("According to OpenAI's report, Gemini …")
                    target = m
                    break
            if target is None:
                continue
            # "Nvidia's Hopper H100 GPUs": of two names in a row the last is the product
            # owned, the first its family (blind audit 4: the family judged the wrong end)
            nxt = next((m for m in methods + hardware if m.label == target.label and m.start == target.end), None)
            if nxt is not None:
                target = nxt
            partners = [o] + [org_roots[c.i] for c in root.conjuncts if c.i in org_roots]
            for p in partners:
                add("developedBy", target.i, p.i, sent, "org-possessive", 0.8)
        # "<Org> launched the latest version of X"
        for m in methods:
            r = m.span.root
            if r.dep_ == "pobj" and r.head.lower_ == "of" and r.head.head.lemma_.lower() in ("version", "release", "variant", "iteration", "generation"):
                verb = r.head.head.head
                if verb.lemma_.lower() in self.lex["develop_verbs"]:
                    for c in verb.children:
                        if c.dep_ == "nsubj":
                            for o in orgs:
                                if c.left_edge.i <= o.span.root.i <= c.right_edge.i:
                                    add("developedBy", m.i, o.i, sent, "org-version-of", 0.85)


#: People whose organisation made what they made ("Researchers at MIT developed X").
_MAKER_NOUNS = frozenset({"researcher", "scientist", "engineer", "team", "group", "lab", "laboratory", "developer",
                          "author"})


def _gloss(m, methods) -> bool:
    """True if mention ``m`` is inside a bracket right after another name, spelling it
    out ("QwQ-32B (Qwen with Questions)"): part of a gloss, not a thing released."""
    doc = m.span.doc
    k = m.start - 1
    return k >= 1 and doc[k].text == "(" and any(o.end == k for o in methods if o is not m) \
        and not any(t.text == ")" for t in doc[m.start:m.end])


def _passive_subject(m, verb, lex) -> bool:
    """True if mention ``m`` is the passive subject of the making verb ``verb`` ("X was
    designed by Org"), or named in apposition to it ("The new chip, called X, was
    designed by Org"): up from the name only through apposition, compounds and a
    naming verb ("called", "dubbed") to the subject."""
    if verb.lemma_.lower() not in lex["develop_verbs"]:
        return False
    subj = next((ch for ch in verb.children if ch.dep_ == "nsubjpass"), None)
    if subj is None:
        return False
    t = m.span.root
    for _ in range(4):
        if t.i == subj.i:
            return True
        if t.dep_ in ("appos", "compound", "conj") or (
                t.dep_ in ("oprd", "dobj", "attr") and t.head.lemma_.lower() in lex["naming_verbs"]) or (
                t.dep_ == "acl" and t.lemma_.lower() in lex["naming_verbs"]):
            t = t.head
            continue
        return False
    return False


#: Nouns that make a named model the yardstick of another ("a GPT-3 equivalent",
#: "its answer to GPT-4", "a Llama rival"): the organisation made the other one.
_RIVAL_NOUNS = {"equivalent", "rival", "alternative", "competitor", "challenger", "clone", "counterpart",
                "answer", "copy", "version", "killer", "contender"}


def _rival_of(m) -> bool:
    """True if mention ``m`` names what another model is measured against: it modifies,
    or is the object of "to/of" under, a noun of :data:`_RIVAL_NOUNS` ("Inspur unveils
    GPT-3 equivalent": a model like GPT-3, not GPT-3; seventh blind audit)."""
    r = m.span.root
    if r.dep_ in ("compound", "amod", "nmod", "poss") and r.head.lemma_.lower() in _RIVAL_NOUNS:
        return True
    if any(c.dep_ == "amod" and c.lower_ in _RIVAL_NOUNS and c.i == m.end for c in r.children):
        return True  # "GPT-3 equivalent" parsed with the noun as an adjective of the name
    if r.dep_ == "pobj" and r.head.lower_ in ("to", "of") and r.head.head.lemma_.lower() in _RIVAL_NOUNS:
        return True
    return False
