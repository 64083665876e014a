package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/canhbao/canhbao/warehouse"
)

func sharedRef(t *testing.T, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "data", "reference"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data: %v", err)
	}
	return p
}

// TestUnitsLoadGeoJSON: `units load` of another city's neighbourhood GeoJSON
// alone (Columbus, 49 neighbourhoods): the gazetteer comes from the features,
// the 118 neighbour pairs (236 links, as spdep's queen list) from the
// polygons, and the warehouse holds both and the map.
func TestUnitsLoadGeoJSON(t *testing.T) {
	ctx := context.Background()
	m, out := testMain(t)
	db := filepath.Join(t.TempDir(), "c.duckdb")
	if err := m.Run(ctx, []string{"units", "load", "--db", db, sharedRef(t, "spatial", "columbus.geojson")}); err != nil {
		t.Fatalf("units load: %v\n%s", err, out)
	}
	for _, want := range []string{"code property id, name none, codes used as names",
		"49 current units, 0 units of earlier vintages, 0 crosswalk links, 118 neighbour pairs loaded (queen contiguity"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	w, err := warehouse.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	g, err := w.Geography(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Current()) != 49 || len(g.Neighbours) != 118 || !strings.Contains(string(g.MapGeoJSON), `"code":"49"`) {
		t.Errorf("stored %d units, %d pairs, map of %d bytes", len(g.Current()), len(g.Neighbours), len(g.MapGeoJSON))
	}
}

// TestUnitsLoadGeoJSONIngest: Berlin's 12 districts (ha.sts map) loaded with
// --code-property unit --name-property BEZIRK; logbook rows naming a district
// by code or by name resolve on any date, from 2009 to 2026.
func TestUnitsLoadGeoJSONIngest(t *testing.T) {
	ctx := context.Background()
	m, out := testMain(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "b.duckdb")
	if err := m.Run(ctx, []string{"units", "load", "--db", db, "--code-property", "unit", "--name-property", "BEZIRK",
		sharedRef(t, "surveillance", "multiarea", "ha.sts_map.geojson")}); err != nil {
		t.Fatalf("units load: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "12 current units, 0 units of earlier vintages, 0 crosswalk links, 22 neighbour pairs") {
		t.Errorf("output %q", out)
	}
	rows := []string{
		`1,B-1,15/03/2009,20/03/2009,,,mitt,,,"A, 40",Vay nợ không trả,Dân sự,Hòa giải thành,,,,`,
		`2,B-2,01/07/2025,,,Neukoelln,,,,"B, 41",Hàng xóm ồn ào,Khác,Đang giải quyết,,,,`,
		`3,B-3,20/11/2026,21/11/2026,,Mitte,mitt,,,"C, 42",Vợ chồng mâu thuẫn,Hôn nhân và gia đình,Hòa giải thành,,,,`,
		`4,B-4,02/01/2001,,,Treptow-Koepenick,,,,"D, 43",Tranh chấp ranh giới đất,Dân sự,Hòa giải không thành,,,,`,
	}
	path := filepath.Join(dir, "berlin.csv")
	if err := os.WriteFile(path, []byte(bigHeader+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := m.Run(ctx, []string{"ingest", "--db", db, "--arrived", "25/11/2026", "--backfill", path}); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	w, err := warehouse.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var got string
	if err := w.DB().QueryRowContext(ctx, `SELECT string_agg(source_case_id || ':' || unit_code, ' ' ORDER BY source_case_id) FROM cases`).Scan(&got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "B-1:mitt B-2:neuk B-3:mitt B-4:trko"; got != want {
		t.Errorf("cases %q, want %q\n%s", got, want, out)
	}
}

// TestUnitsLoadGeoJSONErrors: an ambiguous code property and a misspelt
// property are input errors (exit code 3) that name the candidates.
func TestUnitsLoadGeoJSONErrors(t *testing.T) {
	ctx := context.Background()
	m, _ := testMain(t)
	dir := t.TempDir()
	sq := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`
	gj := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","properties":{"NHD_NUM":1,"TRACT_ID":"a","NHD_NAME":"x"},"geometry":` + sq + `},` +
		`{"type":"Feature","properties":{"NHD_NUM":2,"TRACT_ID":"b","NHD_NAME":"y"},"geometry":` + sq + `}]}`
	path := filepath.Join(dir, "city.geojson")
	if err := os.WriteFile(path, []byte(gj), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "e.duckdb")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "code property is ambiguous: NHD_NUM, TRACT_ID could each be it; choose one with --code-property"},
		{[]string{"--name-property", "NAME"}, `no feature has the name property "NAME"; properties: NHD_NAME, NHD_NUM, TRACT_ID`},
	} {
		err := m.Run(ctx, append(append([]string{"units", "load", "--db", db}, c.args...), path))
		if err == nil || exitCode(err) != exitInput || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v (exit %d), want %q", c.args, err, exitCode(err), c.want)
		}
	}
	if err := m.Run(ctx, []string{"units", "load", "--db", db, "--code-property", "NHD_NUM", path}); err != nil {
		t.Errorf("with --code-property: %v", err)
	}
	if err := m.Run(ctx, []string{"units", "load", "--db", db, "--snap", "0", path}); exitCode(err) != exitUsage {
		t.Errorf("--snap 0: %v", err)
	}
}

// TestUnitsGeoJSONCityDemo: the whole path (simulate, units load, ingest,
// analyze with the spatial statistics, report) on a geography that is only
// Columbus's neighbourhood GeoJSON: the report has a page per neighbourhood
// and its map joins every unit.
func TestUnitsGeoJSONCityDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("demo run")
	}
	ctx := context.Background()
	m, out := testMain(t)
	geoDir := t.TempDir()
	src, err := filepath.Abs(sharedRef(t, "spatial", "columbus.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(src, filepath.Join(geoDir, "columbus.geojson")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := m.Run(ctx, []string{"demo", "--out", dir, "--geo", geoDir, "--seed", "1", "--from", "01/01/2024", "--to", "22/11/2026"}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{"49 current units", "118 neighbour pairs", "analyze: spatial: 26 windows", "49 units,"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	pages, err := filepath.Glob(filepath.Join(dir, "report", "units", "*.html"))
	if err != nil || len(pages) != 49 {
		t.Errorf("%d unit pages (%v)", len(pages), err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report", "risk.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"code":`); n != 49 {
		t.Errorf("risk.geojson has %d features with a code, want 49", n)
	}
}
