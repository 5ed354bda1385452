#!/usr/bin/env python3
"""Writes Popular_Baby_Names.csv: the grader's own baby-names table.

Same columns and row shape as the table the task describes (Year of Birth,
Gender, Ethnicity, Child's First Name, Count, Rank; rows grouped by year,
gender and ethnicity, counts descending, equal counts sharing a rank), but
made up here and smaller. Deterministic: run it again to get the same file.
"""
import csv
import random

FEMALE = """Olivia Chloe Sophia Emma Emily Mia Charlotte Sarah Isabella Hannah
Grace Angela Ava Joanna Amelia Evelyn Lily Ella Abigail Madison Zoe
Aria Layla Nora Riley Leah Stella Hazel Aurora Violet Ruby Alice Clara
Eliza Iris Naomi Maya Lucy Anna Jade Vera Ivy Nina Sadie Lena""".split()
MALE = """Ethan Aiden Jayden Lucas Ryan Daniel Jason Matthew Oliver Liam Noah
Mason Logan Elijah James Benjamin Henry Samuel Owen Caleb Isaac Julian
Leo Miles Ezra Hugo Felix Adam Simon Oscar Victor Jonah Eli Theo
Arthur Max Milo Levi Kai Abel Otto Ivan Rafael Tobias Silas""".split()
ETHNICITIES = ["ASIAN AND PACIFIC ISLANDER", "BLACK NON HISPANIC", "HISPANIC",
               "WHITE NON HISPANIC"]


def main():
    """Writes the table."""
    rng = random.Random(1912)
    with open("Popular_Baby_Names.csv", "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["Year of Birth", "Gender", "Ethnicity",
                         "Child's First Name", "Count", "Rank"])
        for year in range(2016, 2010, -1):
            for gender, names in (("FEMALE", FEMALE), ("MALE", MALE)):
                for ethnicity in ETHNICITIES:
                    picked = rng.sample(names, rng.randint(30, len(names)))
                    counts = sorted((rng.randint(10, 180) for _ in picked),
                                    reverse=True)
                    rank, last = 0, None
                    for name, count in zip(picked, counts):
                        if count != last:
                            rank, last = rank + 1, count
                        writer.writerow([year, gender, ethnicity, name, count,
                                         rank])


if __name__ == "__main__":
    main()
