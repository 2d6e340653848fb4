# Reference results for ordered logit and ordered probit (gomle tests).
#
# Data: American National Election Studies 1996 (ANES 1996), as shipped with
#   statsmodels (statsmodels/datasets/anes96), copied to ../../../../data/anes96.csv
#   (tab-separated, single-quoted headers, 944 rows, no missing values).
# Model: PID (party identification, 0..6, ordered, 7 levels) on
#   log(popul + 0.1), selfLR, age, educ, income; no intercept (cutpoints).
#   P(Y <= j) = F(zeta_j - x'beta), F logistic (ologit) or normal (oprobit).
# Computes, for each link:
#   * MASS::polr fit (Hess = TRUE, tight optim control), then polished by
#     Newton iterations on the exact analytic gradient/Hessian written below
#     until max|gradient| < 1e-9;
#   * standard errors from the inverse of the negative analytic Hessian at
#     the polished optimum (compared against polr's vcov);
#   * log-likelihood, null (cutpoints-only) log-likelihood, n;
#   * average marginal effects of every regressor on P(Y = j) for all 7
#     outcomes (Stata: margins, dydx(*) predict(outcome(j))), both with
#     respect to the variable popul (chain rule through log(popul + 0.1)) and
#     with respect to the design column log(popul + 0.1); marginal effects at
#     the means of the design columns (atmeans);
#   * delta-method standard errors using ANALYTIC Jacobians of the effects
#     with respect to (beta, zeta), checked against central finite
#     differences.
# Writes anes96_ologit.json and anes96_oprobit.json (17 significant digits).
# Run from this folder:  Rscript ordered.R

suppressPackageStartupMessages(library(MASS))

d <- read.table("../../../../data/anes96.csv", header = TRUE, sep = "\t",
                quote = "'", check.names = FALSE)
stopifnot(nrow(d) == 944, all(complete.cases(d)))
d$PIDf <- factor(d$PID, levels = 0:6, ordered = TRUE)

fml <- PIDf ~ log(popul + 0.1) + selfLR + age + educ + income
X <- model.matrix(~ log(popul + 0.1) + selfLR + age + educ + income, d)[, -1]
y <- as.integer(d$PID) + 1L          # category index 1..7
n <- nrow(X); K <- ncol(X); J <- 7L; NZ <- J - 1L; P <- K + NZ
wchain <- 1 / (d$popul + 0.1)        # d log(popul + 0.1) / d popul

links <- list(
  logistic = list(F = plogis, f = dlogis,
                  fp = function(x) { r <- dlogis(x) * (1 - 2 * plogis(x)); r[!is.finite(x)] <- 0; r }),
  probit   = list(F = pnorm, f = dnorm,
                  fp = function(x) { r <- -x * dnorm(x); r[!is.finite(x)] <- 0; r })
)

# zeta extended with -Inf, +Inf; category k has bounds zext[k] (lower), zext[k+1] (upper)
onehot <- function(idx) {            # n x NZ indicator of cutpoint idx (0 rows if idx out of 1..NZ)
  M <- matrix(0, length(idx), NZ)
  ok <- idx >= 1 & idx <= NZ
  M[cbind(which(ok), idx[ok])] <- 1
  M
}
DA <- cbind(-X, onehot(y))           # d a_i / d theta, a = zeta_y - eta
DB <- cbind(-X, onehot(y - 1L))      # d b_i / d theta, b = zeta_{y-1} - eta

loglik_parts <- function(theta, L) {
  beta <- theta[1:K]; zeta <- theta[K + 1:NZ]
  eta <- drop(X %*% beta)
  zext <- c(-Inf, zeta, Inf)
  a <- zext[y + 1L] - eta; b <- zext[y] - eta
  p <- L$F(a) - L$F(b)
  fa <- L$f(a); fb <- L$f(b); fa[!is.finite(a)] <- 0; fb[!is.finite(b)] <- 0
  ha <- L$fp(a); hb <- L$fp(b)
  G <- (fa * DA - fb * DB) / p                       # per-observation scores
  H <- crossprod(DA, (ha / p) * DA) - crossprod(DB, (hb / p) * DB) - crossprod(G)
  list(ll = sum(log(p)), grad = colSums(G), hess = H)
}

