"""Writes a seeded random donor network as an aidgraph seed folder (TOML + source text).

The shape follows aid data: a few donors with many grants, programmes and funds between
donors and projects, projects in one or two countries, implementers and themes with
power-law popularity, a few outcomes, and some isolated pieces so that the graph is not
connected. Every fact cites a line of a generated source document, as the loader requires.

    python3 synth.py --nodes 2000 --seed 1 --out DIR
"""

import argparse
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = os.path.join(HERE, "..", "..", "src", "model", "codes.rs")


def countries():
    text = open(CODES, encoding="utf-8").read()
    block = text.split("pub const COUNTRIES", 1)[1].split("];", 1)[0]
    return re.findall(r'\("([A-Z]{2})", "([A-Z]{3})", "((?:[^"\\]|\\.)*)"\)', block)


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Writer:
    """Collects TOML tables and the source lines they cite."""

    def __init__(self):
        self.tables = []
        self.lines = []

    def fact(self, sentence):
        self.lines.append(sentence)
        return '[{ source = "synthetic", quote = %s }]' % toml_str(sentence)

    def table(self, name, fields, sentence):
        body = "\n".join("%s = %s" % (k, v) for k, v in fields)
        self.tables.append("[[%s]]\n%s\ncite = %s\n" % (name, body, self.fact(sentence)))


def zipf_pick(rng, items, exponent=1.1):
    """An item with probability proportional to 1 / rank^exponent: hubs and a long tail."""
    weights = [1.0 / (i + 1) ** exponent for i in range(len(items))]
    return rng.choices(items, weights=weights, k=1)[0]


def generate(nodes, seed, out):
    rng = random.Random(seed)
    w = Writer()
    all_countries = countries()
    n_countries = min(len(all_countries), max(10, nodes // 25))
    n_themes = max(5, nodes // 50)
    n_donors = max(5, nodes // 25)
    n_implementers = max(5, nodes // 25)
    n_programmes = max(3, nodes // 20)
    n_outcomes = max(5, nodes // 20)
    n_projects = max(
        10,
        nodes - n_countries - n_themes - n_donors - n_implementers - n_programmes - n_outcomes,
    )

    picked = rng.sample(all_countries, n_countries)
    for a2, a3, name in picked:
        w.table("country", [("code", toml_str(a2)), ("alpha3", toml_str(a3)), ("name", toml_str(name))],
                "Country %s takes part." % a2)
    codes = [c[0] for c in picked]
    themes = ["theme-%d" % i for i in range(n_themes)]
    for t in themes:
        w.table("theme", [("id", toml_str(t)), ("name", toml_str("Theme %s" % t[6:]))], "Theme %s is covered." % t)
    donors = ["donor-%d" % i for i in range(n_donors)]
    for i, d in enumerate(donors):
        kind = ["government", "ministry", "agency", "multilateral", "fund"][i % 5]
        w.table("organization", [("id", toml_str(d)), ("name", toml_str("Donor %d & Partners" % i)), ("kind", toml_str(kind))],
                "Organisation %s is a donor." % d)
    implementers = ["impl-%d" % i for i in range(n_implementers)]
    for i, o in enumerate(implementers):
        w.table("organization", [("id", toml_str(o)), ("name", toml_str("Implementer %d \u2019s office" % i)), ("kind", toml_str("ngo"))],
                "Organisation %s implements." % o)
    programmes = ["programme-%d" % i for i in range(n_programmes)]
    for i, p in enumerate(programmes):
        w.table("programme", [("id", toml_str(p)), ("name", toml_str("Programme %d" % i)), ("kind", toml_str("fund" if i % 3 == 0 else "programme"))],
                "Programme %s exists." % p)
    projects = ["project-%d" % i for i in range(n_projects)]
    for i, p in enumerate(projects):
        w.table("project", [("id", toml_str(p)), ("title", toml_str("Project %d" % i)), ("status", toml_str("unknown"))],
                "Project %s runs." % p)

    rel = [0]

    def relation(frm, typ, to, extra=()):
        rel[0] += 1
        fields = [("from", toml_str(frm)), ("type", toml_str(typ)), ("to", toml_str(to))] + list(extra)
        w.table("relation", fields, "Fact R%d: %s %s %s." % (rel[0], frm, typ, to))

    def amount():
        if rng.random() < 0.4:
            return ()
        cur = rng.choice(["USD", "USD", "USD", "JPY", "EUR"])
        value = rng.randint(1, 500) * (1000 if cur != "JPY" else 100000)
        return (("amount", '{ value = "%d", currency = "%s", qualifier = "exact" }' % (value, cur)),)

    for p in programmes:
        for d in rng.sample(donors, rng.choice([1, 1, 2])):
            relation(d, "funds", p, amount())
        if rng.random() < 0.5:
            relation(zipf_pick(rng, implementers), "implements", p)
    # A few islands: pairs of projects linked only to each other.
    islands = set(projects[-max(2, n_projects // 100):])
    for i, p in enumerate(projects):
        if p in islands:
            if i % 2 == 1:
                relation(p, "follows", projects[i - 1])
            continue
        if rng.random() < 0.35:
            relation(p, "part_of", zipf_pick(rng, programmes))
        for _ in range(rng.choice([1, 1, 2, 3])):
            funder = zipf_pick(rng, donors) if rng.random() < 0.7 else zipf_pick(rng, programmes)
            relation(funder, "funds", p, amount())
        relation(zipf_pick(rng, implementers, 0.9), "implements", p)
        for c in set(zipf_pick(rng, codes) for _ in range(rng.choice([1, 1, 1, 2]))):
            relation(p, "in_country", c)
        for t in set(zipf_pick(rng, themes) for _ in range(rng.choice([1, 2, 3]))):
            relation(p, "has_theme", t)
        if i > 0 and rng.random() < 0.05:
            relation(p, "follows", projects[rng.randrange(i)])
    for d in donors:
        if rng.random() < 0.2:
            relation(d, "collaborates_with", rng.choice(donors[:5]))
    outcome_subjects = [p for p in projects if p not in islands]
    for i in range(n_outcomes):
        subject = rng.choice(outcome_subjects)
        fields = [("id", toml_str("outcome-%d" % i)), ("subject", toml_str(subject)),
                  ("metric", toml_str("people_trained")), ("label", toml_str("people trained")),
                  ("value", toml_str(str(rng.randint(10, 5000)))), ("qualifier", toml_str("exact")),
                  ("status", toml_str("achieved")), ("unit", toml_str("person"))]
        w.table("outcome", fields, "Outcome %d: people trained." % i)

    os.makedirs(os.path.join(out, "sources"), exist_ok=True)
    with open(os.path.join(out, "sources", "synthetic.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(w.lines) + "\n")
    with open(os.path.join(out, "synthetic.toml"), "w", encoding="utf-8") as f:
        f.write('[[source]]\nid = "synthetic"\nfile = "synthetic.txt"\n'
                'title = "Synthetic donor network, seed %d"\n\n' % seed)
        f.write("\n".join(w.tables))
    return n_countries + n_themes + n_donors + n_implementers + n_programmes + n_projects + n_outcomes


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    print(generate(a.nodes, a.seed, a.out))


if __name__ == "__main__":
    main()
