package main

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNowcastCommands runs the demo (weekly deliveries with simulated
// reporting delays), then nowcast, nowcast-eval and analyze --nowcast on its
// warehouse, and checks what the replay measures: the nowcast removes most
// of the raw counts' shortfall, its intervals cover the final counts about
// as often as they claim, and it invents fewer declines than the raw counts.
func TestNowcastCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("demo")
	}
	ctx := context.Background()
	m, out := testMain(t)
	dir := t.TempDir()
	if err := m.Run(ctx, []string{"demo", "--out", dir, "--seed", "3", "--from", "01/01/2024", "--to", "22/11/2026",
		"--deliveries", "40"}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "canhbao.duckdb")

	out.Reset()
	if err := m.Run(ctx, []string{"nowcast", "--db", db, "--week", "2026-W47", "--json"}); err != nil {
		t.Fatalf("nowcast: %v\n%s", err, out)
	}
	var nc nowcastJSON
	if err := json.Unmarshal(out.Bytes(), &nc); err != nil {
		t.Fatalf("nowcast JSON: %v\n%s", err, out)
	}
	if len(nc.City) != 6 || nc.City[5].Week != "2026-W47" || len(nc.Units) != 126 || len(nc.Delay) < 2 {
		t.Fatalf("nowcast: %d city weeks (last %+v), %d units, %d delay groups", len(nc.City), nc.City, len(nc.Units), len(nc.Delay))
	}
	for _, w := range nc.City {
		if w.Mean < w.Observed || w.Lower > w.Mean || w.Upper < w.Mean {
			t.Errorf("city week %s inconsistent: %+v", w.Week, w)
		}
	}
	if last := nc.City[5]; last.Reported > 0.5 || last.Mean < 2*last.Observed {
		t.Errorf("last week: %.0f seen, share reported %.2f, nowcast %.1f: the demo's delays should leave most of it to come",
			last.Observed, last.Reported, last.Mean)
	}

	out.Reset()
	if err := m.Run(ctx, []string{"nowcast-eval", "--db", db, "--from", "2026-W26", "--to", "2026-W47", "--samples", "150",
		"--truth", filepath.Join(dir, "logbooks", "ground_truth.csv"), "--json"}); err != nil {
		t.Fatalf("nowcast-eval: %v\n%s", err, out)
	}
	var ev nowcastEvalResult
	if err := json.Unmarshal(out.Bytes(), &ev); err != nil {
		t.Fatalf("nowcast-eval JSON: %v\n%s", err, out)
	}
	if ev.Runs != 22 || len(ev.Nowcast) != 6 {
		t.Fatalf("runs %d, delays %d", ev.Runs, len(ev.Nowcast))
	}
	for k := 0; k < 2; k++ {
		r, n, c := ev.CityRaw[k], ev.CityNow[k], ev.CityNow[k]
		t.Logf("k=%d: city relative bias raw %+.3f nowcast %+.3f, coverage %.2f; unit coverage %.3f (mass %.3f)",
			k, r.RelBias, n.RelBias, c.Coverage, ev.Nowcast[k].Coverage, ev.Nowcast[k].Mass)
		if r.RelBias > -0.3 {
			t.Errorf("k=%d: raw counts only %.2f short: the scenario has no delays to speak of", k, r.RelBias)
		}
		if math.Abs(n.RelBias) > 0.15 {
			t.Errorf("k=%d: nowcast relative bias %+.3f, want within ±0.15", k, n.RelBias)
		}
		if u := ev.Nowcast[k]; u.Coverage < 0.85 || math.Abs(u.Coverage-u.Mass) > 0.05 {
			t.Errorf("k=%d: unit coverage %.3f for a predicted %.3f", k, u.Coverage, u.Mass)
		}
	}
	if ev.CityArtefacts["raw"] <= ev.CityArtefacts["nowcast"] || ev.Detect["raw"].DeclineFalse <= ev.Detect["nowcast"].DeclineFalse {
		t.Errorf("decline artefacts: city raw %d vs nowcast %d, units raw %d vs nowcast %d",
			ev.CityArtefacts["raw"], ev.CityArtefacts["nowcast"], ev.Detect["raw"].DeclineFalse, ev.Detect["nowcast"].DeclineFalse)
	}

	out.Reset()
	m.nowcast = nil
	later := m.Now().Add(time.Minute) // a new run id: the demo stored one at m.Now()
	m.Now = func() time.Time { return later }
	if err := m.Run(ctx, []string{"analyze", "--db", db, "--week", "2026-W47", "--nowcast"}); err != nil {
		t.Fatalf("analyze --nowcast: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "analyze: nowcast (latest delivery in week 2026-W47)") {
		t.Errorf("analyze --nowcast output:\n%s", out)
	}
}
