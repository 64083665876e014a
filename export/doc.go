// Package export writes the files that go next to a report for other tools:
// alerts.csv and alerts.xlsx (the flagged units, Vietnamese headers),
// risk.geojson (every unit with its tier, probability and drivers, for QGIS)
// and indicators.parquet (every per-unit-week indicator of the warehouse).
// Files are written with mode 0640; no case-level data is exported.
package export
