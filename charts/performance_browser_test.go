package charts

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/canhbao/canhbao/internal/browsercheck"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/scorecard"
)

// perfFixture: 30 units of 10–68 decided cases settling ~87%, unit U05
// settling 10 of 40 (weak), U07 with one unsettled case (not weak), and a
// unit with a hostile name.
func perfFixture(t *testing.T, lang string) *PerformanceData {
	t.Helper()
	var units []models.Unit
	var tallies []scorecard.Tally
	for i := 0; i < 30; i++ {
		code := fmt.Sprintf("U%02d", i)
		name := "Phường Số " + code
		if i == 3 {
			name = maliciousName
		}
		units = append(units, models.Unit{Code: code, FullName: name})
		n := 10 + 2*i
		tl := scorecard.Tally{UnitCode: code, Received: n + 1, InProgress: 1, Settled: n * 87 / 100, Escalated: n / 10}
		switch i {
		case 5:
			tl.Received, tl.Settled = 41, 10
		case 7:
			tl.Received, tl.InProgress, tl.Settled, tl.Escalated = 1, 0, 0, 0
		}
		tl.NotSettled = tl.Received - tl.InProgress - tl.Settled
		tl.ByCategory = [3]int{tl.Received, 0, 0}
		tallies = append(tallies, tl, scorecard.Tally{UnitCode: code, Team: "Tổ hòa giải số 1", Received: tl.Received,
			Settled: tl.Settled, NotSettled: tl.NotSettled, InProgress: tl.InProgress})
	}
	card, err := scorecard.Build(tallies, scorecard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := scorecard.ParsePeriod("2026")
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	table, err := scorecard.BuildTable(p, time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC), codes, nil, nil, tallies, scorecard.LastYear{})
	if err != nil {
		t.Fatal(err)
	}
	var trend []PerfMonth
	for m := 1; m <= 10; m++ {
		trend = append(trend, PerfMonth{Label: fmt.Sprintf("2026-%02d", m), Received: 100 + m, Settled: 80 + m%5, InProgress: 4})
	}
	return &PerformanceData{Lang: lang, Period: p, AsOf: table.AsOf, Units: units, Card: card, Table: table,
		Silent: []scorecard.Silent{{UnitCode: "U03", Weeks: -1}}, SilentWeeks: 8, Trend: trend}
}

const perfProbe = `(function () {
  function opt(id) { return echarts.getInstanceByDom(document.getElementById(id)).getOption(); }
  var s = opt("perf-funnel-settled");
  return {
    settledSeries: s.series.map(function (x) { return x.name + ":" + x.type + ":" + x.data.length; }),
    weak: s.series[1].data.map(function (d) { return d.name; }),
    images: document.images.length,
    text: document.body.innerText
  };
})()`

func TestPerformanceInBrowser(t *testing.T) {
	if _, err := browsercheck.ChromiumPath(); err != nil {
		t.Fatalf("%v (CI installs the Debian package chromium)", err)
	}
	for _, lang := range []string{"vi", "en"} {
		d := perfFixture(t, lang)
		if got := d.Card.WeakUnits(); !slices.Equal(got, []string{"U05"}) {
			t.Fatalf("weak units %v, want [U05]", got)
		}
		dir := t.TempDir()
		if err := WritePerformance(dir, d, echartsJS(t)); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, PerformanceFile))
		if strings.Contains(string(raw), maliciousName) {
			t.Errorf("%s: hostile name written unescaped", lang)
		}
		if lang == "en" {
			continue // one browser run keeps the test short; the en page shares the template
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		res, err := browsercheck.CheckEval(ctx, filepath.Join(dir, PerformanceFile), 30*time.Second, map[string]string{"p": perfProbe})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Problems() {
			t.Error(p)
		}
		ids := res.ChartIDs()
		if want := []string{PerfSettledID, PerfEscalationID, PerfTrendID}; !slices.Equal(ids, want) {
			t.Errorf("charts %v, want %v", ids, want)
		}
		if !strings.HasPrefix(res.Title, "Hiệu quả hòa giải — kỳ 2026") {
			t.Errorf("title %q", res.Title)
		}
		var p struct {
			SettledSeries []string `json:"settledSeries"`
			Weak          []string `json:"weak"`
			Images        int      `json:"images"`
			Text          string   `json:"text"`
		}
		if err := json.Unmarshal(res.Values["p"], &p); err != nil {
			t.Fatal(err)
		}
		t.Logf("series %v", p.SettledSeries)
		if len(p.SettledSeries) != 8 || !slices.Equal(p.Weak, []string{"Phường Số U05"}) || p.Images != 0 {
			t.Errorf("settled funnel series %v weak %v images %d", p.SettledSeries, p.Weak, p.Images)
		}
		for _, s := range []string{"Đơn vị yếu", "Phường Số U05", "ước tính", "Toàn thành phố", maliciousName, "chưa có vụ nào"} {
			if !strings.Contains(p.Text, s) {
				t.Errorf("page text lacks %q", s)
			}
		}
	}
}

