package charts

import (
	"fmt"

	"github.com/canhbao/canhbao/models"
)

// pageWords are the words of the navigation, the overview's additions, the
// locality, trends and quality pages. Plain text: the template escapes it.
type pageWords struct {
	NavOverview, NavTrends, NavQuality string
	Warnings, PublicNote               string

	ClearedHeading, CasesWeek, VsLastYear, VsLastYearNone string
	SettledShare, SettledOf, ChangeCounts, NoPrevious     string
	ColChange, ColProbability                             string
	Changes                                               map[models.Change]string
	MapTitle, MapSubtitle, TipProbability, TipDriver      string

	DriverExcess, DriverSerious, DriverViolence, DriverNeighbours, DriverSubtopic, DriverOther string
	// counts of cases with marks known at intake, of cases whose summary
	// describes tension, and of the neighbours' marked cases (risk model
	// codes "marked", "tension", "neighbours_marked"): count, expected, weeks
	DriverMarked, DriverTension, DriverNbMarked string

	Categories, Subtopics, Outcomes map[string]string

	UnitTitle, UnitLeadFlagged, UnitLeadNot                                            string
	CountsHeading, CountsTitle, CountsSub                                              string
	SeriesWeekly, SeriesWindow, SeriesExpected, SeriesAlarm                            string
	CategoryHeading, CategoryTitle, CategorySub                                        string
	SubtopicHeading, ColSubtopic, ColWindow, ColBaseline, SubtopicNone                 string
	SeverityHeading, SeverityTitle, SeriesViolence, SeriesCrime, SeriesReferred        string
	NeighboursHeading, NeighboursTitle, SeriesUnit, SeriesNeighbours, NeighboursNone   string
	DriversHeading, DriversNone                                                        string
	CasesHeading, CasesNote, CasesPublic, CasesNone                                    string
	ColCase, ColReceived, ColCategory, ColOutcome, ColDaysOpen, ColSignals, ColVillage string
	SignalViolence, SignalCrime, SignalReferred, SignalApportioned                     string
	Weeks                                                                              string // %d weeks

	TrendsTitle, CatCityHeading, CatCityTitle                                                                  string
	SettledDistrictHeading, SettledDistrictTitle, SettledUnitHeading, SettledUnitTitle, SettledAxis, Threshold string
	HeatHeading, HeatTitle, HeatNote                                                                           string

	QualityTitle, BatchesHeading, BatchesNote, BatchesNone                    string
	ColFile, ColFinished, ColRead, ColLoaded, ColUpdated, ColDuplicate        string
	ColQuarantined, ColIgnored                                                string
	OutcomeHeading, OutcomeTitle                                              string
	QuarantineHeading, ColField, ColReason, ColRows, QuarantineNone           string
	SilentHeading, SilentNote, ColLastCase, ColWeeksSilent, SilentNone, Never string
	LateHeading, LateNote, ColLate, ColMaxDays, LateNone                      string
}

