package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/canhbao/canhbao/analysis"
)

// hotspotsConfig holds the settings of "canhbao hotspots".
type hotspotsConfig struct {
	values, edges, out           string
	areaCol, valueCol, periodCol string
	periods                      bool
	alpha                        float64
	permutations                 int
	seed                         uint64
	noFDR                        bool
}

// runHotspots handles "hotspots --values V.csv --edges E.csv [--periods] --out H.csv".
func (m *Main) runHotspots(_ context.Context, args []string) error {
	fs := m.newFlags("hotspots")
	var c hotspotsConfig
	fs.StringVar(&c.values, "values", "", "CSV of values per area (columns unit|id|code|area, value|count, and with --periods period|t|week)")
	fs.StringVar(&c.edges, "edges", "", "CSV edge list of neighbouring areas (columns from, to; rows with order > 1 are skipped)")
	fs.StringVar(&c.out, "out", "", "output CSV")
	fs.BoolVar(&c.periods, "periods", false, "values carry a period column: Gi* per period and the emerging-hot-spot class per area")
	fs.StringVar(&c.areaCol, "area-col", "", "name of the area column (default: the first of unit, id, code, area)")
	fs.StringVar(&c.valueCol, "value-col", "", "name of the value column (default: value or count)")
	fs.StringVar(&c.periodCol, "period-col", "", "name of the period column (default: period, t or week)")
	fs.Float64Var(&c.alpha, "alpha", 0.05, "significance level (on Benjamini-Hochberg q-values unless --no-fdr)")
	fs.IntVar(&c.permutations, "permutations", 0, "conditional permutations per area for pseudo p-values (0: none; 999 is usual)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the permutations")
	fs.BoolVar(&c.noFDR, "no-fdr", false, "classify on raw p-values instead of Benjamini-Hochberg q-values")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	switch {
	case c.values == "" || c.edges == "" || c.out == "":
		return &usageError{"hotspots: --values, --edges and --out are required"}
	case !(c.alpha > 0 && c.alpha < 1):
		return &usageError{"hotspots: --alpha must be in (0, 1)"}
	case c.permutations < 0:
		return &usageError{"hotspots: --permutations must be >= 0"}
	}
	ids, periods, values, err := readHotspotValues(c)
	if err != nil {
		return err
	}
	edges, err := readHotspotEdges(c.edges, ids)
	if err != nil {
		return err
	}
	w, err := analysis.NewWeights(ids, edges)
	if err != nil {
		return &inputError{c.edges, err}
	}
	var buf bytes.Buffer
	if err := hotspots(&buf, c, w, periods, values); err != nil {
		return err
	}
	if err := os.WriteFile(c.out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "hotspots: %d areas, %d period(s), %d neighbour links -> %s\n", len(ids), len(periods), w.Links(), c.out)
	return nil
}

