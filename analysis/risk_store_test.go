package analysis

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestRiskModelStoreRoundTrip fits a model on planted episodes, stores it as
// JSON and reads it back: the decoded model must equal the fitted one field
// for field and give bit-identical probabilities and drivers for the last
// week, which is what lets analyze reuse a stored model.
func TestRiskModelStoreRoundTrip(t *testing.T) {
	f, m, _, last := fitSynthRisk(t, 11, 0)
	b, err := EncodeRiskModel(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRiskModel(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("decoded model differs:\n got %+v\nwant %+v", got, m)
	}
	if m.FlagThreshold <= 0 {
		t.Errorf("the default settings chose no flag threshold")
	}
	want, have := m.Predict(f, last), got.Predict(f, last)
	for u := range want {
		if math.Float64bits(want[u]) != math.Float64bits(have[u]) {
			t.Errorf("unit %d: probability %v after the round trip, %v fitted", u, have[u], want[u])
		}
		if !reflect.DeepEqual(m.Drivers(f, last, u), got.Drivers(f, last, u)) {
			t.Errorf("unit %d: drivers differ after the round trip", u)
		}
	}
	if err := CheckFeatures(got, f.Cols); err != nil {
		t.Errorf("CheckFeatures on the fitting features: %v", err)
	}
	if names := FeatureNames(f.Cols); len(names) != len(f.Cols) || names[0] != f.Cols[0].Name {
		t.Errorf("FeatureNames = %v", names)
	}
	// A feature the model reads that is renamed, or whose driver code
	// changes, makes the stored model unusable.
	renamed := append([]Feature(nil), f.Cols...)
	renamed[3].Name += "_v2"
	if err := CheckFeatures(got, renamed); err == nil || !strings.Contains(err.Error(), "not a feature") {
		t.Errorf("renamed feature: err = %v", err)
	}
	recoded := append([]Feature(nil), f.Cols...)
	recoded[3].Code = "other"
	if err := CheckFeatures(got, recoded); err == nil {
		t.Error("changed driver code accepted")
	}
	// A feature added after the fit does not stop the model from scoring.
	added := append(append([]Feature(nil), f.Cols...), Feature{Name: "new_feature", Code: "new", Weeks: 1})
	if err := CheckFeatures(got, added); err != nil {
		t.Errorf("added feature: %v", err)
	}
	if err := CheckFeatures(nil, f.Cols); err == nil {
		t.Error("nil model accepted")
	}
}

// TestDecodeRiskModelRejectsDamage: a damaged stored row is an error, never
// a model that panics or predicts NaN.
func TestDecodeRiskModelRejectsDamage(t *testing.T) {
	good := `{"Cols":[{"Name":"a","Code":"excess","Weeks":4},{"Name":"b","Code":"trend","Weeks":8}],` +
		`"Mean":[0,1],"Scale":[1,2],"Coef":[0.5,-0.25],"Intercept":-2,"PlattA":1,"PlattB":0}`
	m, err := DecodeRiskModel([]byte(good))
	if err != nil {
		t.Fatalf("good model: %v", err)
	}
	// z = -2 + 0.5·(1−0)/1 − 0.25·(5−1)/2 = −2; p = σ(−2).
	if p, want := m.Probability([]float64{1, 5}), 1/(1+math.Exp(2)); math.Abs(p-want) > 1e-15 {
		t.Errorf("probability %v, want %v", p, want)
	}
	for name, s := range map[string]string{
		"not json":       `{"Cols":`,
		"empty":          `{}`,
		"short coef":     strings.Replace(good, `"Coef":[0.5,-0.25]`, `"Coef":[0.5]`, 1),
		"short mean":     strings.Replace(good, `"Mean":[0,1]`, `"Mean":[0]`, 1),
		"zero scale":     strings.Replace(good, `"Scale":[1,2]`, `"Scale":[1,0]`, 1),
		"negative scale": strings.Replace(good, `"Scale":[1,2]`, `"Scale":[-1,2]`, 1),
		"wrong type":     strings.Replace(good, `"Intercept":-2`, `"Intercept":"x"`, 1),
		"huge":           strings.Replace(good, `"Intercept":-2`, `"Intercept":1e999`, 1),
		"flag threshold": strings.Replace(good, `"PlattB":0}`, `"PlattB":0,"FlagThreshold":1.5}`, 1),
		"negative flag":  strings.Replace(good, `"PlattB":0}`, `"PlattB":0,"FlagThreshold":-0.1}`, 1),
	} {
		if _, err := DecodeRiskModel([]byte(s)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := EncodeRiskModel(nil); err == nil {
		t.Error("nil model encoded")
	}
	bad := *m
	bad.PlattA = math.NaN()
	if _, err := EncodeRiskModel(&bad); err == nil {
		t.Error("NaN model encoded")
	}
}
