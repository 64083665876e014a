# Reference values for analysis/nowcast_test.go, computed with R's
# surveillance::nowcast (Höhle & an der Heiden 2014), methods "bayes.trunc"
# and "lawless". Run from this folder:
#
#   Rscript reference.R
#
# It writes
#   triangle.csv   the synthetic line list aggregated to (t, delay, n): every
#                  case, including those reported after "now" (the Go test
#                  drops them exactly as nowcast() does);
#   delay_cdf.csv  the delay CDFs of both methods (exact, no sampling);
#   dpost.csv      surveillance:::dpost.bnb for a few (y, p) (exact);
#   nowcast.csv    per nowcast time point: observed, predictive mean, median
#                  and 90% limits of "bayes.trunc" (Monte Carlo over nSamples
#                  draws of the delay distribution: the Go test allows for
#                  the Monte Carlo error of both sides);
#   provenance.txt R and package versions and the settings.
#
# A "day" of R's daily aggregation stands for one week of canhbao: the
# method does not depend on the time unit.
suppressPackageStartupMessages(library(surveillance))
set.seed(20261125)

T <- 40          # time points 0..T, now = T
D <- 8           # maximum delay
m <- 20          # moving window of the delay estimation
kappa <- 0.1     # gd.prior.kappa
mean.lambda <- 12
var.lambda <- 30
nSamples <- 20000
alpha <- 0.1     # 90% intervals

t0 <- as.Date("2020-01-01")
pd <- c(0.30, 0.22, 0.15, 0.10, 0.07, 0.05, 0.04, 0.03, 0.02, 0.01, 0.01)
pd <- pd / sum(pd) # delays 0..10: some longer than D, folded into D by nowcast()
rows <- list()
for (t in 0:T) {
  N <- rnbinom(1, mu = mean.lambda, size = 6)
  if (N == 0) next
  d <- sample(0:(length(pd) - 1), N, replace = TRUE, prob = pd)
  rows[[length(rows) + 1]] <- data.frame(dEvent = t0 + t, dReport = t0 + t + d)
}
ll <- do.call(rbind, rows)

agg <- aggregate(list(n = rep(1, nrow(ll))),
                 by = list(t = as.numeric(ll$dEvent - t0), delay = as.numeric(ll$dReport - ll$dEvent)), FUN = sum)
agg <- agg[order(agg$t, agg$delay), ]
write.csv(agg, "triangle.csv", row.names = FALSE)

now <- t0 + T
when <- seq(now - D, now, by = "1 day")
prior <- structure("poisgamma", mean.lambda = mean.lambda, var.lambda = var.lambda)
ctl <- list(dRange = c(t0, now), alpha = alpha, nSamples = nSamples, N.tInf.prior = prior,
            N.tInf.max = 300, gd.prior.kappa = kappa, predPMF = TRUE)
# surveillance >= 1.17 takes one method per call.
nc <- nowcast(now = now, when = when, data = ll, dEventCol = "dEvent", dReportCol = "dReport",
              method = "bayes.trunc", aggregate.by = "1 day", D = D, m = m, control = ctl)
# Lawless with the same horizontal window (m.interpretation "hoehle_anderheiden2014"; R warns about it).
nc.lw <- suppressWarnings(nowcast(now = now, when = when, data = ll, dEventCol = "dEvent", dReportCol = "dReport",
              method = "lawless", aggregate.by = "1 day", D = D, m = m, control = ctl))

# The size nowcast() derives from (mean.lambda, var.lambda), same call.
var.prior <- function(size.prior) mean.lambda + mean.lambda^2 / size.prior
size.prior <- uniroot(function(s) var.prior(s) - var.lambda, interval = c(1e-12, 50))$root

cdf.bt <- nc@delayCDF[["bayes.trunc"]]
cdf.lw <- nc.lw@delayCDF[["lawless"]][1:(D + 1)] # lawless stores rev(What.t): F(0), F(1), ...
write.csv(data.frame(delay = 0:D, bayes_trunc = sprintf("%.17g", cdf.bt), lawless = sprintf("%.17g", cdf.lw)),
          "delay_cdf.csv", row.names = FALSE, quote = FALSE)

dp <- expand.grid(y = c(0, 3, 11), p = c(0.15, 0.6, 0.97))
out <- NULL
for (i in seq_len(nrow(dp))) {
  pmf <- surveillance:::dpost.bnb(N.tT = dp$y[i], sumpd = dp$p[i], mu = mean.lambda, size = size.prior, N.tInf.max = 300)
  for (N in dp$y[i] + 0:5) {
    out <- rbind(out, data.frame(y = dp$y[i], p = dp$p[i], N = N, pmf = sprintf("%.17g", pmf[N + 1])))
  }
}
write.csv(out, "dpost.csv", row.names = FALSE, quote = FALSE)

obs <- observed(nc)
res <- NULL
for (w in as.character(when)) {
  P <- nc@predPMF[[w]][["bayes.trunc"]]
  sup <- 0:(length(P) - 1)
  q <- function(a) sup[which.max(cumsum(P) > a)]
  t <- as.numeric(as.Date(w) - t0)
  res <- rbind(res, data.frame(t = t, observed = obs[t + 1, 1], mean = sprintf("%.10g", sum(sup * P)),
                               median = q(0.5), lower = q(alpha / 2), upper = q(1 - alpha / 2)))
}
write.csv(res, "nowcast.csv", row.names = FALSE, quote = FALSE)

writeLines(c(
  paste("generated:", format(Sys.time(), "%Y-%m-%d", tz = "UTC"), "by Rscript reference.R"),
  paste("R:", R.version.string),
  paste("surveillance:", as.character(packageVersion("surveillance"))),
  sprintf("settings: T=%d now=T D=%d m=%d gd.prior.kappa=%g N.tInf.prior=poisgamma(mean.lambda=%g, var.lambda=%g) size.prior=%.17g nSamples=%d alpha=%g seed=20261125",
          T, D, m, kappa, mean.lambda, var.lambda, size.prior, nSamples, alpha)
), "provenance.txt")
