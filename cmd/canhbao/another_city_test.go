package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnotherCityRealPanel runs the path a planner of another city takes,
// on real data read in place: influenza counts per week in 140 districts
// of Baden-Württemberg (R surveillance's fluBYBW, 2001–2008, exported with
// its district map to ../shared/data/reference/surveillance/multiarea).
// The map alone is the geography (gazetteer from its properties, queen
// neighbours), the panel is ingested through the bundled sts mapping file
// (a count per row, ISO year and week in two columns), then analyze and a
// backtest without ground truth (the surge target) against the baselines.
// The panel is sparse early on: the backtest keeps the previous model for
// origins whose blocks hold no surge, and says so.
func TestAnotherCityRealPanel(t *testing.T) {
	if testing.Short() {
		t.Skip("about 30 s")
	}
	ctx := context.Background()
	m, out := testMain(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	ref := filepath.Join("..", "..", "..", "shared", "data", "reference", "surveillance", "multiarea")
	run := func(args ...string) string {
		t.Helper()
		out.Reset()
		if err := m.Run(ctx, args); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out.String()
	}
	run("units", "load", "--db", db, filepath.Join(ref, "fluBYBW_map.geojson"))
	bs := ingestJSON(t, m, out, db, "--mapping", filepath.Join("..", "..", "ingest", "testdata", "sts_panel.toml"),
		filepath.Join(ref, "fluBYBW.csv"))
	// 58,240 rows of which the zero weeks are ignored and each other row is its count of cases
	var total, units int
	query(t, db, `SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM units WHERE vintage = 'current')`, &total, &units)
	if b := bs[0]; b.Quarantined != 0 || b.Loaded != total || b.Read != b.Loaded+b.Ignored || units != 140 {
		t.Fatalf("ingest %+v; %d cases in %d units", b, total, units)
	}
	var sumCounts int
	query(t, db, `SELECT sum(count)::INTEGER FROM read_csv('`+filepath.Join(ref, "fluBYBW.csv")+`')`, &sumCounts)
	if sumCounts != total {
		t.Fatalf("%d cases stored, the panel counts %d", total, sumCounts)
	}
	run("analyze", "--db", db, "--week", "2008-W48")
	var res btOut
	text := run("backtest", "--db", db, "--json")
	if i := strings.Index(text, "\n{"); i >= 0 { // after the notes printed on stderr
		text = text[i+1:]
	}
	if err := json.Unmarshal([]byte(text), &res); err != nil {
		t.Fatalf("backtest --json: %v\n%s", err, out)
	}
	if res.Units != 140 || res.Weeks < 52 || len(res.Methods) < 5 {
		t.Fatalf("backtest: %d units, %d weeks, %d methods", res.Units, res.Weeks, len(res.Methods))
	}
	names := []string{}
	for _, mr := range res.Methods {
		names = append(names, mr.Name)
	}
	for _, want := range []string{"risk_model", "last4_count", "historical_mean", "noufaily"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("method %s missing from %v", want, names)
		}
	}
}
