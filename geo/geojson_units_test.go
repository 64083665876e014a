package geo

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// edgeSet reads an edge list (from, to[, order]) of the shared reference data
// as unordered pairs, keeping rows of order 1 only.
func edgeSet(t *testing.T, parts ...string) map[[2]string]bool {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(readShared(t, parts...))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]bool{}
	for _, r := range recs[1:] {
		if len(r) > 2 && r[2] != "1" {
			continue
		}
		out[pairKey(r[0], r[1])] = true
	}
	return out
}

func pairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

func sharedPath(t *testing.T, parts ...string) string {
	t.Helper()
	readShared(t, parts...) // skips when ../shared is absent
	return filepath.Join(append([]string{sharedData}, parts...)...)
}

// comparePairs checks the loaded neighbours against a reference edge list.
func comparePairs(t *testing.T, pairs [][2]string, want map[[2]string]bool) {
	t.Helper()
	got := map[[2]string]bool{}
	for _, p := range pairs {
		got[pairKey(p[0], p[1])] = true
	}
	for p := range want {
		if !got[p] {
			t.Errorf("reference pair %v not found", p)
		}
	}
	for p := range got {
		if !want[p] {
			t.Errorf("pair %v not in the reference", p)
		}
	}
}

// insideEvenOdd reports whether (x, y) is inside the rings by the even-odd
// rule (ray casting), independently of labelPoint's scanline.
func insideEvenOdd(rings [][][2]float64, x, y float64) bool {
	in := false
	for _, r := range rings {
		for k := range r {
			p, q := r[k], r[(k+1)%len(r)]
			if (p[1] > y) != (q[1] > y) && x < p[0]+(y-p[1])*(q[0]-p[0])/(q[1]-p[1]) {
				in = !in
			}
		}
	}
	return in
}

// TestLoadColumbusGeoJSON: the 49 Columbus neighbourhoods loaded from the
// GeoJSON alone. The code is detected as "id" (1..49; POLYID is only
// code-like), there is no name property (codes are the names), and the
// neighbours are the 236 queen links (118 pairs) of spdep 1.2-7
// poly2nb(queen = TRUE), columbus_queen_edges.csv, with the snap of 1e-6
// and the edge rule Load uses (spdep: snap 1.5e-8, vertices only).
func TestLoadColumbusGeoJSON(t *testing.T) {
	path := sharedPath(t, "reference", "spatial", "columbus.geojson")
	g, info, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cur := g.Current()
	if len(cur) != 49 || len(g.Units) != 49 {
		t.Fatalf("%d current units of %d, want 49", len(cur), len(g.Units))
	}
	if !info.FromGeoJSON || info.Properties.Code != "id" || info.Properties.Name != "" || !info.QueenNeighbours {
		t.Errorf("info %+v", info)
	}
	for i, u := range cur {
		if want := strconv.Itoa(i + 1); u.Code != want || u.Name != want {
			t.Fatalf("unit %d: code %q name %q, want %q", i+1, u.Code, u.Name, want)
		}
		if !u.ValidFrom.IsZero() || !u.ValidTo.IsZero() {
			t.Fatalf("unit %s valid %v..%v, want always", u.Code, u.ValidFrom, u.ValidTo)
		}
	}
	want := edgeSet(t, "reference", "spatial", "columbus_queen_edges.csv")
	if len(want) != 118 || 2*len(g.Neighbours) != 236 {
		t.Errorf("%d reference pairs, %d loaded pairs; want 118 each", len(want), len(g.Neighbours))
	}
	var got [][2]string
	for _, n := range g.Neighbours {
		got = append(got, [2]string{n.A, n.B})
	}
	comparePairs(t, got, want)

	// The map joins on properties.code and carries the name, nothing else.
	polys, ids, err := readPolygons(g.MapGeoJSON, "code")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct{ Properties map[string]any } `json:"features"`
	}
	if err := json.Unmarshal(g.MapGeoJSON, &fc); err != nil {
		t.Fatal(err)
	}
	if p := fc.Features[6].Properties; len(p) != 2 || p["code"] != "7" || p["name"] != "7" {
		t.Errorf("map properties of feature 7: %v", p)
	}
	// Every label point lies inside its own unit (checked by ray casting).
	for i, u := range cur {
		if ids[i] != u.Code {
			t.Fatalf("map feature %d is %s, unit %s", i, ids[i], u.Code)
		}
		if !insideEvenOdd(polys[i], u.LabelLon, u.LabelLat) {
			t.Errorf("label point (%g, %g) of unit %s is outside it", u.LabelLon, u.LabelLat, u.Code)
		}
	}

	// The same file in a directory of its own loads the same units.
	dir := t.TempDir()
	if err := os.Symlink(mustAbs(t, path), filepath.Join(dir, "columbus.geojson")); err != nil {
		t.Fatal(err)
	}
	g2, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(g2.Current()) != 49 || len(g2.Neighbours) != 118 || !bytes.Equal(g2.MapGeoJSON, g.MapGeoJSON) {
		t.Errorf("directory: %d units, %d pairs", len(g2.Current()), len(g2.Neighbours))
	}
}

