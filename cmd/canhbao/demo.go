package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
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
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"demo: --out is required"}
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
	// as a backfill; then each delivery as it arrived, so the warehouse
	// holds the reporting triangle of the last cfg.Deliveries weeks. The
	// deliveries dated after --to (logbooks still to come) are loaded too:
	// they make the eventual counts known to the nowcast evaluation, and
	// keep this report the complete-data view of earlier demos. What a
	// run on the day after --to saw is Warehouse.WeeklyCountsAsOf(--to)
	// (docs/ingest.md "Arrival dates and backfills").
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
	for _, d := range sum.Deliveries {
		for _, f := range d.Files {
			if err := add(f, arrival{at: d.Date, backfill: backfillNo}); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(m.Stdout, "ingest: %d files (%d monthly as a backfill arrived %s, %d weekly deliveries): read %d, loaded %d, updated %d, duplicate %d, quarantined %d, ignored %d; %d cases arrive after %s\n",
		files, len(sum.History), arrivedFrom.Format("02/01/2006"), len(sum.Deliveries), tot.Read, tot.Loaded, tot.Updated,
		tot.Duplicate, tot.Quarantined, tot.Ignored, sum.Pending, cfg.To.Format("02/01/2006"))

	wk := models.WeekOf(cfg.To)
	if cfg.To.Weekday() != time.Sunday {
		wk = wk.Add(-1) // the week of --to is incomplete
	}
	run, err := m.analyze(ctx, w, wk, analysis.DefaultConfig())
	if err != nil {
		return err
	}
	if err := m.report(ctx, w, wk, filepath.Join(*out, "report"), *lang, *echarts); err != nil {
		return err
	}
	if err := m.demoTruth(ctx, w, run, filepath.Join(logDir, "ground_truth.csv")); err != nil {
		return err
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
