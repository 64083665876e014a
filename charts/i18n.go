package charts

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/canhbao/canhbao/models"
)

// locale holds the words and number conventions of one report language.
// Every string here is plain text: the page template escapes it.
type locale struct {
	Lang     string
	decimal  string // decimal separator
	thousand string // thousands separator

	TitleFmt      string // week, first day, last day
	RunID         string
	Headline      string
	CasesWindow   string // %d weeks
	ExpectedTotal string
	SeriousWindow string // %d weeks
	FlaggedUnits  string
	FlaggedOf     string // %s of %s units
	MapHeading    string
	MapNote       string
	MapSeries     string
	MapHigh       string
	MapLow        string
	TableHeading  string
	TableNone     string
	TrendHeading  string
	TrendCases    string
	TrendSerious  string
	TrendAxis     string
	GeneratedAt   string
	MethodNote    string // %d weeks
	NoData        string
	Flagged       string
	NotFlagged    string

	Tiers map[models.Tier]string
	P     *pageWords // words of the pages beyond the overview (i18n_pages.go)

	ColRank, ColTier, ColUnit, ColScore, ColObserved, ColExpected, ColRatio, ColSerious, ColQ, ColReasons string

	TipObserved string // observed, expected, ratio, weeks
	TipP        string // p, q
	TipScore    string // score, flagged word
	TipSerious  string // serious, share

	ReasonExcess     string // ratio, weeks, observed, expected
	ReasonSerious    string // share, serious, base
	ReasonTrend      string
	ReasonNeighbours string
	ReasonOther      string // code
	SeriousCell      string // serious, share
}

var locales = map[string]*locale{
	"vi": {
		Lang: "vi", decimal: ",", thousand: ".", P: &viPages,
		TitleFmt:      "Báo cáo cảnh báo sớm tranh chấp — tuần %s (%s – %s)",
		RunID:         "Mã lượt chạy",
		Headline:      "Số liệu chính",
		CasesWindow:   "Số vụ trong %d tuần",
		ExpectedTotal: "Số vụ dự kiến",
		SeriousWindow: "Vụ nghiêm trọng trong %d tuần",
		FlaggedUnits:  "Đơn vị bị cảnh báo",
		Tiers: map[models.Tier]string{models.TierHigh: "Cao", models.TierElevated: "Tăng",
			models.TierWatch: "Theo dõi", models.TierNone: "Không"},
		ColTier:      "Mức",
		FlaggedOf:    "%s / %s đơn vị",
		MapHeading:   "Bản đồ mức cảnh báo theo xã, phường",
		MapNote:      "Màu theo mức cảnh báo (càng đậm càng đáng lo ngại); viền đen: đơn vị bị cảnh báo; màu xám: không có dữ liệu. Di chuột lên đơn vị để xem số liệu và lý do chính; bấm tên trong danh sách để xem trang của đơn vị.",
		MapSeries:    "Điểm cảnh báo",
		MapHigh:      "Cao",
		MapLow:       "Thấp",
		TableHeading: "Đơn vị bị cảnh báo, xếp theo điểm",
		TableNone:    "Không có đơn vị nào bị cảnh báo trong tuần này.",
		TrendHeading: "Xu hướng toàn thành phố theo tuần",
		TrendCases:   "Số vụ",
		TrendSerious: "Vụ nghiêm trọng",
		TrendAxis:    "Số vụ / tuần",
		GeneratedAt:  "Thời điểm tạo báo cáo",
		MethodNote:   "Số vụ và số dự kiến tính trong %d tuần kết thúc ở tuần báo cáo. Giá trị q là giá trị p đã hiệu chỉnh Benjamini–Hochberg trên tất cả các đơn vị. Vụ nghiêm trọng: hòa giải không thành, có nguy cơ bạo lực, dấu hiệu tội phạm hoặc chuyển công an, tòa án.",
		NoData:       "Không có dữ liệu",
		Flagged:      "bị cảnh báo",
		NotFlagged:   "không bị cảnh báo",
		ColRank:      "#", ColUnit: "Đơn vị", ColScore: "Điểm", ColObserved: "Số vụ", ColExpected: "Dự kiến",
		ColRatio: "Gấp (lần)", ColSerious: "Vụ nghiêm trọng (tỷ lệ)", ColQ: "Giá trị q", ColReasons: "Lý do cảnh báo",
		TipObserved:      "Số vụ: %s, dự kiến %s (gấp %s lần) trong %d tuần",
		TipP:             "p = %s · q = %s",
		TipScore:         "Điểm: %s — %s",
		TipSerious:       "Vụ nghiêm trọng: %s (%s)",
		ReasonExcess:     "Số vụ gấp %s lần dự kiến trong %d tuần (%s vụ so với %s dự kiến)",
		ReasonSerious:    "Tỷ lệ vụ nghiêm trọng %s (%s vụ), cao hơn mức thường lệ %s",
		ReasonTrend:      "Số vụ tăng liên tục trong các tuần gần đây",
		ReasonNeighbours: "Các xã, phường lân cận cũng tăng (cụm điểm nóng)",
		ReasonOther:      "Lý do khác: %s",
		SeriousCell:      "%s (%s)",
	},
	"en": {
		Lang: "en", decimal: ".", thousand: ",", P: &enPages,
		TitleFmt:      "Early-warning report on disputes — week %s (%s – %s)",
		RunID:         "Run ID",
		Headline:      "Headline figures",
		CasesWindow:   "Cases in %d weeks",
		ExpectedTotal: "Expected cases",
		SeriousWindow: "Serious cases in %d weeks",
		FlaggedUnits:  "Units flagged",
		Tiers: map[models.Tier]string{models.TierHigh: "High", models.TierElevated: "Elevated",
			models.TierWatch: "Watch", models.TierNone: "None"},
		ColTier:      "Tier",
		FlaggedOf:    "%s of %s units",
		MapHeading:   "Map of warning level by commune and ward",
		MapNote:      "Colour by warning tier (darker is more concerning); black outline: flagged unit; grey: no data. Hover a unit for its numbers and main reason; click a name in the list for its page.",
		MapSeries:    "Escalation score",
		MapHigh:      "High",
		MapLow:       "Low",
		TableHeading: "Flagged units, by score",
		TableNone:    "No unit is flagged this week.",
		TrendHeading: "City-wide weekly trend",
		TrendCases:   "Cases",
		TrendSerious: "Serious cases",
		TrendAxis:    "Cases / week",
		GeneratedAt:  "Report generated at",
		MethodNote:   "Cases and expected cases are counted over the %d weeks ending with the report week. The q-value is the p-value adjusted by Benjamini–Hochberg across all units. Serious cases: not settled, risk of violence, signs of a crime, or referred to police or court.",
		NoData:       "No data",
		Flagged:      "flagged",
		NotFlagged:   "not flagged",
		ColRank:      "#", ColUnit: "Unit", ColScore: "Score", ColObserved: "Cases", ColExpected: "Expected",
		ColRatio: "Ratio", ColSerious: "Serious (share)", ColQ: "q-value", ColReasons: "Why flagged",
		TipObserved:      "Cases: %s, expected %s (ratio %s) over %d weeks",
		TipP:             "p = %s · q = %s",
		TipScore:         "Score: %s — %s",
		TipSerious:       "Serious cases: %s (%s)",
		ReasonExcess:     "Cases %s times the expected level over %d weeks (%s vs %s expected)",
		ReasonSerious:    "Serious share %s (%s cases), above the usual %s",
		ReasonTrend:      "Cases rising steadily over recent weeks",
		ReasonNeighbours: "Neighbouring communes and wards are rising too (hot-spot cluster)",
		ReasonOther:      "Other reason: %s",
		SeriousCell:      "%s (%s)",
	},
}

