package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// The form fuzz targets post any body to the browser forms that parse
// what people type (login, the phone to verify, the code), with a valid
// CSRF token appended so that the body reaches the handler. The property:
// never a 5xx; a panic would be a 500.

func FuzzLoginForm(f *testing.F) {
	for _, body := range []string{
		"email=ada%40example.com&password=correct+horse+battery",
		"email=ada%40example.com&password=wrong+password+here&next=%2Fprojects%2F1",
		"email=nobody%40example.com&password=x",
		"email=&password=",
		"email=ada%40example.com&password=" + strings.Repeat("%F0%9F%94%91", 200),
		"next=%2F%2Fevil.example&email=ada%40example.com&password=correct+horse+battery",
		"next=%2F%5Cevil.example&email=ada%40example.com&password=correct+horse+battery",
		"email=%zz&password=%",
		"email=a;b&password=c",
		"email=%00%C0%AF&password=%FF%FE",
		"csrf_token=forged&email=ada%40example.com&password=correct+horse+battery",
	} {
		f.Add(body)
	}
	ff := newFormFuzz(f)
	// The appended token gets a body past the CSRF check to the handler.
	if code := ff.post(f, "/login", "email=ada%40example.com&password=correct+horse+battery", ff.anonCookie, ff.anonToken); code != http.StatusSeeOther {
		f.Fatalf("POST /login: %d, want 303", code)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ff.post(t, "/login", body, ff.anonCookie, ff.anonToken)
	})
}

func FuzzPhoneForm(f *testing.F) {
	for _, body := range []string{
		"phone=%2B14155552671&channel=sms",
		"phone=%2B14155552671&channel=call",
		"phone=415+555+2671&country=US&channel=sms",
		"phone=%2B44+20+7946+0958&channel=call",
		"phone=%2B1900555010&channel=sms",
		"phone=&channel=sms",
		"phone=%2B14155552671&channel=fax",
		"phone=" + strings.Repeat("9", 500) + "&channel=sms",
		"phone=%EF%BC%8B%EF%BC%91%EF%BC%94%EF%BC%91%EF%BC%95&channel=sms",
		"phone=tel%3A%2B1-415-555-2671%3Bext%3D1&channel=sms",
		"phone=%2B14155552671&country=ZZ&channel=sms",
		"phone=%zz&channel=%",
		"next=%2F%2Fevil.example&phone=%2B14155552671&channel=sms",
	} {
		f.Add(body)
	}
	ff := newFormFuzz(f)
	f.Fuzz(func(t *testing.T, body string) {
		ff.post(t, "/phone", body, ff.session, ff.sessionToken)
	})
}

func FuzzVerifyForm(f *testing.F) {
	for _, body := range []string{
		"code=123456",
		"code=+123+456+",
		"code=12-34-56",
		"code=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96",
		"code=",
		"code=" + strings.Repeat("1", 1000),
		"code=%zz",
		"emergency_code=ABCD-EFGH-JKMN-PQRS",
		"code=123456&code=654321",
	} {
		f.Add(body)
	}
	ff := newFormFuzz(f)
	// A challenge for the session, so that /verify checks codes.
	if code := ff.post(f, "/phone", "phone=%2B14155552671&channel=sms", ff.session, ff.sessionToken); code != http.StatusSeeOther {
		f.Fatalf("POST /phone: %d, want 303", code)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ff.post(t, "/verify", body, ff.session, ff.sessionToken)
	})
}

// formFuzz is a dev-mode server with a user, an anonymous visitor's CSRF
// cookie and token, and a logged-in session with its token.
type formFuzz struct {
	srv                 *handlers.Server
	anonCookie, session *http.Cookie
	anonToken           string // the anonymous CSRF token, paired with anonCookie
	sessionToken        string // the session's CSRF token
}

var formFuzzCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func newFormFuzz(f *testing.F) *formFuzz {
	f.Helper()
	ctx := context.Background()
	srv, db := newTestServer(f)
	now := testStart // the server's clock stands still
	hasher := phonegate.NewHasher(testArgon2)
	hash, err := hasher.Hash(ctx, "correct horse battery")
	if err != nil {
		f.Fatal(err)
	}
	u, err := db.CreateUser(ctx, "ada@example.com", hash, now)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.CreateProject(ctx, u.ID, "Apollo", now); err != nil {
		f.Fatal(err)
	}

	ff := &formFuzz{srv: srv}
	rec := ff.do(http.MethodGet, "/login", "", nil)
	ff.anonCookie = formFuzzCookie(f, rec, "phonegate_csrf")
	ff.anonToken = formFuzzToken(f, rec)
	form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrf_token": {ff.anonToken}}
	rec = ff.do(http.MethodPost, "/login", form.Encode(), ff.anonCookie)
	if rec.Code != http.StatusSeeOther {
		f.Fatalf("login: %d", rec.Code)
	}
	ff.session = formFuzzCookie(f, rec, "phonegate_session")
	rec = ff.do(http.MethodGet, "/phone", "", ff.session)
	if rec.Code != http.StatusOK {
		f.Fatalf("GET /phone: %d", rec.Code)
	}
	ff.sessionToken = formFuzzToken(f, rec)
	return ff
}

func (ff *formFuzz) do(method, path, body string, cookie *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	ff.srv.ServeHTTP(rec, req)
	return rec
}

// post sends body with the CSRF token appended, fails on a 5xx and
// returns the status.
func (ff *formFuzz) post(t testing.TB, path, body string, cookie *http.Cookie, token string) int {
	t.Helper()
	rec := ff.do(http.MethodPost, path, body+"&csrf_token="+url.QueryEscape(token), cookie)
	if rec.Code >= 500 {
		t.Fatalf("POST %s %q: status %d\n%s", path, body, rec.Code, rec.Body)
	}
	return rec.Code
}

func formFuzzCookie(f *testing.F, rec *httptest.ResponseRecorder, name string) *http.Cookie {
	f.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	f.Fatalf("no %s cookie", name)
	return nil
}

func formFuzzToken(f *testing.F, rec *httptest.ResponseRecorder) string {
	f.Helper()
	m := formFuzzCSRF.FindStringSubmatch(rec.Body.String())
	if m == nil {
		f.Fatal("no csrf_token field")
	}
	return m[1]
}
