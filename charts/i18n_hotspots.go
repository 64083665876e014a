package charts

// hotspotClass is one emerging-hot-spot class as the report shows it: its
// colour and, per language, its name and what it means (after ArcGIS Pro's
// "How Emerging Hot Spot Analysis works").
type hotspotClass struct {
	Key    string // analysis.HotSpotClass.String()
	Colour string
	Name   map[string]string // lang -> name
	Means  map[string]string // lang -> explanation
}

// hotspotNone is the class of a unit in no pattern; hotspotUnknown of a
// unit the run could not classify (too short a history).
const (
	hotspotNone    = "no pattern"
	hotspotUnknown = ""
)

// hotspotClasses in legend order: hot patterns (warm colours), cold
// patterns (cool colours), then none. The colours are Paul Tol's
// colour-blind-safe "vibrant", "bright" and "muted" schemes
// (personal.sron.nl/~pault), warm for hot and cool for cold, so the side is
// readable without telling hues apart; the legend and tooltips name the class.
var hotspotClasses = []hotspotClass{
	{"new hot spot", "#EE7733",
		map[string]string{"vi": "Điểm nóng mới", "en": "New hot spot"},
		map[string]string{"vi": "Lần đầu tiên là điểm nóng có ý nghĩa thống kê, ở kỳ gần nhất.", "en": "A statistically significant hot spot in the latest period for the first time."}},
	{"consecutive hot spot", "#CCBB44",
		map[string]string{"vi": "Điểm nóng liên tiếp", "en": "Consecutive hot spot"},
		map[string]string{"vi": "Một chuỗi liền các kỳ là điểm nóng, kết thúc ở kỳ gần nhất; trước đó chưa từng là điểm nóng, và dưới 90% số kỳ.", "en": "An unbroken run of hot-spot periods ending with the latest; never hot before the run, and under 90% of periods."}},
	{"intensifying hot spot", "#882255",
		map[string]string{"vi": "Điểm nóng gia tăng", "en": "Intensifying hot spot"},
		map[string]string{"vi": "Là điểm nóng ở ít nhất 90% số kỳ, kể cả kỳ gần nhất, và cường độ tăng có ý nghĩa (kiểm định Mann–Kendall).", "en": "A hot spot in at least 90% of periods including the latest, with clustering getting significantly stronger (Mann–Kendall)."}},
	{"persistent hot spot", "#CC3311",
		map[string]string{"vi": "Điểm nóng dai dẳng", "en": "Persistent hot spot"},
		map[string]string{"vi": "Là điểm nóng ở ít nhất 90% số kỳ, kể cả kỳ gần nhất, không có xu hướng tăng hay giảm rõ.", "en": "A hot spot in at least 90% of periods including the latest, with no significant trend in intensity."}},
	{"diminishing hot spot", "#EE6677",
		map[string]string{"vi": "Điểm nóng suy giảm", "en": "Diminishing hot spot"},
		map[string]string{"vi": "Là điểm nóng ở ít nhất 90% số kỳ, kể cả kỳ gần nhất, nhưng cường độ giảm có ý nghĩa.", "en": "A hot spot in at least 90% of periods including the latest, with clustering getting significantly weaker."}},
	{"sporadic hot spot", "#DDCC77",
		map[string]string{"vi": "Điểm nóng rải rác", "en": "Sporadic hot spot"},
		map[string]string{"vi": "Là điểm nóng ở kỳ gần nhất và lúc có lúc không trước đó, dưới 90% số kỳ, chưa từng là điểm lạnh.", "en": "A hot spot in the latest period that has been on and off before, under 90% of periods, never a cold spot."}},
	{"oscillating hot spot", "#AA4499",
		map[string]string{"vi": "Điểm nóng dao động", "en": "Oscillating hot spot"},
		map[string]string{"vi": "Là điểm nóng ở kỳ gần nhất nhưng từng là điểm lạnh có ý nghĩa ở kỳ trước đó; dưới 90% số kỳ là điểm nóng.", "en": "A hot spot in the latest period that was a significant cold spot in some earlier period; hot in under 90% of periods."}},
	{"historical hot spot", "#CC6677",
		map[string]string{"vi": "Điểm nóng trong quá khứ", "en": "Historical hot spot"},
		map[string]string{"vi": "Là điểm nóng ở ít nhất 90% số kỳ nhưng không phải ở kỳ gần nhất.", "en": "A hot spot in at least 90% of periods, but not in the latest."}},
	{"new cold spot", "#33BBEE",
		map[string]string{"vi": "Điểm lạnh mới", "en": "New cold spot"},
		map[string]string{"vi": "Lần đầu tiên là điểm lạnh (cụm giá trị thấp) có ý nghĩa, ở kỳ gần nhất.", "en": "A statistically significant cold spot (cluster of low values) in the latest period for the first time."}},
	{"consecutive cold spot", "#88CCEE",
		map[string]string{"vi": "Điểm lạnh liên tiếp", "en": "Consecutive cold spot"},
		map[string]string{"vi": "Một chuỗi liền các kỳ là điểm lạnh, kết thúc ở kỳ gần nhất; trước đó chưa từng là điểm lạnh, và dưới 90% số kỳ.", "en": "An unbroken run of cold-spot periods ending with the latest; never cold before the run, and under 90% of periods."}},
	{"intensifying cold spot", "#332288",
		map[string]string{"vi": "Điểm lạnh gia tăng", "en": "Intensifying cold spot"},
		map[string]string{"vi": "Là điểm lạnh ở ít nhất 90% số kỳ, kể cả kỳ gần nhất, và ngày càng lạnh hơn có ý nghĩa.", "en": "A cold spot in at least 90% of periods including the latest, getting significantly colder."}},
	{"persistent cold spot", "#0077BB",
		map[string]string{"vi": "Điểm lạnh dai dẳng", "en": "Persistent cold spot"},
		map[string]string{"vi": "Là điểm lạnh ở ít nhất 90% số kỳ, kể cả kỳ gần nhất, không có xu hướng rõ.", "en": "A cold spot in at least 90% of periods including the latest, with no significant trend."}},
	{"diminishing cold spot", "#44AA99",
		map[string]string{"vi": "Điểm lạnh suy giảm", "en": "Diminishing cold spot"},
		map[string]string{"vi": "Là điểm lạnh ở ít nhất 90% số kỳ, kể cả kỳ gần nhất, nhưng bớt lạnh có ý nghĩa.", "en": "A cold spot in at least 90% of periods including the latest, getting significantly less cold."}},
	{"sporadic cold spot", "#117733",
		map[string]string{"vi": "Điểm lạnh rải rác", "en": "Sporadic cold spot"},
		map[string]string{"vi": "Là điểm lạnh ở kỳ gần nhất và lúc có lúc không trước đó, dưới 90% số kỳ, chưa từng là điểm nóng.", "en": "A cold spot in the latest period that has been on and off before, under 90% of periods, never a hot spot."}},
	{"oscillating cold spot", "#999933",
		map[string]string{"vi": "Điểm lạnh dao động", "en": "Oscillating cold spot"},
		map[string]string{"vi": "Là điểm lạnh ở kỳ gần nhất nhưng từng là điểm nóng có ý nghĩa ở kỳ trước đó.", "en": "A cold spot in the latest period that was a significant hot spot in some earlier period."}},
	{"historical cold spot", "#009988",
		map[string]string{"vi": "Điểm lạnh trong quá khứ", "en": "Historical cold spot"},
		map[string]string{"vi": "Là điểm lạnh ở ít nhất 90% số kỳ nhưng không phải ở kỳ gần nhất.", "en": "A cold spot in at least 90% of periods, but not in the latest."}},
	{hotspotNone, "#F7F7F7",
		map[string]string{"vi": "Không có mẫu hình", "en": "No pattern"},
		map[string]string{"vi": "Không thuộc mẫu hình điểm nóng hay điểm lạnh nào.", "en": "None of the hot or cold spot patterns."}},
}

