package charts

import (
	"strings"
	"testing"

	"github.com/canhbao/canhbao/models"
)

// TestDriverSentences: the risk model's count drivers (marked cases, tension
// in the summaries, the neighbours' marked cases) have sentences of their
// own with their numbers, in Vietnamese and English, not the generic
// "code: value" one.
func TestDriverSentences(t *testing.T) {
	for _, c := range []struct {
		lang string
		d    models.Driver
		want string
	}{
		{"vi", models.Driver{Code: "tension", Value: 3, Baseline: 0.4, Weeks: 2}, "3 vụ có dấu hiệu căng thẳng"},
		{"en", models.Driver{Code: "tension", Value: 3, Baseline: 0.4, Weeks: 2}, "3 cases describing tension"},
		{"vi", models.Driver{Code: "neighbours_marked", Value: 5, Baseline: 1.2, Weeks: 3},
			"Các xã, phường lân cận: 5 vụ có dấu hiệu nghiêm trọng khi tiếp nhận so với 1,2 dự kiến trong 3 tuần"},
		{"en", models.Driver{Code: "neighbours_marked", Value: 5, Baseline: 1.2, Weeks: 3},
			"Neighbouring units: 5 cases with marks at intake vs 1.2 expected over 3 weeks"},
		{"vi", models.Driver{Code: "marked", Value: 2, Baseline: 0.1, Weeks: 2}, "2 vụ có dấu hiệu nghiêm trọng khi tiếp nhận"},
		{"en", models.Driver{Code: "marked", Value: 2, Baseline: 0.1, Weeks: 2}, "2 cases with marks at intake"},
	} {
		l, err := localeFor(c.lang)
		if err != nil {
			t.Fatal(err)
		}
		r := newRenderer(&ReportData{Lang: c.lang}, l)
		if got := l.driver(c.d, r); !strings.Contains(got, c.want) || strings.Contains(got, c.d.Code+":") {
			t.Errorf("%s %s: %q, want it to contain %q", c.lang, c.d.Code, got, c.want)
		}
	}
}