// TestPerformanceInReport: with ReportData.Performance the report folder
// carries performance.html in the common layout, and every page's
// navigation links to it (from units/ through ../); the link is followed in
// headless Chromium from a locality page and lands on the page with its
// three charts drawn, echarts loaded from the folder. The public report has
// neither the page nor the link.
func TestPerformanceInReport(t *testing.T) {
	if _, err := browsercheck.ChromiumPath(); err != nil {
		t.Fatalf("%v (CI installs the Debian package chromium)", err)
	}
	d := fixture(t)
	d.Performance = perfFixture(t, "en") // the page follows the report's language, not this
	dir := t.TempDir()
	if err := WriteReport(dir, d, echartsJS(t)); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{ReportFile, TrendsFile, "units/00008.html", PerformanceFile} {
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		href := PerformanceFile
		if strings.HasPrefix(page, UnitsDir+"/") {
			href = "../" + PerformanceFile
		}
		link := `<a href="` + href + `"`
		if page == PerformanceFile {
			link += ` class="current"`
		}
		if !strings.Contains(string(raw), link+`>Hiệu quả hòa giải</a>`) {
			t.Errorf("%s: no navigation link %s>Hiệu quả hòa giải</a>", page, link)
		}
	}
	// The locality page's link, resolved by the browser, is the page.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	res, err := browsercheck.CheckEval(ctx, filepath.Join(dir, "units", "00008.html"), 30*time.Second, map[string]string{"href": `(function () {
  var a = Array.prototype.filter.call(document.querySelectorAll("nav a"), function (a) { return a.textContent === "Hiệu quả hòa giải"; });
  return a.length === 1 ? a[0].href : "";
})()`})
	if err != nil {
		t.Fatal(err)
	}
	var href string
	if err := json.Unmarshal(res.Values["href"], &href); err != nil {
		t.Fatal(err)
	}
	want := "file://" + filepath.ToSlash(filepath.Join(dir, PerformanceFile))
	if href != want {
		t.Fatalf("locality page's performance link resolves to %q, want %q", href, want)
	}
	res, err = browsercheck.CheckEval(ctx, filepath.Join(dir, PerformanceFile), 30*time.Second, map[string]string{"p": perfProbe})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems() {
		t.Error(p)
	}
	if ids, want := res.ChartIDs(), []string{PerfSettledID, PerfEscalationID, PerfTrendID}; !slices.Equal(ids, want) {
		t.Errorf("charts %v, want %v", ids, want)
	}
	var p struct {
		Weak []string `json:"weak"`
		Text string   `json:"text"`
	}
	if err := json.Unmarshal(res.Values["p"], &p); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Weak, []string{"Phường Số U05"}) || !strings.Contains(p.Text, "Đơn vị yếu") ||
		!strings.Contains(p.Text, "Tổng quan") {
		t.Errorf("performance page in the report: weak %v, text lacks the Vietnamese page or its navigation:\n%.400s", p.Weak, p.Text)
	}

	d.Audience = AudiencePublic
	pub := t.TempDir()
	if err := WriteReport(pub, d, echartsJS(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(pub, PerformanceFile)); !os.IsNotExist(err) {
		t.Errorf("public report has %s (err %v)", PerformanceFile, err)
	}
	if raw, _ := os.ReadFile(filepath.Join(pub, ReportFile)); strings.Contains(string(raw), PerformanceFile) {
		t.Errorf("public report links to %s", PerformanceFile)
	}
}
