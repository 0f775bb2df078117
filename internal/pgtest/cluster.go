package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// noBinariesError says that Debian's PostgreSQL binaries are missing: a reason to skip.
type noBinariesError struct{ msg string }

func (e *noBinariesError) Error() string { return e.msg }

// binDir returns the newest /usr/lib/postgresql/N/bin that holds initdb and postgres.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", &noBinariesError{"PostgreSQL binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)"}
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode()&0o111 != 0
}

// startCluster makes a cluster in a new temporary folder and runs its server on a unix socket
// there, as a child of this process that dies with it (a test binary that panics or times out
// leaves no server behind). It returns the DSN of the postgres database and a function that
// stops the server and removes the folder.
func startCluster() (dsn string, stop func(), err error) {
	bin, err := binDir()
	if err != nil {
		return "", nil, err
	}
	removeStale()
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	if err := os.WriteFile(filepath.Join(dir, "owner"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		cleanup()
		return "", nil, err
	}
	cred, err := unprivileged(dir)
	if err != nil {
		cleanup()
		return "", nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync")
	initdb.Dir, initdb.SysProcAttr = dir, &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	log, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		cleanup()
		return "", nil, err
	}
	// Throwaway data: no fsync. Many tests open pools at once: room for their connections.
	server := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-c", "listen_addresses=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300")
	server.Dir, server.Stdout, server.Stderr = dir, log, log
	server.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	exited := make(chan error, 1)
	started := make(chan error, 1)
	go func() {
		// Pdeathsig follows the thread that started the child: keep that thread for as long as
		// the server runs.
		runtime.LockOSThread()
		if err := server.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		exited <- server.Wait()
	}()
	if err := <-started; err != nil {
		log.Close()
		cleanup()
		return "", nil, fmt.Errorf("pgtest: postgres: %w", err)
	}
	q := url.Values{"host": {dir}, "user": {"postgres"}, "sslmode": {"disable"}}
	dsn = "postgres:///postgres?" + q.Encode()
	stop = func() {
		_ = server.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = server.Process.Kill()
			<-exited
		}
		log.Close()
		cleanup()
	}
	if err := waitReady(dsn, exited); err != nil {
		stop()
		out, _ := os.ReadFile(log.Name())
		return "", nil, fmt.Errorf("pgtest: postgres did not start: %v\n%s", err, out)
	}
	return dsn, stop, nil
}

// removeStale removes the folders of clusters whose test binary died before Main could remove
// them (their server died with it): the binary's process ID, in the folder's owner file, names
// no live process. A folder without that file is an hour old before it counts as stale.
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "pgtest-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner"))
		if err != nil {
			if fi, err := os.Stat(d); err == nil && time.Since(fi.ModTime()) > time.Hour {
				os.RemoveAll(d)
			}
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err == nil && syscall.Kill(pid, 0) == syscall.ESRCH {
			os.RemoveAll(d)
		}
	}
}

// waitReady waits until the server takes connections, or has exited, or a minute has gone.
func waitReady(dsn string, exited <-chan error) error {
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := pgx.Connect(ctx, dsn)
		cancel()
		if err == nil {
			return c.Close(context.Background())
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("exited: %v", werr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return err
		}
	}
}

// unprivileged returns the credentials to run the server's binaries with, as a user initdb
// accepts, and hands dir to that user: none for a non-root user, the postgres user for root.
func unprivileged(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, and initdb refuses root: no postgres user to run it as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// Start makes a throwaway cluster as PHONEGATE_TEST_POSTGRES=start does, for a program that is
// not a test (the load tool): the server on a unix socket in a new temporary folder, a child
// of the caller that dies with it. It returns the DSN of the cluster's postgres database, which
// the caller may use as it is, and a function that stops the server and removes the folder. An
// error says when Debian's binaries are missing.
func Start() (dsn string, stop func(), err error) {
	return startCluster()
}
