# Reference predictions for estimate's predictions test (estimate/predict_test.go), from R's
# predict and residuals. Run: Rscript predict.R > predict.out (in this folder). Every line is
# "name value per row", over the rows of the data file in order.
library(MASS)
options(digits = 15)
show <- function(name, v) cat(name, paste(format(unname(v), digits = 15), collapse = " "), "\n")
tight <- glm.control(epsilon = 1e-15, maxit = 100)

# Logit on Spector & Mazzeo (data/spector.csv).
d <- read.table("../../../data/spector.csv", header = TRUE, quote = "'")
f <- glm(GRADE ~ GPA + TUCE + PSI, family = binomial, data = d, control = tight)
link <- predict(f, type = "link", se.fit = TRUE)
resp <- predict(f, type = "response", se.fit = TRUE)
show("logit_xb", link$fit); show("logit_xb_se", link$se.fit)
show("logit_pr", resp$fit); show("logit_pr_se", resp$se.fit)
show("logit_resid", residuals(f, type = "response"))
show("logit_pearson", residuals(f, type = "pearson"))
show("logit_deviance", residuals(f, type = "deviance"))

# Poisson with exposure on the ships data (data/ships.csv): the offset is log(service).
s <- read.csv("../../../data/ships.csv")
p <- glm(accident ~ yr_con + op_75_79 + offset(log(service)), family = poisson, data = s, control = tight)
link <- predict(p, type = "link", se.fit = TRUE)
resp <- predict(p, type = "response", se.fit = TRUE)
show("poisson_xb", link$fit); show("poisson_xb_se", link$se.fit)
show("poisson_mu", resp$fit); show("poisson_mu_se", resp$se.fit)
show("poisson_resid", residuals(p, type = "response"))
show("poisson_pearson", residuals(p, type = "pearson"))
show("poisson_deviance", residuals(p, type = "deviance"))

# NB2 (glm.nb: theta = 1/alpha) on the same data. Its standard errors treat theta as known,
# so only the estimates-based quantities are compared.
nb <- glm.nb(accident ~ yr_con + op_75_79 + offset(log(service)), data = s, control = glm.control(epsilon = 1e-14, maxit = 100))
show("nbreg_mu", fitted(nb))
show("nbreg_pearson", residuals(nb, type = "pearson"))
show("nbreg_deviance", residuals(nb, type = "deviance"))
