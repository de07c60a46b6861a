"""A bare Django project for `make bench`'s baselines: no apps, no middleware, no database.

What it serves stands for Django's own limit on this machine, so the site's figures are read
as ratios against it (DESIGN.md, Budgets): `plain` is a constant two-byte response, `tpl` a
30-line template with a 20-item loop (bench/templates/bench/tpl.html).
"""
