# Full-precision reference estimates for estimate's TestPrecision (issue 14, item 1).
#
# Each model's log-likelihood, analytic gradient and analytic Hessian are written below in plain
# R, independently of gomle. Every fit starts from R's own estimator (glm, glm.nb, lm) or from
# zero, and is then polished by Newton's method with step halving until the Newton decrement
# g'(-H)^-1 g stops falling; the script stops unless it ends below 1e-20 (it ends below 1e-26
# everywhere: see the "#" lines of precision.tsv). As a check on the Hessians' algebra, each is
# compared with central differences of the analytic gradient (Richardson-extrapolated): the "#"
# lines give the largest relative difference (2e-8 at most), the differences' own error.
#
# Standard errors are from the inverse of -H (the observed information, OIM) in the parameters
# gomle reports: alpha for nbreg and sigma for tobit, by the delta method from ln(alpha) and
# ln(sigma), in which the fits are made (as gomle and Stata do).
#
# Output: precision.tsv, one line per parameter: case, label (gomle's), estimate, SE; and one
# "#" line per case with the log-likelihood, max |gradient| and the final Newton decrement.
# Run from this folder: Rscript precision.R > precision.tsv
# Made with the R below (Debian r-base-core, r-cran-mass): see the last "#" line of the output.

suppressMessages(library(MASS))
options(digits = 17)

datadir <- "../../../data"
read_ships <- function() {
  d <- read.csv(file.path(datadir, "ships.csv"))
  d[!is.na(d$service) & d$service > 0, ]
}
spector <- read.table(file.path(datadir, "spector.csv"), header = TRUE, quote = "'")
randhie <- read.csv(file.path(datadir, "randhie.csv"))
anes <- read.table(file.path(datadir, "anes96.csv"), header = TRUE, sep = "\t", quote = "'")

# numhess is the Hessian by central differences of the gradient gr at p, for the check above.
numhess <- function(gr, p) {
  k <- length(p)
  h <- 1e-3 * pmax(abs(p), 1)
  d <- function(j, s) {
    e <- numeric(k); e[j] <- s
    (gr(p + e) - gr(p - e)) / (2 * s)
  }
  H <- sapply(seq_len(k), function(j) (4 * d(j, h[j] / 2) - d(j, h[j])) / 3)
  (H + t(H)) / 2
}
# polish runs Newton's method from p on ll, its gradient gr and its Hessian hs, and returns
# the estimates, the Hessian there, the last gradient's largest entry, the Newton decrement and
# the check of hs against numhess.
polish <- function(ll, gr, hs, p) {
  dec_prev <- Inf
  for (it in 1:200) {
    g <- gr(p); H <- hs(p)
    step <- solve(-H, g)
    dec <- sum(g * step)
    if (dec < 1e-28 || (it > 3 && dec >= dec_prev / 2)) break
    dec_prev <- dec
    f0 <- ll(p); t <- 1
    while (t > 1e-10 && !(ll(p + t * step) >= f0 - 1e-13 * abs(f0))) t <- t / 2
    p <- p + t * step
  }
  g <- gr(p); H <- hs(p)
  dec <- sum(g * solve(-H, g))
  if (!(dec < 1e-20)) stop(sprintf("Newton did not converge: decrement %.3g", dec))
  check <- max(abs(numhess(gr, p) - H)) / max(abs(H))
  list(par = p, H = H, ll = ll(p), maxgrad = max(abs(g)), dec = dec, check = check)
}

emit <- function(name, labels, fit, transform = NULL, V = solve(-fit$H)) {
  est <- fit$par
  se <- sqrt(diag(V))
  if (!is.null(transform)) {
    # the last parameter is a log: report exp and its delta-method SE
    k <- length(est)
    se[k] <- exp(est[k]) * se[k]
    est[k] <- exp(est[k])
  }
  cat(sprintf("# %s\tll=%.17g\tmaxgrad=%.3g\tdecrement=%.3g\tnumerical Hessian differs by %.2g\n",
              name, fit$ll, fit$maxgrad, fit$dec, fit$check))
  for (i in seq_along(est)) cat(sprintf("%s\t%s\t%.17g\t%.17g\n", name, labels[i], est[i], se[i]))
}

# --- binary ---
binary <- function(name, y, X, link, robust = FALSE) {
  ll <- function(b) {
    eta <- drop(X %*% b)
    sum(ifelse(y == 1, link$lp(eta), link$lp(-eta)))
  }
  gr <- function(b) {
    eta <- drop(X %*% b)
    w <- ifelse(y == 1, link$dlp(eta), -link$dlp(-eta))
    drop(crossprod(X, w))
  }
  hs <- function(b) {
    eta <- drop(X %*% b)
    crossprod(X, X * ifelse(y == 1, link$d2lp(eta), link$d2lp(-eta)))
  }
  start <- coef(glm(y ~ X - 1, family = binomial(link$name)))
  fit <- polish(ll, gr, hs, start)
  if (!robust) return(emit(name, colnames(X), fit))
  # Stata's vce(robust): n/(n-1) H^-1 (sum s s') H^-1, s the per-observation scores.
  eta <- drop(X %*% fit$par)
  S <- X * ifelse(y == 1, link$dlp(eta), -link$dlp(-eta))
  Hi <- solve(-fit$H)
  n <- length(y)
  emit(name, colnames(X), fit, V = n / (n - 1) * Hi %*% crossprod(S) %*% Hi)
}
# log F(eta) and its first and second derivatives for logit and probit, without cancellation.
logit <- list(name = "logit", lp = function(e) plogis(e, log.p = TRUE), dlp = function(e) plogis(-e),
              d2lp = function(e) -plogis(e) * plogis(-e))
