package geo

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

var sharedData = filepath.Join("..", "..", "shared", "data")

func readShared(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{sharedData}, parts...)...))
	if err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	return b
}

// TestQueenColumbus: spdep 1.2-7 poly2nb(columbus, queen = TRUE) finds 236
// links (118 pairs); columbus_queen_edges.csv lists them
// (../shared/data/reference/scripts/04_columbus_spdep.R).
func TestQueenColumbus(t *testing.T) {
	data := readShared(t, "reference", "spatial", "columbus.geojson")
	want := map[[2]string]bool{}
	recs, err := csv.NewReader(bytes.NewReader(readShared(t, "reference", "spatial", "columbus_queen_edges.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		want[[2]string{r[0], r[1]}] = true
	}
	for _, onEdges := range []bool{false, true} {
		ids, pairs, err := QueenContiguity(data, "id", 0, onEdges)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 49 {
			t.Fatalf("%d features", len(ids))
		}
		if 2*len(pairs) != 236 {
			t.Errorf("onEdges %v: %d links, want 236", onEdges, 2*len(pairs))
		}
		for _, p := range pairs {
			if !want[p] || !want[[2]string{p[1], p[0]}] {
				t.Errorf("onEdges %v: pair %v not in spdep's list", onEdges, p)
			}
		}
	}
}

// TestQueenHanoi compares queen contiguity of the simplified Hanoi map with
// the 329 shared-border pairs of hanoi_communes_2025_adjacency_pairs.json
// (PROVENANCE.md: computed from shared borders of the full-resolution map).
func TestQueenHanoi(t *testing.T) {
	data := readShared(t, "hanoi", "hanoi_communes_2025_simplified.geojson")
	var ref []struct{ A, B string }
	if err := json.Unmarshal(readShared(t, "hanoi", "hanoi_communes_2025_adjacency_pairs.json"), &ref); err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]bool{}
	for _, p := range ref {
		a, b := p.A, p.B
		if a > b {
			a, b = b, a
		}
		want[[2]string{a, b}] = true
	}
	ids, pairs, err := QueenContiguity(data, "code", 1e-6, true)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]bool{}
	for _, p := range pairs {
		a, b := p[0], p[1]
		if a > b {
			a, b = b, a
		}
		got[[2]string{a, b}] = true
	}
	var missing, extra [][2]string
	for p := range want {
		if !got[p] {
			missing = append(missing, p)
		}
	}
	for p := range got {
		if !want[p] {
			extra = append(extra, p)
		}
	}
	t.Logf("%d units, %d queen pairs, %d reference pairs; missing %v; extra %v", len(ids), len(got), len(want), missing, extra)
	if len(missing) != 0 {
		t.Errorf("%d shared-border pairs not found: %v", len(missing), missing)
	}
	// Queen contiguity also links units that touch at a single point, which
	// a shared-border list leaves out: every extra pair must share exactly one
	// vertex (measured: 18 such corner contacts, 347 queen pairs in all).
	polys, _, err := readPolygons(data, "code")
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	for i, id := range ids {
		index[id] = i
	}
	verts := func(f int) map[[2]float64]bool {
		m := map[[2]float64]bool{}
		for _, r := range polys[f] {
			for _, p := range r {
				m[p] = true
			}
		}
		return m
	}
	for _, p := range extra {
		a, b := verts(index[p[0]]), verts(index[p[1]])
		shared := 0
		for v := range a {
			if b[v] {
				shared++
			}
		}
		if shared != 1 {
			t.Errorf("extra pair %v shares %d vertices, want a single corner", p, shared)
		}
	}
	if len(got) != 347 {
		t.Errorf("%d queen pairs, want 347", len(got))
	}
	_, vpairs, err := QueenContiguity(data, "code", 1e-6, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(vpairs) != len(pairs) {
		t.Errorf("vertex-only rule: %d pairs, with edges %d", len(vpairs), len(pairs))
	}
}

func TestQueenBadInput(t *testing.T) {
	for _, in := range []string{
		`{`,
		`{"type":"Feature"}`,
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"FeatureCollection","features":[{"properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,1],[0,0]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`,
		`{"type":"FeatureCollection","features":[{"properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[[[0]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"properties":{"id":"a"},"geometry":null}]}`,
	} {
		if _, _, err := QueenContiguity([]byte(in), "id", 0, true); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

// TestQueenTJunction: b's corner (1, 0.5) lies on a's edge x = 1 but a has
// no vertex there; c touches a only at the corner (0, 1) after snapping a
// rounding difference of 1e-9.
func TestQueenTJunction(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
{"properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"properties":{"id":"b"},"geometry":{"type":"Polygon","coordinates":[[[1,0.5],[2,0.5],[2,2],[1.5,2],[1,0.5]]]}},
{"properties":{"id":"c"},"geometry":{"type":"MultiPolygon","coordinates":[[[[-1,1.000000001],[0,1.000000001],[-1,2],[-1,1.000000001]]]]}}]}`
	_, pairs, err := QueenContiguity([]byte(in), "id", 1e-6, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 2 || pairs[0] != [2]string{"a", "b"} || pairs[1] != [2]string{"a", "c"} {
		t.Errorf("pairs %v, want [a b] [a c]", pairs)
	}
	_, pairs, _ = QueenContiguity([]byte(in), "id", 1e-6, false)
	if len(pairs) != 1 || pairs[0] != [2]string{"a", "c"} {
		t.Errorf("vertex rule: pairs %v, want [a c]", pairs)
	}
}

// BenchmarkQueenHanoiFull: queen contiguity (with the edge rule) of the
// full-resolution Hanoi map (126 units, 3 MB GeoJSON), parsing included.
func BenchmarkQueenHanoiFull(b *testing.B) {
	data := readShared(b, "hanoi", "hanoi_communes_2025.geojson")
	for i := 0; i < b.N; i++ {
		if _, _, err := QueenContiguity(data, "code", 1e-6, true); err != nil {
			b.Fatal(err)
		}
	}
}
