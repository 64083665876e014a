package geo

import (
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

func hanoiDir(t *testing.T) string {
	t.Helper()
	return filepath.Join("..", "..", "shared", "data", "hanoi")
}

func TestLoadHanoi(t *testing.T) {
	g, err := LoadDir(hanoiDir(t))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, u := range g.Units {
		count[u.Vintage]++
	}
	// Counts from ../shared/data/hanoi/PROVENANCE.md.
	want := map[string]int{models.CurrentVintage: 126, "2024": 579, "202501": 526}
	for v, n := range want {
		if count[v] != n {
			t.Errorf("vintage %s: %d units, want %d", v, count[v], n)
		}
	}
	if len(g.Neighbours) != 329 {
		t.Errorf("%d neighbour pairs, want 329", len(g.Neighbours))
	}
	var pop int64
	for _, u := range g.Current() {
		pop += u.Population
		if !u.ValidFrom.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("unit %s valid from %v", u.Code, u.ValidFrom)
		}
	}
	if pop != 8811473 {
		t.Errorf("population %d, want 8811473", pop)
	}
	// Weights of each old unit sum to 1 (counts are conserved).
	sum := map[[2]string]float64{}
	for _, l := range g.Crosswalk {
		sum[[2]string{l.OldVintage, l.OldCode}] += l.Weight
	}
	olds := map[string]int{}
	for k, s := range sum {
		olds[k[0]]++
		if math.Abs(s-1) > 1e-12 {
			t.Fatalf("weights of %v sum to %g", k, s)
		}
	}
	if olds["2024"] != 579 || olds["202501"] != 526 {
		t.Errorf("crosswalk covers %v old units, want 579 and 526", olds)
	}
	for _, u := range g.Units {
		if u.Vintage == "202501" {
			if !u.ValidFrom.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) ||
				!u.ValidTo.Equal(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("202501 unit %s valid %v..%v", u.Code, u.ValidFrom, u.ValidTo)
			}
		}
		if u.Vintage == "2024" && !u.ValidTo.Equal(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("2024 unit %s valid to %v", u.Code, u.ValidTo)
		}
	}
	if len(g.MapGeoJSON) == 0 || len(g.MapGeoJSON) > 1<<20 {
		t.Errorf("map GeoJSON of %d bytes, want the simplified file", len(g.MapGeoJSON))
	}
}

func TestLoadDirErrors(t *testing.T) {
	if _, err := LoadDir(t.TempDir()); err == nil {
		t.Fatal("empty directory loaded without error")
	}
}
