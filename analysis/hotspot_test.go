package analysis

import (
	"path/filepath"
	"strconv"
	"testing"
)

// TestClassifyHotSpot builds one bin series per ArcGIS pattern by hand (10
// periods, so 90% = 9 bins) and its cold mirror.
func TestClassifyHotSpot(t *testing.T) {
	H, C, o := 1, -1, 0
	for _, c := range []struct {
		bins  []int
		trend int
		want  HotSpotClass
	}{
		{[]int{o, o, o, o, o, o, o, o, o, H}, 0, NewHot},
		{[]int{o, o, o, o, o, o, o, H, H, H}, 0, ConsecutiveHot},
		{[]int{o, H, H, H, H, H, H, H, H, H}, 1, IntensifyingHot},
		{[]int{H, H, H, H, H, H, H, H, H, H}, 0, PersistentHot},
		{[]int{H, H, H, H, o, H, H, H, H, H}, -1, DiminishingHot},
		{[]int{o, H, o, o, H, H, o, o, o, H}, 0, SporadicHot},
		{[]int{o, C, o, o, o, o, o, o, H, H}, 0, OscillatingHot},
		{[]int{H, H, H, H, H, H, H, H, H, o}, -1, HistoricalHot},
		{[]int{o, o, o, o, o, o, o, o, o, o}, 1, NoPattern},
		{[]int{H, o, H, o, H, o, o, o, o, o}, 0, NoPattern},       // sporadic past, not hot now
		{[]int{o, H, H, H, H, H, H, H, H, C}, 0, OscillatingCold}, // final cold after a hot history
		// A 9-bin run ending now is 90%: persistent, not consecutive.
		{[]int{o, H, H, H, H, H, H, H, H, H}, 0, PersistentHot},
	} {
		if got := ClassifyHotSpot(c.bins, c.trend, 0.9); got != c.want {
			t.Errorf("%v trend %d: %v, want %v", c.bins, c.trend, got, c.want)
		}
		mirror := make([]int, len(c.bins))
		for k, b := range c.bins {
			mirror[k] = -b
		}
		want := c.want
		if want != NoPattern {
			want += NewCold - NewHot
		}
		if c.want > HistoricalHot {
			want = c.want - (NewCold - NewHot)
		}
		if got := ClassifyHotSpot(mirror, -c.trend, 0.9); got != want {
			t.Errorf("mirror %v trend %d: %v, want %v", mirror, -c.trend, got, want)
		}
	}
}

