// Package likelihoods holds ready-made models: constructors that return an *mlx.Model whose
// log-likelihood is written as a GoMLX graph.
//
// Each constructor documents the density, the block names in order, each block's transform and
// the data columns it reads.
//
// # Error handling
//
// Constructors panic on a programmer error (a non-positive number of regressors, censoring
// limits out of order, repeated outcome names), with a message starting "likelihoods:". Data
// problems are reported by mlx when the model is fitted, except in the helpers that build data
// columns, OneHot and ChoiceColumns, which return an error naming the observation or group at
// fault.
//
// # Backends
//
// The models use only operations that every GoMLX backend supports, the pure-Go one included.
package likelihoods