// hotspotWords are the other words of hotspots.html and of the locality pages' hot-spot section.
type hotspotWords struct {
	Nav, Title, MapHeading, MapTitle, MapSub, MapNote, LegendHeading string
	ColClass, ColUnits, ColMeans, Unknown                            string
	UnitHeading, UnitClass, UnitGi, UnitMoran, UnitTrend             string
	Quadrants                                                        map[string]string
}

var hotspotText = map[string]*hotspotWords{
	"vi": {Nav: "Điểm nóng", Title: "Điểm nóng mới nổi — tuần %s",
		MapHeading: "Bản đồ điểm nóng mới nổi", MapTitle: "Điểm nóng mới nổi, tuần %s",
		MapSub:        "Getis–Ord Gi* theo từng kỳ %d tuần, Mann–Kendall, FDR 5%%",
		MapNote:       "Mỗi kỳ là %d tuần; giá trị là log((số vụ + 0,5)/(dự kiến + 0,5)) của kỳ. Một đơn vị là điểm nóng trong một kỳ khi nó và các đơn vị giáp ranh cùng cao hơn dự kiến một cách có ý nghĩa (Gi*, q < 0,05 sau hiệu chỉnh Benjamini–Hochberg).",
		LegendHeading: "Chú giải các mẫu hình", ColClass: "Mẫu hình", ColUnits: "Số đơn vị", ColMeans: "Ý nghĩa",
		Unknown:     "Chưa đủ lịch sử để phân loại",
		UnitHeading: "Điểm nóng mới nổi", UnitClass: "Mẫu hình", UnitGi: "Gi* z (q)", UnitMoran: "Moran cục bộ", UnitTrend: "Xu hướng 26 tuần (tau, p)",
		Quadrants: map[string]string{"High-High": "Cao–Cao", "Low-Low": "Thấp–Thấp", "High-Low": "Cao–Thấp", "Low-High": "Thấp–Cao"}},
	"en": {Nav: "Hot spots", Title: "Emerging hot spots — week %s",
		MapHeading: "Map of emerging hot spots", MapTitle: "Emerging hot spots, week %s",
		MapSub:        "Getis–Ord Gi* per %d-week period, Mann–Kendall, FDR 5%%",
		MapNote:       "Each period is %d weeks; the value is log((cases + 0.5)/(expected + 0.5)) of the period. A unit is a hot spot in a period when it and its bordering units are together significantly above expectation (Gi*, q < 0.05 after Benjamini–Hochberg).",
		LegendHeading: "What each pattern means", ColClass: "Pattern", ColUnits: "Units", ColMeans: "Meaning",
		Unknown:     "Too little history to classify",
		UnitHeading: "Emerging hot spot", UnitClass: "Pattern", UnitGi: "Gi* z (q)", UnitMoran: "Local Moran", UnitTrend: "26-week trend (tau, p)",
		Quadrants: map[string]string{"High-High": "High–High", "Low-Low": "Low–Low", "High-Low": "High–Low", "Low-High": "Low–High"}},
}
