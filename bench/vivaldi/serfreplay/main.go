// Command serfreplay replays a brume Vivaldi evaluation (a replay file written by
// `brume vivaldi eval --replay-out FILE`) through hashicorp/serf's own coordinate
// package, and prints the same metrics as brume, computed the same way:
// the same symmetrised matrix, the same probe schedule (who probes whom, with
// which RTT, in which order), the same tracked pairs and nearest-of-5 trials.
//
// Build against Debian's golang-github-hashicorp-serf-dev in GOPATH mode:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o serfreplay .
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/hashicorp/serf/coordinate"
)

type replay struct {
	n, rounds int
	rtt       [][]float64 // ms, NaN = missing
	peer      [][]int     // [round][node]
	probeRTT  [][]float64 // [round][node] ms
	tracked   [][2]int
	trials    [][]int // source, candidates...
}

type scanner struct {
	s *bufio.Scanner
}

func (sc *scanner) word() string {
	if !sc.s.Scan() {
		fail("replay file ends early")
	}
	return sc.s.Text()
}

func (sc *scanner) expect(w string) {
	if got := sc.word(); got != w {
		fail(fmt.Sprintf("replay file: expected %q, got %q", w, got))
	}
}

func (sc *scanner) int() int {
	v, err := strconv.Atoi(sc.word())
	if err != nil {
		fail("replay file: " + err.Error())
	}
	return v
}

func (sc *scanner) float() float64 {
	w := sc.word()
	if w == "NaN" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(w, 64)
	if err != nil {
		fail("replay file: " + err.Error())
	}
	return v
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "serfreplay:", msg)
	os.Exit(1)
}

func read(path string) *replay {
	f, err := os.Open(path)
	if err != nil {
		fail(err.Error())
	}
	defer f.Close()
	s := bufio.NewScanner(bufio.NewReaderSize(f, 1<<20))
	s.Buffer(make([]byte, 1<<20), 1<<26)
	s.Split(bufio.ScanWords)
	sc := &scanner{s}
	sc.expect("brume-vivaldi-replay")
	sc.expect("1")
	sc.expect("nodes")
	r := &replay{n: sc.int()}
	sc.expect("rounds")
	r.rounds = sc.int()
	sc.expect("rtt")
	r.rtt = make([][]float64, r.n)
	for i := range r.rtt {
		r.rtt[i] = make([]float64, r.n)
		for j := range r.rtt[i] {
			r.rtt[i][j] = sc.float()
		}
	}
	sc.expect("schedule")
	r.peer = make([][]int, r.rounds)
	r.probeRTT = make([][]float64, r.rounds)
	for k := 0; k < r.rounds; k++ {
		r.peer[k] = make([]int, r.n)
		r.probeRTT[k] = make([]float64, r.n)
		for i := 0; i < r.n; i++ {
			r.peer[k][i] = sc.int()
			r.probeRTT[k][i] = sc.float()
		}
	}
	sc.expect("tracked")
	r.tracked = make([][2]int, sc.int())
	for k := range r.tracked {
		r.tracked[k] = [2]int{sc.int(), sc.int()}
	}
	sc.expect("trials")
	t, kk := sc.int(), sc.int()
	r.trials = make([][]int, t)
	for k := range r.trials {
		r.trials[k] = make([]int, kk+1)
		for c := range r.trials[k] {
			r.trials[k][c] = sc.int()
		}
	}
	return r
}

// percentile is brume's nearest rank: sorted[ceil(p*n)-1]; it sorts v.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	rank := int(math.Ceil(p * float64(len(v))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(v) {
		rank = len(v)
	}
	return v[rank-1]
}

func estMillis(a, b *coordinate.Coordinate) float64 {
	return float64(a.DistanceTo(b)) / float64(time.Millisecond)
}

func movementMillis(a, b *coordinate.Coordinate) float64 {
	d := 0.0
	for i := range a.Vec {
		x := a.Vec[i] - b.Vec[i]
		d += x * x
	}
	return (math.Sqrt(d) + math.Abs(a.Height-b.Height)) * 1000
}

// horizons are the rounds of the convergence curve, as brume's VivaldiEvaluation.horizons:
// 10, 20, 50, 100, 200, 500, 1000, ... below the number of rounds, then the last round.
func horizons(rounds int) []int {
	var out []int
	for _, h := range []int{10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000} {
		if h < rounds {
			out = append(out, h)
		}
	}
	return append(out, rounds)
}

