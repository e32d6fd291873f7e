"""Dagster wiring, one package per area; each package's `defs` holds its assets, checks, jobs,
schedules and sensors, in modules named for their kind (assets.py, checks.py, jobs.py,
schedules.py, sensors.py, partitions.py). No logic here: the engines are plain Python."""
