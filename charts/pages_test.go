package charts

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/canhbao/canhbao/models"
)

// writeFolder writes the fixture report and returns its folder.
func writeFolder(t *testing.T, d *ReportData) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteReport(dir, d, []byte("/* echarts stand-in */")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readPage(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReportFolder(t *testing.T) {
	d := fixture(t)
	dir := writeFolder(t, d)
	var files []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if e.IsDir() {
			if st.Mode().Perm() != DirMode {
				t.Errorf("%s: mode %v, want %v", rel, st.Mode().Perm(), os.FileMode(DirMode))
			}
			return nil
		}
		files = append(files, filepath.ToSlash(rel))
		if st.Mode().Perm() != FileMode {
			t.Errorf("%s: mode %v, want %v", rel, st.Mode().Perm(), os.FileMode(FileMode))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "echarts.min.js index.html map.js quality.html trends.html units/00004.html units/00008.html units/00025.html"
	if got := strings.Join(files, " "); got != want {
		t.Errorf("files %s, want %s", got, want)
	}
	pages := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, ".html") {
			pages[f] = readPage(t, dir, f)
		}
	}
	for f, s := range pages {
		// The warning banner on every page, hostile text escaped everywhere.
		if !strings.Contains(s, `<div class="warnings" id="warnings" role="alert">`) || !strings.Contains(s, "<li>Thiếu sổ của 2 đơn vị</li>") {
			t.Errorf("%s: no warning banner", f)
		}
		if strings.Contains(s, maliciousName) || strings.Contains(s, "<script>alert") {
			t.Errorf("%s: contains unescaped hostile text", f)
		}
		if strings.Contains(s, " on") && strings.Contains(s, "onerror=") && !strings.Contains(s, "&lt;img src=x onerror") && !strings.Contains(s, `\u003cimg`) {
			t.Errorf("%s: event handler attribute", f)
		}
		seen := map[string]bool{}
		for _, m := range regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(s, -1) {
			if seen[m[1]] {
				t.Errorf("%s: id %q used twice", f, m[1])
			}
			seen[m[1]] = true
		}
		root := ""
		if strings.HasPrefix(f, "units/") {
			root = "../"
		}
		if !strings.Contains(s, `<script src="`+root+`echarts.min.js"></script>`) {
			t.Errorf("%s: echarts not loaded from the report folder", f)
		}
		if !strings.Contains(s, "@page{size:A4") || !strings.Contains(s, "@media print") {
			t.Errorf("%s: no print stylesheet", f)
		}
	}
	// The flagged list links to the locality pages.
	if !strings.Contains(pages["index.html"], `<a href="units/00004.html">Phường Ba Đình</a>`) {
		t.Error("overview does not link the flagged unit's page")
	}
	// Locality page of a flagged unit: drivers, the cases behind the flag
	// (pseudonyms only), escaped village names.
	u8 := pages["units/00008.html"]
	for _, want := range []string{"a1b2c3d4e5f6", "0f0e0d0c0b0a", "&lt;img src=x onerror=alert(1)&gt;", "chuyển police",
		"Số vụ gấp 3,0 lần dự kiến trong 4 tuần", `id="unit-counts"`, `id="unit-neighbours"`, "tiếng ồn"} {
		if !strings.Contains(u8, want) {
			t.Errorf("units/00008.html lacks %q", want)
		}
	}
	// A unit without data still has a page, without a case list.
	if u25 := pages["units/00025.html"]; strings.Contains(u25, `id="cases"`) || !strings.Contains(u25, "Không có dữ liệu") {
		t.Error("units/00025.html: want no case list and a no-data note")
	}
	// Trends and quality pages have their charts and tables.
	for f, wants := range map[string][]string{
		"trends.html":  {`id="trends-category"`, `id="trends-settled-district"`, `id="trends-settled-unit"`, `id="trends-heatmap"`, "Ngưỡng 80%"},
		"quality.html": {`id="quality-outcomes"`, "logbook_2026-11.csv", "Ngày nhận", ">95<", "Xã Tân Lập"},
	} {
		for _, w := range wants {
			if !strings.Contains(pages[f], w) {
				t.Errorf("%s lacks %q", f, w)
			}
		}
	}
	// Headline: the week against the same week last year, settled share, changes.
	for _, want := range []string{"Tỷ lệ hòa giải thành (52 tuần)", "41 / 52 vụ đã kết thúc", "chưa có lượt chạy tuần trước"} {
		if !strings.Contains(pages["index.html"], want) {
			t.Errorf("overview lacks %q", want)
		}
	}
}

func TestReportChanges(t *testing.T) {
	d := fixture(t)
	d.Previous = []models.Indicator{{UnitCode: "00004", Flagged: true}, {UnitCode: "00025", Flagged: true}}
	s := readPage(t, writeFolder(t, d), ReportFile)
	for _, want := range []string{"mới 1 · tiếp diễn 1 · hết cảnh báo 1", `<section id="cleared">`, "<li>Xã Tân Lập (00025)</li>"} {
		if !strings.Contains(s, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
}

func TestReportPublic(t *testing.T) {
	d := fixture(t)
	d.Audience = AudiencePublic
	dir := writeFolder(t, d)
	u8 := readPage(t, dir, "units/00008.html")
	if strings.Contains(u8, "a1b2c3d4e5f6") || strings.Contains(u8, "<table>\n<thead><tr><th>Mã bí danh") {
		t.Error("public variant shows the case list")
	}
	if !strings.Contains(u8, "Danh sách vụ việc không có trong bản công khai.") || !strings.Contains(u8, `id="public-note"`) {
		t.Error("public variant does not say why the case list is missing")
	}
	// 00008's serious count (1) becomes "<3", also in the option JSON's tooltip.
	idx := readPage(t, dir, ReportFile)
	if !strings.Contains(idx, "&lt;3 (17%)") || !strings.Contains(idx, `Vụ nghiêm trọng: \u0026lt;3 (17%)`) {
		t.Error("public variant shows a count below 3")
	}
	// Chart data: no value between 0 and 3 in the unit charts.
	l, _ := localeFor("vi")
	r := newRenderer(d, l)
	first, last, _ := r.span()
	raw, err := optionJSON(r.countsChart(d.Units[1], 1, first, last))
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []struct{ Data []struct{ Value *float64 } }
	}
	if err := json.Unmarshal(raw, &opt); err != nil {
		t.Fatal(err)
	}
	for _, s := range opt.Series {
		for _, v := range s.Data {
			if v.Value != nil && *v.Value > 0 && *v.Value < 3 {
				t.Fatalf("public chart shows a count of %v", *v.Value)
			}
		}
	}
}

// TestPageOptionsGolden pins the options of the locality, trends and quality
// charts. Run `go test ./charts -run Golden -update` after an intended change.
func TestPageOptionsGolden(t *testing.T) {
	d := fixture(t)
	l, _ := localeFor("vi")
	r := newRenderer(d, l)
	first, last, ok := r.span()
	if !ok {
		t.Fatal("fixture panel does not cover the report week")
	}
	u := d.Units[0]
	for name, ch := range map[string]chartOptions{
		"unit_counts_option":     r.countsChart(u, 0, first, last),
		"unit_category_option":   r.categoryChart(u, 0, first, last),
		"unit_severity_option":   r.severityChart(u, 0, first, last),
		"unit_neighbours_option": r.neighboursChart(u, 0, first, last),
		"trends_settled_option":  r.settledUnitChart(),
		"trends_district_option": r.settledDistrictChart(),
		"trends_heatmap_option":  r.heatMapChart(),
	} {
		t.Run(name, func(t *testing.T) {
			raw, err := optionJSON(ch)
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
				t.Errorf("%s differs from %s (run with -update if intended)", name, path)
			}
		})
	}
}
