package analysis

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// syntheticDir holds the seeded panel of 1,000 negative-binomial series x 312
// weeks and R surveillance 1.20.3 farringtonFlexible alarms on its last 49
// weeks (../shared/data/reference/scripts/03_timing_synthetic.R).
var syntheticDir = filepath.Join("..", "..", "shared", "data", "reference", "synthetic")

// syntheticPanel returns the series (in file order), their names and the
// outbreak states.
func syntheticPanel(tb testing.TB) (series []Series, names []string, state [][]bool) {
	tb.Helper()
	fh, err := os.Open(filepath.Join(syntheticDir, "panel_counts.csv.gz"))
	if err != nil {
		tb.Skipf("synthetic panel not available: %v", err)
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		tb.Fatal(err)
	}
	r := csv.NewReader(gz)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		tb.Fatal(err)
	}
	idx := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		i, ok := idx[rec[0]]
		if !ok {
			i = len(series)
			idx[rec[0]] = i
			names = append(names, rec[0])
			series = append(series, Series{Freq: 52})
			state = append(state, nil)
		}
		c, err := strconv.ParseFloat(rec[5], 64)
		if err != nil {
			tb.Fatal(err)
		}
		series[i].Counts = append(series[i].Counts, c)
		state[i] = append(state[i], rec[6] == "1")
	}
	return series, names, state
}

// syntheticRAlarms returns R's alarm per method, series name and 1-based t.
func syntheticRAlarms(tb testing.TB) map[string]map[string]map[int]bool {
	fh, err := os.Open(filepath.Join(syntheticDir, "farrington_results.csv.gz"))
	if err != nil {
		tb.Skipf("synthetic results not available: %v", err)
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		tb.Fatal(err)
	}
	r := csv.NewReader(gz)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		tb.Fatal(err)
	}
	out := map[string]map[string]map[int]bool{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		m, s := rec[0], rec[1]
		if out[m] == nil {
			out[m] = map[string]map[int]bool{}
		}
		if out[m][s] == nil {
			out[m][s] = map[int]bool{}
		}
		t, _ := strconv.Atoi(rec[2])
		out[m][s][t] = rec[6] == "1"
	}
	return out
}

// TestFarringtonSyntheticAgreement runs both settings of
// 03_timing_synthetic.R (b=5, the last 49 weeks, 1,000 series) and requires
// the alarms of R's farrington_results.csv.gz week for week (49,000
// series-weeks per method), then reports sensitivity and false-positive rate
// against the planted outbreaks (R: detection_summary.csv).
func TestFarringtonSyntheticAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	series, names, state := syntheticPanel(t)
	ref := syntheticRAlarms(t)
	for _, m := range []struct {
		name string
		f    *Farrington
	}{{"farrington", NewFarrington1996()}, {"noufaily", NewNoufaily()}} {
		from := m.f.MinHistory(52) // t = 264..312
		res, err := DetectAll(m.f, series, from, 0)
		if err != nil {
			t.Fatal(err)
		}
		var agree, total, tp, fn, fp, tn int
		for i, rs := range res {
			for _, r := range rs {
				want := ref[m.name][names[i]][r.T+1]
				total++
				if want == r.Alarm {
					agree++
				} else if total-agree <= 5 {
					t.Errorf("%s %s t=%d: alarm %v, R %v (count %v, bound %v)", m.name, names[i], r.T+1, r.Alarm, want, r.Observed, r.UpperBound)
				}
				switch ob := state[i][r.T]; {
				case ob && r.Alarm:
					tp++
				case ob:
					fn++
				case r.Alarm:
					fp++
				default:
					tn++
				}
			}
		}
		t.Logf("%s: alarms agree with R on %d of %d series-weeks (%.3f%%); TP %d FN %d FP %d TN %d, sensitivity %.4f, FPR %.5f",
			m.name, agree, total, 100*float64(agree)/float64(total), tp, fn, fp, tn,
			float64(tp)/float64(tp+fn), float64(fp)/float64(fp+tn))
		if agree != total {
			t.Errorf("%s: %d alarms differ from R", m.name, total-agree)
		}
	}
}

// BenchmarkNoufailySynthetic is the speed comparison with R: Noufaily
// settings (b=5) on the last 49 weeks of the 1,000-series synthetic panel,
// 49,000 series-weeks per op, parallel over series (GOMAXPROCS workers).
// R 1.20.3 needs 402 s for the same work (timing.csv).
func BenchmarkNoufailySynthetic(b *testing.B) {
	series, _, _ := syntheticPanel(b)
	f := NewNoufaily()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DetectAll(f, series, f.MinHistory(52), 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/49000, "µs/series-week")
}

// BenchmarkFarrington1996Synthetic is the same with the original settings
// (R: 374 s).
func BenchmarkFarrington1996Synthetic(b *testing.B) {
	series, _, _ := syntheticPanel(b)
	f := NewFarrington1996()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DetectAll(f, series, f.MinHistory(52), 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/49000, "µs/series-week")
}

// nationalPanel simulates 3,321 units x 520 weeks of sparse seasonal
// negative-binomial counts (mean 0.3-6 a week, size 2), seeded.
func nationalPanel() []Series {
	rng := rand.New(rand.NewPCG(20261125, 4))
	out := make([]Series, 3321)
	for u := range out {
		base := 0.3 + 5.7*rng.Float64()
		phase := 2 * math.Pi * rng.Float64()
		c := make([]float64, 520)
		for t := range c {
			mu := base * math.Exp(0.3*math.Sin(2*math.Pi*float64(t)/52+phase))
			lam := rng.ExpFloat64() // gamma(2) mixing: mean of two exponentials
			lam = mu * (lam + rng.ExpFloat64()) / 2
			c[t] = float64(distuv.Poisson{Lambda: lam, Src: rng}.Rand())
		}
		out[u] = Series{Counts: c, Freq: 52}
	}
	return out
}

// BenchmarkNoufailyNationalAllWeeks evaluates every week with a full b=5
// baseline (weeks 264..520, 853,497 unit-weeks) of the national panel.
func BenchmarkNoufailyNationalAllWeeks(b *testing.B) {
	series := nationalPanel()
	f := NewNoufaily()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DetectAll(f, series, f.MinHistory(52), 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoufailyNationalLastWeek is the weekly batch: the newest week of
// every unit of the national panel.
func BenchmarkNoufailyNationalLastWeek(b *testing.B) {
	series := nationalPanel()
	f := NewNoufaily()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DetectAll(f, series, 519, 0); err != nil {
			b.Fatal(err)
		}
	}
}
