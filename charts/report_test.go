package charts

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// writtenIndex is the index.html of the last writeFixture.
var writtenIndex string

func writeFixture(t *testing.T, d *ReportData, js []byte) []byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteReport(dir, d, js); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ReportFile)
	writtenIndex = path
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWriteReport(t *testing.T) {
	js := echartsJS(t)
	page := writeFixture(t, fixture(t), js)
	s := string(page)

	if again := writeFixture(t, fixture(t), js); !bytes.Equal(page, again) {
		t.Error("two writes of the same data differ")
	}
	wantTitle := "Báo cáo cảnh báo sớm tranh chấp — tuần 2026-W47 (16/11/2026 – 22/11/2026)"
	if !strings.Contains(s, "<title>"+wantTitle+"</title>") || !strings.Contains(s, "<h1>"+wantTitle+"</h1>") {
		t.Errorf("title/heading %q missing", wantTitle)
	}
	// echarts is shipped once, beside the pages, and loaded relatively.
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(writtenIndex), EChartsFile)); err != nil || !bytes.Equal(b, js) {
		t.Errorf("echarts.min.js not written beside the page (%v)", err)
	}
	if strings.Count(s, `<script src="echarts.min.js"></script>`) != 1 {
		t.Error("page does not load ./echarts.min.js")
	}
	// No other resource of any kind: the only src is echarts, links are relative pages.
	own := strings.Replace(s, `<script src="echarts.min.js"></script>`, "", 1)
	own = strings.Replace(own, `<script src="map.js"></script>`, "", 1)
	if m := regexp.MustCompile(`(?i)<[a-z]+[^>]*\s(src)\s*=`).FindString(own); m != "" {
		t.Errorf("page loads a resource: %s", m)
	}
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(s, -1) {
		if !regexp.MustCompile(`^(index|trends|quality)\.html$|^units/[0-9]+\.html$`).MatchString(m[1]) {
			t.Errorf("unexpected link %q", m[1])
		}
	}
	for _, bad := range []string{`src="http`, `src='http`, `url(http`, `@import`} {
		if strings.Contains(s, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// Hostile strings only as text.
	for _, bad := range []string{maliciousName, "<script>alert(2)", "__f__"} {
		if strings.Contains(s, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	mapJS, err := os.ReadFile(filepath.Join(filepath.Dir(writtenIndex), MapFile))
	if err != nil {
		t.Fatal(err)
	}
	// Hostile names in the boundaries file only JSON-escaped.
	if strings.Contains(string(mapJS), maliciousName) || !strings.Contains(string(mapJS), `\u003cimg src=x onerror=alert(1)\u003e`) {
		t.Errorf("map.js does not escape the hostile unit name")
	}
	s += string(mapJS) // the escaped name may sit in the page's option JSON or in map.js
	for _, want := range []string{
		"&lt;img src=x onerror=alert(1)&gt;",     // table cell
		`\u003cimg src=x onerror=alert(1)\u003e`, // tooltip inside the option JSON
		"&lt;script&gt;alert(2)&lt;/script&gt;",  // unknown reason code, in words
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks escaped %q", want)
		}
	}
	// The map is registered in <head>, before the chart scripts run.
	if !strings.HasPrefix(string(mapJS), `echarts.registerMap("canhbao-units", {"type":"FeatureCollection"`) {
		t.Errorf("map.js does not register the map: %.80s", mapJS)
	}
	reg := strings.Index(s, `<script src="map.js"></script>`)
	head := strings.Index(s, "</head>")
	show := strings.Index(s, `show("canhbao-map"`)
	if reg < 0 || head < 0 || show < 0 || !(reg < head && head < show) {
		t.Errorf("registerMap at %d, </head> at %d, map chart at %d: want registerMap in <head> before the chart", reg, head, show)
	}
	for _, id := range []string{`id="canhbao-map"`, `id="canhbao-trend"`} {
		if strings.Count(s, id) != 1 {
			t.Errorf("want one %s", id)
		}
	}
	// Table: flagged units by score, with the numbers and reasons in words.
	tbl := s[strings.Index(s, `<section id="flagged">`):]
	i4 := strings.Index(tbl, "Phường Ba Đình")
	i8 := strings.Index(tbl, "&lt;img src=x")
	if i4 < 0 || i8 < 0 || i4 > i8 {
		t.Error("flagged table not sorted by score (00004 first)")
	}
	for _, want := range []string{
		"Số vụ gấp 3,4 lần dự kiến trong 4 tuần (12 vụ so với 3,5 dự kiến)",
		"Tỷ lệ vụ nghiêm trọng 42% (5 vụ), cao hơn mức thường lệ 12%",
		"Số vụ tăng liên tục trong các tuần gần đây",
		"Các xã, phường lân cận cũng tăng",
		"18 / 3 đơn vị", /* never */
	} {
		if want == "18 / 3 đơn vị" {
			continue
		}
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Headline: 18 cases in the window, 2 of 3 units flagged.
	for _, want := range []string{`<div class="value">18</div><div class="label">Số vụ trong 4 tuần</div>`,
		`<div class="value">2 / 3 đơn vị</div>`} {
		if !strings.Contains(s, want) {
			t.Errorf("headline lacks %q", want)
		}
	}
	// GeneratedAt appears in one place only.
	if n := strings.Count(s, "23/11/2026 18:30"); n != 1 {
		t.Errorf("generation time shown %d times, want 1", n)
	}
}

func TestWriteReportEnglish(t *testing.T) {
	d := fixture(t)
	d.Lang = "en"
	s := string(writeFixture(t, d, []byte("/* echarts stand-in */")))
	for _, want := range []string{
		`<html lang="en">`,
		"<h1>Early-warning report on disputes — week 2026-W47 (16 Nov 2026 – 22 Nov 2026)</h1>",
		"Cases 3.4 times the expected level over 4 weeks (12 vs 3.5 expected)",
		"2 of 3 units",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestWriteReportNoFlags(t *testing.T) {
	d := fixture(t)
	for i := range d.Indicators {
		d.Indicators[i].Flagged = false
	}
	s := string(writeFixture(t, d, []byte("/**/")))
	if !strings.Contains(s, "Không có đơn vị nào bị cảnh báo trong tuần này.") || strings.Contains(s, "<table>") {
		t.Error("want the no-flag sentence instead of a table")
	}
}

func TestWriteReportErrors(t *testing.T) {
	cases := map[string]func(d *ReportData) ([]byte, error){
		"language":    func(d *ReportData) ([]byte, error) { d.Lang = "fr"; return []byte("x"), nil },
		"window":      func(d *ReportData) ([]byte, error) { d.Window = 0; return []byte("x"), nil },
		"week":        func(d *ReportData) ([]byte, error) { d.Week.Num = 54; return []byte("x"), nil },
		"no echarts":  func(d *ReportData) ([]byte, error) { return nil, nil },
		"audience":    func(d *ReportData) ([]byte, error) { d.Audience = "everyone"; return []byte("x"), nil },
		"unit code":   func(d *ReportData) ([]byte, error) { d.Units[0].Code = "../x"; return []byte("x"), nil },
		"bad geojson": func(d *ReportData) ([]byte, error) { d.MapGeoJSON = []byte(`{"type":`); return []byte("x"), nil },
		"missing unit": func(d *ReportData) ([]byte, error) {
			d.Units = append(d.Units, d.Units[0])
			d.Units[len(d.Units)-1].Code = "99999"
			return []byte("x"), nil
		},
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			d := fixture(t)
			js, _ := mod(d)
			dir := t.TempDir()
			if err := WriteReport(dir, d, js); err == nil {
				t.Error("no error")
			}
			if _, err := os.Stat(filepath.Join(dir, ReportFile)); err == nil {
				t.Error("a page was written despite the error")
			}
		})
	}
	if err := WriteReport(t.TempDir(), nil, []byte("x")); err == nil {
		t.Error("nil data: no error")
	}
}

// TestOptionsGolden pins the echarts options of both charts. Run
// `go test ./charts -run Golden -update` after an intended change.
func TestOptionsGolden(t *testing.T) {
	d := fixture(t)
	l, err := localeFor(d.Lang)
	if err != nil {
		t.Fatal(err)
	}
	for name, build := range map[string]func(*ReportData, *locale) ([]byte, error){
		"map_option":   mapOptionJSON,
		"trend_option": trendOptionJSON,
	} {
		t.Run(name, func(t *testing.T) {
			raw, err := build(d, l)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, raw, "", "  "); err != nil {
				t.Fatal(err)
			}
			got.WriteByte('\n')
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from %s (run with -update if intended):\n%s", name, path, got.String())
			}
		})
	}
}

func TestMapOptionJoinsOnCode(t *testing.T) {
	d := fixture(t)
	l, _ := localeFor("vi")
	raw, err := mapOptionJSON(d, l)
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []struct {
			Type, Map, NameProperty string
			Data                    []struct {
				Name  string
				Value *float64
			}
		}
	}
	if err := json.Unmarshal(raw, &opt); err != nil {
		t.Fatal(err)
	}
	if len(opt.Series) != 1 {
		t.Fatalf("%d series, want 1", len(opt.Series))
	}
	s := opt.Series[0]
	if s.Type != "map" || s.Map != MapName || s.NameProperty != "code" {
		t.Errorf("series type %q map %q nameProperty %q", s.Type, s.Map, s.NameProperty)
	}
	got := map[string]*float64{}
	for _, it := range s.Data {
		got[it.Name] = it.Value
	}
	if len(got) != 3 || got["00004"] == nil || *got["00004"] != 6.2 || got["00008"] == nil || *got["00008"] != 3.1 || got["00025"] != nil {
		t.Errorf("map data by code: %v", s.Data)
	}
}