// localeFor returns the locale of lang ("" means Vietnamese).
func localeFor(lang string) (*locale, error) {
	if lang == "" {
		lang = "vi"
	}
	l, ok := locales[lang]
	if !ok {
		return nil, fmt.Errorf("charts: language %q not supported (want \"vi\" or \"en\")", lang)
	}
	return l, nil
}

// num formats v with dec decimals and the locale's separators.
func (l *locale) num(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(l.thousand)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(l.decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// count formats a (possibly apportioned, hence fractional) case count: no
// decimals when whole, one otherwise.
func (l *locale) count(v float64) string {
	if v == math.Trunc(v) {
		return l.num(v, 0)
	}
	return l.num(v, 1)
}

// pct formats a share in [0, 1] as a percentage.
func (l *locale) pct(v float64) string { return l.num(100*v, 0) + "%" }

// prob formats a p- or q-value.
func (l *locale) prob(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 0.001:
		return "< " + l.num(0.001, 3)
	case v < 0.01:
		return l.num(v, 4)
	default:
		return l.num(v, 3)
	}
}

// date formats a calendar day: dd/mm/yyyy in Vietnamese, "2 Jan 2006" in English.
func (l *locale) date(t time.Time) string {
	if l.Lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// title is the page title and main heading.
func (l *locale) title(w models.Week) string {
	return fmt.Sprintf(l.TitleFmt, w.String(), l.date(w.Monday()), l.date(w.Sunday()))
}

// reason turns a machine reason code into a sentence with the numbers behind it.
func (l *locale) reason(code string, ind *models.Indicator, window int, r *renderer) string {
	switch code {
	case "excess":
		return fmt.Sprintf(l.ReasonExcess, l.num(ind.Ratio, 1), window, r.cnt(ind.Observed), l.num(ind.Expected, 1))
	case "serious":
		return fmt.Sprintf(l.ReasonSerious, l.pct(ind.SeriousShare), r.cnt(ind.Serious), l.pct(ind.SeriousBase))
	case "trend":
		return l.ReasonTrend
	case "neighbours":
		return l.ReasonNeighbours
	default:
		return fmt.Sprintf(l.ReasonOther, code)
	}
}
