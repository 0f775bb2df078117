package authz

import (
	"html/template"
	"net/http"
)

// forbiddenPage is the small page of a refusal. It is whole in itself (no
// layout, no stylesheet): it is shown on the app's host, through the
// proxy, where the gate's static files are not served.
var forbiddenPage = template.Must(template.New("forbidden").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not allowed</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Not allowed</h1>
{{if .}}<p>You are logged in, but your account is not a member of the project that protects this site.</p>
<p><a href="{{.}}">Log in as someone else</a></p>
{{else}}<p>This site is not protected by this gate, or the request did not come through a proxy the gate trusts.</p>
{{end}}</body></html>
`))

// forbidden answers 403 with the small page; login, when not "", is the
// link to log in as someone else (for a member of another project).
func forbidden(w http.ResponseWriter, login string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	_ = forbiddenPage.Execute(w, login)
}
