package geo_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/ingest"
)

// TestGeoJSONUnitsResolveOnAnyDate: units derived from a GeoJSON alone have
// no older unit list to hand over from, so ingest's resolver must find them by
// code and by name on any record date (ha.sts: 12 Berlin districts, names
// from BEZIRK).
func TestGeoJSONUnitsResolveOnAnyDate(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "data", "reference", "surveillance", "multiarea", "ha.sts_map.geojson")
	g, _, err := geo.Load(path, geo.Options{Properties: geo.FeatureProperties{Code: "unit", Name: "BEZIRK"}})
	if err != nil {
		t.Skipf("shared data: %v", err)
	}
	r := ingest.NewResolver(g)
	for _, d := range []time.Time{
		time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), // the day before Hanoi's reform: nothing special here
		time.Date(2040, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		for _, c := range []struct{ code, name, want string }{
			{"mitt", "", "mitt"},
			{"", "Mitte", "mitt"},
			{"", "treptow-koepenick", "trko"}, // case-insensitive name
			{"chwi", "Charlottenburg-Wilmersdorf", "chwi"},
		} {
			cur, src, apportioned, err := r.Resolve(c.code, c.name, "", d, "case-1")
			if err != nil || cur != c.want || src != c.want || apportioned {
				t.Errorf("%s: Resolve(%q, %q) = %q, %q, %v, %v; want %s", d.Format("2006-01-02"), c.code, c.name, cur, src, apportioned, err, c.want)
			}
		}
		if _, _, _, err := r.Resolve("zzzz", "", "", d, "case-1"); err == nil {
			t.Errorf("%s: unknown code resolved", d.Format("2006-01-02"))
		}
	}
}
