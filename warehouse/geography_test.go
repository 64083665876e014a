package warehouse

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/canhbao/canhbao/geo"
)

// TestSaveGeographyReplaces: loading a geography over a stored one (the
// same province again, then a changed copy) replaces it: a unit left out is
// gone, a renamed one has its new name, and the counts are those of the
// last load. DuckDB 1.1 refused the old delete-then-insert in one
// transaction as soon as a key came back.
func TestSaveGeographyReplaces(t *testing.T) {
	ctx := context.Background()
	w := openTest(t) // Hanoi loaded once
	g, err := geo.LoadDir(filepath.Join("..", "..", "shared", "data", "hanoi"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SaveGeography(ctx, g); err != nil {
		t.Fatalf("the same geography again: %v", err)
	}
	count := func(q string) int {
		var n int
		if err := w.DB().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	units, xw, nb := count(`SELECT count(*) FROM units`), count(`SELECT count(*) FROM crosswalk`), count(`SELECT count(*) FROM neighbours`)
	if units != len(g.Units) || xw != len(g.Crosswalk) || nb != len(g.Neighbours) {
		t.Fatalf("after a reload: %d units, %d crosswalk links, %d neighbour pairs; want %d, %d, %d",
			units, xw, nb, len(g.Units), len(g.Crosswalk), len(g.Neighbours))
	}
	// a changed copy: the last unit dropped, the first renamed, one pair fewer
	last := g.Units[len(g.Units)-1]
	g.Units = g.Units[:len(g.Units)-1]
	g.Units[0].Name = "Tên mới"
	g.Neighbours = g.Neighbours[1:]
	if err := w.SaveGeography(ctx, g); err != nil {
		t.Fatalf("a changed geography: %v", err)
	}
	if n := count(`SELECT count(*) FROM units`); n != len(g.Units) {
		t.Errorf("%d units, want %d", n, len(g.Units))
	}
	if n := count(`SELECT count(*) FROM units WHERE vintage = '` + last.Vintage + `' AND code = '` + last.Code + `'`); n != 0 {
		t.Errorf("unit %s/%s left out but still stored", last.Vintage, last.Code)
	}
	if n := count(`SELECT count(*) FROM units WHERE name = 'Tên mới'`); n != 1 {
		t.Errorf("renamed unit: %d rows with the new name, want 1", n)
	}
	if n := count(`SELECT count(*) FROM neighbours`); n != len(g.Neighbours) {
		t.Errorf("%d neighbour pairs, want %d", n, len(g.Neighbours))
	}
}
