package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/canhbao/canhbao/warehouse"
)

// Exit codes, documented in the README.
const (
	exitOK       = 0
	exitInternal = 1 // unexpected failure
	exitUsage    = 2 // bad command line or configuration
	exitInput    = 3 // an input file was rejected as a whole
	exitBusy     = 4 // the database or the run lock is held by another process
	exitQuality  = 5 // run: a data-quality threshold was crossed (the report is still published)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	stopProfile := startProfile(os.Getenv)
	err := m.Run(ctx, os.Args[1:])
	stopProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "canhbao:", err)
	}
	os.Exit(exitCode(err))
}

// exitCode is the one place where errors become exit codes.
func exitCode(err error) int {
	var ue *usageError
	var ie *inputError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ie):
		return exitInput
	case errors.Is(err, warehouse.ErrBusy):
		return exitBusy
	case errors.As(err, new(*qualityError)):
		return exitQuality
	}
	return exitInternal
}

// Main wires the stages together; tests drive it directly.
type Main struct {
	Stdout, Stderr io.Writer
	Now            func() time.Time
	Getenv         func(string) string
	// nowcast, when set (analyze --nowcast), makes analyze replace the last
	// weeks' counts by their nowcast before the detectors see them.
	nowcast *nowcastOptions
}

// NewMain returns a Main on the process's standard streams and clock.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: os.Getenv}
}

const usage = `canhbao: early warning for grassroots dispute mediation

Usage:
  canhbao demo     --out DIR [--seed N] [--from DATE] [--to DATE] [--scale X] [--geo DIR] [--deliveries N] [--as-of-run [--nowcast=false] [--pending]]
  canhbao units load [--db FILE] [--code-property P] [--name-property P] [--snap S] DIR|FILE.geojson
  canhbao simulate --out DIR [--seed N] [--from DATE] [--to DATE] [--scale X] [--geo DIR] [--deliveries N]
  canhbao synthgeo --out DIR [--units N] [--provinces P] [--seed S] [--logbook-rows N]
  canhbao ingest   [--db FILE] [--json] [--format F] [--encoding E] [--delimiter D] [--mapping M] [--arrived DATE] [--backfill] FILE...
  canhbao quarantine export [--db FILE] --out FILE.csv|FILE.xlsx [--batch ID]
  canhbao analyze  [--db FILE] [--week YYYY-Www] [--risk-refit-weeks N]
  canhbao report   [--db FILE] [--week YYYY-Www] --out DIR [--lang vi|en] [--audience internal|public] [--delay-weeks D] [--performance=false]
  canhbao detect   --method NAME [method options] --in SERIES.csv --out RESULT.csv
  canhbao scorecard [--db FILE] --period 2026-H1|2026|2026-Q3 --out DIR [--lang vi|en] [--as-of DATE]
  canhbao backtest [--db FILE] [--from YYYY-Www] [--to YYYY-Www] [--truth FILE.csv] [--budget K] [--json]
  canhbao run      [--config FILE] [--week YYYY-Www] [--log-format text|json] [--arrived DATE] [--backfill]
  canhbao status   [--config FILE] [--runs N]
  canhbao config   init|check [--config FILE]
  canhbao hotspots --values V.csv --edges E.csv [--periods] --out H.csv [--permutations N] [--seed N] [--alpha A]
  canhbao nowcast  [--db FILE] [--week YYYY-Www] [--as-of DATE] [--delay-weeks D] [--json]
  canhbao nowcast-eval [--db FILE] [--from YYYY-Www] [--to YYYY-Www] [--delay-weeks D] [--truth FILE.csv] [--json]

Run "canhbao COMMAND -h" for the flags of a command. Dates are dd/mm/yyyy or yyyy-mm-dd.
`

// Run runs one subcommand.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return &usageError{"no command"}
	}
	switch args[0] {
	case "demo":
		return m.runDemo(ctx, args[1:])
	case "units":
		return m.runUnits(ctx, args[1:])
	case "simulate":
		return m.runSimulate(ctx, args[1:])
	case "synthgeo":
		return m.runSynthgeo(ctx, args[1:])
	case "ingest":
		return m.runIngest(ctx, args[1:])
	case "quarantine":
		return m.runQuarantine(ctx, args[1:])
	case "analyze":
		return m.runAnalyze(ctx, args[1:])
	case "detect":
		return m.runDetect(ctx, args[1:])
	case "report":
		return m.runReport(ctx, args[1:])
	case "scorecard":
		return m.runScorecard(ctx, args[1:])
	case "backtest":
		return m.runBacktest(ctx, args[1:])
	case "run":
		return m.runRun(ctx, args[1:])
	case "status":
		return m.runStatus(ctx, args[1:])
	case "config":
		return m.runConfig(ctx, args[1:])
	case "hotspots":
		return m.runHotspots(ctx, args[1:])
	case "nowcast":
		return m.runNowcast(ctx, args[1:])
	case "nowcast-eval":
		return m.runNowcastEval(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	fmt.Fprint(m.Stderr, usage)
	return &usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// usageError is a bad command line; it maps to exitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// inputError is an input file rejected as a whole; it maps to exitInput.
type inputError struct {
	file string
	err  error
}

func (e *inputError) Error() string { return fmt.Sprintf("%s: %v", e.file, e.err) }
func (e *inputError) Unwrap() error { return e.err }