var viPages = pageWords{
	NavOverview: "Tổng quan", NavTrends: "Xu hướng", NavQuality: "Chất lượng dữ liệu",
	Warnings:   "Cảnh báo về dữ liệu của báo cáo này:",
	PublicNote: "Bản công khai: không có danh sách vụ việc; số dưới 3 được ghi là “<3”.",

	ClearedHeading: "Đơn vị hết cảnh báo so với tuần trước",
	CasesWeek:      "Số vụ trong tuần",
	VsLastYear:     "cùng kỳ năm trước: %s (%s)",
	VsLastYearNone: "cùng kỳ năm trước: %s",
	SettledShare:   "Tỷ lệ hòa giải thành (%d tuần)",
	SettledOf:      "%s / %s vụ đã kết thúc",
	ChangeCounts:   "mới %d · tiếp diễn %d · hết cảnh báo %d",
	NoPrevious:     "chưa có lượt chạy tuần trước để so sánh",
	ColChange:      "Thay đổi", ColProbability: "Xác suất",
	Changes: map[models.Change]string{models.ChangeNew: "mới", models.ChangePersisting: "tiếp diễn",
		models.ChangeEscalated: "tăng mức", models.ChangeCleared: "hết cảnh báo", models.ChangeNone: "–"},
	MapTitle:       "Mức cảnh báo theo xã, phường — tuần %s",
	MapSubtitle:    "Phương pháp: mô hình nhị thức âm gộp, cửa sổ %d tuần, FDR Benjamini–Hochberg",
	TipProbability: "Xác suất leo thang: %s",
	TipDriver:      "Lý do chính: %s",

	DriverExcess:     "Số vụ %s so với %s dự kiến trong %d tuần",
	DriverSerious:    "Tỷ lệ vụ nghiêm trọng %s so với mức thường lệ %s trong %d tuần",
	DriverViolence:   "Vụ có nguy cơ bạo lực: %s so với %s dự kiến trong %d tuần",
	DriverNeighbours: "Các xã, phường lân cận: gấp %s lần dự kiến trong %d tuần",
	DriverSubtopic:   "Tranh chấp %s: %s vụ so với %s dự kiến trong %d tuần",
	DriverOther:      "%s: %s (mức thường lệ %s, %d tuần)",
	DriverMarked:     "%s vụ có dấu hiệu nghiêm trọng khi tiếp nhận (các bên tái tranh chấp, nguy cơ bạo lực, dấu hiệu tội phạm) so với %s dự kiến trong %d tuần",
	DriverTension:    "%s vụ có dấu hiệu căng thẳng (đe dọa, to tiếng, xô xát, mâu thuẫn tái diễn) so với %s dự kiến trong %d tuần",
	DriverNbMarked:   "Các xã, phường lân cận: %s vụ có dấu hiệu nghiêm trọng khi tiếp nhận so với %s dự kiến trong %d tuần",

	Categories: map[string]string{"civil": "Dân sự", "family": "Hôn nhân và gia đình", "other": "Khác"},
	Subtopics: map[string]string{"land": "đất đai", "boundary": "ranh giới", "inheritance": "thừa kế", "debt": "vay nợ",
		"spouse": "vợ chồng", "domestic": "bạo lực gia đình", "neighbour": "hàng xóm", "noise": "tiếng ồn",
		"construction": "xây dựng", "environment": "môi trường", "minor_violation": "vi phạm nhỏ", "other": "khác"},
	Outcomes: map[string]string{"settled": "thành", "not_settled": "không thành", "in_progress": "đang hòa giải"},

	UnitTitle:       "%s (%s) — tuần %s",
	UnitLeadFlagged: "Bị cảnh báo, mức %s.",
	UnitLeadNot:     "Không bị cảnh báo tuần này (mức: %s).",
	CountsHeading:   "Số vụ theo tuần và mức dự kiến",
	CountsTitle:     "%s: số vụ theo tuần, %s – %s",
	CountsSub:       "Cột: số vụ mỗi tuần; đường: số vụ và số dự kiến trong %d tuần (mô hình nhị thức âm, tính lại cho từng tuần); chấm đỏ: tuần bị cảnh báo",
	SeriesWeekly:    "Số vụ trong tuần", SeriesWindow: "Số vụ %d tuần", SeriesExpected: "Dự kiến %d tuần", SeriesAlarm: "Cảnh báo",
	CategoryHeading: "Cơ cấu loại vụ việc theo tuần",
	CategoryTitle:   "%s: số vụ theo loại, %s – %s",
	CategorySub:     "Ba nhóm vụ việc chính thức; đếm theo ngày nhận",
	SubtopicHeading: "Nội dung tranh chấp: %d tuần gần nhất so với mức thường lệ",
	ColSubtopic:     "Nội dung", ColWindow: "Số vụ", ColBaseline: "Mức thường lệ (trung bình năm trước)",
	SubtopicNone:    "Không có vụ việc trong giai đoạn này.",
	SeverityHeading: "Dấu hiệu nghiêm trọng theo tuần",
	SeverityTitle:   "%s: vụ có dấu hiệu nghiêm trọng, %s – %s",
	SeriesViolence:  "Nguy cơ bạo lực", SeriesCrime: "Dấu hiệu tội phạm", SeriesReferred: "Chuyển công an, tòa án",
	NeighboursHeading: "So sánh với các xã, phường lân cận",
	NeighboursTitle:   "%s và lân cận: số vụ theo tuần, %s – %s",
	SeriesUnit:        "Đơn vị này", SeriesNeighbours: "Trung bình %d đơn vị lân cận",
	NeighboursNone: "Không có thông tin về đơn vị lân cận.",
	DriversHeading: "Lý do cảnh báo",
	DriversNone:    "Không có lý do cảnh báo tuần này.",
	CasesHeading:   "Các vụ việc trong %d tuần cảnh báo",
	CasesNote:      "Mã vụ là mã bí danh (băm), không có họ tên, tuổi, địa chỉ hay nội dung vụ việc.",
	CasesPublic:    "Danh sách vụ việc không có trong bản công khai.",
	CasesNone:      "Không có vụ việc nào trong giai đoạn này.",
	ColCase:        "Mã bí danh", ColReceived: "Ngày nhận", ColCategory: "Loại", ColOutcome: "Kết quả",
	ColDaysOpen: "Số ngày", ColSignals: "Dấu hiệu", ColVillage: "Thôn, tổ dân phố",
	SignalViolence: "nguy cơ bạo lực", SignalCrime: "dấu hiệu tội phạm", SignalReferred: "chuyển %s", SignalApportioned: "phân bổ từ đơn vị cũ",
	Weeks: "%d tuần",

	TrendsTitle:            "Xu hướng toàn thành phố — đến tuần %s",
	CatCityHeading:         "Số vụ theo loại trên toàn thành phố",
	CatCityTitle:           "Toàn thành phố: số vụ theo loại mỗi tuần, %s – %s",
	SettledDistrictHeading: "Tỷ lệ hòa giải thành theo quận, huyện cũ",
	SettledDistrictTitle:   "Tỷ lệ hòa giải thành theo quận, huyện cũ, %d tuần đến %s",
	SettledUnitHeading:     "Tỷ lệ hòa giải thành theo xã, phường",
	SettledUnitTitle:       "Tỷ lệ hòa giải thành theo xã, phường, %d tuần đến %s",
	SettledAxis:            "% hòa giải thành",
	Threshold:              "Ngưỡng 80% (“5 tốt”)",
	HeatHeading:            "Bản đồ nhiệt: số vụ so với dự kiến theo tuần",
	HeatTitle:              "Tỷ số số vụ / dự kiến (%d tuần) theo xã, phường, %s – %s",
	HeatNote:               "Mỗi ô: tỷ số giữa số vụ và số dự kiến trong cửa sổ kết thúc ở tuần đó, theo cùng mô hình và thiết lập của lượt chạy; ô trống: chưa tính.",

	QualityTitle:   "Chất lượng dữ liệu — tuần %s",
	BatchesHeading: "Tệp đã nạp trong tuần",
	BatchesNote:    "Các tệp nạp xong trong 7 ngày trước khi tạo báo cáo (từ %s).",
	BatchesNone:    "Không có tệp nào được nạp trong tuần.",
	ColFile:        "Tệp", ColFinished: "Nạp xong", ColRead: "Đọc", ColLoaded: "Nạp mới", ColUpdated: "Cập nhật",
	ColDuplicate: "Trùng", ColQuarantined: "Cách ly", ColIgnored: "Bỏ qua",
	OutcomeHeading:    "Số dòng theo kết quả nạp",
	OutcomeTitle:      "Số dòng theo kết quả nạp, các tệp nạp trong tuần %s",
	QuarantineHeading: "Lý do cách ly",
	ColField:          "Trường", ColReason: "Lý do", ColRows: "Số dòng",
	QuarantineNone: "Không có dòng nào bị cách ly.",
	SilentHeading:  "Đơn vị không có báo cáo",
	SilentNote:     "Đơn vị không có vụ việc nào trong %d tuần trở lên đến tuần báo cáo: có thể là chưa nộp sổ, cũng là một rủi ro.",
	ColLastCase:    "Vụ gần nhất", ColWeeksSilent: "Số tuần không có vụ", SilentNone: "Không có đơn vị nào.", Never: "chưa có",
	LateHeading: "Bản ghi nộp muộn",
	LateNote:    "Bản ghi có ngày nhận sớm hơn %d ngày trở lên so với bản ghi mới nhất của cùng tệp.",
	ColLate:     "Số bản ghi muộn", ColMaxDays: "Muộn nhất (ngày)", LateNone: "Không có bản ghi nộp muộn.",
}

