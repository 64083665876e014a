package charts

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// boundFixture gives unit 00004 (row 0) of the fixture panel EARS C3 bounds
// on its last 5 weeks, one of them NaN (no bound stored) and the last over
// the bound.
func boundFixture(t *testing.T) *ReportData {
	d := fixture(t)
	p := d.Panel
	T := p.Weeks()
	p.Bound = make([][]float64, len(p.Units))
	p.BoundAlarm = make([][]bool, len(p.Units))
	p.BoundDetector = make([]string, len(p.Units))
	p.Bound[0] = make([]float64, T)
	p.BoundAlarm[0] = make([]bool, T)
	for c := range p.Bound[0] {
		p.Bound[0][c] = math.NaN()
	}
	for c, b := range []float64{4.123, 5, math.NaN(), 2.5, 1.25} {
		p.Bound[0][T-5+c] = b
	}
	p.BoundAlarm[0][T-1] = true
	p.BoundDetector[0] = "ears-c3"
	return d
}

// boundSeries reads a series of the weekly chart; the bound line's data are
// bare numbers, the others' {"value": x} objects.
type boundSeries struct {
	Name, Step string
	Data       []json.RawMessage
}

// values reads bare numbers and {"value": x} alike, nil for null and {}.
func (s boundSeries) values(t *testing.T) []*float64 {
	t.Helper()
	out := make([]*float64, len(s.Data))
	for i, raw := range s.Data {
		var v *float64
		if err := json.Unmarshal(raw, &v); err != nil {
			var o struct{ Value *float64 }
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Fatalf("%s data %d: %s", s.Name, i, raw)
			}
			v = o.Value
		}
		out[i] = v
	}
	return out
}

func countsSeries(t *testing.T, d *ReportData, row int) []boundSeries {
	t.Helper()
	l, _ := localeFor(d.Lang)
	r := newRenderer(d, l)
	first, last, ok := r.span()
	if !ok {
		t.Fatal("no span")
	}
	raw, err := optionJSON(r.countsChart(d.Units[row], row, first, last))
	if err != nil {
		t.Fatal(err)
	}
	var opt struct{ Series []boundSeries }
	if err := json.Unmarshal(raw, &opt); err != nil {
		t.Fatal(err)
	}
	return opt.Series
}

// TestUnitBoundLine draws the stored bound on the weekly chart, labelled in
// Vietnamese and English, with the weeks over it marked at their count;
// units without bounds and public pages get neither series.
func TestUnitBoundLine(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		d := boundFixture(t)
		d.Lang = lang
		want := map[string]string{"vi": "Ngưỡng cảnh báo (EARS C3)", "en": "Alarm threshold (EARS C3)"}[lang]
		over := map[string]string{"vi": "Vượt ngưỡng cảnh báo", "en": "Over the alarm threshold"}[lang]
		var b, o *boundSeries
		ss := countsSeries(t, d, 0)
		for i := range ss {
			switch ss[i].Name {
			case want:
				b = &ss[i]
			case over:
				o = &ss[i]
			}
		}
		if b == nil || o == nil {
			t.Fatalf("%s: series %q and %q not both drawn: %+v", lang, want, over, ss)
		}
		n := len(b.Data)
		if n != unitWeeks || len(o.Data) != n || b.Step != "middle" {
			t.Fatalf("%s: %d bound points, %d markers, step %q", lang, n, len(o.Data), b.Step)
		}
		bv, ov := b.values(t), o.values(t)
		if !strings.HasPrefix(string(b.Data[n-1]), "1.25") {
			t.Errorf("%s: bound data %s, want bare numbers", lang, b.Data[n-1])
		}
		for k, w := range []float64{4.12, 5, math.NaN(), 2.5, 1.25} {
			g := bv[n-5+k]
			if math.IsNaN(w) != (g == nil) || g != nil && *g != w {
				t.Errorf("%s: bound of week %d = %v, want %v", lang, k, g, w)
			}
		}
		if bv[0] != nil {
			t.Errorf("%s: a bound drawn where none was stored", lang)
		}
		cnt := d.Panel.Counts[0][d.Panel.Weeks()-1]
		for k, v := range ov {
			if (k == n-1) != (v != nil) || v != nil && *v != cnt {
				t.Errorf("%s: over-bound marker %d = %v (count %v)", lang, k, v, cnt)
			}
		}
		l, _ := localeFor(lang)
		r := newRenderer(d, l)
		if note := r.boundNote(0, UnitCountsID); !strings.Contains(note, "EARS C3") || r.boundNote(1, UnitCountsID) != "" ||
			r.boundNote(0, UnitCategoryID) != "" {
			t.Errorf("%s: notes %q / %q", lang, note, r.boundNote(1, UnitCountsID))
		}
	}
	// Without a week over the bound, the line but no marker series.
	d := boundFixture(t)
	d.Panel.BoundAlarm[0][d.Panel.Weeks()-1] = false
	var names []string
	for _, s := range countsSeries(t, d, 0) {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, "|"); !strings.Contains(got, "Ngưỡng cảnh báo (EARS C3)") || strings.Contains(got, "Vượt") {
		t.Errorf("no week over the bound: series %s", got)
	}
	// Unit 00008 has no bounds; the public audience sees none.
	d = boundFixture(t)
	for _, s := range countsSeries(t, d, 1) {
		if strings.HasPrefix(s.Name, "Ngưỡng") || strings.HasPrefix(s.Name, "Vượt") {
			t.Errorf("unit without bounds: series %q", s.Name)
		}
	}
	d.Audience = AudiencePublic
	for _, s := range countsSeries(t, d, 0) {
		if strings.HasPrefix(s.Name, "Ngưỡng") || strings.HasPrefix(s.Name, "Vượt") {
			t.Errorf("public page: series %q", s.Name)
		}
	}
}
