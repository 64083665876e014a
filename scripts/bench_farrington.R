# bench_farrington.R SERIES OUT.csv: R's side of the detector benchmark of
# scripts/bench.sh (make bench). Times surveillance::farringtonFlexible on the
# first SERIES series of the seeded synthetic panel of
# ../shared/data/reference/scripts/03_timing_synthetic.R (read in place from
# ../shared/data/reference/synthetic/panel_counts.csv.gz), with that script's
# two control lists (Farrington 1996 and Noufaily) and its range, the last 49
# weeks (t = 264..312). The panel is not regenerated: the reference script
# would rewrite the shared files. A subset keeps the run short (the whole
# 1,000-series panel takes ~400 s per method); per series-week the cost does
# not depend on how many series there are (each series is fitted on its own).
# Writes one row per method: method, n_series, series_weeks, elapsed_s,
# user_s, per_series_week_ms, alarms, alarms_equal_recorded (alarms equal to
# the recorded farrington_results.csv.gz of the same series and weeks: the
# check that this is the same computation), R and surveillance versions.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript bench_farrington.R SERIES OUT.csv")
N <- as.integer(args[1]); out <- args[2]
ref <- file.path("..", "shared", "data", "reference", "synthetic")
p <- read.csv(gzfile(file.path(ref, "panel_counts.csv.gz")))
TW <- 312L; FREQ <- 52L
names <- unique(p$series)
if (is.na(N) || N < 1 || N > length(names)) stop("SERIES must be 1..", length(names))
names <- names[seq_len(N)]
p <- p[p$series %in% names, ]
p <- p[order(match(p$series, names), p$t), ]
cnt <- matrix(p$count, TW, N); state <- matrix(p$outbreak_state, TW, N)
colnames(cnt) <- names
s <- sts(observed = cnt, state = state, start = c(2015, 1), frequency = FREQ)
# The control lists of 03_timing_synthetic.R, unchanged.
ctl <- list(
  farrington = list(b = 5, w = 3, noPeriods = 1, reweight = TRUE, weightsThreshold = 1, pastWeeksNotIncluded = 3, pThresholdTrend = 0.05,
                    trend = TRUE, thresholdMethod = "delta", powertrans = "2/3", limit54 = c(5, 4), alpha = 0.005,
                    fitFun = "algo.farrington.fitGLM.flexible", populationOffset = FALSE, glmWarnings = FALSE),
  noufaily   = list(b = 5, w = 3, noPeriods = 10, reweight = TRUE, weightsThreshold = 2.58, pastWeeksNotIncluded = 26, pThresholdTrend = 1,
                    trend = TRUE, thresholdMethod = "nbPlugin", powertrans = "2/3", limit54 = c(5, 4), alpha = 0.005,
                    fitFun = "algo.farrington.fitGLM.flexible", populationOffset = FALSE, glmWarnings = FALSE))
rng <- (5 * FREQ + 3 + 1):TW
rec <- read.csv(gzfile(file.path(ref, "farrington_results.csv.gz")))
rows <- list()
for (m in names(ctl)) {
  gc()
  tm <- system.time(r <- suppressWarnings(farringtonFlexible(s, control = c(ctl[[m]], list(range = rng)))))
  al <- as.integer(as.vector(alarms(r)))
  got <- data.frame(series = rep(names, each = length(rng)), t = rep(rng, N), alarm = al)
  want <- rec[rec$method == m & rec$series %in% names, c("series", "t", "alarm")]
  both <- merge(got, want, by = c("series", "t"), suffixes = c("", ".rec"))
  eq <- sum(ifelse(is.na(both$alarm), -1L, both$alarm) == ifelse(is.na(both$alarm.rec), -1L, both$alarm.rec))
  rows[[m]] <- data.frame(method = m, n_series = N, series_weeks = N * length(rng), elapsed_s = tm[["elapsed"]],
                          user_s = tm[["user.self"]], per_series_week_ms = 1000 * tm[["elapsed"]] / (N * length(rng)),
                          alarms = sum(al, na.rm = TRUE), alarms_equal_recorded = eq, compared = nrow(both),
                          R = R.version.string, surveillance = as.character(packageVersion("surveillance")))
}
write.csv(do.call(rbind, rows), out, row.names = FALSE)