// checkpoint is one point of the convergence curve, over all known pairs and the trials.
func checkpoint(r *replay, coords []*coordinate.Coordinate, rounds int) map[string]interface{} {
	var errs []float64
	for i := 0; i < r.n; i++ {
		for j := i + 1; j < r.n; j++ {
			m := r.rtt[i][j]
			if !math.IsNaN(m) {
				errs = append(errs, math.Abs(estMillis(coords[i], coords[j])-m)/m)
			}
		}
	}
	hits := 0
	for _, t := range r.trials {
		s := t[0]
		pred := t[1]
		best := r.rtt[s][t[1]]
		for _, c := range t[2:] {
			if estMillis(coords[s], coords[c]) < estMillis(coords[s], coords[pred]) {
				pred = c
			}
			best = math.Min(best, r.rtt[s][c])
		}
		if r.rtt[s][pred] <= best {
			hits++
		}
	}
	return map[string]interface{}{
		"rounds":                rounds,
		"median_relative_error": percentile(errs, 0.5),
		"p90_relative_error":    percentile(errs, 0.9),
		"nearest_of_5_accuracy": float64(hits) / float64(len(r.trials)),
	}
}

func main() {
	path := flag.String("replay", "", "replay file written by `brume vivaldi eval --replay-out`")
	dims := flag.Int("dimensions", 8, "Serf Dimensionality")
	flag.Parse()
	if *path == "" {
		fail("--replay FILE is required")
	}
	r := read(*path)
	cfg := coordinate.DefaultConfig()
	cfg.Dimensionality = uint(*dims)
	clients := make([]*coordinate.Client, r.n)
	coords := make([]*coordinate.Coordinate, r.n)
	names := make([]string, r.n)
	for i := range clients {
		c, err := coordinate.NewClient(cfg)
		if err != nil {
			fail(err.Error())
		}
		clients[i] = c
		coords[i] = c.GetCoordinate()
		names[i] = strconv.Itoa(i)
	}
	start := time.Now()
	medians := make([]float64, r.rounds)
	moves := make([]float64, r.rounds)
	scratch := make([]float64, len(r.tracked))
	mv := make([]float64, r.n)
	rejected := 0
	marks := horizons(r.rounds)
	var curve []map[string]interface{}
	for k := 0; k < r.rounds; k++ {
		prev := make([]*coordinate.Coordinate, r.n)
		copy(prev, coords)
		for i := 0; i < r.n; i++ {
			j := r.peer[k][i]
			if j < 0 {
				continue
			}
			rtt := time.Duration(r.probeRTT[k][i] * float64(time.Millisecond))
			c, err := clients[i].Update(names[j], coords[j], rtt)
			if err != nil {
				rejected++
				continue
			}
			coords[i] = c
		}
		for t, p := range r.tracked {
			m := r.rtt[p[0]][p[1]]
			scratch[t] = math.Abs(estMillis(coords[p[0]], coords[p[1]])-m) / m
		}
		medians[k] = percentile(scratch, 0.5)
		for i := range mv {
			if k == 0 {
				mv[i] = 0
			} else {
				mv[i] = movementMillis(prev[i], coords[i])
			}
		}
		moves[k] = percentile(mv, 0.5)
		if len(curve) < len(marks) && k+1 == marks[len(curve)] {
			curve = append(curve, checkpoint(r, coords, k+1))
		}
	}
	elapsed := time.Since(start)
	end := curve[len(curve)-1]
	final := medians[r.rounds-1]
	roundsTo := r.rounds
	for k, m := range medians {
		if m <= 1.2*final {
			roundsTo = k + 1
			break
		}
	}
	tail := r.rounds / 10
	if tail < 1 {
		tail = 1
	}
	stab := 0.0
	for k := r.rounds - tail; k < r.rounds; k++ {
		stab += moves[k] / float64(tail)
	}
	out := map[string]interface{}{
		"nodes":                       r.n,
		"median_relative_error":       end["median_relative_error"],
		"p90_relative_error":          end["p90_relative_error"],
		"nearest_of_5_accuracy":       end["nearest_of_5_accuracy"],
		"rounds_to_1_2x_final_median": roundsTo,
		"stability_ms_per_round":      stab,
		"curve":                       curve,
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	fmt.Fprintf(os.Stderr, "serfreplay: %d nodes, %d rounds, %d updates rejected by serf, %.1f s\n",
		r.n, r.rounds, rejected, elapsed.Seconds())
}