// hotspots computes the statistics and writes the output CSV: one row per
// area and period.
func hotspots(out io.Writer, c hotspotsConfig, w *analysis.Weights, periods []string, values [][]float64) error {
	perm := analysis.Permutations{N: c.permutations, Seed: c.seed}
	rw := w.WithStyle(analysis.RowStandardised)
	n := w.N()
	cw := csv.NewWriter(out)
	header := []string{"area"}
	if c.periods {
		header = append(header, "period")
	}
	header = append(header, "value", "gistar_z", "gistar_p", "gistar_q", "gistar_psim",
		"moran_i", "moran_e", "moran_var", "moran_z", "moran_p", "moran_q", "moran_psim", "moran_quadrant")
	if c.periods {
		header = append(header, "gistar_bin", "trend_tau", "trend_z", "trend_p", "class")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	var ehs *analysis.EmergingHotSpotResult
	if c.periods {
		cfg := analysis.DefaultHotSpotConfig()
		cfg.Alpha, cfg.FDR = c.alpha, !c.noFDR
		var err error
		if ehs, err = analysis.EmergingHotSpots(values, w, cfg); err != nil {
			return &inputError{c.values, err}
		}
	}
	for k, x := range values {
		g, err := analysis.GiStar(x, w, perm)
		if err != nil {
			return &inputError{c.values, fmt.Errorf("period %s: %w", periods[k], err)}
		}
		lm, err := analysis.LocalMoran(x, rw, perm)
		if err != nil {
			return &inputError{c.values, fmt.Errorf("period %s: %w", periods[k], err)}
		}
		gq, mq := g.P, lm.P
		if !c.noFDR {
			gq, mq = analysis.BenjaminiHochberg(g.P), analysis.BenjaminiHochberg(lm.P)
		}
		if ehs != nil {
			gq = ehs.Q[k] // FDR over all area x period bins, as the classes use
		}
		for i := 0; i < n; i++ {
			row := []string{w.IDs[i]}
			if c.periods {
				row = append(row, periods[k])
			}
			row = append(row, hsNum(x[i]), hsNum(g.Z[i]), hsNum(g.P[i]), hsNum(gq[i]), hsNumAt(g.PSim, i),
				hsNum(lm.I[i]), hsNum(lm.E[i]), hsNum(lm.V[i]), hsNum(lm.Z[i]), hsNum(lm.P[i]), hsNum(mq[i]), hsNumAt(lm.PSim, i), lm.Quadrant[i])
			if ehs != nil {
				tr := ehs.Trend[i]
				row = append(row, strconv.Itoa(ehs.Bin[k][i]), hsNum(tr.Tau), hsNum(tr.Z), hsNum(tr.P), ehs.Class[i].String())
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func hsNum(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return strconv.FormatFloat(v, 'g', 15, 64)
}

func hsNumAt(s []float64, i int) string {
	if s == nil {
		return ""
	}
	return hsNum(s[i])
}

// hsReadCSV reads a whole CSV file (BOM allowed) and maps its header.
func hsReadCSV(path string) (map[string]int, [][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &inputError{path, err}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, nil, &inputError{path, err}
	}
	if len(recs) == 0 {
		return nil, nil, &inputError{path, fmt.Errorf("empty file: no header")}
	}
	h := map[string]int{}
	for i, name := range recs[0] {
		h[strings.ToLower(strings.TrimSpace(name))] = i
	}
	return h, recs[1:], nil
}

// hsPickColumn returns the index of the column named want (if set) or of the
// first of the candidates present.
func hsPickColumn(path string, h map[string]int, want string, cands ...string) (int, error) {
	if want != "" {
		cands = []string{strings.ToLower(want)}
	}
	for _, c := range cands {
		if i, ok := h[c]; ok {
			return i, nil
		}
	}
	return 0, &inputError{path, fmt.Errorf("no column %s in the header", strings.Join(cands, " or "))}
}

// readHotspotValues reads values per area (and period) into
// values[period][area], areas in order of first appearance, periods sorted
// (numerically when all are numbers).
func readHotspotValues(c hotspotsConfig) (ids, periods []string, values [][]float64, err error) {
	h, rows, err := hsReadCSV(c.values)
	if err != nil {
		return nil, nil, nil, err
	}
	ai, err := hsPickColumn(c.values, h, c.areaCol, "unit", "id", "code", "area")
	if err != nil {
		return nil, nil, nil, err
	}
	vi, err := hsPickColumn(c.values, h, c.valueCol, "value", "count")
	if err != nil {
		return nil, nil, nil, err
	}
	pi := -1
	if c.periods {
		if pi, err = hsPickColumn(c.values, h, c.periodCol, "period", "t", "week"); err != nil {
			return nil, nil, nil, err
		}
	}
	areaIdx, periodIdx := map[string]int{}, map[string]int{}
	type cell struct{ a, p int }
	got := map[cell]float64{}
	for r, rec := range rows {
		line := r + 2
		field := func(i int) (string, error) {
			if i >= len(rec) {
				return "", &inputError{c.values, fmt.Errorf("row %d: missing field %d", line, i+1)}
			}
			return strings.TrimSpace(rec[i]), nil
		}
		a, err := field(ai)
		if err != nil {
			return nil, nil, nil, err
		}
		if a == "" {
			return nil, nil, nil, &inputError{c.values, fmt.Errorf("row %d, field area: empty", line)}
		}
		vs, err := field(vi)
		if err != nil {
			return nil, nil, nil, err
		}
		v, perr := strconv.ParseFloat(vs, 64)
		if perr != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, nil, &inputError{c.values, fmt.Errorf("row %d, field value: %q is not a number", line, vs)}
		}
		p := ""
		if pi >= 0 {
			if p, err = field(pi); err != nil {
				return nil, nil, nil, err
			}
			if p == "" {
				return nil, nil, nil, &inputError{c.values, fmt.Errorf("row %d, field period: empty", line)}
			}
		}
		if _, ok := areaIdx[a]; !ok {
			areaIdx[a] = len(ids)
			ids = append(ids, a)
		}
		if _, ok := periodIdx[p]; !ok {
			periodIdx[p] = len(periods)
			periods = append(periods, p)
		}
		k := cell{areaIdx[a], periodIdx[p]}
		if _, dup := got[k]; dup {
			return nil, nil, nil, &inputError{c.values, fmt.Errorf("row %d: area %q period %q given twice", line, a, p)}
		}
		got[k] = v
	}
	if len(ids) == 0 {
		return nil, nil, nil, &inputError{c.values, fmt.Errorf("no data rows")}
	}
	sorted := append([]string(nil), periods...)
	numeric := true
	for _, p := range sorted {
		if _, err := strconv.ParseFloat(p, 64); err != nil {
			numeric = false
		}
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		if numeric {
			a, _ := strconv.ParseFloat(sorted[i], 64)
			b, _ := strconv.ParseFloat(sorted[j], 64)
			return a < b
		}
		return sorted[i] < sorted[j]
	})
	values = make([][]float64, len(sorted))
	for k, p := range sorted {
		values[k] = make([]float64, len(ids))
		for i, a := range ids {
			v, ok := got[cell{i, periodIdx[p]}]
			if !ok {
				return nil, nil, nil, &inputError{c.values, fmt.Errorf("no value for area %q in period %q", a, p)}
			}
			values[k][i] = v
		}
	}
	return ids, sorted, values, nil
}

// readHotspotEdges reads an edge list (from, to, optional order: rows of
// order > 1 are skipped); every area must be one of ids.
func readHotspotEdges(path string, ids []string) ([][2]string, error) {
	h, rows, err := hsReadCSV(path)
	if err != nil {
		return nil, err
	}
	fi, err := hsPickColumn(path, h, "", "from", "a")
	if err != nil {
		return nil, err
	}
	ti, err := hsPickColumn(path, h, "", "to", "b")
	if err != nil {
		return nil, err
	}
	oi, hasOrder := h["order"]
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
	}
	var edges [][2]string
	for r, rec := range rows {
		line := r + 2
		if fi >= len(rec) || ti >= len(rec) {
			return nil, &inputError{path, fmt.Errorf("row %d: missing field", line)}
		}
		if hasOrder && oi < len(rec) {
			o, err := strconv.Atoi(strings.TrimSpace(rec[oi]))
			if err != nil {
				return nil, &inputError{path, fmt.Errorf("row %d, field order: %q is not an integer", line, rec[oi])}
			}
			if o > 1 {
				continue
			}
		}
		a, b := strings.TrimSpace(rec[fi]), strings.TrimSpace(rec[ti])
		for name, v := range map[string]string{"from": a, "to": b} {
			if !known[v] {
				return nil, &inputError{path, fmt.Errorf("row %d, field %s: area %q has no value", line, name, v)}
			}
		}
		if a == b {
			return nil, &inputError{path, fmt.Errorf("row %d: area %q is its own neighbour", line, a)}
		}
		edges = append(edges, [2]string{a, b})
	}
	return edges, nil
}