# Effects: dP(Y=j)/dv_k = beta_k * mean_i w_ik (f(zeta_{j-1} - eta_i) - f(zeta_j - eta_i))
# Returns J x K matrix; W is n x K matrix of chain factors; Xe rows where evaluated.
effects <- function(theta, L, Xe, W) {
  beta <- theta[1:K]; zeta <- theta[K + 1:NZ]
  eta <- drop(Xe %*% beta); zext <- c(-Inf, zeta, Inf)
  out <- matrix(0, J, K)
  for (j in 1:J) {
    fb <- L$f(zext[j] - eta); fa <- L$f(zext[j + 1] - eta)
    Dj <- fb - fa
    out[j, ] <- beta * colMeans(W * Dj)
  }
  out
}
# Analytic Jacobian of vec(effects) (row order: for j in 1..J, k in 1..K -> index (k-1)*J + j,
# i.e. R's column-major vec of the J x K matrix) with respect to theta = (beta, zeta)
effects_jac <- function(theta, L, Xe, W) {
  beta <- theta[1:K]; zeta <- theta[K + 1:NZ]
  eta <- drop(Xe %*% beta); zext <- c(-Inf, zeta, Inf)
  Jac <- matrix(0, J * K, P)
  for (j in 1:J) {
    bj <- zext[j] - eta; aj <- zext[j + 1] - eta
    fb <- L$f(bj); fa <- L$f(aj); hb <- L$fp(bj); ha <- L$fp(aj)
    Dj <- fb - fa
    dD_deta <- -(hb - ha)            # d D / d eta  (b, a decrease with eta)
    for (k in 1:K) {
      r <- (k - 1) * J + j
      wD <- W[, k]
      # beta part
      Jac[r, 1:K] <- beta[k] * colMeans(wD * dD_deta * Xe)
      Jac[r, k] <- Jac[r, k] + mean(wD * Dj)
      # zeta part
      if (j - 1 >= 1) Jac[r, K + j - 1] <- Jac[r, K + j - 1] + beta[k] * mean(wD * hb)
      if (j <= NZ)    Jac[r, K + j]     <- Jac[r, K + j]     - beta[k] * mean(wD * ha)
    }
  }
  Jac
}
fd_jac <- function(fun, theta) {     # central differences, step 1e-5 * max(|theta|, 1)
  f0 <- as.vector(fun(theta)); Jm <- matrix(0, length(f0), length(theta))
  for (m in seq_along(theta)) {
    h <- 1e-5 * max(abs(theta[m]), 1)
    tp <- theta; tm <- theta; tp[m] <- tp[m] + h; tm[m] <- tm[m] - h
    Jm[, m] <- (as.vector(fun(tp)) - as.vector(fun(tm))) / (tp[m] - tm[m])
  }
  Jm
}

fmt <- function(x) sprintf("%.17g", x)
jvec <- function(x) paste0("[", paste(fmt(x), collapse = ", "), "]")
jstr <- function(s) paste0("[", paste0('"', s, '"', collapse = ", "), "]")
jmat <- function(M) paste0("[\n    ", paste(apply(M, 1, jvec), collapse = ",\n    "), "\n  ]")

ame_vars <- c("popul", "selfLR", "age", "educ", "income")
col_names <- colnames(X)
Wvar <- matrix(1, n, K); Wvar[, 1] <- wchain
Wcol <- matrix(1, n, K)
xbar <- matrix(colMeans(X), 1)

