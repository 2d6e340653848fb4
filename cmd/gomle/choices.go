package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
)

// parseCov reads -cov: "oim", "opg", "robust", "gn", "cluster:COLUMN" or
// "bootstrap:REPS[:SEED]" (seed 1 by default, so that a run is reproducible), as the
// covariance estimator and, for cluster, the column that identifies the clusters. Empty is
// "oim".
func parseCov(s string) (cov stderr.Covariance, column string, err error) {
	kind, column, _ := strings.Cut(strings.TrimSpace(s), ":")
	switch kind {
	case "":
		if column == "" {
			return nil, "", nil // the model's default: OIM, Robust under sampling weights
		}
	case "oim":
		if column == "" {
			return stderr.OIM{}, "", nil
		}
	case "opg":
		if column == "" {
			return stderr.OPG{}, "", nil
		}
	case "robust":
		if column == "" {
			return stderr.Robust{}, "", nil
		}
	case "gn":
		if column == "" {
			return stderr.GaussNewton{}, "", nil
		}
	case "cluster":
		if column = strings.TrimSpace(column); column != "" {
			return stderr.Cluster{}, column, nil
		}
		return nil, "", fmt.Errorf("covariance %q names no column; write cluster:COLUMN", s)
	case "bootstrap":
		reps, seed, hasSeed := strings.Cut(column, ":")
		b := stderr.Bootstrap{Seed: 1}
		if b.Reps, err = strconv.Atoi(strings.TrimSpace(reps)); err != nil || b.Reps < 2 {
			return nil, "", fmt.Errorf("covariance %q: write bootstrap:REPS or bootstrap:REPS:SEED, REPS at least 2", s)
		}
		if hasSeed {
			if b.Seed, err = strconv.ParseUint(strings.TrimSpace(seed), 10, 64); err != nil {
				return nil, "", fmt.Errorf("covariance %q: the seed must be a non-negative integer", s)
			}
		}
		return b, "", nil
	}
	return nil, "", fmt.Errorf("unknown covariance %q (oim, opg, robust, cluster:COLUMN, bootstrap:REPS[:SEED], or gn for nls)", s)
}

// parseMethod reads -method: the optimizer named s, or nil for "", which leaves the choice to
// package estimate (Newton for fit, the trust region for nls).
func parseMethod(s string) (optim.Method, error) {
	switch strings.ToLower(s) {
	case "":
		return nil, nil
	case "newton":
		return &optim.Newton{}, nil
	case "trust", "trust-region":
		return &optim.TrustRegion{}, nil
	case "bfgs":
		return &optim.BFGS{}, nil
	case "lbfgs", "l-bfgs":
		return &optim.LBFGS{}, nil
	case "bhhh":
		return &optim.BHHH{}, nil
	}
	return nil, fmt.Errorf("unknown method %q (trust, newton, bfgs, lbfgs or bhhh)", s)
}

// level is the -level flag: a confidence level given as a percentage, 90, or as a fraction,
// 0.9 (Stata's level() takes the percentage), stored as the fraction.
type level struct{ v *float64 }

func (l level) String() string {
	if l.v == nil || *l.v == 0 {
		return ""
	}
	return strconv.FormatFloat(100**l.v, 'g', -1, 64)
}

// Set accepts a fraction strictly between 0 and 1 or a percentage strictly between 1 and 100.
// 1 itself is refused: as a fraction it would be 100%, as a percentage 1%, and neither is
// likely meant.
func (l level) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	switch {
	case err != nil:
		return fmt.Errorf("not a number: %q", s)
	case v > 0 && v < 1:
		*l.v = v
	case v > 1 && v < 100:
		*l.v = v / 100
	default:
		return fmt.Errorf("%q: give a percentage between 1 and 100, such as 90, or a fraction between 0 and 1, such as 0.9", s)
	}
	return nil
}

// resolveDevices reads -devices for a backend with n devices: "" (one device, the default), a
// count N (devices 0 to N−1), "all", or a comma-separated list of device numbers ("0,2,3").
// A count or list beyond the backend's devices is an error naming how many it has.
func resolveDevices(s string, n int) ([]int, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil, nil
	case s == "all":
		s = strconv.Itoa(n)
	}
	if !strings.Contains(s, ",") {
		count, err := strconv.Atoi(s)
		if err != nil || count < 1 {
			return nil, fmt.Errorf("-devices %q: want a count (4), all, or a list of device numbers (0,2,3)", s)
		}
		switch {
		case count > n:
			return nil, fmt.Errorf("-devices %d: the backend has %d device(s)", count, n)
		case count == 1:
			return nil, nil // the default device, unsharded
		}
		out := make([]int, count)
		for i := range out {
			out[i] = i
		}
		return out, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("-devices %q: %q is not a device number", s, f)
		}
		out = append(out, d)
	}
	return out, nil // the engine checks them against the backend
}
