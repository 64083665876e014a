package analysis

import (
	"math"
	"path/filepath"
	"testing"
)

// TestLocalMoranColumbus checks local Moran's I against spdep 1.2-7
// localmoran(CRIME, nb2listw(poly2nb(columbus), style = "W")) (conditional
// moments, the default), columbus_localG_localmoran.csv from
// ../shared/data/reference/scripts/04_columbus_spdep.R.
func TestLocalMoranColumbus(t *testing.T) {
	x, w, h, ref := spColumbus(t)
	lm, err := LocalMoran(x, w.WithStyle(RowStandardised), Permutations{})
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-9
	for name, got := range map[string][]float64{"Ii": lm.I, "E_Ii": lm.E, "Var_Ii": lm.V, "Z_Ii": lm.Z,
		"p_two_sided": lm.P, "p_greater": lm.PGreater} {
		want := spCol(t, h, ref, name)
		for i := range x {
			if !spClose(got[i], want[i], tol, 1e-12) {
				t.Errorf("%s area %d: %.15g, want %.15g", name, i+1, got[i], want[i])
			}
		}
	}
	for i, r := range ref {
		if want := r[h["quadr_mean"]]; lm.Quadrant[i] != want {
			t.Errorf("quadrant area %d: %q, want %q", i+1, lm.Quadrant[i], want)
		}
	}
}

func TestLocalMoranPermutation(t *testing.T) {
	x, w, _, _ := spColumbus(t)
	rw := w.WithStyle(RowStandardised)
	lm, err := LocalMoran(x, rw, Permutations{N: 1999, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	// Under the null the folded pseudo p of the strongest local cluster is
	// small: area 35 (id 35, z of I about 3.9 in spdep) must be < 0.01.
	best := 0
	for i := range x {
		if lm.Z[i] > lm.Z[best] {
			best = i
		}
	}
	if lm.PSim[best] > 0.01 {
		t.Errorf("area %d (Z %.2f): pseudo p %v, want < 0.01", best+1, lm.Z[best], lm.PSim[best])
	}
	again, _ := LocalMoran(x, rw, Permutations{N: 1999, Seed: 7})
	for i := range x {
		if again.PSim[i] != lm.PSim[i] {
			t.Fatalf("area %d not reproducible", i+1)
		}
	}
}

// TestGlobalColumbus checks Moran's I (randomisation, W style) and the
// general G (B style) against columbus_global.csv (spdep 1.2-7 moran.test,
// globalG.test).
func TestGlobalColumbus(t *testing.T) {
	x, w, _, _ := spColumbus(t)
	h, rows := spReadCSV(t, filepath.Join(spatialRef, "columbus_global.csv"))
	ref := map[string]float64{}
	for _, r := range rows {
		v := spCol(t, h, [][]string{r}, "value")[0]
		ref[r[h["statistic"]]] = v
	}
	m, err := GlobalMoran(x, w.WithStyle(RowStandardised))
	if err != nil {
		t.Fatal(err)
	}
	g, err := GlobalG(x, w)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]float64{"moran_I": m.I, "moran_expectation": m.E, "moran_variance": m.Var,
		"moran_z": m.Z, "moran_p_greater": m.PGreater, "globalG": g.G, "globalG_z": g.Z} {
		if !spClose(got, ref[name], 1e-9, 1e-300) {
			t.Errorf("%s = %.15g, want %.15g", name, got, ref[name])
		}
	}
	if math.IsNaN(m.Z) {
		t.Error("NaN")
	}
}
