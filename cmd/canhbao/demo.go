package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/simulate"
	"github.com/canhbao/canhbao/warehouse"
)

// demoDeliveries is the demo's default --deliveries: a year of weekly
// deliveries gives the nowcast a reporting triangle and its evaluation
// enough run dates, while the older history goes in as one backfill.
const demoDeliveries = 52

// runDemo handles "demo --out DIR": simulate -> units load -> ingest ->
// analyze -> report, on the shared geography.
func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs := m.newFlags("demo")
	out := fs.String("out", "", "folder for the demo's logbooks, warehouse and report (required)")
	lang := fs.String("lang", "vi", "report language: vi or en")
	echarts := fs.String("echarts", "", "path to echarts.min.js (default: found under node_modules)")
	sf := m.declareSimFlags(fs, demoDeliveries)
	asOf := fs.Bool("as-of-run", false, "replay the weekly run of the day after --to: ingest only the deliveries that had arrived by --to and analyse the incomplete last weeks with nowcast counts (default: every delivery, also those after --to, is ingested: the complete-data view)")
	useNowcast := fs.Bool("nowcast", true, "with --as-of-run: analyse with nowcast counts, as analyze --nowcast (false: the raw counts that had arrived)")
	pending := fs.Bool("pending", false, "with --as-of-run: after the report, also ingest the deliveries dated after --to, so that the warehouse holds the eventual counts that nowcast-eval scores against")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"demo: --out is required"}
	}
	if !*asOf {
		var bad []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "nowcast" || f.Name == "pending" {
				bad = append(bad, "--"+f.Name)
			}
		})
		if len(bad) > 0 {
			// Without --as-of-run every delivery is in the warehouse: a
			// nowcast would inflate complete counts, and nothing is pending.
			return &usageError{"demo: " + strings.Join(bad, " and ") + " need --as-of-run"}
		}
	}
	start := time.Now()
	cfg, geoDir, err := m.simConfig(sf)
	if err != nil {
		return err
	}
	logDir := filepath.Join(*out, "logbooks")
	// A demo starts from nothing: old logbooks and warehouse are replaced.
	for _, p := range []string{logDir, filepath.Join(*out, "report")} {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	dbPath := filepath.Join(*out, "canhbao.duckdb")
	for _, p := range []string{dbPath, dbPath + ".wal"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := os.MkdirAll(logDir, 0o750); err != nil {
		return err
	}
	sum, err := m.simulate(sf, logDir)
	if err != nil {
		return err
	}
	if err := m.loadUnits(ctx, dbPath, geoDir); err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer w.Close()
	ing, err := m.newIngester(ctx, w, dbPath, "")
	if err != nil {
		return err
	}
	// The history the system had when deliveries began is loaded at once,
	// as a backfill; then each delivery with its arrival date, so the
	// warehouse holds the reporting triangle of the last cfg.Deliveries
	// weeks. By default the deliveries dated after --to (logbooks still to
	// come) are loaded too: the warehouse then holds the eventual counts
	// that nowcast-eval scores against, and the report is the complete-data
	// view (its "data still arriving" band is the nowcast as of the run
	// day). With --as-of-run they are left out, or loaded after the report
	// with --pending, so the last weeks are as incomplete as the Monday run
	// finds them. The as-of view is not the default because it does not
	// flag the planted episodes the complete view flags (docs/nowcast.md
	// "The demo as of the run day").
	var tot warehouse.Batch
	files := 0
	add := func(f string, arr arrival) error {
		ing.arrival = arr
		b, err := ing.file(ctx, f)
		if err != nil {
			return err
		}
		files++
		tot.Read += b.Read
		tot.Loaded += b.Loaded
		tot.Updated += b.Updated
		tot.Duplicate += b.Duplicate
		tot.Quarantined += b.Quarantined
		tot.Ignored += b.Ignored
		return nil
	}
	arrivedFrom := cfg.To.AddDate(0, 0, -7*cfg.Deliveries)
	for _, f := range sum.History {
		if err := add(f, arrival{at: arrivedFrom, backfill: backfillYes}); err != nil {
			return err
		}
	}
	var later []simulate.Delivery // dated after --to
	arrived := 0
	for _, d := range sum.Deliveries {
		if d.Date.After(cfg.To) {
			later = append(later, d)
			if *asOf {
				continue
			}
		} else {
			arrived++
		}
		for _, f := range d.Files {
			if err := add(f, arrival{at: d.Date, backfill: backfillNo}); err != nil {
				return err
			}
		}
	}
	what := "loaded too"
	if *asOf {
		what = "not arrived yet, left out"
	}
	fmt.Fprintf(m.Stdout, "ingest: %d files (%d monthly as a backfill arrived %s, %d weekly deliveries up to %s, %d after): read %d, loaded %d, updated %d, duplicate %d, quarantined %d, ignored %d; %d cases arrive after %s (%s)\n",
		files, len(sum.History), arrivedFrom.Format("02/01/2006"), arrived, cfg.To.Format("02/01/2006"), len(later),
		tot.Read, tot.Loaded, tot.Updated, tot.Duplicate, tot.Quarantined, tot.Ignored, sum.Pending,
		cfg.To.Format("02/01/2006"), what)

	wk := models.WeekOf(cfg.To)
	if cfg.To.Weekday() != time.Sunday {
		wk = wk.Add(-1) // the week of --to is incomplete
	}
	// Analysis and report run on the clock of the scheduled weekly run,
	// 06:00 in Hanoi the day after --to, whatever day the demo is started:
	// the nowcast and the report's "data still arriving" band are made as
	// of the run day, and a demo of an older --to must not see its delay
	// window measured from today.
	rd := cfg.To.AddDate(0, 0, 1)
	runAt := time.Date(rd.Year(), rd.Month(), rd.Day(), 6, 0, 0, 0, hoChiMinh)
	rm := *m
	rm.Now = func() time.Time { return runAt }
	rm.nowcast = nil
	if *asOf && *useNowcast {
		o := defaultNowcastOptions()
		rm.nowcast = &o
	}
	run, err := rm.analyze(ctx, w, wk, analysis.DefaultConfig())
	if err != nil {
		return err
	}
	if err := rm.report(ctx, w, wk, filepath.Join(*out, "report"), *lang, *echarts); err != nil {
		return err
	}
	if err := m.demoTruth(ctx, w, run, filepath.Join(logDir, "ground_truth.csv")); err != nil {
		return err
	}
	if *pending {
		tot, files = warehouse.Batch{}, 0
		for _, d := range later {
			for _, f := range d.Files {
				if err := add(f, arrival{at: d.Date, backfill: backfillNo}); err != nil {
					return err
				}
			}
		}
		fmt.Fprintf(m.Stdout, "demo: --pending: %d files of %d deliveries after %s ingested: read %d, loaded %d, updated %d, quarantined %d; the warehouse now holds the eventual counts (the report stays as of %s)\n",
			files, len(later), cfg.To.Format("02/01/2006"), tot.Read, tot.Loaded, tot.Updated, tot.Quarantined,
			runAt.Format("02/01/2006 15:04"))
	}
	fmt.Fprintf(m.Stdout, "demo: done in %.1f s; open %s\n", time.Since(start).Seconds(),
		filepath.Join(*out, "report", "index.html"))
	return nil
}

// activeEpisodes reads a ground-truth file (episode_id, unit_code, role,
// start_week, peak_week, end_week) and returns, per unit, the role of an
// episode overlapping the window of win weeks ending at wk ("core" wins).
func activeEpisodes(truthPath string, wk models.Week, win int) (map[string]string, error) {
	f, err := os.Open(truthPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", truthPath, err)
	}
	active := map[string]string{}
	for i, r := range recs {
		if i == 0 {
			continue
		}
		if len(r) < 6 {
			return nil, fmt.Errorf("%s: row %d: want 6 fields", truthPath, i+1)
		}
		start, err1 := models.ParseWeek(r[3])
		end, err2 := models.ParseWeek(r[5])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: row %d: bad start_week or end_week", truthPath, i+1)
		}
		if !wk.Before(start) && !end.Before(wk.Add(-(win - 1))) && active[r[1]] != "core" {
			active[r[1]] = r[2]
		}
	}
	return active, nil
}

// demoTruth compares the flagged units with the planted episodes active in
// the report window, so the demo shows what it found and what it missed.
func (m *Main) demoTruth(ctx context.Context, w *warehouse.Warehouse, run *warehouse.Run, truthPath string) error {
	active, err := activeEpisodes(truthPath, run.Week, windowOf(run))
	if err != nil {
		return err
	}
	inds, err := w.Indicators(ctx, run.RunID)
	if err != nil {
		return err
	}
	var hits, others []string
	for _, in := range inds {
		if !in.Flagged {
			continue
		}
		if role, ok := active[in.UnitCode]; ok && role != "decoy" {
			hits = append(hits, in.UnitCode+"("+role+")")
		} else {
			others = append(others, in.UnitCode)
		}
	}
	var planted []string
	for u, role := range active {
		if role != "decoy" {
			planted = append(planted, u+"("+role+")")
		}
	}
	sort.Strings(planted)
	fmt.Fprintf(m.Stdout, "demo: planted episode units active in week %s: %s\n", run.Week, strings.Join(planted, " "))
	fmt.Fprintf(m.Stdout, "demo: flagged and planted: %s; flagged, not planted: %s\n",
		strings.Join(hits, " "), strings.Join(others, " "))
	return nil
}
