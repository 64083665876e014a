// Package analysis computes escalation indicators for mediation units from
// dense unit x week panels of case counts. Escalation fits a pooled Poisson
// log-linear model (unit levels, trend, season) with negative-binomial
// over-dispersion and empirical-Bayes shrinkage of unit rates and serious
// shares, then tests the latest window of each unit against it and controls
// the false-discovery rate across units.
//
// The risk model (features.go, risk.go) turns the indicator's outputs, trends,
// severity signals and neighbours' change into a calibrated probability that
// a unit escalates within the next 4 weeks (pooled L2 logistic regression,
// Platt-calibrated on a later block); backtest.go scores it out of sample
// against baselines, and truth.go defines the target (see docs/risk.md).
//
// Trend and spatial statistics: Mann–Kendall and Sen's slope (trend.go,
// trend_sen.go), a Poisson/negative-binomial GLM slope (trend_glm.go), spatial
// weights (weights.go), Getis–Ord Gi* and local/global Moran's I with
// analytical and conditional-permutation p-values (gistar.go, moran*.go), and
// ArcGIS-style emerging hot spots (hotspot.go).
//
// Aberration detectors behind the Detector interface (detector.go), one
// series at a time or in parallel with DetectAll: Farrington (1996) and
// Noufaily et al. (2013) with every option of R surveillance's
// farringtonFlexible, reproducing its numbers (farrington*.go), CUSUM for
// Poisson / negative-binomial counts with optional reset (cusum.go) and EARS
// C1–C3 (ears.go).
//
// Inputs are plain slices; the package holds no database code. Data-dependent
// failures are returned as errors; wrong slice lengths passed to the exported
// numerical helpers are programmer errors and panic with an "analysis:" prefix.
package analysis