// TestEmergingHotSpotsPlanted plants a growing cluster in a 6 x 6 grid (rook
// neighbours) over 12 periods of otherwise flat noise-free values and checks
// the classes of its members.
func TestEmergingHotSpotsPlanted(t *testing.T) {
	const side, nt = 6, 12
	var ids []string
	var edges [][2]string
	id := func(r, c int) string { return strconv.Itoa(r*side + c) }
	for r := 0; r < side; r++ {
		for c := 0; c < side; c++ {
			ids = append(ids, id(r, c))
			if c+1 < side {
				edges = append(edges, [2]string{id(r, c), id(r, c+1)})
			}
			if r+1 < side {
				edges = append(edges, [2]string{id(r, c), id(r+1, c)})
			}
		}
	}
	w, err := NewWeights(ids, edges)
	if err != nil {
		t.Fatal(err)
	}
	// Scenario 1: a standing, slowly growing block at the top-left 2 x 2.
	// Scenario 2: a cluster at the bottom-right 2 x 2 in the final period only.
	build := func(standing, fresh bool) [][]float64 {
		values := make([][]float64, nt)
		for k := range values {
			x := make([]float64, side*side)
			for i := range x {
				x[i] = float64((i*7+k*3)%5) + 10 // deterministic background
			}
			if standing {
				for _, i := range []int{0, 1, 6, 7} {
					x[i] = 30 + 0.5*float64(k)
				}
			}
			if fresh && k == nt-1 {
				for _, i := range []int{28, 29, 34, 35} {
					x[i] = 40
				}
			}
			values[k] = x
		}
		return values
	}
	cfg := DefaultHotSpotConfig()
	res, err := EmergingHotSpots(build(true, false), w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 6, 7} {
		if c := res.Class[i]; c != PersistentHot && c != IntensifyingHot {
			t.Errorf("area %d of the standing cluster: %v (bins %v)", i, c, column(res.Bin, i))
		}
	}
	res, err = EmergingHotSpots(build(false, true), w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{28, 29, 34, 35} {
		if c := res.Class[i]; c != NewHot {
			t.Errorf("area %d of the new cluster: %v (bins %v)", i, c, column(res.Bin, i))
		}
	}
	values := build(true, true)
	if _, err := EmergingHotSpots(values[:2], w, cfg); err == nil {
		t.Error("2 periods: no error")
	}
}

func column(b [][]int, i int) []int {
	out := make([]int, len(b))
	for k := range b {
		out[k] = b[k][i]
	}
	return out
}

// flu reads the fluBYBW panel (140 districts x 416 weeks) and its edges from
// ../shared/data/reference/surveillance/multiarea.
func flu(tb testing.TB) ([][]float64, *Weights) {
	dir := filepath.Join("..", "..", "shared", "data", "reference", "surveillance", "multiarea")
	h, rows := spReadCSV(tb, filepath.Join(dir, "fluBYBW.csv"))
	idx := map[string]int{}
	var ids []string
	maxT := 0
	for _, r := range rows {
		u := r[h["unit"]]
		if _, ok := idx[u]; !ok {
			idx[u] = len(ids)
			ids = append(ids, u)
		}
		tt, _ := strconv.Atoi(r[h["t"]])
		maxT = max(maxT, tt)
	}
	values := make([][]float64, maxT)
	for k := range values {
		values[k] = make([]float64, len(ids))
	}
	for _, r := range rows {
		tt, _ := strconv.Atoi(r[h["t"]])
		v, _ := strconv.ParseFloat(r[h["count"]], 64)
		values[tt-1][idx[r[h["unit"]]]] = v
	}
	eh, erows := spReadCSV(tb, filepath.Join(dir, "fluBYBW_edges.csv"))
	var edges [][2]string
	for _, r := range erows {
		edges = append(edges, [2]string{r[eh["from"]], r[eh["to"]]})
	}
	w, err := NewWeights(ids, edges)
	if err != nil {
		tb.Fatal(err)
	}
	return values, w
}

// TestEmergingHotSpotsFlu runs the 140 x 416 influenza panel in 4-week
// periods (104 periods; weeks with all districts at zero would make Gi*
// undefined, which 4-week sums avoid mostly, and such periods are rejected).
func TestEmergingHotSpotsFlu(t *testing.T) {
	values, w := flu(t)
	periods := fourWeekly(values)
	res, err := EmergingHotSpots(periods, w, DefaultHotSpotConfig())
	if err != nil {
		t.Fatal(err)
	}
	counts := map[HotSpotClass]int{}
	for _, c := range res.Class {
		counts[c]++
	}
	t.Logf("fluBYBW, %d districts x %d four-week periods: %v", w.N(), len(periods), counts)
	if counts[NoPattern] == w.N() {
		t.Error("no pattern anywhere in a panel with strong regional influenza waves")
	}
}

// fourWeekly sums consecutive 4-week blocks, dropping periods where every
// area is equal (Gi* undefined).
func fourWeekly(values [][]float64) [][]float64 {
	var out [][]float64
	for k := 0; k+4 <= len(values); k += 4 {
		x := make([]float64, len(values[k]))
		for j := k; j < k+4; j++ {
			for i, v := range values[j] {
				x[i] += v
			}
		}
		same := true
		for _, v := range x {
			same = same && v == x[0]
		}
		if !same {
			out = append(out, x)
		}
	}
	return out
}

// BenchmarkEmergingHotSpotsFlu: 140 districts x 416 weekly periods (weeks with
// all-equal values dropped), analytical p-values, FDR.
func BenchmarkEmergingHotSpotsFlu(b *testing.B) {
	values, w := flu(b)
	var weekly [][]float64
	for _, x := range values {
		same := true
		for _, v := range x {
			same = same && v == x[0]
		}
		if !same {
			weekly = append(weekly, x)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := EmergingHotSpots(weekly, w, DefaultHotSpotConfig()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(weekly)), "periods")
}

// BenchmarkLocalPermutations999: Gi* and local Moran with 999 conditional
// permutations on the 140 fluBYBW districts (one period).
func BenchmarkLocalPermutations999(b *testing.B) {
	values, w := flu(b)
	x := fourWeekly(values)[10]
	rw := w.WithStyle(RowStandardised)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := GiStar(x, w, Permutations{N: 999, Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
		if _, err := LocalMoran(x, rw, Permutations{N: 999, Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}
