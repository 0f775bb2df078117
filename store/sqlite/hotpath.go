package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// hotPath holds, for one DB, the prepared statements of the webhook hot
// path, the cache of what never changes for a delivery, and the replay
// hints of status updates.
type hotPath struct {
	// On the write connection, run inside the batcher's transaction.
	advance, event, current, challengeUser, userAudit *sql.Stmt
	// On the read pool.
	voice, voiceState, currentRead *sql.Stmt

	mu     sync.Mutex
	static map[string]voiceStatic
	ranks  map[string]int // per delivery, a status rank known to be committed
}

// newHotPath prepares the hot path's statements, once, when the database
// opens.
func newHotPath(ctx context.Context, write, read *sql.DB) (*hotPath, error) {
	h := &hotPath{static: make(map[string]voiceStatic), ranks: make(map[string]int)}
	for _, s := range []struct {
		stmt  **sql.Stmt
		db    *sql.DB
		query string
	}{
		{&h.advance, write, advanceSQL},
		{&h.event, write, eventSQL},
		{&h.current, write, currentSQL},
		{&h.challengeUser, write, challengeUserSQL},
		{&h.userAudit, write, userAuditSQL},
		{&h.voice, read, voiceSQL},
		{&h.voiceState, read, voiceStateSQL},
		{&h.currentRead, read, currentSQL},
	} {
		st, err := s.db.PrepareContext(ctx, s.query)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("store: prepare: %w", err), h.close())
		}
		*s.stmt = st
	}
	return h, nil
}

// close closes the statements prepared so far.
func (h *hotPath) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{h.advance, h.event, h.current, h.challengeUser, h.userAudit, h.voice, h.voiceState, h.currentRead} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// read runs a prepared read on the read pool. The reads of the hot path
// take microseconds; with a context that can be cancelled, database/sql
// would start a goroutine per query to watch it.
func read(ctx context.Context, st *sql.Stmt, args ...any) *sql.Row {
	return st.QueryRowContext(context.WithoutCancel(ctx), args...)
}

type voiceStatic struct{ challengeID, channel, label string }

// maxStatic bounds the cache. Deliveries live minutes, so dropping the
// whole cache when it fills costs one fuller read per live call, and no more.
const maxStatic = 4096

func (h *hotPath) cached(id string) (voiceStatic, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.static[id]
	return st, ok
}

func (h *hotPath) remember(id string, st voiceStatic) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.static) >= maxStatic {
		clear(h.static)
	}
	h.static[id] = st
}
