package likelihoods

// families lists the ready-made models, one line each; each is defined in its model's file.
var families = []*Family{
	olsFamily,
	logitFamily,
	probitFamily,
	poissonFamily,
	nbregFamily,
	tobitFamily,
	mlogitFamily,
	clogitFamily,
	weibullFamily,
	exponentialFamily,
	ologitFamily,
	oprobitFamily,
}
