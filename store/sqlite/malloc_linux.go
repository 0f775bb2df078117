//go:build linux && cgo

package sqlite

/*
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// phonegate_one_arena keeps C allocations in glibc's main arena. glibc
// gives each thread that allocates an arena of its own, up to eight a
// core, and the Go runtime calls SQLite from any of its threads: each
// arena then keeps the page-cache blocks freed into it, which the others
// cannot reuse. SQLite takes its own mutex around every allocation while
// it counts memory (SQLITE_DEFAULT_MEMSTATUS, on in this build), so more
// arenas buy it no concurrency. glibc fixes its arena limit at the first
// allocation of a second thread, which comes before any Go code runs, so
// this is a constructor: it runs when the program is loaded. On a C
// library without M_ARENA_MAX it does nothing.
__attribute__((constructor)) static void phonegate_one_arena(void) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 1);
#endif
}

// phonegate_malloc_heaps counts the arenas in glibc's own report, for the
// test that checks the setting holds; -1 when the report is unavailable.
static int phonegate_malloc_heaps(void) {
#ifdef M_ARENA_MAX
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) return -1;
	if (malloc_info(0, f) != 0) { fclose(f); free(buf); return -1; }
	fclose(f);
	int n = 0;
	for (char *p = buf; (p = strstr(p, "<heap nr=")) != NULL; p++) n++;
	free(buf);
	return n;
#else
	return -1;
#endif
}
*/
import "C"

// mallocArenas returns the number of glibc malloc arenas in use, or -1
// when the C library cannot say.
func mallocArenas() int { return int(C.phonegate_malloc_heaps()) }
