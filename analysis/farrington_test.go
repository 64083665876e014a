package analysis

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// refDir holds R surveillance 1.20.3 outputs (R 4.2.2), produced by
// ../shared/data/reference/scripts/02_detect_labelled.R.
var refDir = filepath.Join("..", "..", "shared", "data", "reference", "surveillance")

var refDatasets = []string{"k1", "m1", "m2", "m3", "m4", "m5", "s1", "s2"}

// readCSV reads a CSV file with a header into maps; "NA" stays a string.
func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("reference data not available: %v", err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		m := make(map[string]string, len(head))
		for i, h := range head {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

func num(s string) float64 {
	if s == "NA" || s == "" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return v
}

func labelledSeries(t testing.TB, ds string) Series {
	rows := readCSV(t, filepath.Join(refDir, "labelled", ds+".csv"))
	c := make([]float64, len(rows))
	for i, r := range rows {
		if int(num(r["t"])) != i+1 {
			t.Fatalf("%s: row %d has t=%s", ds, i+1, r["t"])
		}
		c[i] = num(r["count"])
	}
	return Series{Counts: c, Freq: 52}
}

// refFarrington maps the methods of methods.csv to settings.
func refFarrington(method string, b int) *Farrington {
	var f *Farrington
	switch method {
	case "farrington_a005", "farrington_a05":
		f = NewFarrington1996()
		if method == "farrington_a05" {
			f.Alpha = 0.05
		}
	case "noufaily_nb_a005", "noufaily_nb_a05", "noufaily_muan_a005", "noufaily_nb_a005_nolimit":
		f = NewNoufaily()
		switch method {
		case "noufaily_nb_a05":
			f.Alpha = 0.05
		case "noufaily_muan_a005":
			f.ThresholdMethod = Muan
		case "noufaily_nb_a005_nolimit":
			f.LimitCases = 0
		}
	default:
		return nil
	}
	f.B = b
	return f
}

// relErr is |got-want|/max(|want|, 1e-300); both NaN count as equal.
func relErr(got, want float64) float64 {
	if math.IsNaN(got) && math.IsNaN(want) {
		return 0
	}
	if math.IsNaN(got) != math.IsNaN(want) {
		return math.Inf(1)
	}
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

// TestFarringtonReference compares expected, upper bound, alarm, mu0, phi,
// p-value and trend with R surveillance 1.20.3 farringtonFlexible for every
// method, b and week in ../shared/data/reference/surveillance/weekly
// (control lists in methods.csv). Tolerances: relative 1e-6 on upper
// bounds, expected, mu0 and phi; 1e-6 absolute or relative on p-values;
// alarms and trend decisions identical. Weeks where R failed (NA mu0) are
// checked to give finite values here (our fallback).
func TestFarringtonReference(t *testing.T) {
	const tol = 1e-6
	type key struct {
		method string
		b      int
	}
	total, worst := 0, 0.0
	type conf struct{ tp, fn, fp, tn, rtp, rfp int }
	confusion := map[key]*conf{}
	for _, ds := range refDatasets {
		s := labelledSeries(t, ds)
		rows := readCSV(t, filepath.Join(refDir, "weekly", ds+".csv"))
		cache := map[key]map[int]Result{}
		for _, r := range rows {
			b := int(num(r["b"]))
			f := refFarrington(r["method"], b)
			if f == nil {
				continue
			}
			k := key{r["method"], b}
			got, ok := cache[k]
			if !ok {
				from := f.MinHistory(52)
				res, err := f.Detect(s, from)
				if err != nil {
					t.Fatalf("%s %s b=%d: %v", ds, k.method, b, err)
				}
				got = map[int]Result{}
				for _, x := range res {
					got[x.T+1] = x
				}
				cache[k] = got
			}
			tt := int(num(r["t"]))
			g := got[tt]
			where := fmt.Sprintf("%s %s b=%d t=%d", ds, k.method, b, tt)
			total++
			if math.IsNaN(num(r["mu0"])) {
				if math.IsNaN(g.Mu0) || math.IsNaN(g.Phi) {
					t.Errorf("%s: R failed here; fallback gave no model", where)
				}
				continue
			}
			cf := confusion[k]
			if cf == nil {
				cf = &conf{}
				confusion[k] = cf
			}
			ob, ra := r["outbreak_state"] == "1", num(r["alarm"]) == 1
			switch {
			case ob && g.Alarm:
				cf.tp++
			case ob:
				cf.fn++
			case g.Alarm:
				cf.fp++
			default:
				cf.tn++
			}
			if ra && ob {
				cf.rtp++
			} else if ra {
				cf.rfp++
			}
			if (num(r["alarm"]) == 1) != g.Alarm {
				t.Errorf("%s: alarm %v, R %s (count %v, upper %v vs R %s)", where, g.Alarm, r["alarm"], g.Observed, g.UpperBound, r["upperbound"])
			}
			if (num(r["trend"]) == 1) != g.Trend {
				t.Errorf("%s: trend %v, R %s", where, g.Trend, r["trend"])
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"upperbound", g.UpperBound, num(r["upperbound"])},
				{"expected", g.Expected, num(r["expected"])},
				{"mu0", g.Mu0, num(r["mu0"])},
				{"phi", g.Phi, num(r["phi"])},
			} {
				e := relErr(c.got, c.want)
				if e > tol {
					t.Errorf("%s: %s %.12g, R %.12g (rel %.2g)", where, c.name, c.got, c.want, e)
				} else if e > worst {
					worst = e
				}
			}
			pw := num(r["pvalue"])
			if e := math.Abs(g.PValue - pw); e > tol && relErr(g.PValue, pw) > tol {
				t.Errorf("%s: pvalue %.12g, R %.12g", where, g.PValue, pw)
			}
		}
	}
	t.Logf("%d method-weeks compared, worst relative error %.2g", total, worst)
	for k, c := range confusion {
		t.Logf("%s b=%d on the 8 labelled series: sensitivity %d/%d = %.3f, FPR %d/%d = %.4f (R: TP %d, FP %d)",
			k.method, k.b, c.tp, c.tp+c.fn, float64(c.tp)/float64(c.tp+c.fn), c.fp, c.fp+c.tn, float64(c.fp)/float64(c.fp+c.tn), c.rtp, c.rfp)
	}
}
