#!/usr/bin/env python3
"""Writes the grader's own data: metal_bands.sql (bands with their origin, fans, formation and
split years and styles) and names.sql (names with a score), with the columns the tasks use.
Made-up names; fan counts are distinct, and so are the lifespans of Glam rock bands."""
import random

rng = random.Random(20240512)

syllables = ["ar", "bel", "cor", "dra", "eth", "fal", "gor", "hel", "ith", "jor", "kal",
             "lun", "mor", "nox", "or", "pyr", "qua", "rav", "sol", "thr", "ul", "vor",
             "wyr", "xen", "yth", "zar"]
origins = ["Norway", "Sweden", "Finland", "USA", "United Kingdom", "Germany", "Brazil",
           "Japan", "Canada", "Australia", "Poland", "Greece", "Italy", "France"]
styles = ["Heavy", "Thrash", "Black", "Death", "Doom", "Power", "Speed", "Hard rock",
          "Progressive", "Symphonic", "Folk", "Glam rock", "Gothic", "Melodic death"]


def band_name(i):
    """A made-up band name."""
    word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))
    return "{} {}".format(word.capitalize(), ["Storm", "Throne", "Crypt", "Forge", "Oath",
                                              "Veil", "Dawn", "Ash"][i % 8])


rows = []
used_fans = set()
glam_lifespans = set()
for i in range(1, 121):
    fans = rng.randint(1, 4000)
    while fans in used_fans:
        fans = rng.randint(1, 4000)
    used_fans.add(fans)
    formed = rng.randint(1968, 2015)
    split = "NULL" if rng.random() < 0.6 else str(rng.randint(formed, 2021))
    picked = rng.sample(styles, rng.randint(1, 3))
    # Glam rock bands rank by lifespan: no two share one, so the order is the task's alone.
    lifespan = (2022 if split == "NULL" else int(split)) - formed
    while "Glam rock" in picked and lifespan in glam_lifespans:
        formed -= 1
        lifespan += 1
    if "Glam rock" in picked:
        glam_lifespans.add(lifespan)
    rows.append((i, band_name(i), fans, formed, rng.choice(origins), split, ",".join(picked)))

with open("metal_bands.sql", "w") as out:
    out.write("-- The grader's bands: id, band_name, fans, formed, origin, split, style.\n")
    out.write("DROP TABLE IF EXISTS metal_bands;\n")
    out.write("CREATE TABLE metal_bands (\n"
              "  id INT NOT NULL AUTO_INCREMENT,\n"
              "  band_name VARCHAR(255) DEFAULT NULL,\n"
              "  fans INT DEFAULT NULL,\n"
              "  formed YEAR DEFAULT NULL,\n"
              "  origin VARCHAR(255) DEFAULT NULL,\n"
              "  split YEAR DEFAULT NULL,\n"
              "  style VARCHAR(255) DEFAULT NULL,\n"
              "  PRIMARY KEY (id)\n"
              ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
    out.write("INSERT INTO metal_bands (id, band_name, fans, formed, origin, split, style) "
              "VALUES\n")
    out.write(",\n".join("({}, '{}', {}, {}, '{}', {}, '{}')".format(*row) for row in rows))
    out.write(";\n")

with open("names.sql", "w") as out:
    out.write("-- The grader's names: name, score.\n")
    out.write("DROP TABLE IF EXISTS names;\n")
    out.write("CREATE TABLE names (\n  name VARCHAR(255) DEFAULT NULL,\n"
              "  score INT DEFAULT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
    values = []
    for _ in range(3000):
        name = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3)))
        values.append("('{}', {})".format(name.capitalize(), rng.randint(0, 100)))
    for start in range(0, len(values), 500):
        out.write("INSERT INTO names (name, score) VALUES\n")
        out.write(",\n".join(values[start:start + 500]))
        out.write(";\n")
