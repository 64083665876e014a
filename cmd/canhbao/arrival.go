package main

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/canhbao/canhbao/warehouse"
)

// arrivalFlags are --arrived and --backfill, shared by ingest and run: when
// the files reached the system, so that a history of weekly deliveries can
// be replayed as it arrived (issue 11; docs/ingest.md "Arrival dates and
// backfills").
type arrivalFlags struct {
	arrived  string
	backfill backfillMode
}

func declareArrivalFlags(fs *flag.FlagSet) *arrivalFlags {
	af := &arrivalFlags{}
	fs.StringVar(&af.arrived, "arrived", "", "day the files reached the system, dd/mm/yyyy or yyyy-mm-dd (default: today in Asia/Ho_Chi_Minh)")
	fs.Var(&af.backfill, "backfill", "mark the files as a backfill of past records (--backfill=false: as deliveries); default: decided per file, see docs/ingest.md")
	return af
}

// backfillMode is --backfill: absent (the automatic rule decides), true or
// false (forced).
type backfillMode int

const (
	backfillAuto backfillMode = iota
	backfillYes
	backfillNo
)

func (b *backfillMode) IsBoolFlag() bool { return true }

func (b *backfillMode) String() string {
	switch *b {
	case backfillYes:
		return "true"
	case backfillNo:
		return "false"
	}
	return "auto"
}

func (b *backfillMode) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*b = backfillNo
	if v {
		*b = backfillYes
	}
	return nil
}

// arrival is what the flags say about the files of one command.
type arrival struct {
	at       time.Time    // zero: the day of the ingest
	backfill backfillMode // auto: warehouse.ReceivedDates.Backfill decides per file
}

// isBackfill decides whether a file is a backfill.
func (a arrival) isBackfill(received *warehouse.ReceivedDates, arrived time.Time) bool {
	switch a.backfill {
	case backfillYes:
		return true
	case backfillNo:
		return false
	}
	return received.Backfill(arrived)
}

// resolve checks the flags; a file cannot arrive after today.
func (af *arrivalFlags) resolve(now time.Time) (arrival, error) {
	a := arrival{backfill: af.backfill}
	if af.arrived == "" {
		return a, nil
	}
	d, err := parseDate(af.arrived)
	if err != nil {
		return a, &usageError{"--arrived: " + err.Error()}
	}
	if today := hanoiDate(now); d.After(today) {
		return a, &usageError{fmt.Sprintf("--arrived %s is after today (%s)", d.Format("02/01/2006"), today.Format("02/01/2006"))}
	}
	a.at = d
	return a, nil
}

// date is the arrival day of a file ingested at now.
func (a arrival) date(now time.Time) time.Time {
	if !a.at.IsZero() {
		return a.at
	}
	return hanoiDate(now)
}

// hanoiDate is the calendar date of t in Asia/Ho_Chi_Minh, as UTC midnight:
// logbook dates are Hanoi dates, and the Monday 06:00 run is still Sunday in
// UTC.
func hanoiDate(t time.Time) time.Time {
	t = t.In(hoChiMinh)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