var enPages = pageWords{
	NavOverview: "Overview", NavTrends: "Trends", NavQuality: "Data quality",
	Warnings:   "Warnings about the data of this report:",
	PublicNote: "Public version: no case lists; counts below 3 are shown as “<3”.",

	ClearedHeading: "Units no longer flagged since last week",
	CasesWeek:      "Cases this week",
	VsLastYear:     "same period last year: %s (%s)",
	VsLastYearNone: "same period last year: %s",
	SettledShare:   "Settled share (%d weeks)",
	SettledOf:      "%s of %s closed cases",
	ChangeCounts:   "new %d · persisting %d · cleared %d",
	NoPrevious:     "no run of the previous week to compare with",
	ColChange:      "Change", ColProbability: "Probability",
	Changes: map[models.Change]string{models.ChangeNew: "new", models.ChangePersisting: "persisting",
		models.ChangeEscalated: "escalated", models.ChangeCleared: "cleared", models.ChangeNone: "–"},
	MapTitle:       "Warning tier by commune and ward — week %s",
	MapSubtitle:    "Method: pooled negative-binomial model, %d-week window, Benjamini–Hochberg FDR",
	TipProbability: "Probability of escalation: %s",
	TipDriver:      "Main reason: %s",

	DriverExcess:     "Cases %s vs %s expected over %d weeks",
	DriverSerious:    "Serious share %s vs the usual %s over %d weeks",
	DriverViolence:   "Cases with violence risk: %s vs %s expected over %d weeks",
	DriverNeighbours: "Neighbouring units: %s times the expected level over %d weeks",
	DriverSubtopic:   "%s disputes: %s cases vs %s expected over %d weeks",
	DriverOther:      "%s: %s (usual %s, %d weeks)",
	DriverMarked:     "%s cases with marks at intake (repeat parties, violence risk, signs of crime) vs %s expected over %d weeks",
	DriverTension:    "%s cases describing tension (threats, shouting, scuffles, recurring conflict) vs %s expected over %d weeks",
	DriverNbMarked:   "Neighbouring units: %s cases with marks at intake vs %s expected over %d weeks",

	Categories: map[string]string{"civil": "Civil", "family": "Marriage and family", "other": "Other"},
	Subtopics: map[string]string{"land": "land", "boundary": "boundary", "inheritance": "inheritance", "debt": "debt",
		"spouse": "spouse", "domestic": "domestic violence", "neighbour": "neighbour", "noise": "noise",
		"construction": "construction", "environment": "environment", "minor_violation": "minor violation", "other": "other"},
	Outcomes: map[string]string{"settled": "settled", "not_settled": "not settled", "in_progress": "in progress"},

	UnitTitle:       "%s (%s) — week %s",
	UnitLeadFlagged: "Flagged, tier %s.",
	UnitLeadNot:     "Not flagged this week (tier: %s).",
	CountsHeading:   "Weekly cases and the expected level",
	CountsTitle:     "%s: weekly cases, %s – %s",
	CountsSub:       "Bars: cases per week; lines: cases and expected cases over %d weeks (negative-binomial model, recomputed for each week); red dots: flagged weeks",
	SeriesWeekly:    "Cases in the week", SeriesWindow: "Cases over %d weeks", SeriesExpected: "Expected over %d weeks", SeriesAlarm: "Flag",
	CategoryHeading: "Case categories by week",
	CategoryTitle:   "%s: cases by category, %s – %s",
	CategorySub:     "The three official groups; counted by date received",
	SubtopicHeading: "Subjects of dispute: last %d weeks against the usual level",
	ColSubtopic:     "Subject", ColWindow: "Cases", ColBaseline: "Usual level (average of the previous year)",
	SubtopicNone:    "No case in this period.",
	SeverityHeading: "Signs of seriousness by week",
	SeverityTitle:   "%s: cases with signs of seriousness, %s – %s",
	SeriesViolence:  "Violence risk", SeriesCrime: "Signs of crime", SeriesReferred: "Referred to police or court",
	NeighboursHeading: "Compared with neighbouring units",
	NeighboursTitle:   "%s and neighbours: weekly cases, %s – %s",
	SeriesUnit:        "This unit", SeriesNeighbours: "Average of %d neighbours",
	NeighboursNone: "No neighbour information.",
	DriversHeading: "Why flagged",
	DriversNone:    "No reason for a flag this week.",
	CasesHeading:   "Cases in the %d flagged weeks",
	CasesNote:      "The case id is a pseudonym (a hash); no names, ages, addresses or summaries.",
	CasesPublic:    "Case lists are not part of the public version.",
	CasesNone:      "No case in this period.",
	ColCase:        "Pseudonym", ColReceived: "Received", ColCategory: "Category", ColOutcome: "Outcome",
	ColDaysOpen: "Days", ColSignals: "Signs", ColVillage: "Village / residential group",
	SignalViolence: "violence risk", SignalCrime: "signs of crime", SignalReferred: "referred to %s", SignalApportioned: "apportioned from an old unit",
	Weeks: "%d weeks",

	TrendsTitle:            "City-wide trends — up to week %s",
	CatCityHeading:         "Cases by category, whole city",
	CatCityTitle:           "Whole city: weekly cases by category, %s – %s",
	SettledDistrictHeading: "Settled share by former district",
	SettledDistrictTitle:   "Settled share by former district, %d weeks to %s",
	SettledUnitHeading:     "Settled share by commune and ward",
	SettledUnitTitle:       "Settled share by commune and ward, %d weeks to %s",
	SettledAxis:            "% settled",
	Threshold:              "80% threshold (“5 tốt”)",
	HeatHeading:            "Heat map: cases against the expected level by week",
	HeatTitle:              "Ratio of cases to expected (%d weeks) by unit, %s – %s",
	HeatNote:               "Each cell: cases over expected cases in the window ending that week, with the run's method and settings; blank: not computed.",

	QualityTitle:   "Data quality — week %s",
	BatchesHeading: "Files ingested this week",
	BatchesNote:    "Files whose ingest finished in the 7 days before the report was made (since %s).",
	BatchesNone:    "No file was ingested this week.",
	ColFile:        "File", ColFinished: "Finished", ColRead: "Read", ColLoaded: "Loaded", ColUpdated: "Updated",
	ColDuplicate: "Duplicate", ColQuarantined: "Quarantined", ColIgnored: "Ignored",
	OutcomeHeading:    "Rows by ingest outcome",
	OutcomeTitle:      "Rows by ingest outcome, files ingested in week %s",
	QuarantineHeading: "Quarantine reasons",
	ColField:          "Field", ColReason: "Reason", ColRows: "Rows",
	QuarantineNone: "No row was quarantined.",
	SilentHeading:  "Units with no report",
	SilentNote:     "Units with no case in the %d weeks or more up to the report week: a logbook may be missing, which is a risk too.",
	ColLastCase:    "Last case", ColWeeksSilent: "Weeks without a case", SilentNone: "None.", Never: "never",
	LateHeading: "Late records",
	LateNote:    "Records received %d days or more before the newest record of the same file.",
	ColLate:     "Late records", ColMaxDays: "Latest (days)", LateNone: "No late record.",
}

