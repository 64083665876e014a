package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var hsRef = filepath.Join("..", "..", "..", "shared", "data", "reference")

// TestHotspotsColumbus runs the command on the shared Columbus files and
// checks Gi* and local Moran's z against spdep (columbus_localG_localmoran.csv).
func TestHotspotsColumbus(t *testing.T) {
	values := filepath.Join(hsRef, "spatial", "columbus.csv")
	if _, err := os.Stat(values); err != nil {
		t.Skip("shared reference data not available")
	}
	m, _ := testMain(t)
	out := filepath.Join(t.TempDir(), "h.csv")
	err := m.Run(context.Background(), []string{"hotspots", "--values", values, "--value-col", "CRIME",
		"--edges", filepath.Join(hsRef, "spatial", "columbus_queen_edges.csv"), "--out", out, "--permutations", "99"})
	if err != nil {
		t.Fatal(err)
	}
	got := hsTable(t, out)
	ref := hsTable(t, filepath.Join(hsRef, "spatial", "columbus_localG_localmoran.csv"))
	if len(got) != 49 {
		t.Fatalf("%d rows", len(got))
	}
	for i := range got {
		for _, c := range [][2]string{{"gistar_z", "Gstar_z"}, {"moran_z", "Z_Ii"}, {"moran_i", "Ii"}} {
			a, _ := strconv.ParseFloat(got[i][c[0]], 64)
			b, _ := strconv.ParseFloat(ref[i][c[1]], 64)
			if d := a - b; d > 1e-9*(1+hsAbs(b)) || d < -1e-9*(1+hsAbs(b)) {
				t.Errorf("row %d %s = %v, spdep %s = %v", i+1, c[0], a, c[1], b)
			}
		}
		if got[i]["moran_quadrant"] != ref[i]["quadr_mean"] || got[i]["gistar_psim"] == "" {
			t.Errorf("row %d: %v", i+1, got[i])
		}
	}
}

// TestHotspotsPeriods runs the emerging-hot-spot path on the ha.sts panel
// (12 Berlin districts x 290 weeks) with its edge list.
func TestHotspotsPeriods(t *testing.T) {
	dir := filepath.Join(hsRef, "surveillance", "multiarea")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared reference data not available")
	}
	// Weekly counts with all districts equal (e.g. all zero) make Gi*
	// undefined: aggregate to 13-week quarters first.
	h := hsTable(t, filepath.Join(dir, "ha.sts.csv"))
	sums := map[string]map[int]float64{}
	for _, r := range h {
		tt, _ := strconv.Atoi(r["t"])
		v, _ := strconv.ParseFloat(r["count"], 64)
		if sums[r["unit"]] == nil {
			sums[r["unit"]] = map[int]float64{}
		}
		sums[r["unit"]][(tt-1)/13] += v
	}
	var b strings.Builder
	b.WriteString("unit,period,value\n")
	for u, m := range sums {
		for q := 0; q < 22; q++ { // complete quarters only
			b.WriteString(u + "," + strconv.Itoa(q) + "," + strconv.FormatFloat(m[q], 'g', -1, 64) + "\n")
		}
	}
	tmp := t.TempDir()
	values := filepath.Join(tmp, "v.csv")
	if err := os.WriteFile(values, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	m, _ := testMain(t)
	out := filepath.Join(tmp, "h.csv")
	err := m.Run(context.Background(), []string{"hotspots", "--values", values, "--edges", filepath.Join(dir, "ha.sts_edges.csv"),
		"--periods", "--out", out})
	if err != nil {
		t.Fatal(err)
	}
	got := hsTable(t, out)
	if len(got) != 12*22 {
		t.Fatalf("%d rows, want 264", len(got))
	}
	for _, r := range got {
		if r["class"] == "" || r["gistar_bin"] == "" {
			t.Fatalf("row without class: %v", r)
		}
	}
}

func TestHotspotsBadInput(t *testing.T) {
	tmp := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	edges := write("e.csv", "from,to\na,b\nb,c\n")
	for _, c := range []struct {
		values, edges, want string
	}{
		{write("v1.csv", "unit,value\na,1\nb,x\nc,3\n"), edges, "row 3, field value"},
		{write("v2.csv", "unit,score\na,1\n"), edges, "no column value or count"},
		{write("v3.csv", "unit,value\na,1\nb,2\nc,3\n"), write("e2.csv", "from,to\na,z\n"), "row 2, field to"},
		{write("v4.csv", "unit,value\na,1\nb,2\na,3\n"), edges, "row 4"},
	} {
		m, _ := testMain(t)
		err := m.Run(context.Background(), []string{"hotspots", "--values", c.values, "--edges", c.edges, "--out", filepath.Join(tmp, "o.csv")})
		if err == nil || !strings.Contains(err.Error(), c.want) || exitCode(err) != exitInput {
			t.Errorf("%s: error %v (exit %d), want one containing %q and exit %d", c.values, err, exitCode(err), c.want, exitInput)
		}
	}
	m, _ := testMain(t)
	if err := m.Run(context.Background(), []string{"hotspots", "--values", "x.csv"}); exitCode(err) != exitUsage {
		t.Errorf("missing flags: %v", err)
	}
}

func hsTable(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func hsAbs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
