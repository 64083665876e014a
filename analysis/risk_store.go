package analysis

import (
	"encoding/json"
	"fmt"
	"math"
)

// A fitted RiskModel is stored between weekly runs (the fit is most of a
// national run's cost, the prediction almost none). It is serialised as the
// JSON of all its exported fields, so fields added to the model later are
// stored without changes here; a stored model is only used again when its
// feature columns are exactly the ones of the current feature set.

// EncodeRiskModel returns the JSON of m. Go writes each float64 in the
// shortest form that parses back to the same bits, so a decoded model
// predicts exactly what the fitted one did.
func EncodeRiskModel(m *RiskModel) ([]byte, error) {
	if m == nil {
		return nil, fmt.Errorf("analysis: no risk model to encode")
	}
	b, err := json.Marshal(m)
	if err != nil {
		// NaN or ±Inf have no JSON form: such a model is not worth storing.
		return nil, fmt.Errorf("analysis: encode risk model: %w", err)
	}
	return b, nil
}

// DecodeRiskModel parses a stored model and checks that it can score a row
// without indexing out of range or producing NaN: a damaged row is an error,
// never a panic in Predict.
func DecodeRiskModel(b []byte) (*RiskModel, error) {
	m := &RiskModel{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("analysis: decode risk model: %w", err)
	}
	n := len(m.Cols)
	if n == 0 || len(m.Mean) != n || len(m.Scale) != n || len(m.Coef) != n {
		return nil, fmt.Errorf("analysis: stored risk model has %d columns, %d means, %d scales, %d coefficients",
			n, len(m.Mean), len(m.Scale), len(m.Coef))
	}
	for j := range n {
		if !storedFinite(m.Mean[j]) || !storedFinite(m.Coef[j]) || !storedFinite(m.Scale[j]) || m.Scale[j] <= 0 {
			return nil, fmt.Errorf("analysis: stored risk model column %s: mean %v, scale %v, coefficient %v",
				m.Cols[j].Name, m.Mean[j], m.Scale[j], m.Coef[j])
		}
	}
	if !storedFinite(m.Intercept) || !storedFinite(m.PlattA) || !storedFinite(m.PlattB) {
		return nil, fmt.Errorf("analysis: stored risk model: intercept %v, Platt a %v, b %v", m.Intercept, m.PlattA, m.PlattB)
	}
	// A flag threshold is a probability; 0 means none was chosen.
	if !(m.FlagThreshold >= 0 && m.FlagThreshold <= 1) {
		return nil, fmt.Errorf("analysis: stored risk model: flag threshold %v, want 0..1", m.FlagThreshold)
	}
	return m, nil
}

func storedFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// FeatureNames returns the names of feature columns, in order.
func FeatureNames(cols []Feature) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// CheckFeatures returns nil when model m can score rows of the current
// feature set cols: every column of the model (in the model's order) must be
// a feature with the same driver code and window, which the flags quote. The
// model reads its columns by name, so a model fitted on a subset of the
// columns (RiskConfig.Columns) or before a feature was added still scores
// exactly as it did when fitted. Otherwise a feature the model needs was
// renamed or removed and the caller must refit.
func CheckFeatures(m *RiskModel, cols []Feature) error {
	if m == nil {
		return fmt.Errorf("analysis: no risk model")
	}
	at := make(map[string]Feature, len(cols))
	for _, c := range cols {
		at[c.Name] = c
	}
	for _, s := range m.Cols {
		c, ok := at[s.Name]
		if !ok {
			return fmt.Errorf("analysis: stored risk model column %s is not a feature", s.Name)
		}
		if c.Code != s.Code || c.Weeks != s.Weeks {
			return fmt.Errorf("analysis: feature %s is now (%s, %d weeks), the stored model's (%s, %d weeks)",
				s.Name, c.Code, c.Weeks, s.Code, s.Weeks)
		}
	}
	return nil
}