run <- function(method, L, outfile) {
  cat("\n==================", method, "==================\n")
  fit <- polr(fml, data = d, method = method, Hess = TRUE,
              control = list(reltol = 1e-14, maxit = 10000))
  theta <- c(coef(fit), fit$zeta)
  pn <- names(theta)
  lp <- loglik_parts(theta, L)
  cat(sprintf("polr: logLik %.12f (analytic %.12f), max|grad| at polr optimum %.3e\n",
              as.numeric(logLik(fit)), lp$ll, max(abs(lp$grad))))
  for (it in 1:50) {                 # Newton polish
    if (max(abs(lp$grad)) < 1e-10) break
    theta <- theta - solve(lp$hess, lp$grad)
    lp <- loglik_parts(theta, L)
    cat(sprintf("Newton %d: ll %.15f max|grad| %.3e\n", it, lp$ll, max(abs(lp$grad))))
  }
  gmax <- max(abs(lp$grad))
  stopifnot(gmax < 1e-9)
  names(theta) <- pn
  V <- solve(-lp$hess); dimnames(V) <- list(pn, pn)
  se <- sqrt(diag(V))
  cat("max |theta - polr| =", max(abs(theta - c(coef(fit), fit$zeta))), "\n")
  cat("max rel diff SE (analytic Hessian vs polr vcov):",
      max(abs(se / sqrt(diag(vcov(fit))) - 1)), "\n")
  # check the analytic Hessian against central differences of the analytic gradient
  Hf <- fd_jac(function(t) loglik_parts(t, L)$grad, theta)
  cat("max |analytic H - FD(grad)| / max|H|:", max(abs(Hf - lp$hess)) / max(abs(lp$hess)), "\n")
  # null model: cutpoints only -> P(Y = j) = n_j / n for any link
  nj <- tabulate(y, J)
  llnull <- sum(nj * log(nj / n))
  fit0 <- polr(PIDf ~ 1, data = d, method = method, control = list(reltol = 1e-14, maxit = 10000))
  cat(sprintf("llnull closed form %.15f, polr(~1) %.15f\n", llnull, as.numeric(logLik(fit0))))
  print(cbind(estimate = theta, se = se))
  cat(sprintf("llf %.15f  n %d\n", lp$ll, n))

  # marginal effects
  res <- list()
  for (nm in c("var", "col", "mem")) {
    Xe <- switch(nm, var = X, col = X, mem = xbar)
    W <- switch(nm, var = Wvar, col = Wcol, mem = matrix(1, 1, K))
    E <- effects(theta, L, Xe, W)
    Ja <- effects_jac(theta, L, Xe, W)
    Jf <- fd_jac(function(t) effects(t, L, Xe, W), theta)
    cat(sprintf("%s: max |analytic Jacobian - central FD| = %.3e (max|J| %.3e); max |sum_j effect| = %.3e\n",
                nm, max(abs(Ja - Jf)), max(abs(Ja)), max(abs(colSums(E)))))
    SE <- matrix(sqrt(diag(Ja %*% V %*% t(Ja))), J, K)
    dimnames(E) <- dimnames(SE) <- list(paste0("PID=", 0:6), if (nm == "var") ame_vars else col_names)
    res[[nm]] <- list(E = E, SE = SE)
  }
  cat("AME (wrt variables, popul chain rule):\n"); print(res$var$E)
  cat("AME SE:\n"); print(res$var$SE)
  cat("MEM (atmeans, wrt columns):\n"); print(res$mem$E)

  js <- paste0("{\n",
    '  "model": "', if (method == "logistic") "ologit" else "oprobit", '",\n',
    '  "formula": "PID ~ log(popul + 0.1) + selfLR + age + educ + income; P(Y <= j) = F(zeta_j - x beta)",\n',
    '  "param_names": ', jstr(pn), ",\n",
    '  "params": ', jvec(theta), ",\n",
    '  "bse": ', jvec(se), ",\n",
    '  "cov_params": ', jmat(V), ",\n",
    '  "llf": ', fmt(lp$ll), ",\n",
    '  "llnull": ', fmt(llnull), ",\n",
    '  "nobs": ', n, ",\n",
    '  "outcomes": ', jvec(0:6), ",\n",
    '  "ame_vars": ', jstr(ame_vars), ",\n",
    '  "ame": ', jmat(res$var$E), ",\n",
    '  "ame_se": ', jmat(res$var$SE), ",\n",
    '  "ame_column_vars": ', jstr(col_names), ",\n",
    '  "ame_column": ', jmat(res$col$E), ",\n",
    '  "ame_column_se": ', jmat(res$col$SE), ",\n",
    '  "mem_at": ', jvec(xbar), ",\n",
    '  "mem": ', jmat(res$mem$E), ",\n",
    '  "mem_se": ', jmat(res$mem$SE), ",\n",
    '  "grad_maxabs": ', fmt(gmax), ",\n",
    '  "se_method": "inverse of negative analytic Hessian at the Newton-polished optimum",\n',
    '  "me_se_method": "delta method, analytic Jacobian wrt (beta, zeta), checked by central finite differences",\n',
    '  "r_version": "', R.version.string, '",\n',
    '  "mass_version": "', packageDescription("MASS")$Version, '"\n',
    "}\n")
  writeLines(js, outfile, sep = "")
  cat("wrote", outfile, "\n")
}

run("logistic", links$logistic, "anes96_ologit.json")
run("probit", links$probit, "anes96_oprobit.json")
