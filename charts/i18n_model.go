package charts

// modelWords are the texts of model.html, the risk model's backtest page.
type modelWords struct {
	Nav, Title, Lead                        string
	MetricsHeading, MetricsNote             string
	ColMethod, ColAUROC, ColAUPR, ColBrier  string
	ColBSS, ColPAI, ColDetected, ColLead    string
	ColFA, ColAt2, ColAt1, ColSparse        string
	CalibHeading, CalibNote, CalibX, CalibY string
	Diagonal                                string
	SettingsHeading, ColSetting, ColValue   string
	Methods                                 map[string]string
	DetectedFmt                             string // detected, total, budget
	RunFmt                                  string // created, from, to
	TargetLabel                             string
	// the flag rule of the stored model (ModelFlag)
	FlagHeading, FlagNote, FlagThreshold, FlagModel string
	FlagChosenFmt, FlagFixedFmt                     string // threshold
}

var modelLocales = map[string]*modelWords{
	"vi": {
		Nav: "Chất lượng mô hình", Title: "Chất lượng mô hình dự báo nguy cơ (kiểm định lùi)",
		Lead:           "Mô hình được khớp lại theo thời gian như lượt chạy hằng tuần và chỉ dự báo những tuần nó chưa thấy; luôn so với các phương pháp đơn giản trong cùng lượt.",
		MetricsHeading: "Chỉ số ngoài mẫu so với các phương pháp cơ sở",
		MetricsNote:    "AUROC, AUPR: khả năng xếp hạng (cao hơn là tốt hơn); Brier: sai số xác suất (thấp hơn là tốt hơn); BSS: kỹ năng so với tỷ lệ nền; PAI: tỷ lệ sự kiện bắt được so với tỷ lệ đơn vị bị gắn cờ; phát hiện trước đỉnh: đợt leo thang lõi được gắn cờ trong khoảng từ lúc bắt đầu đến trước đỉnh.",
		ColMethod:      "Phương pháp", ColAUROC: "AUROC", ColAUPR: "AUPR", ColBrier: "Brier", ColBSS: "BSS", ColPAI: "PAI",
		ColDetected: "Phát hiện trước đỉnh", ColLead: "Sớm (tuần, trung vị)", ColFA: "Báo động sai/tuần",
		ColAt2: "Ở ≤ 2 báo động sai/tuần", ColAt1: "Ở ≤ 1 báo động sai/tuần", ColSparse: "Đơn vị < 0,5 vụ/tuần (≤ 2 sai)",
		CalibHeading: "Hiệu chỉnh xác suất", CalibNote: "Mỗi điểm là một nhóm dự báo: xác suất dự báo trung bình (trục ngang) và tỷ lệ thực tế (trục dọc). Điểm nằm trên đường chéo là dự báo đúng mức.",
		CalibX: "Xác suất dự báo", CalibY: "Tỷ lệ thực tế", Diagonal: "Hiệu chỉnh hoàn hảo",
		SettingsHeading: "Thiết lập của lượt kiểm định", ColSetting: "Thiết lập", ColValue: "Giá trị",
		Methods: map[string]string{"risk_model": "Mô hình nguy cơ", "last4_count": "Số vụ 4 tuần gần nhất",
			"historical_mean": "Trung bình lịch sử", "escalation_score": "Điểm leo thang 4 tuần",
			"noufaily": "Chỉ cảnh báo Noufaily"},
		DetectedFmt: "%d/%d (K = %d)", RunFmt: "Lượt kiểm định %s, dự báo các tuần %s..%s.", TargetLabel: "Mục tiêu",
		FlagHeading:   "Ngưỡng gắn cờ của lượt chạy hằng tuần",
		FlagNote:      "Một đơn vị được gắn cờ khi nằm trong số đơn vị có xác suất cao nhất của ngân sách cảnh báo và xác suất không thấp hơn ngưỡng. Ngưỡng được chọn trên khối hiệu chỉnh của mô hình (các tuần trước tuần dự báo): ngưỡng thấp nhất giữ báo động sai ở mức tối đa 2 đơn vị mỗi tuần.",
		FlagThreshold: "Ngưỡng xác suất", FlagModel: "Mô hình đang dùng (tuần khớp)",
		FlagChosenFmt: "%s (chọn trên khối hiệu chỉnh)", FlagFixedFmt: "%s (cố định: mô hình lưu trước khi có ngưỡng tự chọn)",
	},
	"en": {
		Nav: "Model quality", Title: "Risk model quality (backtest)",
		Lead:           "The model is refitted over time as the weekly run would be and predicts only weeks it has not seen; it is always compared with simple baselines computed in the same run.",
		MetricsHeading: "Out-of-sample metrics against the baselines",
		MetricsNote:    "AUROC, AUPR: ranking skill (higher is better); Brier: probability error (lower is better); BSS: skill against the base rate; PAI: share of events captured over share of units flagged; detected before the peak: core escalation episodes flagged between their start and the week before their peak.",
		ColMethod:      "Method", ColAUROC: "AUROC", ColAUPR: "AUPR", ColBrier: "Brier", ColBSS: "BSS", ColPAI: "PAI",
		ColDetected: "Detected before peak", ColLead: "Lead (weeks, median)", ColFA: "False alarms/week",
		ColAt2: "At ≤ 2 false alarms/week", ColAt1: "At ≤ 1 false alarm/week", ColSparse: "Units < 0.5 cases/week (≤ 2 FA)",
		CalibHeading: "Calibration", CalibNote: "Each point is a bin of forecasts: mean forecast probability (x) and the observed rate (y). Points on the diagonal are well calibrated.",
		CalibX: "Forecast probability", CalibY: "Observed rate", Diagonal: "Perfect calibration",
		SettingsHeading: "Backtest settings", ColSetting: "Setting", ColValue: "Value",
		Methods: map[string]string{"risk_model": "Risk model", "last4_count": "Cases in the last 4 weeks",
			"historical_mean": "Historical mean", "escalation_score": "4-week escalation score",
			"noufaily": "Noufaily alarms alone"},
		DetectedFmt: "%d/%d (K = %d)", RunFmt: "Backtest of %s, weeks %s..%s predicted.", TargetLabel: "Target",
		FlagHeading:   "Flag threshold of the weekly run",
		FlagNote:      "A unit is flagged when it is among the alarm budget's highest probabilities and its probability is at least the threshold. The threshold is chosen on the model's calibration block (weeks before those it predicts): the lowest one that keeps false alarms to at most 2 units a week there.",
		FlagThreshold: "Probability threshold", FlagModel: "Model in use (week fitted)",
		FlagChosenFmt: "%s (chosen on the calibration block)", FlagFixedFmt: "%s (fixed: model stored before the threshold was chosen)",
	},
}

func (l *locale) model() *modelWords {
	if w, ok := modelLocales[l.Lang]; ok {
		return w
	}
	return modelLocales["vi"]
}
