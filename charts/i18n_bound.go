package charts

// boundWords label the detector's alarm bound on a locality page's weekly
// chart (unitpage.go, boundLine).
type boundWords struct {
	Series    string            // the bound line, %s = detector
	Over      string            // markers of the weeks above it
	Note      string            // section note, %s = detector (short: it is on every locality page)
	Detectors map[string]string // detector names as shown
}

func boundText(lang string) boundWords {
	if lang == "en" {
		return boundWords{Series: "Alarm threshold (%s)", Over: "Over the alarm threshold",
			Note:      "Orange dashes: the %s alarm threshold of each week; triangles: weeks above it.",
			Detectors: map[string]string{"noufaily": "Noufaily", "ears-c3": "EARS C3"}}
	}
	return boundWords{Series: "Ngưỡng cảnh báo (%s)", Over: "Vượt ngưỡng cảnh báo",
		Note:      "Nét đứt màu cam: ngưỡng cảnh báo %s của từng tuần; tam giác: tuần vượt ngưỡng.",
		Detectors: map[string]string{"noufaily": "Noufaily", "ears-c3": "EARS C3"}}
}
