package charts

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/canhbao/canhbao/internal/browsercheck"
)

// pageProbe runs in the report after the charts rendered: the registered
// map, the regions of the map series (echarts adds a data item for every
// region left without data, so a join that misses would show extra names),
// the tooltip of the hostile unit, and any <img> that escaped escaping.
const pageProbe = `(function () {
  var m = echarts.getMap("canhbao-units");
  var chart = echarts.getInstanceByDom(document.getElementById("canhbao-map"));
  var data = chart.getModel().getSeriesByIndex(0).getData();
  var names = [], values = {};
  for (var i = 0; i < data.count(); i++) {
    names.push(data.getName(i));
    values[data.getName(i)] = data.get("value", i);
  }
  chart.dispatchAction({type: "showTip", seriesIndex: 0, name: "00008"});
  var tip = "";
  document.querySelectorAll("#canhbao-map div").forEach(function (d) {
    if (d.innerText && d.innerText.indexOf("00008") >= 0) { tip = d.innerText; }
  });
  return {
    features: (m.geoJSON || m.geoJson).features.length,
    names: names.sort(),
    values: values,
    tip: tip,
    images: document.images.length,
    trendSeries: echarts.getInstanceByDom(document.getElementById("canhbao-trend")).getOption().series.length
  };
})()`

type probe struct {
	Features    int                 `json:"features"`
	Names       []string            `json:"names"`
	Values      map[string]*float64 `json:"values"`
	Tip         string              `json:"tip"`
	Images      int                 `json:"images"`
	TrendSeries int                 `json:"trendSeries"`
}

func TestReportInBrowser(t *testing.T) {
	if _, err := browsercheck.ChromiumPath(); err != nil {
		t.Fatalf("%v (CI installs the Debian package chromium)", err)
	}
	d := fixture(t)
	dir := t.TempDir()
	if err := WriteReport(dir, d, echartsJS(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := browsercheck.CheckEval(ctx, filepath.Join(dir, ReportFile), 30*time.Second,
		map[string]string{"probe": pageProbe})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.ConsoleErrors {
		t.Errorf("console error: %s", e)
	}
	for _, e := range res.Exceptions {
		t.Errorf("exception: %s", e)
	}
	for _, u := range res.ExternalRequests {
		t.Errorf("external request: %s", u)
	}
	for _, a := range res.Alerts {
		t.Errorf("dialog opened: %s", a)
	}
	for _, u := range res.Requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("request other than the page itself: %s", u)
		}
	}
	if !strings.HasPrefix(res.Title, "Báo cáo cảnh báo sớm tranh chấp — tuần 2026-W47") {
		t.Errorf("title %q", res.Title)
	}
	var ids []string
	for _, c := range res.Canvases {
		ids = append(ids, c.ChartID)
		if c.Width == 0 || c.Height == 0 {
			t.Errorf("chart %s has no canvas (%dx%d)", c.ChartID, c.Width, c.Height)
		}
	}
	if !slices.Equal(ids, []string{MapChartID, TrendChartID}) {
		t.Errorf("chart containers %v, want [%s %s]", ids, MapChartID, TrendChartID)
	}

	var p probe
	if err := json.Unmarshal(res.Values["probe"], &p); err != nil {
		t.Fatalf("probe %s: %v", res.Values["probe"], err)
	}
	t.Logf("probe: %+v", p)
	if p.Features != len(d.Units) {
		t.Errorf("registered map has %d features, want %d (one per unit)", p.Features, len(d.Units))
	}
	if want := []string{"00004", "00008", "00025"}; !slices.Equal(p.Names, want) {
		t.Errorf("map regions %v, want %v (joined on properties.code)", p.Names, want)
	}
	if v := p.Values["00004"]; v == nil || *v != 6.2 {
		t.Errorf("score of 00004 on the map: %v, want 6.2", v)
	}
	if !strings.Contains(p.Tip, "<img src=x onerror=alert(1)>") || !strings.Contains(p.Tip, "p = 0,012") {
		t.Errorf("tooltip of 00008 should show the hostile name as text and the numbers, got %q", p.Tip)
	}
	if p.Images != 0 {
		t.Errorf("%d <img> elements in the page: a name was not escaped", p.Images)
	}
	if p.TrendSeries != 2 {
		t.Errorf("trend chart has %d series, want 2", p.TrendSeries)
	}
}

// TestPagesInBrowser opens one page of each other type (locality page of
// the hostile-named unit, trends, data quality) in headless Chromium.
func TestPagesInBrowser(t *testing.T) {
	d := fixture(t)
	dir := t.TempDir()
	if err := WriteReport(dir, d, echartsJS(t)); err != nil {
		t.Fatal(err)
	}
	for page, charts := range map[string][]string{
		"units/00008.html": {UnitCountsID, UnitCategoryID, UnitSeverityID, UnitNeighboursID},
		TrendsFile:         {CatCityID, SettledDistrictID, SettledUnitID, HeatMapID},
		QualityFile:        {QualityOutcomeID},
	} {
		t.Run(page, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res, err := browsercheck.CheckEval(ctx, filepath.Join(dir, filepath.FromSlash(page)), 30*time.Second,
				map[string]string{"images": `document.images.length`})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Problems() {
				t.Error(p)
			}
			ids := res.ChartIDs()
			if !slices.Equal(ids, charts) {
				t.Errorf("charts %v, want %v", ids, charts)
			}
			if string(res.Values["images"]) != "0" {
				t.Errorf("%s <img> elements: a name was not escaped", res.Values["images"])
			}
		})
	}
}
