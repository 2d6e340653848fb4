# Reference numbers for notebooks/profile-likelihood.ipynb: the 95% profile-likelihood interval
# of op_75_79's coefficient in the Poisson regression of ship accidents with exposure
# (McCullagh and Nelder; data/ships.csv, the 34 rows with service > 0), computed exactly by
# root-finding on the likelihood-ratio statistic 2(l_max - l_p(b)) = qchisq(0.95, 1), each l_p(b)
# a glm fit with b * op_75_79 moved into the offset; and MASS's confint (profile, interpolated)
# and the Wald interval for comparison.
# Run in this folder: Rscript profile-likelihood.R > profile-likelihood.out
suppressMessages(library(MASS))
options(digits = 12)
s <- read.csv("../../data/ships.csv")
s <- s[!is.na(s$service) & s$service > 0, ]
tight <- glm.control(epsilon = 1e-14, maxit = 100)
full <- glm(accident ~ yr_con + op_75_79 + offset(log(service)), poisson, s, control = tight)
lmax <- as.numeric(logLik(full))
profile <- function(b) {
  as.numeric(logLik(glm(accident ~ yr_con + offset(log(service) + b * op_75_79), poisson, s, control = tight)))
}
crit <- qchisq(0.95, 1)
bhat <- coef(full)["op_75_79"]
se <- sqrt(diag(vcov(full)))["op_75_79"]
f <- function(b) 2 * (lmax - profile(b)) - crit
lo <- uniroot(f, c(bhat - 5 * se, bhat), tol = 1e-12)$root
hi <- uniroot(f, c(bhat, bhat + 5 * se), tol = 1e-12)$root
cat(sprintf("estimate %.12g\nse %.12g\nloglik %.12g\nprofile_lower %.12g\nprofile_upper %.12g\n", bhat, se, lmax, lo, hi))
ci <- suppressMessages(confint(full))["op_75_79", ]
cat(sprintf("mass_confint_lower %.12g\nmass_confint_upper %.12g\n", ci[1], ci[2]))
cat(sprintf("wald_lower %.12g\nwald_upper %.12g\n", bhat - qnorm(0.975) * se, bhat + qnorm(0.975) * se))
cat(sprintf("# %s, MASS %s\n", R.version.string, packageVersion("MASS")))
