package simulate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/models"
)

var (
	geoOnce sync.Once
	geoHN   *models.Geography
	geoErr  error
)

// hanoi loads the real geography shared by the project.
func hanoi(tb testing.TB) *models.Geography {
	tb.Helper()
	geoOnce.Do(func() { geoHN, geoErr = geo.LoadDir(filepath.Join("..", "..", "shared", "data", "hanoi")) })
	if geoErr != nil {
		tb.Fatal(geoErr)
	}
	return geoHN
}

// scenario is a run read back from disk.
type scenario struct {
	sum      *Summary
	dir      string
	manifest manifest
	rows     []logRow
	truth    [][]string
}

type logRow struct {
	file   string
	fields []string
}

func run(t *testing.T, cfg Config) *scenario {
	t.Helper()
	dir := t.TempDir()
	sum, err := Run(hanoi(t), cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	sc := &scenario{sum: sum, dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sc.manifest); err != nil {
		t.Fatal(err)
	}
	format := map[string]string{}
	for _, d := range sum.Deliveries {
		for i, p := range d.Files {
			format[p] = d.Formats[i]
		}
	}
	for _, p := range sum.Files {
		base := filepath.Base(p)
		if !strings.HasPrefix(base, "logbook_") {
			continue
		}
		recs := readLogbook(t, p, format[p])
		if strings.Join(recs[0], "|") != strings.Join(Header, "|") {
			t.Fatalf("%s: header %q", base, recs[0])
		}
		for _, r := range recs[1:] {
			sc.rows = append(sc.rows, logRow{base, r})
		}
	}
	sc.truth = readCSV(t, filepath.Join(dir, "ground_truth.csv"))
	return sc
}

// readLogbook reads a logbook file written in one of the delivery formats
// ("" for plain CSV) back into UTF-8 records, header first.
func readLogbook(t *testing.T, p, format string) [][]string {
	t.Helper()
	if format == "" || format == FormatCSV {
		return readCSV(t, p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	switch format {
	case FormatSemicolon:
		if !bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Fatalf("%s: no byte-order mark", p)
		}
		r = csv.NewReader(bytes.NewReader(b[3:]))
		r.Comma = ';'
	case FormatCP1258:
		if utf8.Valid(b) {
			t.Fatalf("%s: valid UTF-8, want Windows-1258", p)
		}
		u, err := charmap.Windows1258.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		title, rest, _ := bytes.Cut(norm.NFC.Bytes(u), []byte("\n"))
		if string(title) != TitleRow {
			t.Fatalf("%s: title %q", p, title)
		}
		r = csv.NewReader(bytes.NewReader(rest))
	default:
		t.Fatalf("%s: unknown format %q", p, format)
	}
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return recs
}

func readCSV(t *testing.T, p string) [][]string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return recs
}

// Column indexes of a logbook row.
const (
	colSTT = iota
	colID
	colReceived
	colClosed
	colDistrict
	colUnit
	colVillage
	colTeam
	colParties
	colSummary
	colCategory
	colOutcome
	colViolence
	colCrime
	colReferral
	colNote
)

func parseDate(s string) (time.Time, bool) {
	d, err := time.Parse(dateLayout, s)
	return d, err == nil
}

// invalid reports the kind of damage a row carries, "" if none.
func invalid(r []string) string {
	rec, ok := parseDate(r[colReceived])
	switch {
	case r[colReceived] == "":
		return InvalidEmptyReceived
	case !ok:
		return InvalidImpossibleDate
	case r[colUnit] == UnknownUnitName:
		return InvalidUnknownUnit
	}
	if c, ok := parseDate(r[colClosed]); ok && c.Before(rec) {
		return InvalidClosedBefore
	}
	return ""
}

func short(from, to time.Time) Config {
	c := DefaultConfig()
	c.From, c.To = from, to
	return c
}

func TestDeterministic(t *testing.T) {
	cfg := short(date(2024, 6, 1), date(2025, 9, 30))
	cfg.InvalidRate = 0.01
	a, b := run(t, cfg), run(t, cfg)
	if len(a.sum.Files) != len(b.sum.Files) {
		t.Fatalf("%d files vs %d", len(a.sum.Files), len(b.sum.Files))
	}
	for i := range a.sum.Files {
		x, err := os.ReadFile(a.sum.Files[i])
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(b.sum.Files[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", filepath.Base(a.sum.Files[i]))
		}
	}
	cfg.Seed++
	c := run(t, cfg)
	same := 0
	for i := range a.sum.Files {
		if i >= len(c.sum.Files) {
			break
		}
		x, _ := os.ReadFile(a.sum.Files[i])
		y, _ := os.ReadFile(c.sum.Files[i])
		if bytes.Equal(x, y) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d files identical with a different seed", same)
	}
}

// Calibration against DOMAIN.md: about 5,000 cases in year one, falling ~10%
// a year, ~82% settled; flags and referrals near their stated shares.
func TestCalibration(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		cfg := short(date(2023, 1, 1), date(2024, 12, 31))
		cfg.Seed = seed
		sc := run(t, cfg)
		y1, y2 := sc.manifest.CasesByYear["2023"], sc.manifest.CasesByYear["2024"]
		if y1+y2 != sc.sum.Rows || sc.sum.Rows != len(sc.rows) {
			t.Fatalf("seed %d: years %d+%d, summary %d rows, files %d rows", seed, y1, y2, sc.sum.Rows, len(sc.rows))
		}
		count := map[string]int{}
		for _, r := range sc.rows {
			f := r.fields
			count[f[colOutcome]]++
			count[f[colCategory]]++
			count["violence"+f[colViolence]]++
			count["crime"+f[colCrime]]++
			count["ref"+f[colReferral]]++
		}
		n := float64(len(sc.rows))
		share := func(k string) float64 { return float64(count[k]) / n }
		t.Logf("seed %d: %d / %d cases (ratio %.3f); settled %.3f, not settled %.3f, in progress %.3f; "+
			"civil %.3f family %.3f other %.3f; violence %.4f crime %.4f; UBND %.4f police %.4f court %.4f",
			seed, y1, y2, float64(y2)/float64(y1), share("Hòa giải thành"), share("Hòa giải không thành"),
			share("Đang giải quyết"), share("Dân sự"), share("Hôn nhân và gia đình"), share("Khác"),
			share("violenceCó"), share("crimeCó"), share("refUBND xã"), share("refCông an"), share("refTòa án"))
		if y1 < 4500 || y1 > 5500 {
			t.Errorf("seed %d: first year %d cases, want 5,000 ± 10%%", seed, y1)
		}
		if r := float64(y2) / float64(y1); r < 0.8 || r > 0.97 {
			t.Errorf("seed %d: second year / first = %.3f, want 0.80..0.97", seed, r)
		}
		checks := []struct {
			key    string
			lo, hi float64
		}{
			{"Hòa giải thành", 0.78, 0.86}, {"Hòa giải không thành", 0.10, 0.18}, {"Đang giải quyết", 0.02, 0.07},
			{"Dân sự", 0.42, 0.50}, {"Hôn nhân và gia đình", 0.17, 0.23}, {"Khác", 0.31, 0.38},
			{"violenceCó", 0.01, 0.035}, {"crimeCó", 0.004, 0.02},
			{"refUBND xã", 0.025, 0.055}, {"refCông an", 0.01, 0.035}, {"refTòa án", 0.01, 0.035},
		}
		for _, c := range checks {
			if s := share(c.key); s < c.lo || s > c.hi {
				t.Errorf("seed %d: share %s = %.4f, want %.3f..%.3f", seed, c.key, s, c.lo, c.hi)
			}
		}
	}
}

// Rows before the reform carry an old unit valid on the row's date, rows
// after it the current name with no district.
func TestUnitNamesValidOnDate(t *testing.T) {
	g := hanoi(t)
	sc := run(t, DefaultConfig())
	type key struct{ district, name string }
	old := map[key][]models.Unit{}
	current := map[string]bool{}
	var reform time.Time
	for _, u := range g.Units {
		if u.Vintage == models.CurrentVintage {
			current[u.FullName] = true
			reform = u.ValidFrom
			continue
		}
		old[key{u.DistrictName, u.FullName}] = append(old[key{u.DistrictName, u.FullName}], u)
	}
	vintages := map[string]int{}
	for _, r := range sc.rows {
		f := r.fields
		if invalid(f) != "" {
			continue
		}
		d, _ := parseDate(f[colReceived])
		if !d.Before(reform) {
			if f[colDistrict] != "" || !current[f[colUnit]] {
				t.Fatalf("%s row %s: %s, %q / %q is not a current unit", r.file, f[colSTT], f[colReceived], f[colDistrict], f[colUnit])
			}
			vintages[models.CurrentVintage]++
			continue
		}
		ok := false
		for _, u := range old[key{f[colDistrict], f[colUnit]}] {
			if u.ValidOn(d) {
				ok = true
				vintages[u.Vintage]++
				break
			}
		}
		if !ok {
			t.Fatalf("%s row %s: %q / %q not valid on %s", r.file, f[colSTT], f[colDistrict], f[colUnit], f[colReceived])
		}
	}
	t.Logf("rows by vintage of their label: %v", vintages)
	for _, v := range []string{"2024", "202501", models.CurrentVintage} {
		if vintages[v] == 0 {
			t.Errorf("no rows labelled with vintage %s", v)
		}
	}
	if sc.manifest.LabelFallbacks != 0 {
		t.Errorf("%d rows fell back to current names", sc.manifest.LabelFallbacks)
	}
}

func TestLogbookRows(t *testing.T) {
	sc := run(t, DefaultConfig())
	ids := map[string]bool{}
	stt := map[string]int{}
	for _, r := range sc.rows {
		f := r.fields
		stt[r.file]++
		if f[colSTT] != strconv.Itoa(stt[r.file]) {
			t.Fatalf("%s: STT %s, want %d", r.file, f[colSTT], stt[r.file])
		}
		if ids[f[colID]] {
			t.Fatalf("duplicate case id %s", f[colID])
		}
		ids[f[colID]] = true
		if invalid(f) != "" {
			continue
		}
		d, _ := parseDate(f[colReceived])
		if want := "logbook_" + d.Format("2006-01") + ".csv"; r.file != want {
			t.Fatalf("case received %s in %s", f[colReceived], r.file)
		}
		switch f[colOutcome] {
		case "Đang giải quyết":
			if f[colClosed] != "" {
				t.Fatalf("in-progress case %s has closing date %s", f[colID], f[colClosed])
			}
		case "Hòa giải thành", "Hòa giải không thành":
			c, ok := parseDate(f[colClosed])
			if !ok || c.After(date(2025, 12, 28)) {
				t.Fatalf("closed case %s: closing date %q", f[colID], f[colClosed])
			}
		default:
			t.Fatalf("outcome %q", f[colOutcome])
		}
		ps := strings.Split(f[colParties], "; ")
		if len(ps) < 2 || len(ps) > 3 || !strings.Contains(ps[0], " tuổi, ") {
			t.Fatalf("parties %q", f[colParties])
		}
		if !strings.HasPrefix(f[colTeam], "Tổ hòa giải số ") ||
			!(strings.HasPrefix(f[colVillage], "Thôn ") || strings.HasPrefix(f[colVillage], "Tổ dân phố ")) {
			t.Fatalf("village %q team %q", f[colVillage], f[colTeam])
		}
	}
}

func TestInvalidRows(t *testing.T) {
	cfg := DefaultConfig()
	cfg.InvalidRate = 0.02
	sc := run(t, cfg)
	byKind := map[string]int{}
	for _, r := range sc.rows {
		if k := invalid(r.fields); k != "" {
			byKind[k]++
		}
	}
	total := 0
	for _, k := range invalidKinds {
		total += byKind[k]
		if byKind[k] != sc.manifest.InvalidByKind[k] {
			t.Errorf("%s: %d rows in the files, manifest says %d", k, byKind[k], sc.manifest.InvalidByKind[k])
		}
		if byKind[k] == 0 {
			t.Errorf("no rows of kind %s", k)
		}
	}
	if total != sc.manifest.Invalid || total != sc.sum.Invalid {
		t.Errorf("%d invalid rows in the files, manifest %d, summary %d", total, sc.manifest.Invalid, sc.sum.Invalid)
	}
	if r := float64(total) / float64(sc.sum.Rows); r < 0.015 || r > 0.025 {
		t.Errorf("invalid share %.4f, want about 0.02", r)
	}

	cfg.InvalidRate = 0
	if sc := run(t, cfg); sc.sum.Invalid != 0 {
		t.Errorf("InvalidRate 0: %d invalid rows", sc.sum.Invalid)
	}
}

func TestGroundTruth(t *testing.T) {
	g := hanoi(t)
	for _, cfg := range []Config{DefaultConfig(), short(date(2025, 3, 1), date(2025, 6, 30))} {
		sc := run(t, cfg)
		if got := strings.Join(sc.truth[0], ","); got != strings.Join(TruthHeader, ",") {
			t.Fatalf("header %q", got)
		}
		first, last := models.WeekOf(day(cfg.From)), models.WeekOf(day(cfg.To))
		current := map[string]bool{}
		for _, u := range g.Current() {
			current[u.Code] = true
		}
		adj := map[[2]string]bool{}
		for _, nb := range g.Neighbours {
			adj[[2]string{nb.A, nb.B}], adj[[2]string{nb.B, nb.A}] = true, true
		}
		cores := map[string]string{}
		roles := map[string]int{}
		lateCore := false
		for _, r := range sc.truth[1:] {
			var w [3]models.Week
			for i := range w {
				var err error
				if w[i], err = models.ParseWeek(r[3+i]); err != nil {
					t.Fatal(err)
				}
				if w[i].Before(first) || last.Before(w[i]) {
					t.Errorf("%v: week %s outside %s..%s", r, w[i], first, last)
				}
			}
			if w[1].Before(w[0]) || w[2].Before(w[1]) {
				t.Errorf("%v: want start <= peak <= end", r)
			}
			if !current[r[1]] {
				t.Errorf("%v: not a current unit", r)
			}
			roles[r[2]]++
			switch r[2] {
			case roleCore:
				cores[r[0]] = r[1]
				if last.Index()-w[1].Index() <= 2 {
					lateCore = true
				}
			case roleSpillover:
				if !adj[[2]string{cores[r[0]], r[1]}] {
					t.Errorf("%v: spillover unit is not a neighbour of core %s", r, cores[r[0]])
				}
			case roleDecoy:
				if w[0] != w[2] {
					t.Errorf("%v: a decoy lasts one week", r)
				}
			default:
				t.Errorf("%v: unknown role", r)
			}
		}
		t.Logf("%s..%s: %v", first, last, roles)
		if !lateCore {
			t.Error("no core episode peaks in the last 3 weeks")
		}
		if roles[roleCore] != sc.sum.Episodes || roles[roleCore] != sc.manifest.Episodes || roles[roleDecoy] != roles[roleCore] {
			t.Errorf("roles %v, summary %d episodes", roles, sc.sum.Episodes)
		}
	}
}

// The planted episodes must be visible: more cases, more serious ones and
// repeated parties in core units during their episodes.
func TestEpisodesAreVisible(t *testing.T) {
	g := hanoi(t)
	sc := run(t, DefaultConfig())
	unitOf := map[string]string{} // name as written -> current code, for post-reform rows only
	for _, u := range g.Current() {
		unitOf[u.FullName] = u.Code
	}
	type window struct{ a, b models.Week }
	var cores = map[string][]window{}
	for _, r := range sc.truth[1:] {
		if r[2] != roleCore {
			continue
		}
		a, _ := models.ParseWeek(r[3])
		b, _ := models.ParseWeek(r[5])
		cores[r[1]] = append(cores[r[1]], window{a, b})
	}
	// Post-reform rows only, where the unit column names the current unit.
	var in, out, inSerious, outSerious, inWeeks, outWeeks int
	parties := map[string]int{}
	reform := g.Current()[0].ValidFrom
	for _, u := range g.Current() {
		ws := cores[u.Code]
		for wk := models.WeekOf(reform); !models.WeekOf(date(2025, 12, 28)).Before(wk); wk = wk.Add(1) {
			inside := false
			for _, w := range ws {
				inside = inside || (!wk.Before(w.a) && !w.b.Before(wk))
			}
			if inside {
				inWeeks++
			} else if len(ws) > 0 {
				outWeeks++
			}
		}
	}
	for _, r := range sc.rows {
		f := r.fields
		d, ok := parseDate(f[colReceived])
		if !ok || d.Before(reform) || invalid(f) != "" {
			continue
		}
		ws := cores[unitOf[f[colUnit]]]
		if len(ws) == 0 {
			continue
		}
		wk := models.WeekOf(d)
		inside := false
		for _, w := range ws {
			inside = inside || (!wk.Before(w.a) && !w.b.Before(wk))
		}
		serious := f[colOutcome] == "Hòa giải không thành" || f[colViolence] != "" || f[colCrime] != "" ||
			f[colReferral] == "Công an" || f[colReferral] == "Tòa án"
		if inside {
			in++
			parties[f[colParties]]++
			if serious {
				inSerious++
			}
		} else {
			out++
			if serious {
				outSerious++
			}
		}
	}
	if inWeeks == 0 || outWeeks == 0 || in == 0 || out == 0 {
		t.Fatalf("no post-reform core episodes to check: %d/%d weeks, %d/%d cases", inWeeks, outWeeks, in, out)
	}
	rateRatio := (float64(in) / float64(inWeeks)) / (float64(out) / float64(outWeeks))
	seriousIn, seriousOut := float64(inSerious)/float64(in), float64(outSerious)/float64(out)
	repeats := 0
	for _, n := range parties {
		if n > 1 {
			repeats++
		}
	}
	t.Logf("core units after the reform: %.2f× the weekly rate in episodes; serious share %.2f vs %.2f; %d repeated party groups",
		rateRatio, seriousIn, seriousOut, repeats)
	if rateRatio < 1.5 {
		t.Errorf("episode weeks have %.2f× the rate of other weeks, want >= 1.5", rateRatio)
	}
	if seriousIn < 1.5*seriousOut {
		t.Errorf("serious share %.2f in episodes vs %.2f outside", seriousIn, seriousOut)
	}
	if repeats == 0 {
		t.Error("no repeated parties within core episodes")
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(*Config){
		"no dates":      func(c *Config) { c.From = time.Time{} },
		"reversed":      func(c *Config) { c.From, c.To = c.To, c.From },
		"too short":     func(c *Config) { c.To = c.From.AddDate(0, 0, 20) },
		"before table":  func(c *Config) { c.From = date(2010, 1, 1) },
		"after table":   func(c *Config) { c.To = date(2040, 1, 1) },
		"zero scale":    func(c *Config) { c.Scale = 0 },
		"invalid rate":  func(c *Config) { c.InvalidRate = -0.1 },
		"invalid rate2": func(c *Config) { c.InvalidRate = 0.9 },
		"deliveries":    func(c *Config) { c.Deliveries = -1 },
	}
	names := make([]string, 0, len(bad))
	for n := range bad {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := DefaultConfig()
		bad[n](&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: no error", n)
		}
		if _, err := Run(hanoi(t), c, t.TempDir()); err == nil {
			t.Errorf("%s: Run did not fail", n)
		}
	}
}

func TestSeason(t *testing.T) {
	// Factors average 1 over a year of weeks.
	var s float64
	n := 0
	for w := models.WeekOf(date(2024, 3, 1)); w.Before(models.WeekOf(date(2025, 3, 1))); w = w.Add(1) {
		s += season(w)
		n++
	}
	if m := s / float64(n); m < 0.99 || m > 1.01 {
		t.Errorf("mean season factor %.4f", m)
	}
	if f := season(models.WeekOf(date(2025, 1, 29))); f > 0.5 {
		t.Errorf("Tết week factor %.2f", f)
	}
	if f := season(models.WeekOf(date(2025, 1, 20))); f < 1.2 {
		t.Errorf("week before Tết factor %.2f", f)
	}
}

func BenchmarkRun4Years(b *testing.B) {
	g := hanoi(b)
	cfg := DefaultConfig()
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Run(g, cfg, dir); err != nil {
			b.Fatal(err)
		}
	}
}
