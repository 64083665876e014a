package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// TestFillStreams checks the severity streams of nowcast cells on numbers
// worked by hand: seen count plus the unit's shrunk share times the cases
// still expected; unflagged cells, cells with nothing missing, and streams
// of another shape stay as they are.
func TestFillStreams(t *testing.T) {
	// Two units, three weeks; the last week is nowcast.
	seen := [][]float64{{4, 6, 1}, {0, 0, 0}}
	nowcast := [][]float64{{4, 6, 5}, {0, 0, 2}}
	flags := [][]bool{{false, false, true}, {false, false, true}}
	stream := [][]float64{{1, 2, 1}, {0, 0, 0}}
	odd := [][]float64{{1, 2}} // wrong shape: left alone
	out := fillStreams([][][]float64{stream, odd}, seen, nowcast, flags, 10)
	// City share over unflagged weeks: 3 of 10 cases. Unit 0: (3 + 10*0.3) /
	// (10 + 10) = 0.3; 4 cases missing -> 1 + 1.2. Unit 1 has no history:
	// the city share, 2 cases missing -> 0.6.
	want := [][]float64{{1, 2, 2.2}, {0, 0, 0.6}}
	for u := range want {
		for i := range want[u] {
			if math.Abs(out[0][u][i]-want[u][i]) > 1e-12 {
				t.Errorf("stream unit %d week %d: %v, want %v", u, i, out[0][u][i], want[u][i])
			}
		}
	}
	if out[1][0][0] != 1 || out[1][0][1] != 2 {
		t.Errorf("odd-shaped stream changed: %v", out[1])
	}
	if stream[0][2] != 1 || stream[1][2] != 0 {
		t.Errorf("input modified: %v", stream)
	}
	// No complete week anywhere: no mix to learn, the stream stays raw.
	all := [][]bool{{true, true, true}, {true, true, true}}
	if got := fillStreams([][][]float64{stream}, seen, nowcast, all, 10); got[0][0][2] != 1 {
		t.Errorf("without complete weeks: %v", got[0])
	}
}