mills <- function(e) exp(dnorm(e, log = TRUE) - pnorm(e, log.p = TRUE))
probit <- list(name = "probit", lp = function(e) pnorm(e, log.p = TRUE), dlp = mills,
               d2lp = function(e) -mills(e) * (e + mills(e)))

Xs <- cbind(Intercept = 1, GPA = spector$GPA, TUCE = spector$TUCE, PSI = spector$PSI)
binary("spector_logit", spector$GRADE, Xs, logit)
binary("spector_probit", spector$GRADE, Xs, probit)
# Robust SEs on the regressors rounded to float32, as Stata stored them (reference
# spector_logit.json, bse_robust).
f32 <- function(x) readBin(writeBin(x, raw(), size = 4), "double", size = 4, n = length(x))
binary("spector_logit_robust_float32", spector$GRADE, apply(Xs, 2, f32), logit, robust = TRUE)

# --- counts: Poisson and NB2 (alpha = exp(lnalpha), Var = mu + alpha mu^2) ---
poisson_fit <- function(name, y, X, off = rep(0, length(y))) {
  ll <- function(b) { eta <- drop(X %*% b) + off; sum(y * eta - exp(eta) - lgamma(y + 1)) }
  gr <- function(b) { mu <- exp(drop(X %*% b) + off); drop(crossprod(X, y - mu)) }
  hs <- function(b) { mu <- exp(drop(X %*% b) + off); -crossprod(X, X * mu) }
  start <- coef(glm(y ~ X - 1 + offset(off), family = poisson))
  emit(name, colnames(X), polish(ll, gr, hs, start))
}
nb2_fit <- function(name, y, X, off = rep(0, length(y))) {
  k <- ncol(X)
  ll <- function(p) {
    mu <- exp(drop(X %*% p[1:k]) + off); r <- exp(-p[k + 1])
    sum(lgamma(y + r) - lgamma(r) - lgamma(y + 1) + r * log(r / (r + mu)) + y * log(mu / (r + mu)))
  }
  gr <- function(p) {
    mu <- exp(drop(X %*% p[1:k]) + off); r <- exp(-p[k + 1])
    gb <- crossprod(X, (y - mu) * r / (r + mu))
    dr <- digamma(y + r) - digamma(r) + log(r / (r + mu)) + 1 - (r + y) / (r + mu)
    c(gb, -r * sum(dr))
  }
  hs <- function(p) {
    mu <- exp(drop(X %*% p[1:k]) + off); r <- exp(-p[k + 1])
    hbb <- -crossprod(X, X * (r * mu * (r + y) / (r + mu)^2))
    hbt <- crossprod(X, -r * mu * (y - mu) / (r + mu)^2)
    D <- digamma(y + r) - digamma(r) + log(r / (r + mu)) + 1 - (r + y) / (r + mu)
    D1 <- trigamma(y + r) - trigamma(r) + 1 / r - 1 / (r + mu) - (mu - y) / (r + mu)^2
    rbind(cbind(hbb, hbt), c(hbt, r * sum(D + r * D1)))
  }
  g0 <- glm.nb(y ~ X - 1 + offset(off))
  emit(name, c(colnames(X), "alpha"), polish(ll, gr, hs, c(coef(g0), -log(g0$theta))), transform = TRUE)
}

ships <- read_ships()
Xships <- cbind(Intercept = 1, yr_con = ships$yr_con, op_75_79 = ships$op_75_79)
poisson_fit("ships_poisson_exposure", ships$accident, Xships, log(ships$service))
nb2_fit("ships_negbin2_exposure", ships$accident, Xships, log(ships$service))
nb2_fit("ships_negbin2", ships$accident, Xships)

hie <- c("lncoins", "idp", "lpi", "fmde", "physlm", "disea", "hlthg", "hlthf", "hlthp")
Xhie <- cbind(Intercept = 1, as.matrix(randhie[, hie]))
poisson_fit("randhie_poisson", randhie$mdvis, Xhie)
nb2_fit("randhie_negbin2", randhie$mdvis, Xhie)

# NB2 with a factor interacted with a regressor: mdvis ~ C(idp)*lncoins + physlm*disea + hlthg
# + hlthf + hlthp, columns in gomle's order and with its labels.
Xint <- with(randhie, cbind(Intercept = 1, "C(idp)[T.1]" = idp, lncoins = lncoins,
  "C(idp)[T.1]:lncoins" = idp * lncoins, physlm = physlm, disea = disea,
  "physlm:disea" = physlm * disea, hlthg = hlthg, hlthf = hlthf, hlthp = hlthp))
