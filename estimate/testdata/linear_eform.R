# Reference values for gomle's least-squares table (ols) and its eform tables (-eform),
# read by estimate/ols_test.go and estimate/eform_test.go. Base R only (no sandwich: HC1 is
# written out below).
#
#   Rscript linear_eform.R > linear_eform.json      (run in this folder)
#
# 1. Longley (../../data/longley.csv, NIST StRD): lm(TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED
#    + POP + YEAR): coefficients, SEs s^2 (X'X)^-1, t, p (t with n-k df), confint (t),
#    R^2, adjusted R^2, F with its df and p-value, sigma = sqrt(RSS/(n-k)), and the HC1
#    covariance n/(n-k) (X'X)^-1 X' diag(e^2) X (X'X)^-1 (Stata's regress, vce(robust)).
# 2. Spector (../../data/spector.csv): glm(GRADE ~ GPA + TUCE + PSI, binomial) odds ratios
#    exp(coef), their delta-method SEs exp(coef)*se, and exp(confint.default(.)), the Wald
#    (normal) interval.
# 3. Ships (../../data/ships.csv, complete rows): glm(accident ~ yr_con + op_75_79, poisson,
#    offset = log(service)) incidence-rate ratios, the same way.
options(digits = 17)
fmt <- function(x) paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]")
q <- function(x) paste0("[", paste(sprintf("\"%s\"", x), collapse = ", "), "]")
out <- c()
add <- function(key, val) out <<- c(out, sprintf("  \"%s\": %s", key, val))

d <- read.csv("../../data/longley.csv")
m <- lm(TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR, data = d)
s <- summary(m)
ct <- coef(s)
ci <- confint(m, level = 0.95)
X <- model.matrix(m); e <- resid(m); n <- nrow(X); k <- ncol(X)
XtXi <- chol2inv(qr.R(m$qr))   # as summary.lm; solve(crossprod(X)) is too ill-conditioned here
hc1 <- n / (n - k) * XtXi %*% crossprod(X * e) %*% XtXi
f <- s$fstatistic
add("lm_names", q(rownames(ct)))
add("lm_coef", fmt(ct[, 1]))
add("lm_se", fmt(ct[, 2]))
add("lm_t", fmt(ct[, 3]))
add("lm_p", fmt(ct[, 4]))
add("lm_lower", fmt(ci[, 1]))
add("lm_upper", fmt(ci[, 2]))
add("lm_sigma", fmt(s$sigma))
add("lm_rss", fmt(sum(e^2)))
add("lm_r2", fmt(s$r.squared))
add("lm_adj_r2", fmt(s$adj.r.squared))
add("lm_f", fmt(f[1]))
add("lm_f_df", fmt(f[2:3]))
add("lm_f_p", fmt(pf(f[1], f[2], f[3], lower.tail = FALSE)))
add("lm_df_resid", fmt(m$df.residual))
add("lm_hc1_se", fmt(sqrt(diag(hc1))))
hc1t <- coef(m) / sqrt(diag(hc1))
add("lm_hc1_p", fmt(2 * pt(abs(hc1t), m$df.residual, lower.tail = FALSE)))

eform <- function(prefix, g) {
  b <- coef(g); se <- sqrt(diag(vcov(g))); ci <- exp(confint.default(g))
  add(paste0(prefix, "_names"), q(names(b)))
  add(paste0(prefix, "_exp"), fmt(exp(b)))
  add(paste0(prefix, "_exp_se"), fmt(exp(b) * se))
  add(paste0(prefix, "_z"), fmt(b / se))
  add(paste0(prefix, "_lower"), fmt(ci[, 1]))
  add(paste0(prefix, "_upper"), fmt(ci[, 2]))
}
sp <- read.table("../../data/spector.csv", header = TRUE, quote = "'")
eform("logit", glm(GRADE ~ GPA + TUCE + PSI, family = binomial, data = sp,
                   control = glm.control(epsilon = 1e-14, maxit = 100)))
sh <- read.csv("../../data/ships.csv")
sh <- sh[complete.cases(sh[, c("accident", "yr_con", "op_75_79", "service")]), ]
stopifnot(nrow(sh) == 34)
eform("poisson", glm(accident ~ yr_con + op_75_79, family = poisson, data = sh,
                     offset = log(service), control = glm.control(epsilon = 1e-14, maxit = 100)))

add("generated_by", sprintf("\"Rscript linear_eform.R, %s\"", R.version.string))
cat("{\n", paste(out, collapse = ",\n"), "\n}\n", sep = "")
