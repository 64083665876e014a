# Reference values for analysis/ears_test.go (TestEARSReference), computed with
# R's surveillance::earsC, methods "C1", "C2" and "C3", on short weekly series
# whose baselines have zero variance: all zeros, constant, a single case after
# zeros, and one ordinary series with a spike. Run from this folder:
#
#   Rscript reference.R
#
# It writes
#   series.csv     series, t (1-based, as R), count;
#   earsc.csv      per series, method, alpha, minSigma and monitored t:
#                  observed, upperbound and alarm as earsC returns them
#                  (NA where R's upper bound is NaN and the alarm NA);
#   provenance.txt R and package versions and the settings.
suppressPackageStartupMessages(library(surveillance))

series <- list(
  zeros      = rep(0, 16),
  zeros_one  = c(rep(0, 9), 1, 0, 0, 0, 0, 0, 1, 2, 0, 0),
  constant   = c(rep(3, 10), 3, 4, 3, 3, 2, 3, 3, 9, 3),
  sparse     = c(0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 3, 0, 0),
  spike      = c(2, 4, 2, 4, 2, 4, 2, 3, 3, 3, 2, 20, 3, 3, 3, 3, 5, 6, 9)
)
settings <- expand.grid(method = c("C1", "C2", "C3"), alpha = c(0.001, 0.025),
                        minSigma = c(0, 0.5), stringsAsFactors = FALSE)

s <- do.call(rbind, lapply(names(series), function(n)
  data.frame(series = n, t = seq_along(series[[n]]), count = series[[n]])))
write.csv(s, "series.csv", row.names = FALSE)

out <- NULL
for (n in names(series)) {
  y <- series[[n]]
  for (i in seq_len(nrow(settings))) {
    st <- settings[i, ]
    r <- earsC(sts(observed = matrix(y, ncol = 1)),
               control = list(method = st$method, alpha = st$alpha,
                              minSigma = st$minSigma, baseline = 7))
    out <- rbind(out, data.frame(series = n, method = st$method, alpha = st$alpha,
      minSigma = st$minSigma, t = r@control$range, observed = as.vector(observed(r)),
      upperbound = as.vector(upperbound(r)), alarm = as.vector(r@alarm)))
  }
}
# 17 significant digits: the Go test compares to 1e-12.
out$upperbound <- ifelse(is.na(out$upperbound), NA, sprintf("%.17g", out$upperbound))
write.csv(out, "earsc.csv", row.names = FALSE, na = "NA")

writeLines(c(
  paste("generated:", format(Sys.Date()), "by Rscript reference.R"),
  paste("R:", R.version.string),
  paste("surveillance:", as.character(packageVersion("surveillance"))),
  "settings: earsC baseline = 7; method C1, C2, C3 x alpha 0.001, 0.025 x minSigma 0, 0.5; range = earsC default"
), "provenance.txt")
