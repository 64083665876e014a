package analysis

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"
)

// TestGLRNBReference compares GLRNB with R surveillance 1.20.3 glrnb
// (methods.csv: glrnb_nb with alpha estimated by glm.nb, glrpois with alpha =
// 0; c.ARL = 5, M = -1, Mtilde = 1, mu0 = list(S = 1, trend = FALSE), ret =
// "value", phase 1 = weeks 1..55, range 56:n) on the 8 labelled series:
// alarms identical; mu0 and the statistic (R's upperbound) within relative
// glrTol (absolute where R's value is below 1e-6, see glrAbsTol).
func TestGLRNBReference(t *testing.T) {
	const glrTol, glrAbsTol = 1e-6, 1e-9
	worstMu, worstStat, worstAbs := 0.0, 0.0, 0.0
	for _, ds := range refDatasets {
		s := labelledSeries(t, ds)
		ref := readCSV(t, filepath.Join(refDir, "weekly", ds+".csv"))
		for _, method := range []string{"glrnb_nb", "glrpois"} {
			g := NewGLRNB()
			if method == "glrpois" {
				g = NewGLRPois()
			}
			res, err := g.Detect(s, 55)
			if err != nil {
				t.Fatalf("%s %s: %v", ds, method, err)
			}
			n, alarms := 0, 0
			for _, r := range ref {
				if r["method"] != method {
					continue
				}
				tt := int(num(r["t"]))
				got := res[tt-56]
				n++
				where := fmt.Sprintf("%s %s t=%d", ds, method, tt)
				if (num(r["alarm"]) == 1) != got.Alarm {
					t.Errorf("%s: alarm %v, R %s (stat %.10g, R %s)", where, got.Alarm, r["alarm"], got.UpperBound, r["upperbound"])
				}
				if got.Alarm {
					alarms++
				}
				cmp := func(name string, gv, wv float64, worst *float64) {
					e := relErr(gv, wv)
					if math.Abs(wv) < 1e-6 {
						e = math.Abs(gv - wv)
						worstAbs = math.Max(worstAbs, e)
						if e <= glrAbsTol {
							e = 0
						}
					}
					if e > glrTol {
						t.Errorf("%s: %s %.12g, R %.12g (err %.2g)", where, name, gv, wv, e)
					} else if e > *worst {
						*worst = e
					}
				}
				cmp("mu0", got.Mu0, num(r["mu0"]), &worstMu)
				cmp("statistic", got.UpperBound, num(r["upperbound"]), &worstStat)
			}
			if n == 0 {
				t.Errorf("%s %s: no reference rows", ds, method)
			}
			t.Logf("%s %s: %d weeks, %d alarms", ds, method, n, alarms)
		}
	}
	t.Logf("worst relative error: mu0 %.2g, statistic %.2g; worst absolute error where R's value < 1e-6: %.2g",
		worstMu, worstStat, worstAbs)
}

// TestGLRNBCases checks ret = "cases": the bound is the smallest count at t
// that raises an alarm at t, so the observed count alarms exactly when it
// reaches the bound, and replacing x_t by bound-1 gives no alarm.
func TestGLRNBCases(t *testing.T) {
	s := labelledSeries(t, "s1")
	for _, g := range []*GLRNB{NewGLRNB(), NewGLRPois()} {
		g.Cases = true
		res, err := g.Detect(s, 55)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Alarm != (r.Observed >= r.UpperBound) {
				t.Errorf("%s t=%d: count %v, bound %v, alarm %v", g.Name(), r.T+1, r.Observed, r.UpperBound, r.Alarm)
			}
		}
	}
}

// TestGLRNBHand checks the Poisson chart by hand: mu0 = 1, x = 0, 0, 6.
// GLR_3 = max_k sup_kappa: k=3 gives 6 log 6 - 5 = 5.75 >= 5: alarm.
func TestGLRNBHand(t *testing.T) {
	g := NewGLRPois()
	res := g.Run([]float64{0, 0, 6, 1}, []float64{1, 1, 1, 1}, 0, 0)
	want := 6*math.Log(6) - 5
	if math.Abs(res[2].Score-want) > 1e-12 || !res[2].Alarm || res[0].Score != 0 || res[1].Alarm {
		t.Errorf("got %+v", res)
	}
	// Restart after the alarm: x = 1 with mu0 = 1 gives kappa = 0, GLR 0.
	if res[3].Score != 0 || res[3].Alarm {
		t.Errorf("after reset: %+v", res[3])
	}
}
