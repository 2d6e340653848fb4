package mlx

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/distributed"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Several devices (NewEvaluatorOn, Settings.Devices). The rows of each chunk are cut into one
// shard per device, of equal length: GoMLX's SPMD runs one program on every device with inputs
// of one shape, so a chunk whose rows do not divide evenly is padded with copies of its first
// row at weight zero (a valid row, so that every ℓᵢ is finite, times zero). The shards carry a
// weights column: the data's own weights, or for unweighted data frequency weights of 1 and 0,
// whose programs are exactly the unweighted ones on the real rows (the meat divides by wᵢ
// only where wᵢ > 0). Every program that sums over rows ends in an AllReduce, so that each
// device holds the total and the host reads device 0's copy; the per-row scores are gathered
// from every device instead. The parameters are replicated: each device gets its own copy.

// span is a block of a chunk's rows, lo to hi, laid out in a program input of padded rows.
type span struct{ lo, hi, padded int }

// checkDevices validates a device list against the backend and returns it as DeviceNums; nil
// for none (the default device, no sharding). On a backend without SPMD (pure Go) a list of its
// one device is that: a program written for "all devices" runs there unchanged.
func checkDevices(b backends.Backend, devices []int) ([]backends.DeviceNum, error) {
	if len(devices) == 0 {
		return nil, nil
	}
	if len(devices) > 1 && !supportsSPMD(b) {
		return nil, fmt.Errorf("the %s backend runs on one device, not %d; XLA backends (CPU, CUDA, ROCm) run on several", b.Name(), len(devices))
	}
	n := b.NumDevices()
	if !supportsSPMD(b) && devices[0] >= 0 && devices[0] < n {
		return nil, nil
	}
	out := make([]backends.DeviceNum, len(devices))
	for i, d := range devices {
		switch {
		case d < 0 || d >= n:
			return nil, fmt.Errorf("device %d: the backend %s has %d device(s), 0 to %d", d, b.Name(), n, n-1)
		case slices.Contains(devices[:i], d):
			return nil, fmt.Errorf("device %d given twice in %v", d, devices)
		}
		out[i] = backends.DeviceNum(d)
	}
	return out, nil
}

// supportsSPMD reports whether programs can be replicated over a backend's devices: XLA's can,
// the pure-Go backend's cannot.
func supportsSPMD(b backends.Backend) bool {
	return b.Name() == "xla"
}

// Devices returns the devices the rows are sharded over, nil for the default device alone.
func (ev *Evaluator) Devices() []int {
	if ev.devices == nil {
		return nil
	}
	out := make([]int, len(ev.devices))
	for i, d := range ev.devices {
		out[i] = int(d)
	}
	return out
}

// reduced reports whether a program's outputs are sums over the rows, which several devices
// add up, rather than one value per row.
func reduced(kind program) bool {
	return kind != progScoreObs && kind != progScoreObsGeneric
}

// spmd makes e run on the devices, one replica each, as one SPMD program.
func spmd(e *graph.Exec, devices []backends.DeviceNum) error {
	mesh, err := distributed.NewDeviceMesh([]int{len(devices)}, []string{"rows"})
	if err != nil {
		return err
	}
	e.SPMD(mesh).WithDeviceAssignment(devices)
	return nil
}

// shardSpans returns the spans of a chunk of the given rows over n devices.
func shardSpans(rows, n int) []span {
	padded := (rows + n - 1) / n
	spans := make([]span, n)
	for d := range spans {
		lo := min(d*padded, rows)
		spans[d] = span{lo: lo, hi: min(lo+padded, rows), padded: padded}
	}
	return spans
}

// shardColumns returns the column names of the shards, in input order: the data's, with
// WeightsColumn added for unweighted data, and the kind of the shards' weights.
func (ev *Evaluator) shardColumns() ([]string, WeightKind) {
	if ev.data.weights != Unweighted {
		return ev.data.names, ev.data.weights
	}
	names := append(slices.Clone(ev.data.names), WeightsColumn)
	slices.Sort(names)
	return names, Frequency
}

// shardLayout returns the builder and input shapes of chunk c's shards.
func (ev *Evaluator) shardLayout(c int) (builder, []shapes.Shape) {
	names, kind := ev.shardColumns()
	padded := shardSpans(ev.data.rows[c], len(ev.devices))[0].padded
	inputs := make([]shapes.Shape, len(names))
	for i, name := range names {
		if name == WeightsColumn && ev.data.weights == Unweighted {
			inputs[i] = shapes.Make(ev.data.DType(), padded)
			continue
		}
		dims := slices.Clone(ev.data.shape(c, name).Dimensions)
		dims[0] = padded
		inputs[i] = shapes.Make(ev.data.DType(), dims...)
	}
	bd := builder{model: ev.model, columns: names, weights: kind, weightScale: ev.data.weightScale(), devices: ev.devices}
	return bd, inputs
}

