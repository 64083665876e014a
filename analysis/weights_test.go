package analysis

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// spatialRef is ../shared/data/reference/spatial, read in place.
var spatialRef = filepath.Join("..", "..", "shared", "data", "reference", "spatial")

// spReadCSV returns the header index and rows of a CSV file, skipping the test
// if the shared reference data is absent.
func spReadCSV(t testing.TB, path string) (map[string]int, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("reference data not available: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]int{}
	for i, c := range recs[0] {
		h[c] = i
	}
	return h, recs[1:]
}

func spCol(t testing.TB, h map[string]int, rows [][]string, name string) []float64 {
	t.Helper()
	k, ok := h[name]
	if !ok {
		t.Fatalf("no column %q", name)
	}
	out := make([]float64, len(rows))
	for i, r := range rows {
		v, err := strconv.ParseFloat(r[k], 64)
		if err != nil {
			t.Fatalf("row %d %s: %v", i+2, name, err)
		}
		out[i] = v
	}
	return out
}

// columbus returns CRIME, the queen weights (binary) and the spdep reference
// table of 04_columbus_spdep.R.
func spColumbus(t testing.TB) (x []float64, w *Weights, rh map[string]int, ref [][]string) {
	t.Helper()
	h, rows := spReadCSV(t, filepath.Join(spatialRef, "columbus.csv"))
	x = spCol(t, h, rows, "CRIME")
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r[h["id"]]
	}
	eh, erows := spReadCSV(t, filepath.Join(spatialRef, "columbus_queen_edges.csv"))
	edges := make([][2]string, len(erows))
	for i, r := range erows {
		edges[i] = [2]string{r[eh["from"]], r[eh["to"]]}
	}
	w, err := NewWeights(ids, edges)
	if err != nil {
		t.Fatal(err)
	}
	rh, ref = spReadCSV(t, filepath.Join(spatialRef, "columbus_localG_localmoran.csv"))
	return x, w, rh, ref
}

// spClose reports |got - want| <= tol max(|want|, floor).
func spClose(got, want, tol, floor float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), floor)
}

func TestWeightsColumbus(t *testing.T) {
	_, w, h, ref := spColumbus(t)
	if got := w.Links(); got != 236 {
		t.Errorf("queen links = %d, want 236 (spdep::poly2nb, reference README)", got)
	}
	card := spCol(t, h, ref, "n_neigh_queen")
	for i := range card {
		if len(w.Neigh[i]) != int(card[i]) {
			t.Errorf("area %d: %d neighbours, want %v", i+1, len(w.Neigh[i]), card[i])
		}
	}
	rw := w.WithStyle(RowStandardised)
	s := w.WithSelf()
	for i := range rw.W {
		var sum float64
		for _, v := range rw.W[i] {
			sum += v
		}
		if math.Abs(sum-1) > 1e-15 {
			t.Errorf("row %d of W style sums to %v", i, sum)
		}
		if len(s.Neigh[i]) != len(w.Neigh[i])+1 {
			t.Errorf("WithSelf row %d has %d members", i, len(s.Neigh[i]))
		}
	}
	if s.Links() != 236 {
		t.Errorf("self links counted as links: %d", s.Links())
	}
}

func TestNewWeightsErrors(t *testing.T) {
	ids := []string{"a", "b", "c"}
	for _, c := range []struct {
		ids   []string
		edges [][2]string
	}{
		{ids, [][2]string{{"a", "z"}}},
		{ids, [][2]string{{"a", "a"}}},
		{[]string{"a", "a"}, nil},
	} {
		if _, err := NewWeights(c.ids, c.edges); err == nil {
			t.Errorf("NewWeights(%v, %v): no error", c.ids, c.edges)
		}
	}
	// One direction, repeated: symmetric, counted once.
	w, err := NewWeights(ids, [][2]string{{"a", "b"}, {"a", "b"}, {"b", "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if w.Links() != 2 || len(w.Neigh[2]) != 0 {
		t.Errorf("links %d, island row %v", w.Links(), w.Neigh[2])
	}
}
