package geo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestScalar(t *testing.T) {
	for in, want := range map[string]string{
		`7`: "7", `2.0`: "2", `1e3`: "1000", `-4`: "-4", `12.5`: "12.5", `" 007 "`: "007", `"Ba Đình"`: "Ba Đình",
		`9007199254740993`: "9007199254740992", // beyond 2^53 a JSON number is a float64 like in any reader
	} {
		got, ok := scalar(json.RawMessage(in))
		if !ok || got != want {
			t.Errorf("scalar(%s) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{``, `null`, `true`, `[1]`, `{"a":1}`, `1e999`} {
		if got, ok := scalar(json.RawMessage(in)); ok {
			t.Errorf("scalar(%s) = %q, want not a value", in, got)
		}
	}
}

// square returns a feature of a unit square at column i with the given
// properties (JSON object text).
func square(i int, props string) string {
	x0, x1 := float64(i), float64(i+1)
	c, _ := json.Marshal([][][2]float64{{{x0, 0}, {x1, 0}, {x1, 1}, {x0, 1}, {x0, 0}}})
	return `{"type":"Feature","properties":` + props + `,"geometry":{"type":"Polygon","coordinates":` + string(c) + `}}`
}

func writeCollection(t *testing.T, props ...string) string {
	t.Helper()
	fs := make([]string, len(props))
	for i, p := range props {
		fs[i] = square(i, p)
	}
	path := filepath.Join(t.TempDir(), "city.geojson")
	if err := os.WriteFile(path, []byte(`{"type":"FeatureCollection","features":[`+strings.Join(fs, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadGeoJSONProperties: St. Louis-like properties (NHD_NUM, NHD_NAME)
// are detected; numbers become codes without ".0"; three squares in a row
// give two neighbour pairs; population and district by their obvious names.
func TestLoadGeoJSONProperties(t *testing.T) {
	path := writeCollection(t,
		`{"NHD_NUM":1.0,"NHD_NAME":"Carondelet","population":"8,0","district":"South"}`,
		`{"NHD_NUM":2,"NHD_NAME":"Patch","population":7000,"district":"South"}`,
		`{"NHD_NUM":3,"NHD_NAME":"Holly Hills","population":6000,"district":"South"}`)
	if _, _, err := Load(path, Options{}); err == nil || !strings.Contains(err.Error(), `feature 1`) ||
		!strings.Contains(err.Error(), `"8,0" is not a number`) {
		t.Fatalf("bad population: %v", err)
	}
	path = writeCollection(t,
		`{"NHD_NUM":1.0,"NHD_NAME":"Carondelet","population":"8000","district":"South"}`,
		`{"NHD_NUM":2,"NHD_NAME":"Patch","population":7000,"district":"South"}`,
		`{"NHD_NUM":3,"NHD_NAME":"Holly Hills","population":6000,"district":"South"}`)
	g, info, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := FeatureProperties{Code: "NHD_NUM", Name: "NHD_NAME", District: "district", Population: "population"}
	if info.Properties != want {
		t.Errorf("properties %+v, want %+v", info.Properties, want)
	}
	u := g.Current()[0]
	if u.Code != "1" || u.Name != "Carondelet" || u.Population != 8000 || u.DistrictName != "South" {
		t.Errorf("unit %+v", u)
	}
	if u.LabelLon != 0.5 || u.LabelLat != 0.5 {
		t.Errorf("label point (%g, %g), want the square's centre", u.LabelLon, u.LabelLat)
	}
	if len(g.Neighbours) != 2 || g.Neighbours[0].A != "1" || g.Neighbours[0].B != "2" || g.Neighbours[1].B != "3" {
		t.Errorf("neighbours %+v", g.Neighbours)
	}
}

// TestLoadGeoJSONErrors: each refusal names what the user must fix.
func TestLoadGeoJSONErrors(t *testing.T) {
	for name, c := range map[string]struct {
		props []string
		opt   FeatureProperties
		want  []string
	}{
		"ambiguous code": {[]string{`{"NHD_NUM":1,"TRACT_ID":"a"}`, `{"NHD_NUM":2,"TRACT_ID":"b"}`}, FeatureProperties{},
			[]string{"code property is ambiguous", "NHD_NUM", "TRACT_ID", "--code-property"}},
		"ambiguous name": {[]string{`{"id":1,"NHD_NAME":"x","WARD_NAME":"p"}`, `{"id":2,"NHD_NAME":"y","WARD_NAME":"q"}`}, FeatureProperties{},
			[]string{"name property is ambiguous", "NHD_NAME, WARD_NAME", "--name-property"}},
		"no code": {[]string{`{"AREA":1,"label":"x"}`, `{"AREA":2,"label":"y"}`}, FeatureProperties{},
			[]string{"no property looks like a unit code", "--code-property", "properties: AREA, label"}},
		"repeating code": {[]string{`{"Id":0,"name":"x"}`, `{"Id":0,"name":"y"}`}, FeatureProperties{},
			[]string{"no usable code property", "Id (values repeat)"}},
		"missing named property": {[]string{`{"id":1}`, `{"id":2}`}, FeatureProperties{Name: "NAME"},
			[]string{`no feature has the name property "NAME"`, "properties: id"}},
		"duplicate code": {[]string{`{"NHD_NUM":1}`, `{"NHD_NUM":2}`, `{"NHD_NUM":1.0}`}, FeatureProperties{Code: "NHD_NUM"},
			[]string{`features 1 and 3 have the same code "1"`}},
		"empty code": {[]string{`{"NHD_NUM":1}`, `{"NHD_NUM":""}`}, FeatureProperties{Code: "NHD_NUM"},
			[]string{`feature 2: empty or missing code property "NHD_NUM"`}},
		"empty name": {[]string{`{"id":1,"n":"a"}`, `{"id":2,"n":null}`}, FeatureProperties{Name: "n"},
			[]string{`feature 2 (code 2): empty or missing name property "n"`}},
	} {
		path := writeCollection(t, c.props...)
		_, _, err := Load(path, Options{Properties: c.opt})
		if err == nil {
			t.Errorf("%s: loaded without error", name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", name, err, w)
			}
		}
	}
	// Not polygons; not a FeatureCollection; two GeoJSONs and no gazetteer.
	dir := t.TempDir()
	pt := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[0,0]}}]}`
	os.WriteFile(filepath.Join(dir, "a.geojson"), []byte(pt), 0o644)
	if _, _, err := Load(filepath.Join(dir, "a.geojson"), Options{}); err == nil || !strings.Contains(err.Error(), "want Polygon or MultiPolygon") {
		t.Errorf("points: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "b.geojson"), []byte(`{"type":"Feature"}`), 0o644)
	if _, _, err := Load(filepath.Join(dir, "b.geojson"), Options{}); err == nil || !strings.Contains(err.Error(), "want a FeatureCollection") {
		t.Errorf("feature: %v", err)
	}
	if _, _, err := Load(dir, Options{}); err == nil || !strings.Contains(err.Error(), "2 GeoJSON files (a.geojson, b.geojson)") {
		t.Errorf("two files: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "c.txt"), []byte("x"), 0o644)
	if _, _, err := Load(filepath.Join(dir, "c.txt"), Options{}); err == nil || !strings.Contains(err.Error(), ".geojson file") {
		t.Errorf("text file: %v", err)
	}
}

// TestLabelPointConcave: the centroid of a C shape lies in its mouth; the
// label point must lie in the shape, also with a hole.
func TestLabelPointConcave(t *testing.T) {
	c := [][][2]float64{{{0, 0}, {3, 0}, {3, 1}, {1, 1}, {1, 2}, {3, 2}, {3, 3}, {0, 3}, {0, 0}}}
	x, y := labelPoint(c)
	if !insideEvenOdd(c, x, y) {
		t.Errorf("C shape: (%g, %g) outside", x, y)
	}
	holed := [][][2]float64{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {3, 1}, {3, 3}, {1, 3}, {1, 1}}}
	x, y = labelPoint(holed)
	if !insideEvenOdd(holed, x, y) {
		t.Errorf("square with a hole: (%g, %g) outside", x, y)
	}
	if x, y = labelPoint([][][2]float64{{{1, 1}, {2, 2}, {1, 1}}}); x != 4.0/3 || y != 4.0/3 {
		t.Errorf("degenerate ring: (%g, %g), want the mean vertex", x, y)
	}
}

// FuzzUnitsFromGeoJSON: no input makes the GeoJSON gazetteer panic; what it
// accepts has unique non-empty codes and a map that QueenNeighbours reads.
func FuzzUnitsFromGeoJSON(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[` + square(0, `{"id":1,"name":"a"}`) + `,` + square(1, `{"id":2.0,"name":"b"}`) + `]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"x"},"geometry":{"type":"Polygon","coordinates":[[]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"properties":null,"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,1],[0,0]]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[1]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		units, m, _, err := unitsFromGeoJSON("fuzz.geojson", data, FeatureProperties{}, time.Time{})
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, u := range units {
			if u.Code == "" || seen[u.Code] {
				t.Fatalf("code %q empty or repeated", u.Code)
			}
			seen[u.Code] = true
		}
		if _, err := QueenNeighbours(m, "code", QueenSnap, true); err != nil {
			t.Fatalf("map not readable: %v", err)
		}
	})
}