// signedPct formats a relative change (+12%, −5%).
func (l *locale) signedPct(v float64) string {
	s := l.num(100*v, 0)
	if v > 0 {
		return "+" + s + "%"
	}
	return s + "%"
}

// probability formats a calibrated probability as a percentage, "–" when none.
func (l *locale) probability(p float64) string {
	if p < 0 {
		return "–"
	}
	return l.num(100*p, 0) + "%"
}

// driver says a risk-model driver in words with its numbers.
func (l *locale) driver(d models.Driver, r *renderer) string {
	w := l.P
	switch d.Code {
	case "excess":
		return fmt.Sprintf(w.DriverExcess, r.cnt(d.Value), l.num(d.Baseline, 1), d.Weeks)
	case "serious":
		return fmt.Sprintf(w.DriverSerious, l.pct(d.Value), l.pct(d.Baseline), d.Weeks)
	case "violence":
		return fmt.Sprintf(w.DriverViolence, r.cnt(d.Value), l.num(d.Baseline, 1), d.Weeks)
	case "neighbours":
		return fmt.Sprintf(w.DriverNeighbours, l.num(d.Value, 1), d.Weeks)
	case "marked":
		return fmt.Sprintf(w.DriverMarked, r.cnt(d.Value), l.num(d.Baseline, 1), d.Weeks)
	case "tension":
		return fmt.Sprintf(w.DriverTension, r.cnt(d.Value), l.num(d.Baseline, 1), d.Weeks)
	case "neighbours_marked":
		return fmt.Sprintf(w.DriverNbMarked, r.cnt(d.Value), l.num(d.Baseline, 1), d.Weeks)
	case "trend":
		return l.ReasonTrend
	}
	if name, ok := w.Subtopics[d.Code]; ok {
		return fmt.Sprintf(w.DriverSubtopic, name, r.cnt(d.Value), l.num(d.Baseline, 1), d.Weeks)
	}
	return fmt.Sprintf(w.DriverOther, d.Code, l.num(d.Value, 1), l.num(d.Baseline, 1), d.Weeks)
}

// name looks a code up in a table of words, the code itself when unknown.
func name(words map[string]string, code string) string {
	if s, ok := words[code]; ok {
		return s
	}
	return code
}
