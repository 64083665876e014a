// Package analysis computes escalation indicators for mediation units from
// dense unit x week panels of case counts. Escalation fits a pooled Poisson
// log-linear model (unit levels, trend, season) with negative-binomial
// over-dispersion and empirical-Bayes shrinkage of unit rates and serious
// shares, then tests the latest window of each unit against it and controls
// the false-discovery rate across units.
//
// Inputs are plain slices; the package holds no database code. Data-dependent
// failures are returned as errors; wrong slice lengths passed to the exported
// numerical helpers are programmer errors and panic with an "analysis:" prefix.
package analysis
