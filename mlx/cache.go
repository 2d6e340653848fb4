package mlx

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"math"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// DefaultProgramCacheCapacity is how many sets of compiled programs the program cache keeps
// unless SetProgramCacheCapacity says otherwise. A set holds the value, value+gradient, Hessian
// and score programs of one model computation for one shape of data (see Evaluator), and the
// unrolled SGD or Adam steps of Evaluator.Steps, one program per rule and number of steps. Sizes
// vary with the model: measured here, a normal linear model with 4 parameters takes about
// 0.25 MiB, a Tobit with 101 parameters (its exact Hessian is 101 gradient passes in one graph)
// about 27 MiB on the pure-Go backend and 40 MiB of Go heap plus 150–350 MiB of XLA's own
// memory on XLA CPU. 16 sets cover a fit, its null model and its Gauss–Newton Jacobian several
// times over.
const DefaultProgramCacheCapacity = 16

// SetProgramCacheCapacity sets how many sets of compiled programs mlx keeps, at least 1, and
// returns the previous capacity. The cache forgets the least recently used sets beyond it and
// releases their compiled graphs (graph.Exec.Finalize) as soon as no evaluation is running
// them; an Evaluator whose programs were forgotten compiles them again on its next evaluation.
// Raise it for a program that cycles through more distinct models (or data shapes) than
// DefaultProgramCacheCapacity, lower it to hold less memory.
//
// It panics if n < 1.
func SetProgramCacheCapacity(n int) int {
	if n < 1 {
		panic(fmt.Sprintf("mlx: SetProgramCacheCapacity(%d), want at least 1", n))
	}
	cache.mu.Lock()
	previous := cache.capacity
	cache.capacity = n
	released := cache.evictLocked()
	cache.mu.Unlock()
	finalizeAll(released)
	return previous
}

// programsKey identifies a set of programs: the backend and a digest of what the model
// computes on data of one shape (see fingerprint). model is set only for a model whose graph
// has a custom gradient, which no digest can see: such a model shares programs only with itself.
type programsKey struct {
	backend backends.Backend
	digest  [sha256.Size]byte
	model   *Model
}

// programCache is a least-recently-used cache of program sets with a capacity. Evaluators
// hold the sets they use, but a set counts as in use (users > 0) only while an evaluation runs
// it: an evicted set is finalized when its last running evaluation ends, and Evaluators never
// keep compiled programs alive by themselves.
type programCache struct {
	mu       sync.Mutex
	capacity int
	entries  map[programsKey]*list.Element
	lru      list.List // of *programs, the most recently used at the front
}

// cache is the process's program cache: compiled programs are shared by every Evaluator whose
// model computes the same thing, whoever built the model value.
var cache = &programCache{capacity: DefaultProgramCacheCapacity, entries: map[programsKey]*list.Element{}}

// getLocked returns the set of key, creating it, with bd to build its graphs, if the cache
// does not hold it. It marks the set as the most recently used.
func (c *programCache) getLocked(key programsKey, bd builder) *programs {
	if e, ok := c.entries[key]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*programs)
	}
	ps := &programs{key: key, builder: bd, execs: map[programID]*compiled{}}
	ps.elem = c.lru.PushFront(ps)
	c.entries[key] = ps.elem
	return ps
}

// evictLocked drops the least recently used sets beyond the capacity and returns those no
// evaluation is running, to be finalized once the lock is released. The others are finalized
// by release, when their last evaluation ends.
func (c *programCache) evictLocked() (idle []*programs) {
	for c.lru.Len() > c.capacity {
		ps := c.lru.Remove(c.lru.Back()).(*programs)
		delete(c.entries, ps.key)
		ps.elem, ps.evicted = nil, true
		if ps.users == 0 {
			idle = append(idle, ps)
		}
	}
	return idle
}

// lookup returns the set of key, creating it if needed (see getLocked).
func (c *programCache) lookup(key programsKey, bd builder) *programs {
	c.mu.Lock()
	ps := c.getLocked(key, bd)
	idle := c.evictLocked()
	c.mu.Unlock()
	finalizeAll(idle)
	return ps
}

// acquire marks the evaluator's sets as in use and returns them, one per distinct chunk shape.
// A set that was evicted since the evaluator last used it is looked up again (and rebuilt
// when no other evaluator brought it back). Every acquire must be followed by a release of
// the sets it returned.
func (c *programCache) acquire(ev *Evaluator) []*programs {
	c.mu.Lock()
	sets := make([]*programs, len(ev.progs))
	for i, ps := range ev.progs {
		if ps.evicted {
			ps = c.getLocked(ps.key, ps.builder)
			ev.progs[i] = ps
		} else {
			c.lru.MoveToFront(ps.elem)
		}
		ps.users++
		sets[i] = ps
	}
	idle := c.evictLocked()
	c.mu.Unlock()
	finalizeAll(idle)
	return sets
}

