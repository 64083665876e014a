package charts

import (
	"strings"
	"testing"
)

// TestModelPageFlagThreshold: model.html shows the flag threshold of the
// stored model the weekly run uses, says when a model predates the chosen
// threshold, and has no such section without a stored model.
func TestModelPageFlagThreshold(t *testing.T) {
	for _, c := range []struct {
		lang string
		flag *ModelFlag
		want []string
		not  []string
	}{
		{"vi", &ModelFlag{ModelID: "risk-2025-W51-x", FittedWeek: "2025-W51", Threshold: 0.08, Fallback: 0.15},
			[]string{`id="flag-rule"`, "Ngưỡng gắn cờ của lượt chạy hằng tuần", "0,08 (chọn trên khối hiệu chỉnh)",
				"risk-2025-W51-x (2025-W51)"}, []string{"0,15"}},
		{"en", &ModelFlag{ModelID: "risk-2025-W51-x", FittedWeek: "2025-W51", Threshold: 0.1, Fallback: 0.15},
			[]string{"Flag threshold of the weekly run", "0.10 (chosen on the calibration block)"}, nil},
		{"vi", &ModelFlag{ModelID: "risk-old", FittedWeek: "2025-W40", Fallback: 0.15},
			[]string{"0,15 (cố định: mô hình lưu trước khi có ngưỡng tự chọn)", "risk-old (2025-W40)"}, []string{"(chọn trên khối hiệu chỉnh)"}},
		{"vi", nil, nil, []string{`id="flag-rule"`, "Ngưỡng gắn cờ"}},
	} {
		d := fixture(t)
		d.Lang = c.lang
		d.Model = modelFixture()
		d.Model.Flag = c.flag
		s := readPage(t, writeFolder(t, d), ModelFile)
		for _, w := range c.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s %+v: model.html lacks %q", c.lang, c.flag, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(s, w) {
				t.Errorf("%s %+v: model.html has %q", c.lang, c.flag, w)
			}
		}
	}
}