nb2_fit("randhie_negbin2_interactions", randhie$mdvis, Xint)

# --- multinomial logit, base outcome 0, equations PID=1..6 ---
Xa <- cbind(Intercept = 1, "log(popul + 0.1)" = log(anes$popul + 0.1), selfLR = anes$selfLR,
            age = anes$age, educ = anes$educ, income = anes$income)
J <- 6
Y <- sapply(1:J, function(j) as.numeric(anes$PID == j))
mn_probs <- function(b) {
  B <- matrix(b, ncol(Xa), J)
  E <- cbind(0, Xa %*% B)
  m <- apply(E, 1, max)
  P <- exp(E - m)
  P / rowSums(P)
}
mn_ll <- function(b) {
  B <- matrix(b, ncol(Xa), J)
  E <- cbind(0, Xa %*% B)
  m <- apply(E, 1, max)
  sum(E[cbind(seq_len(nrow(E)), anes$PID + 1)] - m - log(rowSums(exp(E - m))))
}
mn_gr <- function(b) as.vector(crossprod(Xa, Y - mn_probs(b)[, -1]))
mn_hs <- function(b) {
  P <- mn_probs(b)[, -1]
  K <- ncol(Xa)
  H <- matrix(0, K * J, K * J)
  for (j in 1:J) for (l in 1:J) {
    H[(j - 1) * K + 1:K, (l - 1) * K + 1:K] <- -crossprod(Xa, Xa * (P[, j] * ((j == l) - P[, l])))
  }
  H
}
mn <- polish(mn_ll, mn_gr, mn_hs, numeric(ncol(Xa) * J))
emit("anes96_mnlogit", as.vector(outer(colnames(Xa), 1:J, function(x, j) sprintf("PID=%d: %s", j, x))), mn)

# --- tobit, censored below at lo and above at hi (either may be absent), sigma = exp(lnsigma) ---
tobit_fit <- function(name, y, X, lo = -Inf, hi = Inf) {
  k <- ncol(X)
  left <- y <= lo; right <- y >= hi; mid <- !left & !right
  ll <- function(p) {
    eta <- drop(X %*% p[1:k]); s <- exp(p[k + 1])
    sum(dnorm((y[mid] - eta[mid]) / s, log = TRUE) - log(s)) +
      sum(pnorm((lo - eta[left]) / s, log.p = TRUE)) +
      sum(pnorm((eta[right] - hi) / s, log.p = TRUE))
  }
  gr <- function(p) {
    eta <- drop(X %*% p[1:k]); s <- exp(p[k + 1])
    geta <- numeric(length(y)); gs <- numeric(length(y))
    z <- (y[mid] - eta[mid]) / s
    geta[mid] <- z / s; gs[mid] <- z^2 - 1
    c_l <- (lo - eta[left]) / s
    lam <- exp(dnorm(c_l, log = TRUE) - pnorm(c_l, log.p = TRUE))
    geta[left] <- -lam / s; gs[left] <- -lam * c_l
    c_r <- (eta[right] - hi) / s
    lam <- exp(dnorm(c_r, log = TRUE) - pnorm(c_r, log.p = TRUE))
    geta[right] <- lam / s; gs[right] <- -lam * c_r
    c(crossprod(X, geta), sum(gs))
  }
  # Hessian: for a censored row l = log Phi(c) with c linear in eta and c_s = -c, so
  # l_ab = -lam (c + lam) c_a c_b + lam c_ab, lam = phi(c)/Phi(c).
  hs <- function(p) {
    eta <- drop(X %*% p[1:k]); s <- exp(p[k + 1])
    hee <- numeric(length(y)); hes <- hee; hss <- hee
    z <- (y[mid] - eta[mid]) / s
    hee[mid] <- -1 / s^2; hes[mid] <- -2 * z / s; hss[mid] <- -2 * z^2
    cens <- function(rows, cc, ce) {
      lam <- exp(dnorm(cc, log = TRUE) - pnorm(cc, log.p = TRUE)); q <- -lam * (cc + lam)
      hee[rows] <<- q * ce^2
      hes[rows] <<- q * ce * (-cc) - lam * ce
      hss[rows] <<- q * cc^2 + lam * cc
    }
    cens(left, (lo - eta[left]) / s, -1 / s)
    cens(right, (eta[right] - hi) / s, 1 / s)
    hbs <- crossprod(X, hes)
    rbind(cbind(crossprod(X, X * hee), hbs), c(hbs, sum(hss)))
  }
  o <- lm(y ~ X - 1)
  emit(name, c(colnames(X), "sigma"), polish(ll, gr, hs, c(coef(o), log(summary(o)$sigma))), transform = TRUE)
}
# A large sigma (about 14000) with 16 of 34 observations censored below 1000.
tobit_fit("ships_tobit_service", ships$service, Xships, lo = 1000)
# Two limits: 6308 observations censored at 0 and 1156 at 10 of 20190.
tobit_fit("randhie_tobit_two_limit", randhie$mdvis, Xhie, lo = 0, hi = 10)

cat(sprintf("# %s, MASS %s\n", R.version.string, packageVersion("MASS")))