// TestRiskNowcastAsOf replays the Monday run of 2026-W47 on a warehouse that
// holds only the deliveries that had arrived by Sunday 22/11/2026 (simulated
// Hanoi with reporting delays), then loads the later deliveries and runs the
// week again: the complete-data view the run could not have. The risk
// model's probabilities with --nowcast must move from the raw ones toward
// the complete-data ones (the raw last weeks look calmer than they are, so
// the probabilities mostly rise), and two --nowcast runs must agree exactly.
func TestRiskNowcastAsOf(t *testing.T) {
	if testing.Short() {
		t.Skip("simulated warehouse")
	}
	ctx := context.Background()
	m, out := testMain(t)
	runDay := time.Date(2026, 11, 23, 6, 0, 0, 0, hoChiMinh)
	tick := runDay
	// Run ids carry the time: let the clock move, within the run day.
	m.Now = func() time.Time { tick = tick.Add(time.Second); return tick }
	dir := t.TempDir()
	logs := filepath.Join(dir, "logbooks")
	db := filepath.Join(dir, "canhbao.duckdb")
	if err := m.Run(ctx, []string{"simulate", "--out", logs, "--seed", "1", "--from", "01/01/2023", "--to", "22/11/2026",
		"--deliveries", "40"}); err != nil {
		t.Fatalf("simulate: %v\n%s", err, out)
	}
	if err := m.Run(ctx, []string{"units", "load", "--db", db, m.Getenv("CANHBAO_GEO")}); err != nil {
		t.Fatalf("units load: %v\n%s", err, out)
	}
	history, _ := filepath.Glob(filepath.Join(logs, "logbook_*.csv"))
	if len(history) == 0 {
		t.Fatal("no monthly history simulated")
	}
	cutoff := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	if err := m.Run(ctx, append([]string{"ingest", "--db", db, "--backfill", "--arrived",
		cutoff.AddDate(0, 0, -7*40).Format("02/01/2006")}, history...)); err != nil {
		t.Fatalf("ingest history: %v\n%s", err, out)
	}
	days, _ := os.ReadDir(filepath.Join(logs, "deliveries"))
	var later []string // files of the deliveries after the run day
	for _, d := range days {
		day, err := time.Parse(time.DateOnly, d.Name())
		if err != nil {
			t.Fatalf("delivery folder %s: %v", d.Name(), err)
		}
		files, _ := filepath.Glob(filepath.Join(logs, "deliveries", d.Name(), "*.csv"))
		if day.After(cutoff) {
			later = append(later, files...)
			continue
		}
		if err := m.Run(ctx, append([]string{"ingest", "--db", db, "--backfill=false", "--arrived", day.Format("02/01/2006")},
			files...)); err != nil {
			t.Fatalf("ingest %s: %v\n%s", d.Name(), err, out)
		}
	}
	if len(later) == 0 {
		t.Fatal("no delivery after the run day: the last weeks would be complete")
	}
	wk := models.WeekOf(cutoff)
	probs := func(args ...string) map[string]float64 {
		t.Helper()
		out.Reset()
		if err := m.Run(ctx, append([]string{"analyze", "--db", db, "--week", wk.String(), "--risk-refit-weeks", "0"},
			args...)); err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, out)
		}
		w, err := warehouse.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		run, err := w.LatestRun(ctx, wk)
		if err != nil || run == nil {
			t.Fatalf("latest run: %v %v", run, err)
		}
		inds, err := w.Indicators(ctx, run.RunID)
		if err != nil {
			t.Fatal(err)
		}
		p := map[string]float64{}
		for _, in := range inds {
			if in.Probability < 0 {
				t.Fatalf("analyze %v: no risk model (%s):\n%s", args, run.Method, out)
			}
			p[in.UnitCode] = in.Probability
		}
		return p
	}
	raw := probs()
	now := probs("--nowcast")
	again := probs("--nowcast")
	for u, p := range now {
		if again[u] != p {
			t.Fatalf("unit %s: %v then %v with the same data: analyze --nowcast is not deterministic", u, p, again[u])
		}
	}
	// The eventual counts: every later delivery (their arrival dates do not
	// matter to a raw run), then the same week analysed raw on the run day.
	tick = time.Date(2030, 1, 1, 6, 0, 0, 0, hoChiMinh)
	if err := m.Run(ctx, append([]string{"ingest", "--db", db, "--backfill=false"}, later...)); err != nil {
		t.Fatalf("ingest later deliveries: %v\n%s", err, out)
	}
	tick = runDay.Add(time.Hour)
	final := probs()

	units := make([]string, 0, len(raw))
	for u := range raw {
		units = append(units, u)
	}
	sort.Strings(units)
	var up, down, changed int
	var errRaw, errNow, meanRaw, meanNow, meanFinal float64
	for _, u := range units {
		r, n, f := raw[u], now[u], final[u]
		meanRaw += r / float64(len(units))
		meanNow += n / float64(len(units))
		meanFinal += f / float64(len(units))
		errRaw += math.Abs(r - f)
		errNow += math.Abs(n - f)
		switch {
		case n > r+1e-9:
			up++
			changed++
		case n < r-1e-9:
			down++
			changed++
		}
	}
	t.Logf("%d units: mean probability raw %.4f, nowcast %.4f, eventual counts %.4f; nowcast higher for %d, lower for %d; "+
		"mean |p - p_eventual| raw %.4f, nowcast %.4f",
		len(units), meanRaw, meanNow, meanFinal, up, down, errRaw/float64(len(units)), errNow/float64(len(units)))
	if changed == 0 {
		t.Fatal("--nowcast left every probability as it was: the risk model does not see the nowcast")
	}
	if meanRaw >= meanFinal {
		t.Fatalf("raw mean probability %.4f not below the eventual counts' %.4f: the scenario's last weeks are not incomplete", meanRaw, meanFinal)
	}
	// Expected direction: incomplete weeks make the raw model too calm, so
	// the nowcast raises the probabilities (the city's mean, and for most
	// units that change), toward the eventual counts' model.
	if meanNow <= meanRaw || up <= 2*down {
		t.Errorf("nowcast mean %.4f vs raw %.4f, %d up and %d down: not the expected direction", meanNow, meanRaw, up, down)
	}
	if errNow >= errRaw {
		t.Errorf("nowcast probabilities no closer to the eventual counts' (%.4f) than raw (%.4f)", errNow/float64(len(units)), errRaw/float64(len(units)))
	}
}
