package analysis

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"
)

// TestEARSReference compares C1, C2 and C3 with R's surveillance::earsC
// (1.20.3, R 4.2.2) on the short series of testdata/ears (all-zero and
// constant baselines, single cases after zeros, a spike), alpha 0.001 and
// 0.025, minSigma 0 and 0.5: testdata/ears/reference.R, provenance.txt.
// Upper bounds agree to 1e-12 (relative above 1); where R's bound is NaN
// (its alarm NA) ours is NaN with no alarm; alarms are identical.
func TestEARSReference(t *testing.T) {
	series := map[string][]float64{}
	for _, r := range readEARSCSV(t, "testdata/ears/series.csv") {
		series[r[0]] = append(series[r[0]], mustFloat(t, r[2]))
	}
	type key struct {
		series, method  string
		alpha, minSigma float64
	}
	results := map[key]map[int]Result{}
	var n, nan, alarms int
	var worst float64
	for _, r := range readEARSCSV(t, "testdata/ears/earsc.csv") {
		k := key{r[0], r[1], mustFloat(t, r[2]), mustFloat(t, r[3])}
		got, ok := results[k]
		if !ok {
			e := NewEARS(k.method)
			e.Alpha, e.MinSigma = k.alpha, k.minSigma
			rs, err := e.Detect(Series{Counts: series[k.series]}, e.MinHistory())
			if err != nil {
				t.Fatalf("%+v: %v", k, err)
			}
			got = map[int]Result{}
			for _, x := range rs {
				got[x.T+1] = x // R's t is 1-based
			}
			results[k] = got
		}
		tt, _ := strconv.Atoi(r[4])
		g, ok := got[tt]
		if !ok {
			t.Errorf("%+v t=%d: R monitors it, we do not", k, tt)
			continue
		}
		n++
		if r[6] == "NA" {
			nan++
			if !math.IsNaN(g.UpperBound) || g.Alarm || r[7] != "NA" {
				t.Errorf("%+v t=%d: R bound NA alarm %s, got %v alarm %v", k, tt, r[7], g.UpperBound, g.Alarm)
			}
			continue
		}
		want := mustFloat(t, r[6])
		d := math.Abs(g.UpperBound-want) / math.Max(1, math.Abs(want))
		if !(d <= 1e-12) {
			t.Errorf("%+v t=%d: bound %v, R %v", k, tt, g.UpperBound, want)
		}
		worst = math.Max(worst, d)
		if wantAlarm := r[7] == "TRUE"; g.Alarm != wantAlarm {
			t.Errorf("%+v t=%d: alarm %v, R %v (y=%v bound %v)", k, tt, g.Alarm, wantAlarm, g.Observed, want)
		}
		if g.Alarm {
			alarms++
		}
	}
	if n < 500 {
		t.Fatalf("only %d reference rows read", n)
	}
	t.Logf("%d series-weeks, %d with R's bound NA, %d alarms; worst bound error %.2g", n, nan, alarms, worst)
}

func readEARSCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %v (%d rows)", path, err, len(rows))
	}
	return rows[1:]
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}
