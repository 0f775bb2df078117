package sqlite

import "strconv"

// The page cache of each connection lives outside Go's heap, so the
// server's soft memory limit does not bound it: SQLite's default is up to
// 2 MiB a connection, and the store holds seven (the writer, a reader per
// core and at least four, the checkpointer, the data-version connection).
// With the readers at that default, the server's peak RSS under the load
// tool's voice and status load (21,000 deliveries) was 3 to 7 MiB higher
// than with the sizes below. A reader asks for a few rows by key, whose interior pages stay cached in
// far less; the pages it misses are in the operating system's cache, a
// read away. So the readers keep 1 MiB each, the checkpointer (which
// copies pages and reads few) and the data-version connection (which reads
// none) less; the writer keeps SQLite's default, since every status
// callback's transaction goes through it (BENCHMARKS.md, "Peak RSS").
const (
	readerCacheKiB     = 1024
	checkpointCacheKiB = 256
	versionCacheKiB    = 64
)

// cacheParam is the DSN parameter that sets a connection's page cache to
// kib KiB (a negative cache_size is a size in KiB, not in pages).
func cacheParam(kib int) string { return "&_cache_size=-" + strconv.Itoa(kib) }
