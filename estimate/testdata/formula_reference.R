# R reference fits for the formula syntax of issue 12 (crossings, powers, removals, R's coding
# of factors in interactions, offset() terms, comparisons in I(), the intercept alone).
#
# Run from the repository root:
#
#   Rscript estimate/testdata/formula_reference.R > estimate/testdata/formula_reference.txt
#
# Each case prints a "case" line (name, gomle model, dataset, gomle formula), then one "coef"
# line per coefficient in R's order: gomle's label for it, R's name and the estimate, and a
# "loglik" line. estimate's TestFormulaReference reads the output; the tests never run R.
# glm is run with a tight convergence tolerance so that its estimates are exact to about 1e-12.

spector <- read.table("data/spector.csv", header = TRUE, quote = "'")
ships <- read.csv("data/ships.csv")
hand <- read.csv("estimate/testdata/formula_hand.csv")
tight <- glm.control(epsilon = 1e-14, maxit = 100)

cases <- list(
  list("spector_slope_per_level", "logit", "data/spector.csv", spector,
       GRADE ~ factor(PSI):GPA, "GRADE ~ C(PSI):GPA",
       c("Intercept", "C(PSI)[0]:GPA", "C(PSI)[1]:GPA")),
  list("spector_slope_difference", "logit", "data/spector.csv", spector,
       GRADE ~ GPA + factor(PSI):GPA, "GRADE ~ GPA + C(PSI):GPA",
       c("Intercept", "GPA", "C(PSI)[T.1]:GPA")),
  list("spector_crossed", "logit", "data/spector.csv", spector,
       GRADE ~ GPA*factor(PSI) + TUCE, "GRADE ~ GPA*C(PSI) + TUCE",
       c("Intercept", "GPA", "C(PSI)[T.1]", "TUCE", "GPA:C(PSI)[T.1]")),
  list("spector_comparison", "logit", "data/spector.csv", spector,
       GRADE ~ I(GPA > 3) + TUCE + PSI, "GRADE ~ I(GPA > 3) + TUCE + PSI",
       c("Intercept", "I(GPA > 3)", "TUCE", "PSI")),
  list("spector_intercept_only", "logit", "data/spector.csv", spector,
       GRADE ~ 1, "GRADE ~ 1",
       c("Intercept")),
  list("ships_offset", "poisson", "data/ships.csv", ships,
       accident ~ yr_con + op_75_79 + offset(log(service)), "accident ~ yr_con + op_75_79 + offset(log(service))",
       c("Intercept", "yr_con", "op_75_79")),
  list("hand_slope_per_level", "ols", "estimate/testdata/formula_hand.csv", hand,
       y ~ factor(g):x, "y ~ C(g):x",
       c("Intercept", "C(g)[1]:x", "C(g)[2]:x", "C(g)[3]:x")),
  list("hand_slope_difference", "ols", "estimate/testdata/formula_hand.csv", hand,
       y ~ x + factor(g):x, "y ~ x + C(g):x",
       c("Intercept", "x", "C(g)[T.2]:x", "C(g)[T.3]:x")),
  list("hand_power", "ols", "estimate/testdata/formula_hand.csv", hand,
       y ~ (x + z + factor(g))^2, "y ~ (x + z + C(g))^2",
       c("Intercept", "x", "z", "C(g)[T.2]", "C(g)[T.3]", "x:z", "x:C(g)[T.2]", "x:C(g)[T.3]",
         "z:C(g)[T.2]", "z:C(g)[T.3]")),
  list("hand_crossed_factors", "ols", "estimate/testdata/formula_hand.csv", hand,
       y ~ factor(g)*factor(h), "y ~ C(g)*C(h)",
       c("Intercept", "C(g)[T.2]", "C(g)[T.3]", "C(h)[T.1]", "C(g)[T.2]:C(h)[T.1]", "C(g)[T.3]:C(h)[T.1]")),
  list("hand_factor_without_margin", "ols", "estimate/testdata/formula_hand.csv", hand,
       y ~ factor(g) + factor(g):factor(h), "y ~ C(g) + C(g):C(h)",
       c("Intercept", "C(g)[T.2]", "C(g)[T.3]", "C(g)[1]:C(h)[T.1]", "C(g)[2]:C(h)[T.1]", "C(g)[3]:C(h)[T.1]")),
  list("hand_no_intercept", "ols", "estimate/testdata/formula_hand.csv", hand,
       y ~ 0 + factor(g) + x, "y ~ 0 + C(g) + x",
       c("C(g)[1]", "C(g)[2]", "C(g)[3]", "x")),
  list("hand_minus", "ols", "estimate/testdata/formula_hand.csv", hand,
       y ~ x*z*factor(h) - x:z:factor(h), "y ~ x*z*C(h) - x:z:C(h)",
       c("Intercept", "x", "z", "C(h)[T.1]", "x:z", "x:C(h)[T.1]", "z:C(h)[T.1]"))
)

cat("# ", R.version.string, "; MASS ", as.character(packageVersion("MASS")), "\n", sep = "")
for (c in cases) {
  name <- c[[1]]; model <- c[[2]]; file <- c[[3]]; d <- c[[4]]; rf <- c[[5]]; gf <- c[[6]]; labels <- c[[7]]
  fit <- switch(model,
    ols = lm(rf, data = d),
    logit = glm(rf, family = binomial, data = d, control = tight),
    poisson = glm(rf, family = poisson, data = d, control = tight))
  b <- coef(fit)
  stopifnot(length(b) == length(labels), !anyNA(b))
  cat(sprintf("case\t%s\t%s\t%s\t%s\n", name, model, file, gf))
  cat(sprintf("# R: %s\n", paste(deparse(rf), collapse = " ")))
  for (j in seq_along(b)) cat(sprintf("coef\t%s\t%s\t%.15g\n", labels[j], names(b)[j], b[j]))
  cat(sprintf("loglik\t%.15g\n", as.numeric(logLik(fit))))
}
