package charts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withNowcast adds a nowcast of the fixture's last two weeks.
func withNowcast(d *ReportData) *ReportData {
	w := d.Week
	d.Nowcast = &Nowcast{Level: 0.9,
		City: []NowcastPoint{{Week: w.Add(-1), Observed: 5, Mean: 6.5, Lower: 5, Upper: 9},
			{Week: w, Observed: 1, Mean: 7.2, Lower: 3, Upper: 13}},
		Units: map[string][]NowcastPoint{"00004": {{Week: w, Observed: 0, Mean: 0.8, Lower: 0, Upper: 3}}},
		Delay: []DelayCurve{{Cases: 812, CDF: []float64{0.05, 0.35, 0.63, 0.78, 1}},
			{Group: "Quận Ba Đình", Cases: 40, CDF: []float64{0.06, 0.40, 0.70, 0.85, 1}}}}
	return d
}

// TestNowcastInReport: the trend chart carries the nowcast and its band with
// the "data still arriving" note, the locality chart too (internal audience
// only), and the quality page the delay table; without a nowcast none of it.
func TestNowcastInReport(t *testing.T) {
	d := withNowcast(fixture(t))
	l, err := localeFor("vi")
	if err != nil {
		t.Fatal(err)
	}
	opt, err := trendOptionJSON(d, l)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ước tính (nowcast)", `"stack":"nowcast"`, "7.2", `"areaStyle"`} {
		if !strings.Contains(string(opt), want) {
			t.Errorf("trend option lacks %q", want)
		}
	}
	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteReport(dir, d, echartsJS(t)); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if s := read(ReportFile); !strings.Contains(s, "Số liệu còn đang về: 2 tuần gần nhất") {
		t.Error("overview: no data-still-arriving note")
	}
	if s := read(filepath.Join("units", "00004.html")); !strings.Contains(s, "Số liệu còn đang về: 1 tuần") || !strings.Contains(s, "Ước tính (nowcast)") {
		t.Error("locality page: no nowcast")
	}
	if s := read("quality.html"); !strings.Contains(s, "Độ trễ báo cáo theo quận/huyện cũ") || !strings.Contains(s, "Quận Ba Đình") || !strings.Contains(s, "63%") {
		t.Error("quality page: no delay table")
	}

	pub := withNowcast(fixture(t))
	pub.Audience = AudiencePublic
	dir = filepath.Join(t.TempDir(), "public")
	if err := WriteReport(dir, pub, echartsJS(t)); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "units", "00004.html")); err != nil {
		t.Fatal(err)
	} else if strings.Contains(string(b), "Ước tính (nowcast)") {
		t.Error("public locality page shows fractional nowcast counts")
	}

	plain := fixture(t)
	opt, err = trendOptionJSON(plain, l)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(opt), "nowcast") {
		t.Error("trend option without a nowcast mentions one")
	}
}