// release ends the use of sets that acquire returned, and finalizes those that were evicted
// meanwhile and are no longer in use.
func (c *programCache) release(sets []*programs) {
	var idle []*programs
	c.mu.Lock()
	for _, ps := range sets {
		ps.users--
		if ps.evicted && ps.users == 0 {
			idle = append(idle, ps)
		}
	}
	c.mu.Unlock()
	finalizeAll(idle)
}

// finalizeAll releases the compiled graphs of evicted sets that no evaluation runs.
func finalizeAll(sets []*programs) {
	for _, ps := range sets {
		ps.finalize()
	}
}

// fingerprint returns the cache key of the model's programs for data with the given column
// names and shapes (one shape per column, in name order) on backend b. It builds the model's
// value graph on those inputs, without compiling it, and hashes every node in build order
// (its operation, the ids of its inputs, its static arguments such as axes, its output shape
// and dtype, and the names and shapes of the inputs), the full value of every constant, and
// the blocks (names, sizes, transforms), the declared indices and Batched. For a Batched model the batched
// log-likelihood is built and hashed too. So two model values share programs exactly when
// they build the same graphs, however they were made, and models that differ in any captured
// constant (a censoring limit, say) do not. The one thing no graph shows is the function behind
// a custom gradient (graph.IdentityWithCustomGradient): a model with one is keyed by its
// pointer as well, and shares programs only with itself.
//
// It panics if the model's graph cannot be built; call it inside guard.Run.
func fingerprint(b backends.Backend, bd builder, inputs []shapes.Shape) programsKey {
	m, columns := bd.model, bd.columns
	h := sha256.New()
	// The weights' kind decides the meat program (see build's progScoreOuter); their scale is
	// a constant of every program; the devices decide how the programs are compiled and run.
	fmt.Fprintf(h, "mlx programs v1\nbatched=%t\nweights=%d scale=%x devices=%v\n", m.Batched, int(bd.weights), math.Float64bits(bd.weightScale), bd.devices)
	for _, blk := range m.Blocks {
		fmt.Fprintf(h, "block %q size=%d transform=%d\n", blk.Name, blk.Size, int(blk.Transform))
	}
	// The indices decide which Hessian and score programs are built (structured or generic),
	// beyond the value graph hashed below.
	for _, ix := range m.Indices {
		fmt.Fprintf(h, "index %q design=%q offset=%q\n", ix.Block, ix.Design, ix.Offset)
	}
	for i, name := range columns {
		fmt.Fprintf(h, "column %q %s\n", name, inputs[i])
	}
	g := graph.NewGraph(&hashingBackend{Backend: b, h: h}, "mlx-fingerprint")
	defer g.Finalize()
	nodes := make([]*graph.Node, 0, len(columns)+len(m.Blocks))
	for i, name := range columns {
		nodes = append(nodes, graph.Parameter(g, "data:"+name, inputs[i]))
	}
	for _, blk := range m.Blocks {
		nodes = append(nodes, graph.Parameter(g, "param:"+blk.Name, shapes.Make(dtypes.Float64, blk.Size)))
	}
	bd.build(progValue, nodes)
	if m.Batched {
		data, raw := bd.split(nodes)
		bd.batchedLogLikeObs(data, raw)
	}
	key := programsKey{backend: b}
	for _, n := range g.Nodes() {
		// Node.String names the operation, its input node ids, its static arguments and its
		// output shapes. Constants of 32 values or more appear there by shape only: their
		// values were hashed by hashingBuilder.Constant as the graph was built.
		io.WriteString(h, n.String())
		h.Write([]byte{'\n'})
		if n.CustomGradient() != nil {
			key.model = m
		}
	}
	h.Sum(key.digest[:0])
	return key
}

// hashingBackend is a backend whose builders hash the value of every constant they create.
// Everything else is the wrapped backend's: the graph is built exactly as for compiling.
type hashingBackend struct {
	backends.Backend
	h hash.Hash
}

// Builder returns the wrapped backend's builder, with Constant hashing its values.
func (hb *hashingBackend) Builder(name string) backends.Builder {
	return &hashingBuilder{Builder: hb.Backend.Builder(name), h: hb.h}
}

// hashingBuilder hashes the dtype, dimensions and values of each constant, then creates it.
type hashingBuilder struct {
	backends.Builder
	h hash.Hash
}

// Constant hashes the constant and passes it on to the wrapped builder.
func (hb *hashingBuilder) Constant(flat any, dims ...int) (backends.Op, error) {
	fmt.Fprintf(hb.h, "constant %T %v: ", flat, dims)
	var buf []byte
	switch v := flat.(type) {
	case []float64:
		buf = make([]byte, 0, 8*len(v))
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
		}
	case []float32:
		buf = make([]byte, 0, 4*len(v))
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
	default:
		// Integers and booleans print exactly; so do other floats, in their shortest
		// round-trip form.
		buf = fmt.Appendf(nil, "%v", flat)
	}
	hb.h.Write(buf)
	hb.h.Write([]byte{'\n'})
	return hb.Builder.Constant(flat, dims...)
}