// TestLoadHaStsGeoJSON: the 12 Berlin districts of surveillance's ha.sts map
// (projected coordinates in metres). Detected: code "unit" (Id is 0 in every
// feature), name SNAME; with --name-property BEZIRK the district names.
// Queen contiguity gives exactly the 22 first-order pairs (44 directed rows)
// of ha.sts_edges.csv.
func TestLoadHaStsGeoJSON(t *testing.T) {
	path := sharedPath(t, "reference", "surveillance", "multiarea", "ha.sts_map.geojson")
	g, info, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Properties.Code != "unit" || info.Properties.Name != "SNAME" {
		t.Errorf("detected %+v, want code unit, name SNAME", info.Properties)
	}
	g, info, err = Load(path, Options{Properties: FeatureProperties{Code: "unit", Name: "BEZIRK"}})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, u := range g.Current() {
		names[u.Code] = u.Name
	}
	if len(names) != 12 || names["chwi"] != "Charlottenburg-Wilmersdorf" {
		t.Errorf("%d units, chwi = %q", len(names), names["chwi"])
	}
	want := edgeSet(t, "reference", "surveillance", "multiarea", "ha.sts_edges.csv")
	if len(want) != 22 || len(g.Neighbours) != 22 {
		t.Errorf("%d reference pairs, %d loaded; want 22", len(want), len(g.Neighbours))
	}
	var got [][2]string
	for _, n := range g.Neighbours {
		got = append(got, [2]string{n.A, n.B})
	}
	comparePairs(t, got, want)
}

// TestLoadGazetteerCodeProperty: a gazetteer CSV beside a boundary file whose
// codes sit in another property: --code-property names it, the map is
// rewritten to join on code, and with no neighbour-pairs file the
// neighbours come from the boundaries.
func TestLoadGazetteerCodeProperty(t *testing.T) {
	path := sharedPath(t, "reference", "surveillance", "multiarea", "ha.sts_map.geojson")
	dir := t.TempDir()
	if err := os.Symlink(mustAbs(t, path), filepath.Join(dir, "berlin.geojson")); err != nil {
		t.Fatal(err)
	}
	gaz := "code,name\nchwi,Charlottenburg-Wilmersdorf\nfrkr,Friedrichshain-Kreuzberg\nlich,Lichtenberg\nmahe,Marzahn-Hellersdorf\nmitt,Mitte\nneuk,Neukölln\npank,Pankow\nrein,Reinickendorf\nscho,Tempelhof-Schöneberg\nspan,Spandau\ntrko,Treptow-Köpenick\nzehl,Steglitz-Zehlendorf\n"
	if err := os.WriteFile(filepath.Join(dir, "units.csv"), []byte(gaz), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "no properties.code") {
		t.Fatalf("without --code-property: %v", err)
	}
	g, info, err := Load(dir, Options{Properties: FeatureProperties{Code: "unit"}})
	if err != nil {
		t.Fatal(err)
	}
	if info.FromGeoJSON || !info.QueenNeighbours || len(g.Current()) != 12 || len(g.Neighbours) != 22 {
		t.Errorf("info %+v, %d units, %d pairs", info, len(g.Current()), len(g.Neighbours))
	}
	if !bytes.Contains(g.MapGeoJSON, []byte(`"name":"Neukölln"`)) {
		t.Error("map does not carry the gazetteer's names")
	}
	if _, _, err := Load(dir, Options{Properties: FeatureProperties{Code: "unit", Name: "BEZIRK"}}); err == nil ||
		!strings.Contains(err.Error(), "apply only to a GeoJSON without one") {
		t.Errorf("name property with a gazetteer: %v", err)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestLoadFluBYBWGeoJSON: the 140 districts of Bavaria and Baden-Württemberg
// (surveillance's fluBYBW map). Two code-like properties, id (a number) and
// unit (a string), hold the same codes, so detection is not ambiguous.
func TestLoadFluBYBWGeoJSON(t *testing.T) {
	path := sharedPath(t, "reference", "surveillance", "multiarea", "fluBYBW_map.geojson")
	g, info, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Properties.Code != "unit" || info.Properties.Name != "name" || len(g.Current()) != 140 {
		t.Fatalf("properties %+v, %d units", info.Properties, len(g.Current()))
	}
	want := edgeSet(t, "reference", "surveillance", "multiarea", "fluBYBW_edges.csv")
	var got [][2]string
	for _, n := range g.Neighbours {
		got = append(got, [2]string{n.A, n.B})
	}
	t.Logf("%d queen pairs, %d reference pairs", len(got), len(want))
	comparePairs(t, got, want)
}

// TestLoadGeoJSONFarVertex: one vertex a million kilometres away (a typo in
// a file) must not stall the edge rule of queen contiguity.
func TestLoadGeoJSONFarVertex(t *testing.T) {
	path := writeCollection(t, `{"id":1}`, `{"id":2}`)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("[2,1]"), []byte("[1e12,1]"), 1)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	g, _, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second || len(g.Neighbours) != 1 {
		t.Errorf("%d pairs in %v", len(g.Neighbours), d)
	}
}
