// Package scorecard rates the mediation performance of units and teams
// fairly: the city's indicators (cases received, settled, not settled, in
// progress, the settled rate settled / (received − in progress), days to
// close, backlog by age, escalation share, repeat disputes), funnel-plot
// control limits after Spiegelhalter (2005) "Funnel plots for comparing
// institutional performance", Stat Med 24:1185–1202, with a multiplicative
// over-dispersion adjustment, the silent units, and the official six-month
// and annual statistics tables with projected ("ước tính") figures.
//
// The package is pure computation on aggregates: warehouse/scorecard.go
// aggregates the cases in DuckDB and cmd/canhbao wires the two together.
package scorecard
