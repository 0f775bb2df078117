package httpx

import (
	"net/http"
	"strings"
)

// StatusWriter remembers the status of an answer, for the access log.
type StatusWriter struct {
	http.ResponseWriter
	Status int
}

func (w *StatusWriter) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// LogPath is a request path as it may be logged: an invite link's path
// carries its token, which must not reach the logs.
func LogPath(p string) string {
	if strings.HasPrefix(p, "/invite/") {
		return "/invite/…"
	}
	return p
}
