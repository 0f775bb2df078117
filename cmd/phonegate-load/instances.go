package main

import (
	"fmt"
	"path/filepath"

	"github.com/phonegate/phonegate/internal/haproxytest"
	"github.com/phonegate/phonegate/internal/pgtest"
)

// database settles which database the servers share: a SQLite file in the
// run's folder, the PostgreSQL database -db names, or, for -db start, a
// throwaway PostgreSQL cluster (Debian's initdb, on a unix socket in a
// temporary folder, a child of the load tool) whose postgres database the
// run uses. It returns what stops the cluster.
func (r *runner) database() (stop func(), err error) {
	switch r.opt.DB {
	case "":
		r.db = filepath.Join(r.dir, "phonegate.db")
		return func() {}, nil
	case "start":
		dsn, stop, err := pgtest.Start()
		if err != nil {
			return nil, fmt.Errorf("-db start: %w", err)
		}
		r.db = dsn
		r.logf("started a throwaway PostgreSQL cluster: %s", dsn)
		return stop, nil
	default:
		r.db = r.opt.DB
		return func() {}, nil
	}
}

// addresses picks the loopback ports of the servers and sets the fronts:
// with one instance of each the load goes to the server itself; with more,
// to HAProxy, which listens on a port for phonegate and one for the
// baselines.
func (r *runner) addresses() error {
	n := r.opt.Instances
	r.pgs, r.bases = make([]*child, n), make([]*child, n)
	r.pgAddrs, r.baseAddrs = make([]string, n), make([]string, n)
	for i := range n {
		var err error
		if r.pgAddrs[i], err = freeAddr(); err != nil {
			return err
		}
		if r.baseAddrs[i], err = freeAddr(); err != nil {
			return err
		}
	}
	if n == 1 {
		r.pgFront, r.baseFront = "http://"+r.pgAddrs[0], "http://"+r.baseAddrs[0]
		return nil
	}
	pg, err := freeAddr()
	if err != nil {
		return err
	}
	base, err := freeAddr()
	if err != nil {
		return err
	}
	r.pgFront, r.baseFront = "http://"+pg, "http://"+base
	return nil
}

// startBalancer starts HAProxy in front of the instances, round robin
// without stickiness, and in front of the baselines the same way, so that
// the ratios compare servers behind the same balancer. A request whose
// connection an instance refuses (one killed by the crash scenario) is
// tried on another.
func (r *runner) startBalancer() error {
	bin, err := haproxytest.Binary()
	if err != nil {
		return fmt.Errorf("-instances %d: %w", r.opt.Instances, err)
	}
	cfg := haproxytest.Config{
		Frontends: []haproxytest.Frontend{
			{Name: "phonegate", Listen: r.pgFront[len("http://"):], Servers: r.pgAddrs},
			{Name: "baseline", Listen: r.baseFront[len("http://"):], Servers: r.baseAddrs},
		},
		BackendLines: []string{"retries 2", "option redispatch 1"},
	}
	if r.lb, err = haproxytest.Start(bin, r.dir, cfg); err != nil {
		return err
	}
	r.logf("HAProxy pid %d: phonegate on %s, baseline on %s, round robin over %d instances each",
		r.lb.PID(), r.pgFront, r.baseFront, r.opt.Instances)
	return nil
}

// pids returns the process IDs of the running servers among cs.
func pids(cs []*child) []int {
	var out []int
	for _, c := range cs {
		if c != nil {
			out = append(out, c.pid())
		}
	}
	return out
}

// serverPIDs are the processes that must stay alive while a level is
// measured: every phonegate instance and baseline.
func (r *runner) serverPIDs() []int {
	return append(pids(r.pgs), pids(r.bases)...)
}

// pgLogs are the phonegate instances' logs.
func (r *runner) pgLogs() []string {
	var out []string
	for i := range r.pgs {
		out = append(out, filepath.Join(r.dir, r.childName("phonegate", i)+".log"))
	}
	return out
}
