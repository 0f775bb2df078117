package verify

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// authed checks the request's HTTP Basic credentials (an API key's SID and
// secret, or the project's account SID and a key's secret: see
// phonegate.Service.AuthenticateAPI) and runs h for the key's project.
// Missing or wrong credentials get 401 with Twilio's 20003 and a
// WWW-Authenticate challenge; too many failures from the key or the
// address, 429 with 20429. Every answer is kept out of caches.
func (a *API) authed(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		user, secret, ok := r.BasicAuth()
		if !ok {
			a.unauthorized(w)
			return
		}
		addr := httpx.AddrBucket(a.proxies.ClientAddr(r))
		p, err := a.svc.AuthenticateAPI(r.Context(), user, secret, addr)
		if err != nil {
			if errors.Is(err, phonegate.ErrAPIAuth) {
				a.unauthorized(w)
				return
			}
			a.fail(w, r, err)
			return
		}
		if err := h(w, r, p); err != nil {
			a.fail(w, r, err)
		}
	})
}

// unauthorized answers 401 with Twilio's 20003.
func (a *API) unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	writeError(w, errAuthenticate)
}