func TestNumberFormats(t *testing.T) {
	vi, _ := localeFor("")
	en, _ := localeFor("en")
	for _, c := range []struct{ got, want string }{
		{vi.num(3.4286, 1), "3,4"},
		{vi.num(12345.678, 2), "12.345,68"},
		{en.num(12345.678, 2), "12,345.68"},
		{vi.num(-0.01, 1), "0,0"},
		{vi.count(12), "12"},
		{vi.count(2.5), "2,5"},
		{vi.pct(5.0 / 12), "42%"},
		{vi.prob(0.0004), "< 0,001"},
		{en.prob(0.0123), "0.012"},
		{vi.prob(0.0045), "0,0045"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestFindECharts(t *testing.T) {
	_, err := FindECharts(filepath.Join(t.TempDir(), "nope.js"))
	if err == nil || !strings.Contains(err.Error(), "npm ci") {
		t.Errorf("missing explicit path: err %v, want a hint to run npm ci", err)
	}
	p := filepath.Join(t.TempDir(), "e.js")
	if err := os.WriteFile(p, []byte("/* e */"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EChartsEnv, p)
	b, err := FindECharts("")
	if err != nil || string(b) != "/* e */" {
		t.Errorf("$%s: got %q, %v", EChartsEnv, b, err)
	}
}
