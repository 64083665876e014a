package synthgeo

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/canhbao/canhbao/geo"
)

// TestWriteLoadDir checks that geo.LoadDir reads the generated files and that
// every listed neighbour pair is also found by geo.QueenContiguity on the
// generated polygons (the borders are really shared).
func TestWriteLoadDir(t *testing.T) {
	c := DefaultConfig()
	c.Units = 500
	g, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := g.Write(dir); err != nil {
		t.Fatal(err)
	}
	lg, err := geo.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(lg.Current()); n != 500 {
		t.Fatalf("LoadDir: %d current units, want 500", n)
	}
	if len(lg.Neighbours) != len(g.Pairs) {
		t.Fatalf("LoadDir: %d neighbour pairs, want %d", len(lg.Neighbours), len(g.Pairs))
	}
	_, queen, err := geo.QueenContiguity(lg.MapGeoJSON, "code", 1e-9, false)
	if err != nil {
		t.Fatal(err)
	}
	found := map[[2]string]bool{}
	for _, p := range queen {
		found[p] = true
		found[[2]string{p[1], p[0]}] = true
	}
	for _, p := range g.Pairs {
		if !found[[2]string{p.A, p.B}] {
			t.Fatalf("pair %s-%s not contiguous in the GeoJSON", p.A, p.B)
		}
		if p.SharedBorderM < 1000 || p.SharedBorderM > 30000 {
			t.Fatalf("pair %s-%s: shared border %g m, want about 10 km", p.A, p.B, p.SharedBorderM)
		}
	}
	provinces := map[string]bool{}
	for _, u := range g.Units {
		provinces[u.ProvinceCode] = true
	}
	if len(provinces) != 34 {
		t.Fatalf("%d provinces, want 34", len(provinces))
	}
}

// TestDeterministic checks that the same seed gives the same bytes and
// another seed different ones.
func TestDeterministic(t *testing.T) {
	read := func(seed uint64) []byte {
		c := DefaultConfig()
		c.Units, c.Seed = 200, seed
		g, err := Generate(c)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := g.Write(dir); err != nil {
			t.Fatal(err)
		}
		var all []byte
		for _, f := range []string{GazetteerFile, BoundariesFile, NeighboursFile} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	if !bytes.Equal(read(3), read(3)) {
		t.Fatal("same seed, different bytes")
	}
	if bytes.Equal(read(3), read(4)) {
		t.Fatal("different seeds, same bytes")
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []Config{{Units: 1, Provinces: 1, CellKm: 1}, {Units: 10, Provinces: 11, CellKm: 1}, {Units: 10, Provinces: 2}} {
		if _, err := Generate(c); err == nil {
			t.Errorf("%+v: want an error", c)
		}
	}
}

func BenchmarkGenerate3321(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
}
