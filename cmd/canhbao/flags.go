package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/canhbao/canhbao/models"
)

// newFlags returns a flag set that reports errors instead of exiting.
func (m *Main) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("canhbao "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

// parse parses args, mapping problems to usage errors; -h is not an error.
func parse(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, &usageError{err.Error()}
	}
	return false, nil
}

// dbFlag declares the --db flag shared by the commands that use the warehouse.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "canhbao.duckdb", "DuckDB warehouse file")
}

// parseDate accepts dd/mm/yyyy and yyyy-mm-dd.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &usageError{fmt.Sprintf("date %q: want dd/mm/yyyy or yyyy-mm-dd", s)}
}

// parseWeekFlag parses an optional --week value; "" gives ok=false.
func parseWeekFlag(s string) (w models.Week, ok bool, err error) {
	if s == "" {
		return w, false, nil
	}
	w, err = models.ParseWeek(s)
	if err != nil {
		return w, false, &usageError{err.Error()}
	}
	return w, true, nil
}

// hoChiMinh is the zone weeks are counted in; a fixed UTC+7 offset (Vietnam
// has no daylight saving) so the binary needs no time zone database.
var hoChiMinh = time.FixedZone("Asia/Ho_Chi_Minh", 7*3600)

// defaultGeoDir finds the shared geography: $CANHBAO_GEO, else
// ../shared/data/hanoi from the working directory or one of its parents.
func (m *Main) defaultGeoDir() string {
	if d := m.Getenv("CANHBAO_GEO"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", "data", "hanoi")
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, "..", "shared", "data", "hanoi")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return filepath.Join("..", "shared", "data", "hanoi")
}

// progress prints a line on the command's error stream.
func progress(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, strings.TrimRight(format, "\n")+"\n", args...)
}
