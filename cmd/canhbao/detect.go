package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/canhbao/canhbao/analysis"
)

const detectUsage = `Usage: canhbao detect --method NAME [options] --in SERIES.csv --out RESULT.csv

Runs one aberration detector on every unit's weekly counts. SERIES.csv has a
header with unit (or series), t and count, and optionally year and week (the
labelled files of ../shared/data/reference/surveillance are valid input); rows
of a unit are ordered by t and must be consecutive. RESULT.csv has unit, t,
year, week, count, expected, upperbound, alarm, pvalue per evaluated week.

Methods: noufaily (Noufaily et al. 2013), farrington (Farrington et al. 1996),
cusum, glrnb and glrpois (Höhle & Paul 2008, R's glrnb), ears-c1, ears-c2,
ears-c3. Farrington options default to the method's published settings;
--from defaults to the first week with enough history. For glrnb/glrpois the
weeks before --from (default: --phase1 weeks) are phase 1, on which mu0 is
fitted; the upper bound is the GLR statistic (--ret value, R's default) or
the smallest count that alarms (--ret cases); expected is mu0.
`

// runDetect is "canhbao detect".
func (m *Main) runDetect(_ context.Context, args []string) error {
	fs := m.newFlags("detect")
	fs.Usage = func() { fmt.Fprint(m.Stderr, detectUsage); fs.PrintDefaults() }
	method := fs.String("method", "", "noufaily, farrington, cusum, glrnb, glrpois, ears-c1, ears-c2 or ears-c3")
	in := fs.String("in", "", "input series CSV")
	out := fs.String("out", "", "output CSV")
	from := fs.Int("from", 0, "first week to evaluate, as t (1-based); 0 = earliest possible")
	b := fs.Int("b", -1, "farrington: years back")
	w := fs.Int("w", -1, "farrington: half window")
	noPeriods := fs.Int("no-periods", -1, "farrington: seasonal periods (1 = windows only)")
	reweight := fs.String("reweight", "", "farrington: true|false")
	wthr := fs.Float64("weights-threshold", math.NaN(), "farrington: Anscombe residual threshold")
	pastWeeks := fs.Int("past-weeks-not-included", -1, "farrington: latest weeks left out of the baseline")
	trend := fs.String("trend", "", "farrington: true|false")
	pTrend := fs.Float64("p-threshold-trend", math.NaN(), "farrington: p-value to keep the trend")
	thr := fs.String("threshold-method", "", "farrington: delta, nbPlugin or muan")
	limit := fs.String("limit54", "", "farrington: CASES,WEEKS (e.g. 5,4; 0,4 disables)")
	power := fs.String("powertrans", "", "farrington delta: 2/3, 1/2 or none")
	alpha := fs.Float64("alpha", math.NaN(), "significance level")
	k := fs.Float64("k", 1.04, "cusum: reference value")
	h := fs.Float64("h", 2.26, "cusum: decision interval")
	reset := fs.Bool("reset", true, "cusum: restart after an alarm (R's cusum: false)")
	seasonal := fs.Bool("seasonal", false, "cusum: seasonal Poisson GLM baseline (R's m=\"glm\")")
	size := fs.Float64("size", 0, "cusum: negative-binomial size; 0 Poisson, -1 estimate")
	phase1 := fs.Int("phase1", 55, "cusum, glrnb: phase-1 weeks before the first evaluated one (when --from is 0)")
	cARL := fs.Float64("c-arl", 5, "glrnb: alarm threshold c.ARL")
	glrM := fs.Int("M", -1, "glrnb: window, how far back the change point may be (-1 = unlimited)")
	mtilde := fs.Int("Mtilde", 1, "glrnb: periods needed to estimate the change")
	disp := fs.Float64("dispersion", math.NaN(), "glrnb: negative-binomial alpha (Var = mu + alpha mu²); default: estimated by glm.nb")
	harm := fs.Int("S", 1, "glrnb: harmonic pairs in the mu0 model")
	mu0Trend := fs.Bool("mu0-trend", false, "glrnb: linear trend in the mu0 model")
	ret := fs.String("ret", "value", "glrnb: upper bound as the statistic (value) or in cases (cases)")
	dir := fs.String("dir", "inc", "glrnb: detect an increase (inc) or a decrease (dec)")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if *in == "" || *out == "" || *method == "" {
		fs.Usage()
		return &usageError{"detect: --method, --in and --out are required"}
	}
	var det analysis.Detector
	minFrom := 0
	switch strings.ToLower(*method) {
	case "noufaily", "farrington":
		f := analysis.NewNoufaily()
		if strings.ToLower(*method) == "farrington" {
			f = analysis.NewFarrington1996()
		}
		setInt := func(dst *int, v int) {
			if v >= 0 {
				*dst = v
			}
		}
		setInt(&f.B, *b)
		setInt(&f.W, *w)
		setInt(&f.NoPeriods, *noPeriods)
		setInt(&f.PastWeeksNotIncluded, *pastWeeks)
		for _, bf := range []struct {
			s   string
			dst *bool
		}{{*reweight, &f.Reweight}, {*trend, &f.Trend}} {
			if bf.s != "" {
				v, err := strconv.ParseBool(bf.s)
				if err != nil {
					return &usageError{fmt.Sprintf("detect: %q is not true or false", bf.s)}
				}
				*bf.dst = v
			}
		}
		if !math.IsNaN(*wthr) {
			f.WeightsThreshold = *wthr
		}
		if !math.IsNaN(*pTrend) {
			f.PThresholdTrend = *pTrend
		}
		if !math.IsNaN(*alpha) {
			f.Alpha = *alpha
		}
		if *thr != "" {
			tm, ok := analysis.ParseThresholdMethod(*thr)
			if !ok {
				return &usageError{fmt.Sprintf("detect: unknown --threshold-method %q", *thr)}
			}
			f.ThresholdMethod = tm
		}
		if *limit != "" {
			var c, p int
			if _, err := fmt.Sscanf(*limit, "%d,%d", &c, &p); err != nil {
				return &usageError{fmt.Sprintf("detect: --limit54 %q: want CASES,WEEKS", *limit)}
			}
			f.LimitCases, f.LimitPeriods = c, p
		}
		switch *power {
		case "":
		case "2/3":
			f.PowerTrans = 2.0 / 3
		case "1/2":
			f.PowerTrans = 0.5
		case "none":
			f.PowerTrans = 1
		default:
			return &usageError{fmt.Sprintf("detect: --powertrans %q: want 2/3, 1/2 or none", *power)}
		}
		if err := f.Validate(); err != nil {
			return &usageError{err.Error()}
		}
		det, minFrom = f, f.MinHistory(52)
	case "cusum":
		det, minFrom = &analysis.CUSUM{K: *k, H: *h, Reset: *reset, Seasonal: *seasonal, Size: *size}, *phase1
	case "glrnb", "glrpois":
		g := analysis.NewGLRNB()
		if strings.ToLower(*method) == "glrpois" {
			g = analysis.NewGLRPois()
		} else if !math.IsNaN(*disp) {
			g.Alpha = *disp
		}
		g.CARL, g.M, g.Mtilde, g.S, g.Trend = *cARL, *glrM, *mtilde, *harm, *mu0Trend
		switch *ret {
		case "value":
		case "cases":
			g.Cases = true
		default:
			return &usageError{fmt.Sprintf("detect: --ret %q: want value or cases", *ret)}
		}
		switch *dir {
		case "inc":
		case "dec":
			g.Decrease = true
		default:
			return &usageError{fmt.Sprintf("detect: --dir %q: want inc or dec", *dir)}
		}
		if err := g.Validate(); err != nil {
			return &usageError{err.Error()}
		}
		det, minFrom = g, *phase1
	case "ears-c1", "ears-c2", "ears-c3":
		e := analysis.NewEARS(strings.ToUpper((*method)[5:]))
		if !math.IsNaN(*alpha) {
			e.Alpha = *alpha
		}
		det, minFrom = e, e.MinHistory()
	default:
		return &usageError{fmt.Sprintf("detect: unknown --method %q", *method)}
	}
	if *from > 0 {
		minFrom = *from - 1
	}
	units, err := readDetectInput(*in)
	if err != nil {
		return err
	}
	series := make([]analysis.Series, len(units))
	for i, u := range units {
		series[i] = analysis.Series{Counts: u.counts, Freq: 52, Start: u.firstWeek}
	}
	res, err := analysis.DetectAll(det, series, minFrom, 0)
	if err != nil {
		var se *analysis.SeriesError
		if errors.As(err, &se) {
			return &inputError{*in, fmt.Errorf("unit %q: %w", units[se.Index].name, se.Err)}
		}
		return err
	}
	return writeDetectOutput(*out, units, res)
}

