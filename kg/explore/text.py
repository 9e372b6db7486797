"""Plain-text output of ``kg search`` and ``kg show`` (the CLI twins of the pages).

Both format the dicts of :class:`kg.explore.data.Explorer`, so the command line
and the entity page say the same things.
"""

from __future__ import annotations

import textwrap

__all__ = ["format_hits", "format_entity"]


def format_hits(hits: list[dict]) -> str:
    """One line per search hit: label, type, mentions, id (aligned columns).

    Parameters
    ----------
    hits : list of dict
        :meth:`Explorer.search` output.

    Returns
    -------
    str
        A header line and one line per hit, or ``"no matching entity"``.
    """
    if not hits:
        return "no matching entity"
    rows = [("name", "type", "mentions", "id")]
    for h in hits:
        name = h["label"] if h["matched"] == h["label"] else f"{h['label']} ({h['matched']})"
        rows.append((name, h["type"], str(h["mentions"]), h["id"]))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}" for r in rows
    )


def _doc(d: dict | None) -> str:
    if not d:
        return ""
    return f"{d['title']} [{d['id']}]" + (f" {d['date']}" if d.get("date") else "")


def format_entity(e: dict, *, max_evidence: int = 3, width: int = 100) -> str:
    """An entity's facts with their evidence, as indented text.

    Parameters
    ----------
    e : dict
        :meth:`Explorer.entity` output.
    max_evidence : int
        Evidence sentences printed per fact (the rest are counted).
    width : int
        Wrap width of evidence sentences.

    Returns
    -------
    str
    """
    out = [f"{e['label']} ({e['type']})  id: {e['id']}"]
    if e["aliases"]:
        out.append("also: " + ", ".join(e["aliases"]))
    if e["wikidata"]:
        out.append(f"wikidata: {e['wikidata']} {e['wikidata_url']}")
    out.append(f"mentions: {e['mentions']} in {e['documents_total']} document(s)")
    for g in e["relations"]:
        head = f"{e['label']} {g['relation']} →" if g["direction"] == "out" else f"← {g['relation']} {e['label']}"
        out.append("")
        out.append(head)
        for f in g["facts"]:
            out.append(f"  {f['other']['label']} ({f['other']['type']}, {f['other']['id']})  support {f['count']}")
            for ev in f["evidence"][:max_evidence]:
                sent = textwrap.fill(f"“{ev['sentence']}”", width=width, initial_indent="    ",
                                     subsequent_indent="     ")
                out.append(sent)
                if ev["doc"]:
                    out.append(f"      — {_doc(ev['doc'])}")
            if len(f["evidence"]) > max_evidence:
                out.append(f"    (+{len(f['evidence']) - max_evidence} more)")
    if e["results"]:
        out.append("")
        out.append("results (method | metric | value | dataset | document):")
        for r in e["results"]:
            value = " ".join(str(x) for x in (r["value"], r["unit"]) if x)
            out.append("  " + " | ".join([
                (r["method"] or {}).get("label", ""), str(r["metric"] or ""), value,
                (r["dataset"] or {}).get("label", ""), _doc(r["doc"]),
            ]))
    if e["documents"]:
        out.append("")
        out.append("documents:")
        out.extend(f"  {_doc(d)}" for d in e["documents"])
    return "\n".join(out)