// shardsOf returns chunk c's shards, one map of column tensors per device, each placed on its
// device, and release, to call once a program has run on them. A one-chunk Dataset's shards
// are made once and stay on the devices; a streamed chunk's are made for each evaluation and
// released after it.
func (ev *Evaluator) shardsOf(c int) (shards []map[string]*tensors.Tensor, release func(), err error) {
	if len(ev.data.chunks) > 1 {
		shards, err = ev.makeShards(c)
		return shards, func() {
			for _, m := range shards {
				for _, t := range m {
					t.FinalizeAll()
				}
			}
		}, err
	}
	ev.shardsMu.Lock()
	defer ev.shardsMu.Unlock()
	if ev.shards == nil {
		if ev.shards, err = ev.makeShards(c); err != nil {
			ev.shards = nil
			return nil, nil, err
		}
	}
	return ev.shards, func() {}, nil
}

// makeShards cuts chunk c's rows into one shard per device (see the top of this file).
func (ev *Evaluator) makeShards(c int) ([]map[string]*tensors.Tensor, error) {
	data := ev.data
	rows := data.rows[c]
	spans := shardSpans(rows, len(ev.devices))
	names, _ := ev.shardColumns()
	shards := make([]map[string]*tensors.Tensor, len(ev.devices))
	for d := range shards {
		shards[d] = make(map[string]*tensors.Tensor, len(names))
	}
	dtype := data.DType()
	for _, name := range names {
		var vals []float64
		var dims []int
		if t, ok := data.chunks[c].tensors[name]; ok {
			var err error
			if vals, err = asFloat64(t); err != nil {
				return nil, fmt.Errorf("column %q: %w", name, err)
			}
			dims = t.Shape().Dimensions
		} else { // the unit weights of unweighted data
			vals, dims = make([]float64, rows), []int{rows}
			for i := range vals {
				vals[i] = 1
			}
		}
		per := len(vals) / rows
		for d, s := range spans {
			buf := make([]float64, s.padded*per)
			copy(buf, vals[s.lo*per:s.hi*per])
			for i := s.hi - s.lo; i < s.padded; i++ {
				if name == WeightsColumn {
					buf[i] = 0 // a padding row counts for nothing
				} else {
					copy(buf[i*per:(i+1)*per], vals[:per]) // and is a valid row
				}
			}
			shape := slices.Clone(dims)
			shape[0] = s.padded
			t := newTensor(buf, dtype, shape)
			if err := t.MaterializeOnDevice(ev.backend, true, ev.devices[d]); err != nil {
				return nil, fmt.Errorf("column %q on device %d: %w", name, ev.devices[d], err)
			}
			shards[d][name] = t
		}
	}
	return shards, nil
}

// shardArgs returns the inputs of a program on chunk c's shards, device by device: the shard's
// columns, its own copy of the parameter blocks of u, and extra's inputs for its span. release
// frees what it made; call it once the program has run.
func (ev *Evaluator) shardArgs(c int, u []float64, extra func(c int, s span) []any) (args []any, spans []span, release func(), err error) {
	shards, releaseShards, err := ev.shardsOf(c)
	if err != nil {
		return nil, nil, nil, err
	}
	names, _ := ev.shardColumns()
	spans = shardSpans(ev.data.rows[c], len(ev.devices))
	var owned []*tensors.Tensor // parameters and extras
	for d, s := range spans {
		for _, name := range names {
			args = append(args, shards[d][name])
		}
		for _, t := range blockTensors(ev.model, u) { // each device its own copy
			args, owned = append(args, t), append(owned, t)
		}
		if extra != nil {
			for _, a := range extra(c, s) {
				args, owned = append(args, a), append(owned, a.(*tensors.Tensor))
			}
		}
	}
	return args, spans, func() { finalize(owned); releaseShards() }, nil
}

// runSharded runs program e on chunk c's shards at the unconstrained parameters u and returns
// its outputs as one device would: device 0's copy of the summed outputs, or the per-row
// outputs (p × rows, row-major) gathered from every device without the padding rows.
func (ev *Evaluator) runSharded(e *graph.Exec, kind program, c int, u []float64, extra func(c int, s span) []any) ([][]float64, error) {
	if kind == progSteps || kind == progBootstrap || kind == progBootstrapHessian {
		return nil, fmt.Errorf("several first-order steps per call and the batched bootstrap run on one device; this evaluator shards its rows over %d", len(ev.devices))
	}
	args, spans, release, err := ev.shardArgs(c, u, extra)
	if err != nil {
		return nil, err
	}
	defer release()
	results, err := e.Exec(args...)
	if err != nil {
		return nil, err
	}
	defer finalize(results)
	nOut := len(results) / len(spans)
	outs := make([][]float64, nOut)
	if reduced(kind) {
		for i := range outs {
			if outs[i], err = tensors.CopyFlatData[float64](results[i]); err != nil {
				return nil, err
			}
		}
		return outs, nil
	}
	rows := ev.data.rows[c]
	for i := range outs {
		p := results[i].Shape().Dimensions[0]
		outs[i] = make([]float64, p*rows)
		for d, s := range spans {
			part, err := tensors.CopyFlatData[float64](results[d*nOut+i])
			if err != nil {
				return nil, err
			}
			for j := range p {
				copy(outs[i][j*rows+s.lo:j*rows+s.hi], part[j*s.padded:j*s.padded+s.hi-s.lo])
			}
		}
	}
	return outs, nil
}