type detectUnit struct {
	name       string
	t0         int // t of the first row
	counts     []float64
	years, wks []string
	firstWeek  int
}

// readDetectInput reads SERIES.csv; errors name file, row and field.
func readDetectInput(path string) ([]*detectUnit, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, &inputError{path, err}
	}
	defer fh.Close()
	r := csv.NewReader(bufio.NewReader(fh))
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return nil, &inputError{path, fmt.Errorf("no header: %v", err)}
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["unit"]; !ok {
		if i, ok := col["series"]; ok {
			col["unit"] = i
		}
	}
	for _, need := range []string{"unit", "t", "count"} {
		if _, ok := col[need]; !ok {
			return nil, &inputError{path, fmt.Errorf("header: missing column %q", need)}
		}
	}
	yi, hasYear := col["year"]
	wi, hasWeek := col["week"]
	byName := map[string]*detectUnit{}
	var units []*detectUnit
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &inputError{path, fmt.Errorf("row %d: %v", row, err)}
		}
		name := rec[col["unit"]]
		t, err := strconv.Atoi(strings.TrimSpace(rec[col["t"]]))
		if err != nil {
			return nil, &inputError{path, fmt.Errorf("row %d, field t: %q is not an integer", row, rec[col["t"]])}
		}
		c, err := strconv.ParseFloat(strings.TrimSpace(rec[col["count"]]), 64)
		if err != nil || c < 0 || math.IsInf(c, 0) || math.IsNaN(c) {
			return nil, &inputError{path, fmt.Errorf("row %d, field count: %q is not a non-negative number", row, rec[col["count"]])}
		}
		u := byName[name]
		if u == nil {
			u = &detectUnit{name: name, t0: t, firstWeek: 1}
			if hasWeek {
				if wk, err := strconv.Atoi(rec[wi]); err == nil {
					u.firstWeek = wk
				}
			}
			byName[name] = u
			units = append(units, u)
		}
		if want := u.t0 + len(u.counts); t != want {
			return nil, &inputError{path, fmt.Errorf("row %d, field t: unit %q has t=%d, want %d (rows of a unit must be consecutive weeks in order)", row, name, t, want)}
		}
		u.counts = append(u.counts, c)
		if hasYear {
			u.years = append(u.years, rec[yi])
		}
		if hasWeek {
			u.wks = append(u.wks, rec[wi])
		}
	}
	if len(units) == 0 {
		return nil, &inputError{path, errors.New("no data rows")}
	}
	return units, nil
}

func writeDetectOutput(path string, units []*detectUnit, res [][]analysis.Result) error {
	fh, err := os.Create(path)
	if err != nil {
		return &usageError{fmt.Sprintf("detect: %v", err)}
	}
	bw := bufio.NewWriter(fh)
	w := csv.NewWriter(bw)
	w.Write([]string{"unit", "t", "year", "week", "count", "expected", "upperbound", "alarm", "pvalue"})
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "NA"
		}
		return strconv.FormatFloat(v, 'g', 15, 64)
	}
	for i, u := range units {
		for _, r := range res[i] {
			year, week := "", ""
			if u.years != nil {
				year = u.years[r.T]
			}
			if u.wks != nil {
				week = u.wks[r.T]
			}
			alarm := "0"
			if r.Alarm {
				alarm = "1"
			}
			w.Write([]string{u.name, strconv.Itoa(u.t0 + r.T), year, week, f(r.Observed), f(r.Expected), f(r.UpperBound), alarm, f(r.PValue)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		fh.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}
