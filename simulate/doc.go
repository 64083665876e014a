// Package simulate writes realistic, deterministic synthetic mediation
// logbooks for a province's current units, with planted escalation episodes
// and their ground truth, so the pipeline can be tested and scored end to end.
//
// # Model
//
// Volume. The province receives about 5,000×Scale cases in the first
// simulated year, falling smoothly by 10% a year (rate ∝ 0.9^t, t in years
// since From). A unit's share is its population (units with Population 0 get
// the mean) times a unit-level over-dispersion multiplier drawn from a gamma
// distribution with mean 1 and shape 3; shares are renormalised so the
// province total is exact in expectation. Weekly counts are negative binomial:
// Poisson with a gamma(shape 4, mean 1) week-to-week multiplier. A Tết season
// (table of Tết dates 2015–2035) raises counts in the three weeks before Tết
// (×1.2, ×1.3, ×1.35), lowers them in Tết week (×0.45) and the week after
// (×0.8); the factors are normalised to average 1 over a year. Within a week,
// days follow a mild weekday pattern (Sunday ×0.6, Saturday ×0.85).
//
// Cases. Ordinary cases are civil 45% / family 20% / other 35%, with a subtopic
// consistent with the category and a Vietnamese summary that carries the
// subtopic's keyword. Outcomes are drawn as settled 83.5% / not settled 13.5%
// / in progress 3%; settled cases close 1–60 days after receipt, not-settled
// ones 3–120 days; a case whose closing date would fall after To is written as
// in progress, so the last weeks carry more open cases, as real late logbooks
// do. With episodes, the written shares come to about 82% / 14% / 4%.
// Violence risk (~2%), crime signs (~1%) and referrals (UBND xã ~4%, Công an
// ~2%, Tòa án ~2%) are concentrated on not-settled cases. Parties are 2
// (sometimes 3) synthetic Vietnamese names with an age and a village address;
// about 3% of ordinary cases bring back an earlier dispute of the unit (same
// parties, same subject). Half of all repeats say so in Ghi chú; the others
// can only be found by matching the parties.
//
// Episodes. About 6 escalation episodes per year per 126 units. A core unit's
// rate multiplier rises over 4–8 weeks from 1 to a peak of 3–5, then declines
// over 2–4 weeks. The excess cases (share (m−1)/m of a week's cases) are
// episode cases: mostly land and boundary disputes, often not settled, with
// violence-risk and crime-sign flags, police and court referrals, and a small
// pool of party groups that reappear across the episode (repeat disputes).
// One to three neighbours (Geography.Neighbours) follow 1–3 weeks later with a
// smaller rise (30–50% of the core's excess). Half the core units are drawn
// uniformly (so sparse units get episodes too), half in proportion to rate.
// The last episode always peaks in the last three ISO weeks of the range and
// is still underway at To; the other peaks are drawn one in each of equal
// slices of the range, after a warm-up of up to 8 weeks. Decoys, as many as
// episodes, are one-week spikes of ordinary, non-serious extra cases in random
// units. Episode and decoy cases come on top of the 5,000×Scale baseline
// (about 2–4% more). In ground_truth.csv, weeks are clipped to the range, so
// an episode underway at To ends in the last week.
//
// Labels. A case keeps its current unit throughout; before the current units'
// ValidFrom it is labelled with an old unit of the vintage valid on its date,
// chosen among the crosswalk links into its current unit with probability
// proportional to the link weight, and that unit's district.
//
// Invalid rows. A share InvalidRate of rows is damaged on purpose (impossible
// date, empty received date, unknown unit name, closing date before receipt);
// they stay in the files and are counted in the manifest.
//
// Arrivals. Every case gets the date it reached the system: the first
// weekly delivery (Fridays; none in Tết week) on or after the day its
// logbook page is ready, received + lag, where lag = L_u·Gamma(2.5, 5 days)
// for most cases and 28 + Exp(mean 75) days (at most 400) for a tail of 5%
// (15% in habitually late units). The unit lateness L_u is LogNormal(0, 0.3),
// times U(2.5, 4) for the 12% of units that are habitually late. Delays come
// out at a median of 2 weeks, 84% within 4 weeks, 6% beyond 8 (arrivals.go).
//
// Output. Run writes logbook_YYYY-MM.csv (one per calendar month, official
// Vietnamese column labels), arrivals.csv (each case's unit, received and
// arrival dates and file), ground_truth.csv and manifest.json. With
// Config.Deliveries = N, only the rows that arrived more than N weeks before
// To are in the monthly files; the others are in
// deliveries/YYYY-MM-DD/logbook_YYYY-MM-DD.csv, one file per delivery day,
// including deliveries after To, each in one of the formats of formats.go
// (UTF-8 CSV, UTF-8 with BOM and semicolons, Windows-1258 with a title
// row); a case still open when its file went out
// is written in progress there and re-sent closed with the first delivery
// after its closing date. The same Geography and Config give byte-identical
// files, and a case's last row does not depend on the layout.
package simulate
