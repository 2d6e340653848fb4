# Reference numbers for notebooks/bootstrap.ipynb: nonparametric bootstrap standard errors of the
# Poisson regression of ship accidents with exposure (McCullagh and Nelder; data/ships.csv, the 34
# rows with service > 0), from 10000 resamples of the rows drawn with R's own generator, and the
# robust (HC1, Stata's vce(robust)) standard errors. The bootstrap's Monte Carlo error on a standard
# error is about 1/sqrt(2B) relative for B replicates: 0.7% here, 2.2% for the notebook's 1000.
# Run in this folder: Rscript bootstrap.R > bootstrap.out
options(digits = 12)
s <- read.csv("../../data/ships.csv")
s <- s[!is.na(s$service) & s$service > 0, ]
f <- accident ~ yr_con + op_75_79 + offset(log(service))
m <- glm(f, poisson, s)
set.seed(20261204)
B <- 10000
est <- t(replicate(B, coef(glm(f, poisson, s[sample(nrow(s), replace = TRUE), ]))))
X <- model.matrix(m)
n <- nrow(s)
H <- solve(crossprod(X, X * fitted(m)))
robust <- sqrt(diag(H %*% crossprod(X * (s$accident - fitted(m))) %*% H * n / (n - 1)))
for (j in seq_along(coef(m))) {
  cat(sprintf("%s bootstrap_se %.8g robust_se %.8g\n", names(coef(m))[j], sd(est[, j]), robust[j]))
}
cat(sprintf("# %s, %d replicates\n", R.version.string, B))
