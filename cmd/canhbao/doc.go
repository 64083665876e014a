// Command canhbao is the early-warning pipeline for grassroots dispute
// mediation: it loads a province's geography, simulates or ingests mediation
// logbooks into a DuckDB warehouse, computes escalation indicators and writes
// an offline HTML report. Each subcommand lives in its own file; main.go only
// maps errors to exit codes.
package main
