package charts

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/internal/browsercheck"
)

// hotspotFixture is the report fixture with spatial results: a persistent
// hot spot, the hostile-named unit a new hot spot, and a unit the run could
// not classify.
func hotspotFixture(t *testing.T) *ReportData {
	d := fixture(t)
	nan := math.NaN()
	d.Hotspots = []HotspotRow{
		{Code: "00004", Class: "persistent hot spot", GiZ: 3.1, GiQ: 0.004, MoranI: 0.9, MoranQ: 0.03, Quadrant: "High-High", MKTau: 0.12, MKP: 0.4},
		{Code: "00008", Class: "new hot spot", GiZ: 2.6, GiQ: 0.02, MoranI: 0.4, MoranQ: 0.2, Quadrant: "High-High", MKTau: 0.31, MKP: 0.03},
		{Code: "00025", Class: "", GiZ: nan, GiQ: nan, MoranI: nan, MoranQ: nan, MKTau: nan, MKP: nan},
	}
	return d
}

// Every class analysis can produce has a colour, a name and an explanation
// in both languages, and the colours differ.
func TestHotspotClassesComplete(t *testing.T) {
	colours := map[string]string{}
	for c := analysis.NoPattern; c <= analysis.HistoricalCold; c++ {
		hc := hotspotClassOf(c.String())
		if hc == nil {
			t.Errorf("class %q has no legend entry", c)
			continue
		}
		for _, lang := range []string{"vi", "en"} {
			if hc.Name[lang] == "" || hc.Means[lang] == "" {
				t.Errorf("class %q lacks %s text", c, lang)
			}
		}
		if o, dup := colours[hc.Colour]; dup {
			t.Errorf("classes %q and %q share colour %s", o, c, hc.Colour)
		}
		colours[hc.Colour] = c.String()
	}
	if len(hotspotClasses) != int(analysis.HistoricalCold)+1 {
		t.Errorf("%d legend entries, want %d", len(hotspotClasses), int(analysis.HistoricalCold)+1)
	}
}

func TestHotspotsPage(t *testing.T) {
	d := hotspotFixture(t)
	dir := writeFolder(t, d)
	s := readPage(t, dir, HotspotsFile)
	for _, want := range []string{`id="hotspot-map"`, "Chú giải các mẫu hình", "Điểm nóng dai dẳng", "Điểm lạnh dao động",
		"Không có mẫu hình", "Chưa đủ lịch sử để phân loại", `<a href="hotspots.html" class="current">`} {
		if !strings.Contains(s, want) {
			t.Errorf("hotspots.html lacks %q", want)
		}
	}
	if strings.Contains(s, maliciousName) {
		t.Error("hotspots.html contains the hostile name unescaped")
	}
	if idx := readPage(t, dir, ReportFile); !strings.Contains(idx, `<a href="hotspots.html">Điểm nóng</a>`) {
		t.Error("overview navigation has no link to hotspots.html")
	}
	u8 := readPage(t, dir, "units/00008.html")
	for _, want := range []string{`<section id="hotspot">`, "Điểm nóng mới", "Cao–Cao", "Lần đầu tiên là điểm nóng"} {
		if !strings.Contains(u8, want) {
			t.Errorf("units/00008.html lacks %q", want)
		}
	}
	// English variant.
	d.Lang = "en"
	en := readPage(t, writeFolder(t, d), HotspotsFile)
	for _, want := range []string{"What each pattern means", "Intensifying cold spot", "Too little history to classify"} {
		if !strings.Contains(en, want) {
			t.Errorf("English hotspots.html lacks %q", want)
		}
	}
	// Without spatial results there is no page and no link.
	d = fixture(t)
	dir = writeFolder(t, d)
	if _, err := os.Stat(filepath.Join(dir, HotspotsFile)); !os.IsNotExist(err) {
		t.Error("hotspots.html written without spatial results")
	}
}

// TestHotspotOptionGolden pins the option JSON of the hot-spot map. Run
// `go test ./charts -run HotspotOptionGolden -update` after an intended change.
func TestHotspotOptionGolden(t *testing.T) {
	d := hotspotFixture(t)
	l, _ := localeFor("vi")
	raw, err := optionJSON(newRenderer(d, l).hotspotMap())
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := json.Indent(&got, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	got.WriteByte('\n')
	path := filepath.Join("testdata", "hotspot_map_option.golden")
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
		t.Errorf("hot-spot map option differs from %s (run with -update if intended)", path)
	}
}

// hotspotProbe reads the rendered map: registered features, region names
// and their colours, and the tooltip of the hostile-named unit.
const hotspotProbe = `(function () {
  var m = echarts.getMap("canhbao-units");
  var chart = echarts.getInstanceByDom(document.getElementById("hotspot-map"));
  var data = chart.getModel().getSeriesByIndex(0).getData();
  var names = [], colours = {};
  for (var i = 0; i < data.count(); i++) {
    names.push(data.getName(i));
    colours[data.getName(i)] = data.getItemModel(i).get(["itemStyle", "areaColor"]) || "";
  }
  chart.dispatchAction({type: "showTip", seriesIndex: 0, name: "00008"});
  var tip = "";
  document.querySelectorAll("#hotspot-map div").forEach(function (d) {
    if (d.innerText && d.innerText.indexOf("00008") >= 0) { tip = d.innerText; }
  });
  return {features: (m.geoJSON || m.geoJson).features.length, names: names.sort(), colours: colours, tip: tip,
    images: document.images.length};
})()`

func TestHotspotsInBrowser(t *testing.T) {
	if _, err := browsercheck.ChromiumPath(); err != nil {
		t.Fatalf("%v (CI installs the Debian package chromium)", err)
	}
	d := hotspotFixture(t)
	dir := t.TempDir()
	if err := WriteReport(dir, d, echartsJS(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := browsercheck.CheckEval(ctx, filepath.Join(dir, HotspotsFile), 30*time.Second,
		map[string]string{"probe": hotspotProbe})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems() {
		t.Error(p)
	}
	ids := res.ChartIDs()
	if !slices.Equal(ids, []string{HotspotMapID}) {
		t.Errorf("charts %v, want [%s]", ids, HotspotMapID)
	}
	var p struct {
		Features int               `json:"features"`
		Names    []string          `json:"names"`
		Colours  map[string]string `json:"colours"`
		Tip      string            `json:"tip"`
		Images   int               `json:"images"`
	}
	if err := json.Unmarshal(res.Values["probe"], &p); err != nil {
		t.Fatalf("probe %s: %v", res.Values["probe"], err)
	}
	if p.Features != len(d.Units) || !slices.Equal(p.Names, []string{"00004", "00008", "00025"}) {
		t.Errorf("map: %d features, regions %v; want one region per unit", p.Features, p.Names)
	}
	if c := p.Colours["00004"]; !strings.EqualFold(c, hotspotClassOf("persistent hot spot").Colour) {
		t.Errorf("00004 drawn in %q, want the persistent-hot-spot colour", c)
	}
	if c := p.Colours["00025"]; !strings.EqualFold(c, noDataColour) {
		t.Errorf("unclassified 00025 drawn in %q, want %s", c, noDataColour)
	}
	if !strings.Contains(p.Tip, maliciousName) || !strings.Contains(p.Tip, "Điểm nóng mới") {
		t.Errorf("tooltip of 00008 should show the hostile name as text and the class, got %q", p.Tip)
	}
	if p.Images != 0 {
		t.Errorf("%d <img> elements: a name was not escaped", p.Images)
	}
}
