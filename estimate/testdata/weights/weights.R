# Reference values for estimate's weights tests (estimate/weights_test.go), from R's glm.
# Run: Rscript weights.R > weights.out (in this folder). Writes spector_w.csv, the Spector &
# Mazzeo data (data/spector.csv) with two weight columns added by a fixed rule, so the tests
# and this script read the same file.
d <- read.table("../../../data/spector.csv", header = TRUE, quote = "'")
d$fw <- (d$OBS %% 4)          # frequency weights 0..3 (a zero drops a row)
d$pw <- 1 / (0.15 + (d$OBS %% 5) / 10)  # sampling weights: inverse probabilities
write.csv(d, "spector_w.csv", row.names = FALSE)
options(digits = 15)
show <- function(name, v) cat(name, paste(format(v, digits = 15), collapse = " "), "\n")

# Frequency weights: glm's prior weights on a binomial model with integer weights give the
# expanded data's estimates and standard errors.
tight <- glm.control(epsilon = 1e-15, maxit = 100)  # converge fully: vcov uses the last IRLS weights
f <- glm(GRADE ~ GPA + TUCE + PSI, family = binomial, data = d, weights = fw, control = tight)
show("fw_logit_coef", coef(f))
show("fw_logit_se", sqrt(diag(vcov(f))))
show("fw_logit_loglik", as.numeric(logLik(f)))

# Sampling weights: the same point estimates as weights in the likelihood; Stata's robust
# covariance n/(n-1) * B^-1 M B^-1 with the bread B = X'WVX (V = mu(1-mu)) and the meat
# M = sum_i (w_i (y_i - mu_i))^2 x_i x_i', n the number of rows (textbook formula, by hand).
suppressWarnings(p <- glm(GRADE ~ GPA + TUCE + PSI, family = binomial, data = d, weights = pw, control = tight))
X <- model.matrix(p); mu <- fitted(p); w <- d$pw; n <- nrow(X)
B <- t(X) %*% (X * (w * mu * (1 - mu)))
U <- X * (w * (d$GRADE - mu))
M <- t(U) %*% U
V <- n / (n - 1) * solve(B) %*% M %*% solve(B)
show("pw_logit_coef", coef(p))
show("pw_logit_se", sqrt(diag(V)))

# Analytic weights: weighted least squares, as Stata's regress [aw=pw] and R's lm(weights=):
# s^2 = sum w e^2 / (n - k) and V = s^2 (X'WX)^-1, neither changed by rescaling the weights.
a <- lm(GPA ~ TUCE + PSI, data = d, weights = pw)
show("aw_ols_coef", coef(a))
show("aw_ols_se", sqrt(diag(vcov(a))))
