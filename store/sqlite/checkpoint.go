package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// driverName is go-sqlite3 with phonegate's connection settings.
const driverName = "sqlite3-phonegate"

// walAutoCheckpoint is the WAL size, in pages, at which a commit on the
// write connection checkpoints by itself. The checkpointer below keeps
// the WAL well under it; it is only a bound for when the checkpointer
// falls behind. SQLite's default, 1,000 pages, made every few hundredth
// status update wait for a checkpoint and its fsync.
const walAutoCheckpoint = 10000

// walSizeLimit truncates the WAL back to at most this many bytes after a
// burst has grown it.
const walSizeLimit = 64 << 20

// The DSN carries every per-connection pragma go-sqlite3 has a parameter
// for; these two have none, so a connect hook sets them on each new
// connection, a reopened one included.
func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d; PRAGMA journal_size_limit = %d", walAutoCheckpoint, walSizeLimit), nil)
		return err
	}})
}

// checkpointEvery is how often the checkpointer copies the WAL into the
// database file.
const checkpointEvery = 200 * time.Millisecond

// checkpointer copies committed pages from the WAL into the database file
// on a connection of its own, beside the writer rather than inside one of
// its commits: a PASSIVE checkpoint waits for nobody and blocks nobody,
// so the status updates never queue behind it.
type checkpointer struct {
	conn *sql.DB
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

func startCheckpointer(conn *sql.DB, every time.Duration) *checkpointer {
	c := &checkpointer{conn: conn, quit: make(chan struct{}), done: make(chan struct{})}
	go c.run(every)
	return c
}

func (c *checkpointer) run(every time.Duration) {
	defer close(c.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
			// A busy or failed checkpoint is tried again at the next tick,
			// and the write connection's own checkpoint is the backstop.
			_, _ = c.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

func (c *checkpointer) stop() error {
	c.once.Do(func() { close(c.quit) })
	<-c.done
	return c.conn.Close()
}
